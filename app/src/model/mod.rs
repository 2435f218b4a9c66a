//! Types shared by the server and the browser. No server-only dependency may appear here.
mod error;
mod permission;
mod user;

pub use error::AppError;
pub use permission::{Permission, ALL_PERMISSIONS, BUILTIN_ROLES};
pub use user::{
    validate_email, validate_password, Language, ProjectSummary, SessionInfo, Status, Theme, Viewer,
};
