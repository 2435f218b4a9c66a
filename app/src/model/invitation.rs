//! Invitations as the console and the accept page see them.
use super::{AppError, MAX_EMAIL};
use serde::{Deserialize, Serialize};

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;
/// The longest personal message an invitation may carry.
pub const MAX_MESSAGE: usize = 1000;

/// The invite dialog's values.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InviteForm {
    pub email: String,
    pub role: String,
    pub groups: Vec<String>,
    /// An optional personal note, quoted in the mail.
    #[serde(default)]
    pub message: String,
}

impl InviteForm {
    /// The address (lower-cased) and the message (trimmed), or the first field in error.
    pub fn check(&self) -> Result<(String, String), AppError> {
        if self.email.trim().len() > MAX_EMAIL {
            return Err(AppError::validation(
                "email",
                "Enter a valid email address, like name@example.com.",
            ));
        }
        let email = super::validate_email(&self.email)?;
        let message = self.message.trim();
        if message.chars().count() > MAX_MESSAGE
            || message
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r')
        {
            return Err(AppError::validation(
                "message",
                format!("Keep the message under {MAX_MESSAGE} characters."),
            ));
        }
        if self.groups.len() > super::admin::MAX_GROUPS {
            return Err(AppError::validation(
                "groups",
                format!("Choose at most {} groups.", super::admin::MAX_GROUPS),
            ));
        }
        Ok((email, message.replace('\r', "")))
    }
}

/// A sent invitation: who, and the link (the "Registration URL" the dialog shows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invited {
    pub user_id: i64,
    pub email: String,
    pub url: String,
}

/// What the accept page shows about a live invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub project_name: String,
    /// Who sent it ("Ada Lovelace (ada@example.com)"), when they still exist.
    pub invited_by: Option<String>,
    pub email: String,
    /// The address already has an account: the person accepts by signing in with its password.
    pub has_account: bool,
    pub message: String,
    pub expires_at: i64,
    /// The project's legal links: accepting needs "I agree to the terms" when either is set.
    #[serde(default)]
    pub terms_url: String,
    #[serde(default)]
    pub privacy_url: String,
}

/// Where the last invitation mail of someone is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailState {
    Queued,
    Sent {
        at: i64,
    },
    /// Given up on after its last try, with the last error.
    Failed {
        error: String,
    },
    /// Retried after an error; the next try is scheduled.
    Retrying {
        error: String,
        attempts: i64,
    },
}

/// An invited member's pending invitation, on their detail page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationInfo {
    pub invited_by: Option<String>,
    pub sent_at: i64,
    pub expires_at: i64,
    pub expired: bool,
    /// None when no mail was queued for it (an imported or seeded invitation).
    pub mail: Option<MailState>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(email: &str, message: &str) -> InviteForm {
        InviteForm {
            email: email.into(),
            role: "end_user".into(),
            groups: vec![],
            message: message.into(),
        }
    }

    #[test]
    fn checks_email_and_message() {
        assert_eq!(
            form(" Ada@Example.com ", " hi\r\nthere ").check().unwrap(),
            ("ada@example.com".to_string(), "hi\nthere".to_string())
        );
        assert_eq!(form("nope", "").check().unwrap_err().field(), Some("email"));
        let long = "x".repeat(MAX_MESSAGE + 1);
        assert_eq!(
            form("a@b.co", &long).check().unwrap_err().field(),
            Some("message")
        );
        assert_eq!(
            form("a@b.co", "bell\u{7}").check().unwrap_err().field(),
            Some("message")
        );
    }
}
