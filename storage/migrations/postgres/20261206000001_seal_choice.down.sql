ALTER TABLE seals DROP COLUMN chosen_at;
