-- Query views (1.5.1): the birth certificate number as the query compiler reads it on SQLite.
CREATE INDEX cases_birth_certificate_idx ON cases (json_extract(ministry, '$.certificate.Number'));
