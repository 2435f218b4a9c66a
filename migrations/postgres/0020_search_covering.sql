-- A search that many rows match is a test of each row read in the view's order (users::plan).
-- Sorted by when people joined, when they last signed in, by status or by role, those orders'
-- indexes held only the sort's columns, so each row read was a fetch of the table's row for
-- its email and name. With both columns in the index, an index-only scan tests the search
-- without the table's rows. (The email and name indexes already carry each other, 0018.)
DROP INDEX memberships_by_created;
CREATE INDEX memberships_by_created ON memberships (project_id, created_at, user_id, email, name_key);
DROP INDEX memberships_by_last_sign_in;
CREATE INDEX memberships_by_last_sign_in ON memberships (project_id, last_sign_in_at, user_id, email, name_key);
DROP INDEX memberships_by_status;
CREATE INDEX memberships_by_status ON memberships (project_id, status, created_at, user_id, email, name_key);
DROP INDEX memberships_by_role;
CREATE INDEX memberships_by_role ON memberships (project_id, role_id, created_at, user_id, email, name_key);
