-- Sign-ins and failed attempts per project and UTC day, kept by a trigger on the audit log, so
-- a project's overview draws its last 30 days from 30 rows instead of counting millions of
-- events. A sign-in counts in every project the person belongs to when it happens.
CREATE TABLE sign_in_days (
    project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    day         INTEGER NOT NULL,
    succeeded   INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    PRIMARY KEY (project_id, day)
);

-- The last 31 days of what the log already holds.
INSERT INTO sign_in_days (project_id, day, succeeded, failed)
SELECT m.project_id, a.at / 86400000,
       SUM(a.action = 'auth.signed_in'), SUM(a.action = 'auth.sign_in_failed')
  FROM audit_events a JOIN memberships m ON m.user_id = a.target_user_id
 WHERE a.action IN ('auth.signed_in', 'auth.sign_in_failed')
   AND a.at >= (CAST(strftime('%s', 'now') AS INTEGER) - 31 * 86400) * 1000
 GROUP BY m.project_id, a.at / 86400000;

CREATE TRIGGER sign_in_days_count AFTER INSERT ON audit_events
WHEN new.action IN ('auth.signed_in', 'auth.sign_in_failed') AND new.target_user_id IS NOT NULL
BEGIN
    INSERT INTO sign_in_days (project_id, day, succeeded, failed)
    SELECT m.project_id, new.at / 86400000, new.action = 'auth.signed_in', new.action = 'auth.sign_in_failed'
      FROM memberships m WHERE m.user_id = new.target_user_id
    ON CONFLICT (project_id, day) DO UPDATE SET
        succeeded = succeeded + excluded.succeeded, failed = failed + excluded.failed;
END;

-- Open invitations by expiry, for the overview's pending and expired counts.
CREATE INDEX invitations_open ON invitations (project_id, expires_at)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
