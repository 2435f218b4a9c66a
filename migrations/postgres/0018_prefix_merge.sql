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
