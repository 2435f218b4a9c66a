use super::AppError;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Invited,
    Active,
    Inactive,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Invited => "invited",
            Status::Active => "active",
            Status::Inactive => "inactive",
        }
    }
}

impl FromStr for Status {
    type Err = AppError;
    fn from_str(s: &str) -> Result<Self, AppError> {
        match s {
            "invited" => Ok(Status::Invited),
            "active" => Ok(Status::Active),
            "inactive" => Ok(Status::Inactive),
            _ => Err(AppError::validation(
                "status",
                format!("Unknown status \"{s}\"."),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Fr,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
        }
    }
    pub fn parse(s: &str) -> Self {
        if s == "fr" {
            Language::Fr
        } else {
            Language::En
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    Light,
    Dark,
    #[default]
    System,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::System => "system",
        }
    }
    pub fn parse(s: &str) -> Self {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

/// A project as the console header lists it, with what the viewer may do there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub permissions: Vec<String>,
}

impl ProjectSummary {
    pub fn can(&self, p: super::Permission) -> bool {
        self.permissions.iter().any(|s| s == p.as_str())
    }

    /// Whether this project's console is open to the person: they hold at least one built-in
    /// permission there. Custom strings on custom roles and groups are for the apps that read
    /// them, and open nothing in Roster. The one rule for the page guard, the picker and the
    /// short paths.
    pub fn sees_console(&self) -> bool {
        self.permissions
            .iter()
            .any(|s| s.parse::<super::Permission>().is_ok())
    }
}

/// The signed-in person, as the shell needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_superadmin: bool,
    pub language: Language,
    pub theme: Theme,
    /// Projects the viewer can manage (has at least one admin permission in), or all of them
    /// for a superadmin.
    pub projects: Vec<ProjectSummary>,
    /// A step the person must take on their account page before anything else.
    #[serde(default)]
    pub required: Option<RequiredStep>,
    /// The users table's columns they chose.
    #[serde(default)]
    pub columns: super::Columns,
}

/// What a person must do before using anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequiredStep {
    /// An administrator set a temporary password.
    ChangePassword,
    /// A project of theirs requires two-factor authentication of its administrators.
    SetUpTwoFactor,
}

impl Viewer {
    pub fn display_name(&self) -> String {
        let n = format!("{} {}", self.first_name, self.last_name);
        let n = n.trim();
        if n.is_empty() {
            self.email.clone()
        } else {
            n.to_string()
        }
    }
    pub fn project(&self, slug: &str) -> Option<&ProjectSummary> {
        self.projects.iter().find(|p| p.slug == slug)
    }
    /// Where to go after sign-in: the console for people who can manage a project, their
    /// account page otherwise.
    pub fn landing(&self) -> String {
        if self.required.is_some() {
            return "/account".to_string();
        }
        match self.projects.first() {
            Some(p) => format!("/p/{}/users", p.slug),
            None => "/account".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub ip: String,
    /// "City, Country" from the GeoIP database; empty when unknown or none is configured.
    #[serde(default)]
    pub location: String,
    pub browser: String,
    pub os: String,
    pub device: String,
    pub current: bool,
}

/// Normalises and checks an email address: trimmed, lower-cased (Roster treats addresses
/// case-insensitively and stores one spelling), one `@`, a dotted domain, no spaces.
/// The longest email address (RFC 5321's path limit).
pub const MAX_EMAIL: usize = 254;

pub fn validate_email(raw: &str) -> Result<String, AppError> {
    let email = raw.trim().to_lowercase();
    let bad = || {
        AppError::validation(
            "email",
            "Enter a valid email address, like name@example.com.",
        )
    };
    if email.is_empty() {
        return Err(AppError::validation("email", "Email is required."));
    }
    if email.len() > MAX_EMAIL || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || local.len() > 64
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err(bad());
    }
    Ok(email)
}

/// Password policy: NIST 800-63B style — length matters, composition rules do not.
pub fn validate_password(field: &str, password: &str, email: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if n < 10 {
        return Err(AppError::validation(field, "Use at least 10 characters."));
    }
    if n > 256 {
        return Err(AppError::validation(field, "Use at most 256 characters."));
    }
    let lower = password.trim().to_lowercase();
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or("");
    if !email.is_empty() && (lower.contains(&email) || lower == local) {
        return Err(AppError::validation(
            field,
            "Don't use your email address as your password.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            validate_email("  Ada@Example.ORG ").unwrap(),
            "ada@example.org"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "a b@example.org",
            "ada@example",
            "a@@b.org",
            "a@b..org",
        ] {
            assert!(validate_email(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn passwords_need_length() {
        let e = "ada.lovelace@example.org";
        assert!(validate_password("password", "short", e).is_err());
        assert!(validate_password("password", &"x".repeat(257), e).is_err());
        assert!(validate_password("password", "long enough pass", e).is_ok());
        assert!(validate_password("password", "Ada.Lovelace@Example.org", e).is_err());
        assert!(validate_password("password", "ada.lovelace", e).is_err());
        assert!(validate_password("password", "my ada.lovelace@example.org!", e).is_err());
    }
}
