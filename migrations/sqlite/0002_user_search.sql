-- Substring search over users' email and name: an FTS5 trigram index, so "smith" or
-- "@example.org" finds matches without reading every row. Contentless (the text lives in
-- users); kept in step by triggers. PostgreSQL's equivalent is a pg_trgm GIN index.
CREATE VIRTUAL TABLE users_search USING fts5(
    text, content = '', contentless_delete = 1, tokenize = 'trigram'
);

INSERT INTO users_search (rowid, text)
SELECT id, email || ' ' || first_name || ' ' || last_name FROM users;

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, text)
    VALUES (new.id, new.email || ' ' || new.first_name || ' ' || new.last_name);
END;

CREATE TRIGGER users_search_update AFTER UPDATE OF email, first_name, last_name ON users BEGIN
    DELETE FROM users_search WHERE rowid = old.id;
    INSERT INTO users_search (rowid, text)
    VALUES (new.id, new.email || ' ' || new.first_name || ' ' || new.last_name);
END;

CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    DELETE FROM users_search WHERE rowid = old.id;
END;
