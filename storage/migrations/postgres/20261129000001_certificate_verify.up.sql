-- Public certificate verification (issue 13) is throttled per client address by its failed
-- answers, counted from the audit log like failed sign-ins.
CREATE INDEX audit_log_verify_addr_idx ON audit_log (remote_addr, id) WHERE operation = 'verifyCertificate';
