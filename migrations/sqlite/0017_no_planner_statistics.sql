-- Planner statistics written at first start by an earlier version (PRAGMA optimize right
-- after migrating) describe the tables as they were then: nearly empty (the search index's
-- data table as 2 rows). SQLite trusted them as the tables grew, and a 100,000-row import on a
-- new database took twice as long (786 against 1,579 rows a second). Without statistics SQLite
-- assumes an index narrows a lookup, which suits every query here (the users list names its
-- index).
DROP TABLE IF EXISTS sqlite_stat1;
DROP TABLE IF EXISTS sqlite_stat4;
