-- The audit log page: a project's events, or the console-wide ones (project_id NULL), newest
-- first, filtered by actor, target or action. Each filter meets one of these indexes, so the
-- first page reads about fifty entries however many events there are. Each ends with id,
-- which breaks ties between events of the same millisecond in the index's own order.
--
-- PostgreSQL reads an index in order past an `=` on its first column, not past `IS NULL`, so
-- the console-wide events have partial indexes of their own that start with the time.
--
-- An actor with a filter on action has its own index: an administrator can have hundreds of
-- thousands of events, and none of a rare action, which would otherwise mean reading them all.
-- A target has few events (its sign-ins and changes), so target + action reads those.
DROP INDEX audit_by_project;
CREATE INDEX audit_by_project ON audit_events (project_id, at, id);
CREATE INDEX audit_by_project_actor ON audit_events (project_id, actor_email, at, id) WHERE project_id IS NOT NULL;
CREATE INDEX audit_by_project_actor_action ON audit_events (project_id, actor_email, action, at, id) WHERE project_id IS NOT NULL;
CREATE INDEX audit_by_project_target ON audit_events (project_id, target_email, at, id) WHERE project_id IS NOT NULL;
CREATE INDEX audit_by_project_action ON audit_events (project_id, action, at, id) WHERE project_id IS NOT NULL;
CREATE INDEX audit_console ON audit_events (at, id) WHERE project_id IS NULL;
CREATE INDEX audit_console_actor ON audit_events (actor_email, at, id) WHERE project_id IS NULL;
CREATE INDEX audit_console_actor_action ON audit_events (actor_email, action, at, id) WHERE project_id IS NULL;
CREATE INDEX audit_console_target ON audit_events (target_email, at, id) WHERE project_id IS NULL;
CREATE INDEX audit_console_action ON audit_events (action, at, id) WHERE project_id IS NULL;
-- Nothing reads events by actor id, or by action across projects.
DROP INDEX audit_by_actor;
DROP INDEX audit_by_action;
