-- A search of one or two characters in a group, sorted by email or name, is two reads of the
-- group's copy merged in that order (users::plan), as for a project (0018): the emails that
-- start with the needle, one range of the email index, and the names that start with it
-- whose email does not, from the name index. With the other column in each index, the second
-- read tests it without the row. Before, the prefix set was collected from the project's
-- indexes, looked up in the group and sorted: a letter in a group of 300,000 took 50-90 ms.
DROP INDEX group_members_by_email;
CREATE INDEX group_members_by_email ON group_members (group_id, email, user_id, status, role_id, project_id, name_key);
DROP INDEX group_members_by_name;
CREATE INDEX group_members_by_name ON group_members (group_id, name_key, user_id, status, role_id, project_id, email);
