-- The users list filtered by status or role and sorted by another column (users::list): one
-- index per pair, so a page deep in "invited, by email" skips index entries instead of
-- reading the whole email index and testing each row. Status with created and role with
-- created were already memberships_by_status and memberships_by_role.
CREATE INDEX memberships_status_email ON memberships (project_id, status, email, user_id);
CREATE INDEX memberships_status_name ON memberships (project_id, status, name_key, user_id);
CREATE INDEX memberships_status_sign_in ON memberships (project_id, status, last_sign_in_at, user_id);
CREATE INDEX memberships_status_role ON memberships (project_id, status, role_id, created_at, user_id);
CREATE INDEX memberships_role_email ON memberships (project_id, role_id, email, user_id);
CREATE INDEX memberships_role_name ON memberships (project_id, role_id, name_key, user_id);
CREATE INDEX memberships_role_sign_in ON memberships (project_id, role_id, last_sign_in_at, user_id);
CREATE INDEX memberships_role_status ON memberships (project_id, role_id, status, created_at, user_id);
