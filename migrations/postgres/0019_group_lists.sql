-- A group's members carry a copy of their membership's list columns (as memberships carry
-- the user's, 0001), with an index per sort, so a group's users list (any sort, status or
-- role, any page) is one range of one index here: a page deep in a group of 300,000 skips
-- index entries instead of collecting and sorting the group or probing it for each member of
-- the project. project_id is NULL while the person has no membership in the group's project
-- (the two may be added in either order); the list then leaves the row out, as before.
-- Triggers keep the copy, whichever row changes.
ALTER TABLE group_members
    ADD COLUMN project_id BIGINT,
    ADD COLUMN role_id BIGINT,
    ADD COLUMN email TEXT,
    ADD COLUMN name_key TEXT,
    ADD COLUMN status TEXT,
    ADD COLUMN created_at BIGINT,
    ADD COLUMN last_sign_in_at BIGINT;

UPDATE group_members gm
   SET project_id = m.project_id, role_id = m.role_id, email = m.email, name_key = m.name_key,
       status = m.status, created_at = m.created_at, last_sign_in_at = m.last_sign_in_at
  FROM groups g JOIN memberships m ON m.project_id = g.project_id
 WHERE g.id = gm.group_id AND m.user_id = gm.user_id;

-- Each index holds the status, role and project after the user id, so the view's other
-- filters are tested from the index too.
CREATE INDEX group_members_by_email ON group_members (group_id, email, user_id, status, role_id, project_id);
CREATE INDEX group_members_by_name ON group_members (group_id, name_key, user_id, status, role_id, project_id);
CREATE INDEX group_members_by_created ON group_members (group_id, created_at, user_id, status, role_id, project_id);
CREATE INDEX group_members_by_sign_in ON group_members (group_id, last_sign_in_at, user_id, status, role_id, project_id);
CREATE INDEX group_members_by_status ON group_members (group_id, status, created_at, user_id, role_id, project_id);
CREATE INDEX group_members_by_role ON group_members (group_id, role_id, created_at, user_id, status, project_id);

CREATE FUNCTION group_members_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT m.project_id, m.role_id, m.email, m.name_key, m.status, m.created_at, m.last_sign_in_at
      INTO NEW.project_id, NEW.role_id, NEW.email, NEW.name_key, NEW.status, NEW.created_at, NEW.last_sign_in_at
      FROM groups g JOIN memberships m ON m.project_id = g.project_id AND m.user_id = NEW.user_id
     WHERE g.id = NEW.group_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER group_members_copy BEFORE INSERT ON group_members
    FOR EACH ROW EXECUTE FUNCTION group_members_copy();

CREATE FUNCTION group_members_copy_membership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE group_members
           SET project_id = NULL, role_id = NULL, email = NULL, name_key = NULL, status = NULL,
               created_at = NULL, last_sign_in_at = NULL
         WHERE user_id = OLD.user_id
           AND group_id IN (SELECT id FROM groups WHERE project_id = OLD.project_id);
        RETURN NULL;
    END IF;
    UPDATE group_members
       SET project_id = NEW.project_id, role_id = NEW.role_id, email = NEW.email,
           name_key = NEW.name_key, status = NEW.status, created_at = NEW.created_at,
           last_sign_in_at = NEW.last_sign_in_at
     WHERE user_id = NEW.user_id
       AND group_id IN (SELECT id FROM groups WHERE project_id = NEW.project_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER group_members_copy_membership
    AFTER INSERT OR DELETE OR UPDATE OF role_id, email, name_key, status, created_at, last_sign_in_at
    ON memberships FOR EACH ROW EXECUTE FUNCTION group_members_copy_membership();
