DROP TRIGGER IF EXISTS residents_hcybsh_given;
--bun:split
DROP TRIGGER IF EXISTS residents_hcybsh;
--bun:split
DROP TABLE IF EXISTS hcybsh_runs;
--bun:split
DROP TABLE IF EXISTS hcybsh_counters;
