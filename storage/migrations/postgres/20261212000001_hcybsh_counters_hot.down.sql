ALTER TABLE hcybsh_counters RESET (fillfactor);
