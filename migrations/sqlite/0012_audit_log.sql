-- The audit log page: a project's events (or the console-wide ones, project_id NULL) newest
-- first, filtered by actor, target or action. Each filter meets one of these indexes, so the
-- first page reads about fifty entries however many events there are. SQLite's indexes end
-- with the rowid (the event's id), which breaks ties between events of the same millisecond.
--
-- An actor with a filter on action has its own index: an administrator can have hundreds of
-- thousands of events, and none of a rare action, which would otherwise mean reading them all.
-- A target has few events (its sign-ins and changes), so target + action reads those.
CREATE INDEX audit_by_project_actor ON audit_events (project_id, actor_email, at);
CREATE INDEX audit_by_project_actor_action ON audit_events (project_id, actor_email, action, at);
CREATE INDEX audit_by_project_target ON audit_events (project_id, target_email, at);
CREATE INDEX audit_by_project_action ON audit_events (project_id, action, at);
-- Nothing reads events by actor id, or by action across projects.
DROP INDEX audit_by_actor;
DROP INDEX audit_by_action;
