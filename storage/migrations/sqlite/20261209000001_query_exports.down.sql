DROP TABLE IF EXISTS query_exports;
