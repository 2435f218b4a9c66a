//! Types shared by the server and the browser. No server-only dependency may appear here.
mod account;
mod admin;
mod audit;
mod error;
mod group;
mod import;
mod invitation;
mod permission;
mod project;
mod query;
mod role;
mod signup;
pub mod time;
mod user;

pub use account::{ProfileForm, SignInEvent, TotpSetup, TwoFactorStatus, RECOVERY_CODES};
pub use admin::{
    check_name, parse_metadata, ActivityItem, BulkAction, BulkSummary, CheckedEdit, Guard,
    MembershipInfo, UserDetail, UserEdit, MAX_BULK, MAX_REASON,
};
pub use audit::{
    day_start_ms, AuditItem, AuditQuery, AuditSlice, Cursor, AUDIT_ACTIONS, AUDIT_PAGE,
};
pub use error::AppError;
pub use group::{form_permissions, Candidate, FormDone, GroupInfo, CANDIDATES, MIN_FIND};
pub use import::{
    ExportField, ExportFormat, ExportScope, ImportCounts, ImportInfo, ImportOutcome, ImportProblem,
    ImportRow, ImportState, DEFAULT_MAX_MB, DEFAULT_MAX_ROWS, GROUP_SEPARATOR, IMPORT_HEADER,
    REASON_COLUMN, REVIEW_PAGE,
};
pub use invitation::{
    InvitationInfo, InvitationPreview, InviteForm, Invited, MailState, INVITATION_DAYS, MAX_MESSAGE,
};
pub use permission::{Permission, ALL_PERMISSIONS, BUILTIN_ROLES};
pub use project::{check_slug, ProjectChanges, ProjectInfo, MAX_SLUG};
pub use query::{
    max_page, Columns, Directory, LastSignIn, Page, UserColumn, UserQuery, UserRow, UserSort,
    DEFAULT_PAGE_SIZE, PAGE_SIZES,
};
pub use role::{check_permission, RoleForm, RoleInfo, MAX_DESCRIPTION, MAX_PERMISSIONS};
pub use signup::{check_legal_url, ConsentInfo, SignupInfo, VERIFICATION_HOURS};
pub use user::{
    validate_email, validate_password, Language, ProjectSummary, RequiredStep, SessionInfo, Status,
    Theme, Viewer, MAX_EMAIL,
};

/// Percent-encodes a path-and-query for use as a query parameter value (`/login?next=…`).
/// `/` stays readable; everything else outside the unreserved set is escaped.
pub fn encode_query_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
