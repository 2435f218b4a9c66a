//! What the console reads and sends when it acts on one user or several: the detail page, the
//! edit form, status changes and bulk actions.
use super::{AppError, SessionInfo, Status};
use serde::{Deserialize, Serialize};

/// One project membership of a user, as the viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipInfo {
    pub project_slug: String,
    pub project_name: String,
    pub role: String,
    pub groups: Vec<String>,
    pub joined_at: i64,
    /// Invited until the person accepts (an invited membership grants nothing).
    pub status: Status,
}

/// Why an action on a user is refused, known before anyone tries it (the UI explains it next
/// to the disabled control; the server refuses with the same words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Guard {
    /// The viewer is looking at themselves.
    OwnAccount,
    /// The user is the only active owner of a project.
    LastOwner,
}

impl Guard {
    pub fn error(self) -> AppError {
        AppError::Conflict(
            match self {
                Guard::OwnAccount => "You can't deactivate or delete your own account.",
                Guard::LastOwner => {
                    "This user is the last owner of a project. Make someone else an owner first."
                }
            }
            .into(),
        )
    }
}

/// The user detail page: profile, this project's membership, every membership the viewer may
/// see, effective permissions here, and active sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: Option<String>,
    /// A JSON object, pretty-printed.
    pub metadata: String,
    pub status: Status,
    pub created_at: i64,
    pub last_sign_in_at: Option<i64>,
    pub role: String,
    pub groups: Vec<String>,
    pub memberships: Vec<MembershipInfo>,
    pub permissions: Vec<String>,
    pub sessions: Vec<SessionInfo>,
    pub guard: Option<Guard>,
    /// The pending invitation, when the person is invited to this project.
    #[serde(default)]
    pub invitation: Option<super::InvitationInfo>,
    /// Two-factor authentication is on.
    #[serde(default)]
    pub two_factor: bool,
    /// When the account's email address was verified (None: never).
    #[serde(default)]
    pub email_verified_at: Option<i64>,
    /// Consents given to join the projects the viewer may see.
    #[serde(default)]
    pub consents: Vec<super::ConsentInfo>,
    pub as_of: i64,
}

impl UserDetail {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

/// One line of a user's activity: a sign-in (or failed attempt) or a change made to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub id: i64,
    pub at: i64,
    pub action: String,
    pub actor_email: Option<String>,
    pub ip: String,
    /// "City, Country" from the GeoIP database; empty when unknown or none is configured.
    #[serde(default)]
    pub location: String,
    /// "Firefox on Linux (desktop)" from the user agent, when there was one.
    pub device: String,
    /// The event's details, compact JSON (`{}` when none).
    pub details: String,
}

/// The edit form's values. Names, email, phone and metadata belong to the account; role and
/// groups to this project's membership.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserEdit {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    /// Must parse as a JSON object.
    pub metadata: String,
    pub role: String,
    pub groups: Vec<String>,
}

pub const MAX_NAME: usize = 100;
/// The most groups one membership may name in an edit.
pub const MAX_GROUPS: usize = 100;
pub const MAX_PHONE: usize = 32;
pub const MAX_METADATA: usize = 16 * 1024;
pub const MAX_REASON: usize = 500;
/// A bulk action acts on at most one page of the largest size.
pub const MAX_BULK: usize = 100;

/// The edit form's fields, checked and normalised; errors name the field they belong under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedEdit {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    /// Compact JSON of an object.
    pub metadata: String,
}

impl UserEdit {
    /// Checks every account field; the first error wins (each names its field).
    pub fn check(&self) -> Result<CheckedEdit, AppError> {
        let first_name = check_name("first_name", &self.first_name)?;
        let last_name = check_name("last_name", &self.last_name)?;
        let email = super::validate_email(&self.email)?;
        let phone = self.phone.trim();
        let phone = if phone.is_empty() {
            None
        } else {
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            let allowed = phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c));
            if !allowed || !(4..=20).contains(&digits) || phone.len() > MAX_PHONE {
                return Err(AppError::validation(
                    "phone",
                    "Enter a phone number: digits, spaces, + - ( ) and dots only, like +1 555 0100.",
                ));
            }
            Some(phone.to_string())
        };
        let metadata = parse_metadata(&self.metadata)?;
        if self.groups.len() > MAX_GROUPS
            || self.groups.iter().any(|g| g.chars().count() > MAX_NAME)
        {
            return Err(AppError::validation(
                "groups",
                format!("Choose at most {MAX_GROUPS} groups."),
            ));
        }
        if self.role.chars().count() > MAX_NAME {
            return Err(AppError::validation(
                "role",
                "Choose one of the project's roles.",
            ));
        }
        Ok(CheckedEdit {
            first_name,
            last_name,
            email,
            phone,
            metadata,
        })
    }
}

/// A first or last name, trimmed: at most [`MAX_NAME`] characters, no control characters.
pub fn check_name(field: &str, v: &str) -> Result<String, AppError> {
    let v = v.trim();
    if v.chars().count() > MAX_NAME || v.chars().any(char::is_control) {
        return Err(AppError::validation(
            field,
            format!("Use at most {MAX_NAME} characters, without control characters."),
        ));
    }
    Ok(v.to_string())
}

/// Metadata must be a JSON object (an empty field means `{}`); returns it compact.
pub fn parse_metadata(raw: &str) -> Result<String, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok("{}".into());
    }
    if raw.len() > MAX_METADATA {
        return Err(AppError::validation(
            "metadata",
            format!("Metadata is limited to {} KiB.", MAX_METADATA / 1024),
        ));
    }
    match serde_json::from_slice::<serde_json::Value>(raw.as_bytes()) {
        Ok(v @ serde_json::Value::Object(_)) => Ok(v.to_string()),
        Ok(_) => Err(AppError::validation(
            "metadata",
            "Metadata must be a JSON object, like {\"plan\": \"pro\"}.",
        )),
        Err(e) => Err(AppError::validation(
            "metadata",
            format!("Metadata is not valid JSON: {e}."),
        )),
    }
}

/// What a bulk action does to each selected user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkAction {
    Deactivate,
    Reactivate,
    ChangeRole(String),
    AddToGroup(String),
    /// A new link for each selected invited person (the old one dies).
    ResendInvitations,
}

/// What a bulk action changed and what it refused (email and reason).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BulkSummary {
    pub changed: Vec<String>,
    /// The changed users' ids, in the order of `changed` (for an Undo).
    pub changed_ids: Vec<i64>,
    pub refused: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit() -> UserEdit {
        UserEdit {
            first_name: " Ada ".into(),
            last_name: "Lovelace".into(),
            email: "Ada@Example.org".into(),
            phone: "".into(),
            metadata: "".into(),
            role: "admin".into(),
            groups: vec![],
        }
    }

    #[test]
    fn edits_are_normalised() {
        let c = edit().check().unwrap();
        assert_eq!(c.first_name, "Ada");
        assert_eq!(c.email, "ada@example.org");
        assert_eq!(c.phone, None);
        assert_eq!(c.metadata, "{}");
        let mut e = edit();
        e.phone = " +1 (555) 010-0100 ".into();
        e.metadata = "{ \"plan\": \"pro\" }".into();
        let c = e.check().unwrap();
        assert_eq!(c.phone.as_deref(), Some("+1 (555) 010-0100"));
        assert_eq!(c.metadata, r#"{"plan":"pro"}"#);
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut UserEdit);
        let cases: [(Spoil, &str); 6] = [
            (|e| e.first_name = "x".repeat(101), "first_name"),
            (|e| e.last_name = "a\u{7}b".into(), "last_name"),
            (|e| e.email = "not an email".into(), "email"),
            (|e| e.phone = "call me".into(), "phone"),
            (|e| e.metadata = "[1, 2]".into(), "metadata"),
            (|e| e.metadata = "{\"a\":".into(), "metadata"),
        ];
        for (spoil, field) in cases {
            let mut e = edit();
            spoil(&mut e);
            assert_eq!(e.check().unwrap_err().field(), Some(field), "{e:?}");
        }
    }
}
