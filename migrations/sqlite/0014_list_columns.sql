-- The users table's columns each admin chose (their keys, comma separated; '' is the default
-- set): see model::Columns.
ALTER TABLE users ADD COLUMN list_columns TEXT NOT NULL DEFAULT '';
