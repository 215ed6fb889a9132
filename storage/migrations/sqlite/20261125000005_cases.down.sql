DROP TABLE IF EXISTS case_actions;
--bun:split
DROP TABLE IF EXISTS cases;
