-- Sign-up: a project's legal links (accepting them is then required to join), verification links
-- for email addresses (24 hours, single use, only the hash stored), and each consent given: which
-- links, when and from which address.
ALTER TABLE projects ADD COLUMN terms_url TEXT NOT NULL DEFAULT '';
ALTER TABLE projects ADD COLUMN privacy_url TEXT NOT NULL DEFAULT '';

CREATE TABLE email_verifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id  INTEGER REFERENCES projects(id) ON DELETE CASCADE,
    email       TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX email_verifications_user ON email_verifications (user_id);

CREATE TABLE consents (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    terms_url    TEXT    NOT NULL,
    privacy_url  TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    ip           TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX consents_user ON consents (user_id, project_id);
