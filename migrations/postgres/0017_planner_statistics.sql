-- SQLite's 0017 writes its planner's assumptions about the memberships table; PostgreSQL
-- measures its own (autovacuum), so nothing changes here. The file keeps both histories
-- numbered alike.
SELECT 1;
