-- Substring search over users' email and name: a pg_trgm GIN index, so "smith" or
-- "@example.org" (ILIKE '%…%') finds matches without reading every row. SQLite's equivalent
-- is an FTS5 trigram table. pg_trgm is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX users_search ON users
    USING gin ((email || ' ' || first_name || ' ' || last_name) gin_trgm_ops);
