-- Members per (project, role, status), kept by a trigger, so the users list's totals for "all",
-- a status and a role are one lookup instead of counting up to millions of index entries.
CREATE TABLE membership_counts (
    project_id  BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    role_id     BIGINT NOT NULL,
    status      TEXT   NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (project_id, role_id, status)
);

INSERT INTO membership_counts (project_id, role_id, status, n)
SELECT project_id, role_id, status, COUNT(*) FROM memberships GROUP BY project_id, role_id, status;

CREATE FUNCTION membership_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE membership_counts SET n = n - 1
         WHERE project_id = OLD.project_id AND role_id = OLD.role_id AND status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO membership_counts (project_id, role_id, status, n) VALUES (NEW.project_id, NEW.role_id, NEW.status, 1)
        ON CONFLICT (project_id, role_id, status) DO UPDATE SET n = membership_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER membership_counts AFTER INSERT OR DELETE OR UPDATE OF role_id, status ON memberships
    FOR EACH ROW EXECUTE FUNCTION membership_counts_apply();
