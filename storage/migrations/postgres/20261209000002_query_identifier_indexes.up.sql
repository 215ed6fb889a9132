-- Query views (issue 15): expression indexes on the kinds' selective identifiers, as the query compiler reads
-- them (#>> after ::jsonb; text_pattern_ops serves = and prefix). Measured on 300 k seeded cases (hukou seed
-- cases): the migration licence number (= one value) took 470–590 ms per page without an index and 0.09 ms
-- with it (3 MB). A code field such as the migration category (a sixth of the kind's cases) needs none: the
-- page walks cases_kind_updated_idx and filters, 1–4 ms.
CREATE INDEX cases_migration_licence_idx ON cases ((("result"::jsonb #>> '{certificate,licenceId}')) text_pattern_ops);
CREATE INDEX cases_idcard_number_idx ON cases ((("result"::jsonb #>> '{production,cardNumber}')) text_pattern_ops);
CREATE INDEX cases_certificate_number_idx ON cases ((("result"::jsonb #>> '{certificate,number}')) text_pattern_ops);
