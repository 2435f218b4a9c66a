use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The built-in permissions Roster enforces. Custom roles and groups may carry other strings;
/// those are stored and shown but never checked by Roster itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Permission {
    UsersRead,
    UsersInvite,
    UsersUpdate,
    UsersDeactivate,
    UsersDelete,
    UsersImport,
    UsersExport,
    RolesManage,
    GroupsManage,
    SessionsRevoke,
    AuditRead,
    ProjectManage,
}

pub const ALL_PERMISSIONS: [Permission; 12] = [
    Permission::UsersRead,
    Permission::UsersInvite,
    Permission::UsersUpdate,
    Permission::UsersDeactivate,
    Permission::UsersDelete,
    Permission::UsersImport,
    Permission::UsersExport,
    Permission::RolesManage,
    Permission::GroupsManage,
    Permission::SessionsRevoke,
    Permission::AuditRead,
    Permission::ProjectManage,
];

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::UsersRead => "users:read",
            Permission::UsersInvite => "users:invite",
            Permission::UsersUpdate => "users:update",
            Permission::UsersDeactivate => "users:deactivate",
            Permission::UsersDelete => "users:delete",
            Permission::UsersImport => "users:import",
            Permission::UsersExport => "users:export",
            Permission::RolesManage => "roles:manage",
            Permission::GroupsManage => "groups:manage",
            Permission::SessionsRevoke => "sessions:revoke",
            Permission::AuditRead => "audit:read",
            Permission::ProjectManage => "project:manage",
        }
    }

    /// Permissions of the built-in roles every project gets.
    pub fn builtin_role(name: &str) -> &'static [Permission] {
        use Permission::*;
        match name {
            "owner" => &ALL_PERMISSIONS,
            "admin" => &[
                UsersRead,
                UsersInvite,
                UsersUpdate,
                UsersDeactivate,
                UsersDelete,
                UsersImport,
                UsersExport,
                RolesManage,
                GroupsManage,
                SessionsRevoke,
                AuditRead,
            ],
            "developer" => &[UsersRead, UsersExport, AuditRead],
            _ => &[],
        }
    }
}

pub const BUILTIN_ROLES: [(&str, &str); 4] = [
    (
        "owner",
        "Full control of the project, including its settings.",
    ),
    ("admin", "Manages users, roles, groups and sessions."),
    ("developer", "Reads users and the audit log."),
    ("end_user", "A person who signs in to the project's app."),
];

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Permission {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        ALL_PERMISSIONS
            .iter()
            .copied()
            .find(|p| p.as_str() == s)
            .ok_or(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_strings_round_trip() {
        for p in ALL_PERMISSIONS {
            assert_eq!(p.as_str().parse::<Permission>(), Ok(p));
        }
        assert!("users:fly".parse::<Permission>().is_err());
    }

    #[test]
    fn builtin_roles_nest() {
        let owner = Permission::builtin_role("owner");
        for name in ["admin", "developer", "end_user"] {
            assert!(Permission::builtin_role(name)
                .iter()
                .all(|p| owner.contains(p)));
        }
        assert!(!Permission::builtin_role("admin").contains(&Permission::ProjectManage));
        assert!(Permission::builtin_role("end_user").is_empty());
    }
}
