DROP INDEX IF EXISTS audit_log_verify_addr_idx;
