DROP TABLE case_keys;
