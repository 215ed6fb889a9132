DROP TABLE IF EXISTS resident_moves;
--bun:split
ALTER TABLE households DROP COLUMN IF EXISTS closed_at;
