//! Roles of a project: named sets of permission strings, built-in or the project's own.
use super::admin::MAX_NAME;
use super::AppError;
use serde::{Deserialize, Serialize};

/// At most this many permission strings on one role or group.
pub const MAX_PERMISSIONS: usize = 100;
/// A permission string is at most this long.
pub const MAX_PERMISSION: usize = 64;
/// A role's or group's description is at most this long.
pub const MAX_DESCRIPTION: usize = 500;

/// A role as the roles page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleInfo {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub builtin: bool,
    pub permissions: Vec<String>,
    /// Members of the project holding this role (any status).
    pub members: u64,
}

impl RoleInfo {
    /// The owner role is the project's anchor: nobody edits or deletes it.
    pub fn locked(&self) -> bool {
        self.builtin && self.name == "owner"
    }
}

/// What the create and edit dialogs send.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleForm {
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
}

impl RoleForm {
    /// The form trimmed, with its permissions sorted and deduplicated, or the first problem
    /// (each under its field).
    pub fn checked(&self) -> Result<RoleForm, AppError> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(AppError::validation("name", "Enter a name."));
        }
        if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
            return Err(AppError::validation(
                "name",
                format!("Use at most {MAX_NAME} characters, without control characters."),
            ));
        }
        let description = self.description.trim().to_string();
        if description.chars().count() > MAX_DESCRIPTION {
            return Err(AppError::validation(
                "description",
                format!("Keep the description under {MAX_DESCRIPTION} characters."),
            ));
        }
        let mut permissions: Vec<String> = Vec::new();
        for p in &self.permissions {
            let p = p.trim();
            if p.is_empty() {
                continue;
            }
            check_permission(p)?;
            permissions.push(p.to_string());
        }
        permissions.sort();
        permissions.dedup();
        if permissions.len() > MAX_PERMISSIONS {
            return Err(AppError::validation(
                "permissions",
                format!("Choose at most {MAX_PERMISSIONS} permissions."),
            ));
        }
        Ok(RoleForm {
            name,
            description,
            permissions,
        })
    }
}

/// A permission string is `resource:action`: lowercase letters, digits, `_`, `-` and `.` on
/// each side (the action may also be `*`), like `users:read` or `billing:refund`.
pub fn check_permission(p: &str) -> Result<(), AppError> {
    let part = |s: &str, star: bool| {
        !s.is_empty()
            && (star && s == "*"
                || s.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.')
                }))
    };
    let ok = p.len() <= MAX_PERMISSION
        && p.split_once(':')
            .is_some_and(|(resource, action)| part(resource, false) && part(action, true));
    if ok {
        Ok(())
    } else {
        Err(AppError::validation(
            "permissions",
            format!(
                "\"{}\" is not a permission: write resource:action in lowercase, like billing:refund.",
                p.chars().take(MAX_PERMISSION).collect::<String>()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_strings_are_resource_and_action() {
        for ok in [
            "users:read",
            "billing:refund",
            "reports.v2:export-csv",
            "files:*",
        ] {
            assert!(check_permission(ok).is_ok(), "{ok}");
        }
        for bad in [
            "users",
            ":read",
            "users:",
            "Users:read",
            "users:read:all",
            "a b:c",
            "*:read",
        ] {
            assert!(check_permission(bad).is_err(), "{bad}");
        }
        assert!(check_permission(&format!("a:{}", "b".repeat(MAX_PERMISSION))).is_err());
    }

    #[test]
    fn forms_are_trimmed_sorted_and_bounded() {
        let f = RoleForm {
            name: "  Support ".into(),
            description: " Helps people ".into(),
            permissions: vec![
                "users:read".into(),
                " billing:refund".into(),
                "users:read".into(),
                "".into(),
            ],
        }
        .checked()
        .unwrap();
        assert_eq!(f.name, "Support");
        assert_eq!(f.description, "Helps people");
        assert_eq!(f.permissions, vec!["billing:refund", "users:read"]);
        let empty = RoleForm::default().checked().unwrap_err();
        assert_eq!(empty.field(), Some("name"));
        let many = RoleForm {
            name: "x".into(),
            permissions: (0..=MAX_PERMISSIONS).map(|i| format!("p:a{i}")).collect(),
            ..Default::default()
        };
        assert_eq!(many.checked().unwrap_err().field(), Some("permissions"));
    }
}
