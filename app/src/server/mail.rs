//! The mail outbox: messages are written in the same transaction as the change that sends them
//! and delivered later by a worker (SMTP when configured). Until then they stay readable in the
//! `outbox` table and in the log, so a developer can follow the links locally.
use super::util::now_ms;
use crate::model::AppError;
use sqlx::{Any, Transaction};

pub async fn queue(
    tx: &mut Transaction<'_, Any>,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<(), AppError> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO outbox (to_email, subject, body, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    tracing::info!(to, subject, body, "mail queued in the outbox");
    Ok(())
}
