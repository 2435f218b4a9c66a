-- What SQLite's planner assumes about the memberships table, written once here rather than
-- measured, so that its choices do not depend on when statistics were last gathered.
--
-- Without statistics SQLite assumes that an equality on an index's first column leaves about
-- ten rows. Here that column is the project, which may hold a million members, so a lookup by
-- (project, email) went to the status × email index (it covers email and status) and read the
-- whole project: a 100,000-row import review at a million members took 22 s instead of 3.
-- Statistics gathered when the tables were nearly empty (an earlier version ran
-- PRAGMA optimize at first start) were as wrong the other way: that import took twice as long.
--
-- The figures describe a large project: 1,000,000 members, 100,000 per project on average,
-- 30,000 per status or role, one per email or created time, ten per name or sign-in time.
-- `ANALYZE` (as `seed-demo` runs) replaces them with measured ones, which is as good.
DROP TABLE IF EXISTS sqlite_stat4;
DROP TABLE IF EXISTS sqlite_stat1;
-- Creates an empty sqlite_stat1 (the schema table has no index to measure).
ANALYZE sqlite_schema;
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('memberships', 'sqlite_autoindex_memberships_1', '1000000 100000 1'),
    ('memberships', 'memberships_user', '1000000 2'),
    ('memberships', 'memberships_role', '1000000 30000'),
    ('memberships', 'memberships_by_email', '1000000 100000 1 1'),
    ('memberships', 'memberships_by_name', '1000000 100000 10 1'),
    ('memberships', 'memberships_by_created', '1000000 100000 1 1'),
    ('memberships', 'memberships_by_last_sign_in', '1000000 100000 10 1'),
    ('memberships', 'memberships_by_status', '1000000 100000 30000 1 1'),
    ('memberships', 'memberships_by_role', '1000000 100000 30000 1 1'),
    ('memberships', 'memberships_status_email', '1000000 100000 30000 1 1'),
    ('memberships', 'memberships_status_name', '1000000 100000 30000 10 1'),
    ('memberships', 'memberships_status_sign_in', '1000000 100000 30000 10 1'),
    ('memberships', 'memberships_status_role', '1000000 100000 30000 10000 1 1'),
    ('memberships', 'memberships_role_email', '1000000 100000 30000 1 1'),
    ('memberships', 'memberships_role_name', '1000000 100000 30000 10 1'),
    ('memberships', 'memberships_role_sign_in', '1000000 100000 30000 10 1'),
    ('memberships', 'memberships_role_status', '1000000 100000 30000 10000 1 1');
