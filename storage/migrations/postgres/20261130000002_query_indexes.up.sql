-- Query views (1.5.1): a prefix or equality condition on the birth certificate number (domain/birth/query.go,
-- stored in the case's ministry document) uses this expression index. The expression is the one the query
-- compiler emits (storage/query.go), so the planner matches it. It is not partial on purpose: PostgreSQL
-- estimates a condition on an expression from the statistics of a non-partial index on it only; with a
-- partial index the estimate stayed at its default (0.5 %), and at 1 M cases a page sorted by updated_at
-- walked cases_kind_updated_idx for 6–8 s. With this one the same page takes 0.2 ms (EXPLAIN ANALYZE; see
-- storage/query_scale_test.go).
CREATE INDEX cases_birth_certificate_idx ON cases (((ministry::jsonb #>> '{certificate,Number}')) text_pattern_ops);
