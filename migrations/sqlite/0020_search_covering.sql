-- A search that many rows match is a test of each row read in the view's order (users::plan).
-- Sorted by when people joined, when they last signed in, by status or by role, those orders'
-- indexes held only the sort's columns, so each row read was a lookup of the table's row for
-- its email and name: about three times the cost of reading the index entry. With both
-- columns at the end of the index, a row that does not match is passed over in the index, and
-- the page's ids come from the index alone. (The email and name indexes already carry each
-- other, 0018.) Each of these indexes grows by the two columns: about 45 MB per million members.
DROP INDEX memberships_by_created;
CREATE INDEX memberships_by_created ON memberships (project_id, created_at, user_id, email, name_key);
DROP INDEX memberships_by_last_sign_in;
CREATE INDEX memberships_by_last_sign_in ON memberships (project_id, last_sign_in_at, user_id, email, name_key);
DROP INDEX memberships_by_status;
CREATE INDEX memberships_by_status ON memberships (project_id, status, created_at, user_id, email, name_key);
DROP INDEX memberships_by_role;
CREATE INDEX memberships_by_role ON memberships (project_id, role_id, created_at, user_id, email, name_key);
-- The planner's assumptions (0017), for the wider indexes.
DELETE FROM sqlite_stat1 WHERE idx IN ('memberships_by_created', 'memberships_by_last_sign_in',
    'memberships_by_status', 'memberships_by_role');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('memberships', 'memberships_by_created', '1000000 100000 1 1 1 1'),
    ('memberships', 'memberships_by_last_sign_in', '1000000 100000 10 1 1 1'),
    ('memberships', 'memberships_by_status', '1000000 100000 30000 1 1 1 1'),
    ('memberships', 'memberships_by_role', '1000000 100000 30000 1 1 1 1');
