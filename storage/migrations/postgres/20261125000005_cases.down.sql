DROP TABLE IF EXISTS case_actions;
--bun:split
DROP FUNCTION IF EXISTS case_actions_append_only();
--bun:split
DROP TABLE IF EXISTS cases;
