-- The second step of a sign-in with two-factor authentication: after the right password, a
-- short-lived challenge (only its token's hash stored, in the browser's cookie) that grants
-- nothing but the right to send a code, a few times at most.
CREATE TABLE sign_in_challenges (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_id   INTEGER,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sign_in_challenges_user ON sign_in_challenges (user_id);
