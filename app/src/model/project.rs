//! Projects (tenants): their slug and name, and the settings their owners change.
use super::AppError;
use serde::{Deserialize, Serialize};

/// A project's slug is at most this long.
pub const MAX_SLUG: usize = 40;

/// A project as the projects page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectInfo {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub allow_signup: bool,
    pub terms_url: String,
    pub privacy_url: String,
    pub require_admin_2fa: bool,
    /// Members of any status.
    pub members: u64,
}

/// A change of a project's settings; None leaves a value as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectChanges {
    pub name: Option<String>,
    pub allow_signup: Option<bool>,
    pub terms_url: Option<String>,
    pub privacy_url: Option<String>,
    pub require_admin_2fa: Option<bool>,
}

/// A slug names the project in every URL: 2 to 40 lowercase letters, digits and single hyphens
/// inside, like `acme` or `acme-eu`. Answers it trimmed and lower-cased.
pub fn check_slug(slug: &str) -> Result<String, AppError> {
    let slug = slug.trim().to_lowercase();
    let ok = (2..=MAX_SLUG).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--");
    if ok {
        Ok(slug)
    } else {
        Err(AppError::validation(
            "slug",
            format!("Use 2 to {MAX_SLUG} lowercase letters, digits and hyphens, like acme-eu."),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_lowercase_words_with_hyphens() {
        assert_eq!(check_slug(" Acme-EU ").unwrap(), "acme-eu");
        assert_eq!(check_slug("a1").unwrap(), "a1");
        for bad in [
            "a",
            "-acme",
            "acme-",
            "ac--me",
            "ac me",
            "acmé",
            "a/b",
            &"a".repeat(41),
        ] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }
}
