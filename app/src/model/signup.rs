//! Joining a project by oneself: the sign-up page, email verification and legal consent.
use serde::{Deserialize, Serialize};

/// How long an email verification link works.
pub const VERIFICATION_HOURS: i64 = 24;
/// The longest terms or privacy URL a project may set.
pub const MAX_URL: usize = 2000;

/// What the sign-up page of a project shows; None (from the server) when the project does not
/// accept sign-ups or does not exist — the same answer for both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignupInfo {
    pub project_name: String,
    /// When either is set, joining needs "I agree to the terms".
    pub terms_url: String,
    pub privacy_url: String,
}

impl SignupInfo {
    pub fn needs_consent(&self) -> bool {
        !self.terms_url.is_empty() || !self.privacy_url.is_empty()
    }
}

/// A consent someone gave to join a project: which links, when, from which address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentInfo {
    pub project_name: String,
    pub terms_url: String,
    pub privacy_url: String,
    pub at: i64,
    pub ip: String,
}

/// A legal link must be absolute http(s); empty means none.
pub fn check_legal_url(field: &str, url: &str) -> Result<String, super::AppError> {
    let url = url.trim();
    if url.is_empty() {
        return Ok(String::new());
    }
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= MAX_URL
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(url.to_string())
    } else {
        Err(super::AppError::validation(
            field,
            "Enter an http:// or https:// address.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_urls_are_absolute_web_addresses() {
        assert_eq!(check_legal_url("t", " ").unwrap(), "");
        assert_eq!(
            check_legal_url("t", "https://acme.test/terms").unwrap(),
            "https://acme.test/terms"
        );
        for bad in ["javascript:alert(1)", "acme.test/terms", "https://a b"] {
            assert!(check_legal_url("t", bad).is_err(), "{bad}");
        }
    }
}
