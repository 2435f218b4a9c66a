//! The audit trail: one function writes an event inside the caller's transaction, so an event
//! exists if and only if the change it describes was committed.
use super::util::truncate;
use crate::model::{AppError, MAX_EMAIL};
use sqlx::{Any, Transaction};

/// Who did something and from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub email: Option<String>,
    pub ip: String,
    pub user_agent: String,
}

impl Actor {
    pub fn system() -> Self {
        Actor {
            user_id: None,
            email: Some("system".into()),
            ip: String::new(),
            user_agent: String::new(),
        }
    }
}

/// One event: `action` is a dotted verb (`user.deactivated`, `auth.sign_in_failed`, …).
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub action: &'a str,
    pub project_id: Option<i64>,
    pub target_user_id: Option<i64>,
    pub target_email: Option<&'a str>,
    pub details: serde_json::Value,
}

impl<'a> Event<'a> {
    pub fn new(action: &'a str) -> Self {
        Event {
            action,
            project_id: None,
            target_user_id: None,
            target_email: None,
            details: serde_json::json!({}),
        }
    }
    pub fn project(mut self, id: i64) -> Self {
        self.project_id = Some(id);
        self
    }
    pub fn target(mut self, user_id: Option<i64>, email: &'a str) -> Self {
        self.target_user_id = user_id;
        self.target_email = Some(email);
        self
    }
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// Bounds of each text field of an event: the log is append-only, so no request may make a
/// row larger than these (emails per RFC 5321, an IPv6 address with zone, a user agent, details).
pub const MAX_IP: usize = 64;
pub const MAX_USER_AGENT: usize = 512;
pub const MAX_DETAILS: usize = 4096;

/// Details past [`MAX_DETAILS`] bytes are replaced by a note of their size.
fn bounded_details(details: &serde_json::Value) -> String {
    let text = details.to_string();
    if text.len() <= MAX_DETAILS {
        text
    } else {
        serde_json::json!({ "truncated": true, "bytes": text.len() }).to_string()
    }
}

pub async fn record(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    event: Event<'_>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO audit_events (at, actor_id, actor_email, action, target_user_id, target_email, \
         project_id, ip, user_agent, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(super::util::now_ms())
    .bind(actor.user_id)
    .bind(actor.email.as_deref().map(|e| truncate(e, MAX_EMAIL)))
    .bind(event.action)
    .bind(event.target_user_id)
    .bind(event.target_email.map(|e| truncate(e, MAX_EMAIL)))
    .bind(event.project_id)
    .bind(truncate(&actor.ip, MAX_IP))
    .bind(truncate(&actor.user_agent, MAX_USER_AGENT))
    .bind(bounded_details(&event.details))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
