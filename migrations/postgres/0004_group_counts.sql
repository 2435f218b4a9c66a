-- Members per (group, role, status), kept by triggers like membership_counts (0003), so the
-- users list's total for a group filter (with or without status and role) is one lookup.
-- Only members of the group's project count. Each change is counted once whichever of the
-- membership and the group membership goes first (deleting a user cascades to both). Deletes
-- are counted BEFORE the row goes: the AFTER triggers of cascaded deletes run only once both
-- cascades are done, when neither row could find the other any more.
CREATE TABLE group_counts (
    group_id  BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    role_id   BIGINT NOT NULL,
    status    TEXT   NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (group_id, role_id, status)
);

INSERT INTO group_counts (group_id, role_id, status, n)
SELECT gm.group_id, m.role_id, m.status, COUNT(*) FROM group_members gm
  JOIN groups g ON g.id = gm.group_id
  JOIN memberships m ON m.project_id = g.project_id AND m.user_id = gm.user_id
 GROUP BY gm.group_id, m.role_id, m.status;

CREATE FUNCTION group_counts_member() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE group_counts gc SET n = gc.n - 1
          FROM groups g JOIN memberships m ON m.project_id = g.project_id
         WHERE g.id = OLD.group_id AND m.user_id = OLD.user_id
           AND gc.group_id = OLD.group_id AND gc.role_id = m.role_id AND gc.status = m.status;
        RETURN OLD;
    ELSE
        INSERT INTO group_counts (group_id, role_id, status, n)
        SELECT NEW.group_id, m.role_id, m.status, 1 FROM groups g
          JOIN memberships m ON m.project_id = g.project_id AND m.user_id = NEW.user_id
         WHERE g.id = NEW.group_id
        ON CONFLICT (group_id, role_id, status) DO UPDATE SET n = group_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER group_counts_member_insert AFTER INSERT ON group_members
    FOR EACH ROW EXECUTE FUNCTION group_counts_member();
CREATE TRIGGER group_counts_member_delete BEFORE DELETE ON group_members
    FOR EACH ROW EXECUTE FUNCTION group_counts_member();

CREATE FUNCTION group_counts_membership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE group_counts gc SET n = gc.n - 1
          FROM group_members gm JOIN groups g ON g.id = gm.group_id
         WHERE gm.user_id = OLD.user_id AND g.project_id = OLD.project_id
           AND gc.group_id = gm.group_id AND gc.role_id = OLD.role_id AND gc.status = OLD.status;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO group_counts (group_id, role_id, status, n)
        SELECT gm.group_id, NEW.role_id, NEW.status, 1 FROM group_members gm
          JOIN groups g ON g.id = gm.group_id
         WHERE gm.user_id = NEW.user_id AND g.project_id = NEW.project_id
        ON CONFLICT (group_id, role_id, status) DO UPDATE SET n = group_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER group_counts_membership AFTER INSERT OR UPDATE OF role_id, status ON memberships
    FOR EACH ROW EXECUTE FUNCTION group_counts_membership();
CREATE TRIGGER group_counts_membership_delete BEFORE DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION group_counts_membership();
