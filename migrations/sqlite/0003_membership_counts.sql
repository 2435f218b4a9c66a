-- Members per (project, role, status), kept by triggers, so the users list's totals for "all",
-- a status and a role are one lookup instead of counting up to millions of index entries.
CREATE TABLE membership_counts (
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    role_id     INTEGER NOT NULL,
    status      TEXT    NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (project_id, role_id, status)
);

INSERT INTO membership_counts (project_id, role_id, status, n)
SELECT project_id, role_id, status, COUNT(*) FROM memberships GROUP BY project_id, role_id, status;

CREATE TRIGGER membership_counts_insert AFTER INSERT ON memberships BEGIN
    INSERT INTO membership_counts (project_id, role_id, status, n) VALUES (new.project_id, new.role_id, new.status, 1)
    ON CONFLICT (project_id, role_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER membership_counts_delete AFTER DELETE ON memberships BEGIN
    UPDATE membership_counts SET n = n - 1
     WHERE project_id = old.project_id AND role_id = old.role_id AND status = old.status;
END;

CREATE TRIGGER membership_counts_update AFTER UPDATE OF role_id, status ON memberships BEGIN
    UPDATE membership_counts SET n = n - 1
     WHERE project_id = old.project_id AND role_id = old.role_id AND status = old.status;
    INSERT INTO membership_counts (project_id, role_id, status, n) VALUES (new.project_id, new.role_id, new.status, 1)
    ON CONFLICT (project_id, role_id, status) DO UPDATE SET n = n + 1;
END;
