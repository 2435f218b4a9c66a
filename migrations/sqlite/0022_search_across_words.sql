-- PostgreSQL's 0022 lets its trigram index see across the separators in a text; SQLite's FTS5
-- trigram table (users_search) always has, so nothing changes here. The file keeps both
-- histories numbered alike.
SELECT 1;
