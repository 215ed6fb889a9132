DROP INDEX IF EXISTS cases_birth_certificate_idx;
