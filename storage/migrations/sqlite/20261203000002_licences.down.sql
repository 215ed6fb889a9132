DROP TABLE IF EXISTS case_licences;

--bun:split
DROP TABLE IF EXISTS licences;
