-- Browsers that have signed in to an account (a device cookie, stored hashed). Sign-in attempts
-- from such a browser count against the device only, so guesses from elsewhere (an office NAT
-- included) cannot lock the account's owner out.
CREATE TABLE trusted_devices (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash    TEXT   NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER NOT NULL
);
CREATE INDEX trusted_devices_user ON trusted_devices (user_id, last_used_at);
