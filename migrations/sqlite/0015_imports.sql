-- Bulk imports of users from CSV (server::imports). An upload is parsed, validated and kept
-- here for the review; nothing else is written until the admin confirms. The job then turns
-- each ready row into an invitation, a batch of rows per transaction that also marks those
-- rows done, so a crash loses or repeats nothing: the next worker (lease_until passed) goes
-- on from the first row not done.
CREATE TABLE imports (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    created_by     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    file_name      TEXT    NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('review', 'running', 'done', 'cancelled')),
    send_mail      INTEGER NOT NULL DEFAULT 1,
    -- The review's counts (rows read, ready, and each kind of problem), as JSON.
    counts         TEXT    NOT NULL DEFAULT '{}',
    total_rows     INTEGER NOT NULL DEFAULT 0,
    ready_rows     INTEGER NOT NULL DEFAULT 0,
    done_rows      INTEGER NOT NULL DEFAULT 0,
    imported       INTEGER NOT NULL DEFAULT 0,
    skipped        INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    confirmed_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    confirmed_at   INTEGER,
    finished_at    INTEGER,
    lease_until    INTEGER NOT NULL DEFAULT 0,
    -- The worker running it now (a random token), so a worker that stalled past its lease
    -- cannot commit a batch after another took over.
    lease_owner    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX imports_by_project ON imports (project_id, id);
CREATE INDEX imports_running ON imports (state, lease_until);

-- One row of an uploaded file: its line, its cells, its problems (codes, see
-- model::ImportProblem; '' when ready) and, once the job has met it, what became of it.
CREATE TABLE import_rows (
    import_id   INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    line        INTEGER NOT NULL,
    email       TEXT    NOT NULL,
    first_name  TEXT    NOT NULL,
    last_name   TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    groups      TEXT    NOT NULL,
    problems    TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL DEFAULT '',
    -- '' not met yet (or not ready), 'imported', or 'skipped:<code>'.
    outcome     TEXT    NOT NULL DEFAULT '',
    ok          INTEGER NOT NULL,
    PRIMARY KEY (import_id, line)
) WITHOUT ROWID;
CREATE INDEX import_rows_by_state ON import_rows (import_id, ok, line);
