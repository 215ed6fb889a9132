-- Query views (1.5.1): a prefix or equality condition on the birth certificate number (domain/birth/query.go,
-- stored in the case's ministry document) uses this expression index; measured at 200 k cases, such a page
-- takes 0.7 ms with it and 0.9 s without (storage/query_scale_test.go). The expression is the one the query
-- compiler emits (storage/query.go), so the planner matches it. At 1 M cases, sorted by updated_at with LIMIT,
-- the planner still preferred walking cases_kind_updated_idx (6.8 s): see issue 15's remaining work.
CREATE INDEX cases_birth_certificate_idx ON cases (((ministry::jsonb #>> '{certificate,Number}')) text_pattern_ops)
    WHERE kind = 'BIRTH';
