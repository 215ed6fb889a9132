-- PostgreSQL only (a fillfactor for HOT updates of hcybsh_counters); nothing to do on SQLite.
SELECT 1;
