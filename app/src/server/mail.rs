//! The mail outbox: messages are written in the same transaction as the change that sends them
//! and delivered later by a worker (SMTP when configured). Until then they stay readable in the
//! `outbox` table, so a developer can follow the links locally. A body holds a live link (a
//! reset or invitation token), so it never goes to the log: the log names the outbox row and a
//! hash of the recipient.
use super::util::{hash_token, now_ms};
use crate::model::AppError;
use sqlx::{Any, Transaction};

pub async fn queue(
    tx: &mut Transaction<'_, Any>,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<(), AppError> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO outbox (to_email, subject, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    tracing::info!(
        outbox_id = id,
        to = recipient_hash(to),
        subject,
        "mail queued in the outbox"
    );
    Ok(())
}

/// Names a recipient in the log without their address: the first 12 hex digits of its SHA-256
/// (enough to follow one person's mail through a log, not to read it).
pub fn recipient_hash(email: &str) -> String {
    hash_token(&email.to_lowercase())[..12].to_string()
}
