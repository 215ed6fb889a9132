ALTER TABLE online_applications DROP COLUMN counter_corrections;
