-- Invitations that can be followed: the personal message, the mail last sent for each (so the
-- detail page can say sent, queued or failed), at most one live invitation per project and
-- address, and whether and when each account's email address was verified.
ALTER TABLE invitations ADD COLUMN message TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN outbox_id INTEGER;
CREATE UNIQUE INDEX invitations_live ON invitations (project_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;
