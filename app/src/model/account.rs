//! What a signed-in person reads and changes about their own account.
use super::{Language, Theme};
use serde::{Deserialize, Serialize};

/// The profile form of `/account`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileForm {
    pub first_name: String,
    pub last_name: String,
    pub language: Language,
    pub theme: Theme,
}

/// One sign-in attempt of the person (successful or not), for "My recent sign-ins".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInEvent {
    pub at: i64,
    pub ok: bool,
    pub ip: String,
    /// "Firefox on Linux (desktop)", when the browser said.
    pub device: String,
}
