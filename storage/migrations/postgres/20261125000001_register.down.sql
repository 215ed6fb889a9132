DROP TABLE IF EXISTS residents;
--bun:split
DROP TABLE IF EXISTS households;
--bun:split
DROP TABLE IF EXISTS addresses;
--bun:split
DROP TABLE IF EXISTS offices;
