-- Steps a person must take before anything else: choose a new password after an administrator
-- set a temporary one, and (where a project requires it of its administrators) set up
-- two-factor authentication.
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN require_admin_2fa BIGINT NOT NULL DEFAULT 0;
