-- Sign-ins and failed attempts per project and UTC day, kept by a trigger on the audit log, so
-- a project's overview draws its last 30 days from 30 rows instead of counting millions of
-- events. A sign-in counts in every project the person belongs to when it happens.
CREATE TABLE sign_in_days (
    project_id  BIGINT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    day         BIGINT NOT NULL,
    succeeded   BIGINT NOT NULL,
    failed      BIGINT NOT NULL,
    PRIMARY KEY (project_id, day)
);

-- The last 31 days of what the log already holds.
INSERT INTO sign_in_days (project_id, day, succeeded, failed)
SELECT m.project_id, a.at / 86400000,
       COUNT(*) FILTER (WHERE a.action = 'auth.signed_in'), COUNT(*) FILTER (WHERE a.action = 'auth.sign_in_failed')
  FROM audit_events a JOIN memberships m ON m.user_id = a.target_user_id
 WHERE a.action IN ('auth.signed_in', 'auth.sign_in_failed')
   AND a.at >= (EXTRACT(EPOCH FROM now())::BIGINT - 31 * 86400) * 1000
 GROUP BY m.project_id, a.at / 86400000;

CREATE FUNCTION sign_in_days_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sign_in_days (project_id, day, succeeded, failed)
        SELECT m.project_id, NEW.at / 86400000,
               CASE WHEN NEW.action = 'auth.signed_in' THEN 1 ELSE 0 END,
               CASE WHEN NEW.action = 'auth.sign_in_failed' THEN 1 ELSE 0 END
          FROM memberships m WHERE m.user_id = NEW.target_user_id
        ON CONFLICT (project_id, day) DO UPDATE SET
            succeeded = sign_in_days.succeeded + EXCLUDED.succeeded,
            failed = sign_in_days.failed + EXCLUDED.failed;
    RETURN NULL;
END
$$;

CREATE TRIGGER sign_in_days_count AFTER INSERT ON audit_events FOR EACH ROW
    WHEN (NEW.action IN ('auth.signed_in', 'auth.sign_in_failed') AND NEW.target_user_id IS NOT NULL)
    EXECUTE FUNCTION sign_in_days_count();

-- Open invitations by expiry, for the overview's pending and expired counts.
CREATE INDEX invitations_open ON invitations (project_id, expires_at)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
