-- The seal picker (5.1.2): an operator with several personal seals chooses
-- the one that signs; the personal seal with the latest chosen_at is the
-- user's choice (none chosen: the newest signs).
ALTER TABLE seals ADD COLUMN chosen_at timestamptz;
