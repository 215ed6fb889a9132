DROP TABLE IF EXISTS case_forwards;
