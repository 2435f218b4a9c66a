-- A search of one or two characters matches the start of the email or of the name. Sorted by
-- email, the email matches are one range of the email index, read in order; the name matches
-- whose email does not match are found in the name index, and with the email in that index
-- the test needs no row. The same holds the other way round. So each index carries the other
-- column after the user id (which keeps its order: the user id is unique in a project).
DROP INDEX memberships_by_email;
CREATE INDEX memberships_by_email ON memberships (project_id, email, user_id, name_key);
DROP INDEX memberships_by_name;
CREATE INDEX memberships_by_name ON memberships (project_id, name_key, user_id, email);
-- A view filtered by both a status and a role and sorted by email, name or last sign-in reads
-- one of the two ranges in order (the other has no index in that order) and tests the other
-- filter on each row; with that column in the index, the test needs no row, so a deep page
-- skips index entries only.
DROP INDEX memberships_status_email;
CREATE INDEX memberships_status_email ON memberships (project_id, status, email, user_id, role_id);
DROP INDEX memberships_status_name;
CREATE INDEX memberships_status_name ON memberships (project_id, status, name_key, user_id, role_id);
DROP INDEX memberships_status_sign_in;
CREATE INDEX memberships_status_sign_in ON memberships (project_id, status, last_sign_in_at, user_id, role_id);
DROP INDEX memberships_role_email;
CREATE INDEX memberships_role_email ON memberships (project_id, role_id, email, user_id, status);
DROP INDEX memberships_role_name;
CREATE INDEX memberships_role_name ON memberships (project_id, role_id, name_key, user_id, status);
DROP INDEX memberships_role_sign_in;
CREATE INDEX memberships_role_sign_in ON memberships (project_id, role_id, last_sign_in_at, user_id, status);
-- The planner's assumptions (0017), for the wider indexes.
DELETE FROM sqlite_stat1 WHERE idx IN ('memberships_by_email', 'memberships_by_name',
    'memberships_status_email', 'memberships_status_name', 'memberships_status_sign_in',
    'memberships_role_email', 'memberships_role_name', 'memberships_role_sign_in');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('memberships', 'memberships_by_email', '1000000 100000 1 1 1'),
    ('memberships', 'memberships_by_name', '1000000 100000 10 1 1'),
    ('memberships', 'memberships_status_email', '1000000 100000 30000 1 1 1'),
    ('memberships', 'memberships_status_name', '1000000 100000 30000 10 1 1'),
    ('memberships', 'memberships_status_sign_in', '1000000 100000 30000 10 1 1'),
    ('memberships', 'memberships_role_email', '1000000 100000 30000 1 1 1'),
    ('memberships', 'memberships_role_name', '1000000 100000 30000 10 1 1'),
    ('memberships', 'memberships_role_sign_in', '1000000 100000 30000 10 1 1');
