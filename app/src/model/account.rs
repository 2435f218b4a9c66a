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
    /// "City, Country" from the GeoIP database; empty when unknown or none is configured.
    #[serde(default)]
    pub location: String,
    /// "Firefox on Linux (desktop)", when the browser said.
    pub device: String,
}

/// What the "Enable two-factor authentication" dialog shows while setting up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    /// A PNG of the `otpauth://` URI, base64 (for an `<img src="data:…">`).
    pub qr_png_base64: String,
    /// The secret in base32, in groups of four, for typing into an app by hand.
    pub secret: String,
}

/// Whether two-factor authentication is on, and how many recovery codes are left.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    pub recovery_codes_left: i64,
}

/// How many recovery codes a setup (or a regeneration) gives.
pub const RECOVERY_CODES: usize = 10;
