-- A group's members carry a copy of their membership's list columns (as memberships carry
-- the user's, 0001), with an index per sort, so a group's users list (any sort, status or
-- role, any page) is one range of one index here: a page deep in a group of 300,000 skips
-- index entries instead of collecting and sorting the group or probing it for each member of
-- the project. project_id is NULL while the person has no membership in the group's project
-- (the two may be added in either order); the list then leaves the row out, as before.
-- Triggers keep the copy, whichever row changes.
ALTER TABLE group_members ADD COLUMN project_id INTEGER;
ALTER TABLE group_members ADD COLUMN role_id INTEGER;
ALTER TABLE group_members ADD COLUMN email TEXT;
ALTER TABLE group_members ADD COLUMN name_key TEXT;
ALTER TABLE group_members ADD COLUMN status TEXT;
ALTER TABLE group_members ADD COLUMN created_at INTEGER;
ALTER TABLE group_members ADD COLUMN last_sign_in_at INTEGER;

UPDATE group_members SET (project_id, role_id, email, name_key, status, created_at, last_sign_in_at) =
    (SELECT m.project_id, m.role_id, m.email, m.name_key, m.status, m.created_at, m.last_sign_in_at
       FROM groups g JOIN memberships m ON m.project_id = g.project_id AND m.user_id = group_members.user_id
      WHERE g.id = group_members.group_id);

-- Each index holds the status, role and project after the user id, so the view's other
-- filters are tested from the index too.
CREATE INDEX group_members_by_email ON group_members (group_id, email, user_id, status, role_id, project_id);
CREATE INDEX group_members_by_name ON group_members (group_id, name_key, user_id, status, role_id, project_id);
CREATE INDEX group_members_by_created ON group_members (group_id, created_at, user_id, status, role_id, project_id);
CREATE INDEX group_members_by_sign_in ON group_members (group_id, last_sign_in_at, user_id, status, role_id, project_id);
CREATE INDEX group_members_by_status ON group_members (group_id, status, created_at, user_id, role_id, project_id);
CREATE INDEX group_members_by_role ON group_members (group_id, role_id, created_at, user_id, status, project_id);

CREATE TRIGGER group_members_copy_insert AFTER INSERT ON group_members BEGIN
    UPDATE group_members SET (project_id, role_id, email, name_key, status, created_at, last_sign_in_at) =
        (SELECT m.project_id, m.role_id, m.email, m.name_key, m.status, m.created_at, m.last_sign_in_at
           FROM groups g JOIN memberships m ON m.project_id = g.project_id AND m.user_id = new.user_id
          WHERE g.id = new.group_id)
     WHERE group_id = new.group_id AND user_id = new.user_id;
END;

CREATE TRIGGER group_members_copy_membership_insert AFTER INSERT ON memberships BEGIN
    UPDATE group_members SET (project_id, role_id, email, name_key, status, created_at, last_sign_in_at) =
        (new.project_id, new.role_id, new.email, new.name_key, new.status, new.created_at, new.last_sign_in_at)
     WHERE user_id = new.user_id AND group_id IN (SELECT id FROM groups WHERE project_id = new.project_id);
END;

CREATE TRIGGER group_members_copy_membership_update
AFTER UPDATE OF role_id, email, name_key, status, created_at, last_sign_in_at ON memberships BEGIN
    UPDATE group_members SET (project_id, role_id, email, name_key, status, created_at, last_sign_in_at) =
        (new.project_id, new.role_id, new.email, new.name_key, new.status, new.created_at, new.last_sign_in_at)
     WHERE user_id = new.user_id AND group_id IN (SELECT id FROM groups WHERE project_id = new.project_id);
END;

CREATE TRIGGER group_members_copy_membership_delete AFTER DELETE ON memberships BEGIN
    UPDATE group_members SET (project_id, role_id, email, name_key, status, created_at, last_sign_in_at) =
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL)
     WHERE user_id = old.user_id AND group_id IN (SELECT id FROM groups WHERE project_id = old.project_id);
END;
