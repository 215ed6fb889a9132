DROP TRIGGER IF EXISTS residents_hcybsh ON residents;
--bun:split
DROP FUNCTION IF EXISTS residents_hcybsh_fill();
--bun:split
DROP TABLE IF EXISTS hcybsh_runs;
--bun:split
DROP TABLE IF EXISTS hcybsh_counters;
