-- SQLite's 0017 drops planner statistics written by an earlier version; PostgreSQL keeps its
-- own (autovacuum), so nothing changes here. The file keeps both histories numbered alike.
SELECT 1;
