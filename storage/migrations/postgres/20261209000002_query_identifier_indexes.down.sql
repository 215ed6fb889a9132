DROP INDEX IF EXISTS cases_certificate_number_idx;
DROP INDEX IF EXISTS cases_idcard_number_idx;
DROP INDEX IF EXISTS cases_migration_licence_idx;
