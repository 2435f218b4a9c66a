-- Members per (group, role, status), kept by triggers like membership_counts (0003), so the
-- users list's total for a group filter (with or without status and role) is one lookup.
-- Only members of the group's project count. Each change is counted once whichever of the
-- membership and the group membership goes first (deleting a user cascades to both).
CREATE TABLE group_counts (
    group_id  INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    role_id   INTEGER NOT NULL,
    status    TEXT    NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (group_id, role_id, status)
);

INSERT INTO group_counts (group_id, role_id, status, n)
SELECT gm.group_id, m.role_id, m.status, COUNT(*) FROM group_members gm
  JOIN groups g ON g.id = gm.group_id
  JOIN memberships m ON m.project_id = g.project_id AND m.user_id = gm.user_id
 GROUP BY gm.group_id, m.role_id, m.status;

CREATE TRIGGER group_counts_member_insert AFTER INSERT ON group_members BEGIN
    INSERT INTO group_counts (group_id, role_id, status, n)
    SELECT new.group_id, m.role_id, m.status, 1 FROM groups g
      JOIN memberships m ON m.project_id = g.project_id AND m.user_id = new.user_id
     WHERE g.id = new.group_id
    ON CONFLICT (group_id, role_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER group_counts_member_delete AFTER DELETE ON group_members BEGIN
    UPDATE group_counts SET n = n - 1
     WHERE group_id = old.group_id
       AND (role_id, status) = (SELECT m.role_id, m.status FROM groups g
                                  JOIN memberships m ON m.project_id = g.project_id AND m.user_id = old.user_id
                                 WHERE g.id = old.group_id);
END;

CREATE TRIGGER group_counts_membership_insert AFTER INSERT ON memberships BEGIN
    INSERT INTO group_counts (group_id, role_id, status, n)
    SELECT gm.group_id, new.role_id, new.status, 1 FROM group_members gm
      JOIN groups g ON g.id = gm.group_id
     WHERE gm.user_id = new.user_id AND g.project_id = new.project_id
    ON CONFLICT (group_id, role_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER group_counts_membership_delete AFTER DELETE ON memberships BEGIN
    UPDATE group_counts SET n = n - 1
     WHERE role_id = old.role_id AND status = old.status
       AND group_id IN (SELECT gm.group_id FROM group_members gm JOIN groups g ON g.id = gm.group_id
                         WHERE gm.user_id = old.user_id AND g.project_id = old.project_id);
END;

CREATE TRIGGER group_counts_membership_update AFTER UPDATE OF role_id, status ON memberships BEGIN
    UPDATE group_counts SET n = n - 1
     WHERE role_id = old.role_id AND status = old.status
       AND group_id IN (SELECT gm.group_id FROM group_members gm JOIN groups g ON g.id = gm.group_id
                         WHERE gm.user_id = old.user_id AND g.project_id = old.project_id);
    INSERT INTO group_counts (group_id, role_id, status, n)
    SELECT gm.group_id, new.role_id, new.status, 1 FROM group_members gm
      JOIN groups g ON g.id = gm.group_id
     WHERE gm.user_id = new.user_id AND g.project_id = new.project_id
    ON CONFLICT (group_id, role_id, status) DO UPDATE SET n = n + 1;
END;
