-- Query views (issue 15): the kinds' selective identifiers as the query compiler reads them on SQLite (see the
-- PostgreSQL migration for the measurement).
CREATE INDEX cases_migration_licence_idx ON cases (json_extract(result, '$.certificate.licenceId'));

--bun:split
CREATE INDEX cases_idcard_number_idx ON cases (json_extract(result, '$.production.cardNumber'));

--bun:split
CREATE INDEX cases_certificate_number_idx ON cases (json_extract(result, '$.certificate.number'));
