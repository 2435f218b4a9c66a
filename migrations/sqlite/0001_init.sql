-- Roster schema (SQLite). Keep in step with ../postgres/0001_init.sql: a test checks that both
-- have the same tables and columns. Times are Unix milliseconds (INTEGER); flags are 0/1.

CREATE TABLE projects (
    id            INTEGER PRIMARY KEY,
    slug          TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    allow_signup  INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

-- Emails are stored lower-cased (see model::validate_email), so UNIQUE is case-insensitive.
CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    email            TEXT    NOT NULL UNIQUE CHECK (email = lower(email)),
    first_name       TEXT    NOT NULL DEFAULT '',
    last_name        TEXT    NOT NULL DEFAULT '',
    phone            TEXT,
    metadata         TEXT    NOT NULL DEFAULT '{}',
    language         TEXT    NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr')),
    theme            TEXT    NOT NULL DEFAULT 'system' CHECK (theme IN ('light', 'dark', 'system')),
    password_hash    TEXT,
    is_superadmin    INTEGER NOT NULL DEFAULT 0,
    status           TEXT    NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'inactive')),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    last_sign_in_at  INTEGER
);

CREATE TABLE roles (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    builtin      INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE role_permissions (
    role_id     INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    permission  TEXT    NOT NULL,
    PRIMARY KEY (role_id, permission)
);

CREATE TABLE groups (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE group_permissions (
    group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    permission  TEXT    NOT NULL,
    PRIMARY KEY (group_id, permission)
);

-- A user in a project, with the project's role. It also carries a copy of the user's list
-- columns (the users page's read model), so every filter and sort of a project's users is
-- one range of one index here instead of a join over every user of every project.
-- last_sign_in_at is 0 for "never" (not NULL): the two backends order NULLs differently.
CREATE TABLE memberships (
    project_id       INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role_id          INTEGER NOT NULL REFERENCES roles(id),
    joined_at        INTEGER NOT NULL,
    email            TEXT    NOT NULL,
    name_key         TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    last_sign_in_at  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
CREATE INDEX memberships_role ON memberships (role_id);
CREATE INDEX memberships_by_email ON memberships (project_id, email, user_id);
CREATE INDEX memberships_by_name ON memberships (project_id, name_key, user_id);
CREATE INDEX memberships_by_created ON memberships (project_id, created_at, user_id);
CREATE INDEX memberships_by_last_sign_in ON memberships (project_id, last_sign_in_at, user_id);
CREATE INDEX memberships_by_status ON memberships (project_id, status, created_at, user_id);
CREATE INDEX memberships_by_role ON memberships (project_id, role_id, created_at, user_id);

CREATE TABLE group_members (
    group_id  INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_at  INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id, group_id);

CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    user_id      INTEGER REFERENCES users(id) ON DELETE CASCADE,
    email        TEXT    NOT NULL,
    role_id      INTEGER NOT NULL REFERENCES roles(id),
    group_ids    TEXT    NOT NULL DEFAULT '[]',
    token_hash   TEXT    NOT NULL UNIQUE,
    invited_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    accepted_at  INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX invitations_project_email ON invitations (project_id, email);
CREATE INDEX invitations_user ON invitations (user_id);

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT    NOT NULL UNIQUE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    ip            TEXT    NOT NULL DEFAULT '',
    user_agent    TEXT    NOT NULL DEFAULT '',
    browser       TEXT    NOT NULL DEFAULT '',
    os            TEXT    NOT NULL DEFAULT '',
    device        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id, revoked_at);

CREATE TABLE password_resets (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX password_resets_user ON password_resets (user_id);

CREATE TABLE totp_secrets (
    user_id         INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret          TEXT    NOT NULL,
    enabled_at      INTEGER,
    last_used_step  INTEGER,
    created_at      INTEGER NOT NULL
);

CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  TEXT    NOT NULL,
    used_at    INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- Append-only. No foreign keys to users: the trail of what a deleted user did stays.
CREATE TABLE audit_events (
    id              INTEGER PRIMARY KEY,
    at              INTEGER NOT NULL,
    actor_id        INTEGER,
    actor_email     TEXT,
    action          TEXT    NOT NULL,
    target_user_id  INTEGER,
    target_email    TEXT,
    project_id      INTEGER,
    ip              TEXT    NOT NULL DEFAULT '',
    user_agent      TEXT    NOT NULL DEFAULT '',
    details         TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_project ON audit_events (project_id, at);
CREATE INDEX audit_by_target ON audit_events (target_user_id, at);
CREATE INDEX audit_by_actor ON audit_events (actor_id, at);
CREATE INDEX audit_by_action ON audit_events (action, at);

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    to_email         TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    sent_at          INTEGER,
    last_error       TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_at, next_attempt_at);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    permissions   TEXT    NOT NULL DEFAULT '[]',
    created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    expires_at    INTEGER,
    revoked_at    INTEGER
);
CREATE INDEX api_tokens_project ON api_tokens (project_id);

-- Failed sign-in counters, per account ("email:…") and per client ("ip:…"), in the database so
-- they hold across several server processes.
CREATE TABLE sign_in_throttle (
    key           TEXT    PRIMARY KEY,
    failures      INTEGER NOT NULL,
    first_at      INTEGER NOT NULL,
    last_at       INTEGER NOT NULL,
    locked_until  INTEGER
);
