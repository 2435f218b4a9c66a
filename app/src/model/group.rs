//! Groups of a project: teams whose members inherit the group's permission strings, on top of
//! their role's. Their forms are checked like a role's ([`super::RoleForm`]).
use serde::{Deserialize, Serialize};

/// A group as the groups page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupInfo {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    /// Members of the project in this group (any status).
    pub members: u64,
}

/// A member of the project the "Add members" picker offers (not yet in the group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub user_id: i64,
    pub email: String,
    pub name: String,
}

/// At most this many people in the "Add members" picker.
pub const CANDIDATES: usize = 8;
/// The picker searches from this many characters: the users list's trigram index answers
/// those at a million members, while one or two letters would scan (see issue #12).
pub const MIN_FIND: usize = 3;

/// What a change made from a server-rendered form answers: a sentence for the toast, and where
/// the page goes next (none: it stays and shows itself again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDone {
    pub message: String,
    pub to: Option<String>,
    /// Load `to` as a new page (the console's own data changed: its projects), not in place.
    #[serde(default)]
    pub reload: bool,
}

/// Permission strings from a form: the checked boxes plus the custom ones typed in a text
/// field, separated by commas, spaces or new lines. [`super::RoleForm::checked`] validates,
/// sorts and deduplicates them.
pub fn form_permissions(checked: &[String], custom: &str) -> Vec<String> {
    checked
        .iter()
        .map(|p| p.trim().to_string())
        .chain(
            custom
                .split(|c: char| c == ',' || c.is_whitespace())
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        )
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_permissions_split_on_commas_spaces_and_lines() {
        assert_eq!(
            form_permissions(
                &["users:read".into(), " ".into()],
                " billing:refund,reports:view\n  a:b  "
            ),
            vec!["users:read", "billing:refund", "reports:view", "a:b"]
        );
        assert!(form_permissions(&[], " , \n").is_empty());
    }
}
