//! Failed-attempt counting in the database (`sign_in_throttle`), shared by sign-in and the
//! reset-link requests: each key (an account, a client address, a device) counts attempts in a
//! window and can lock; the counts hold across several server processes.
use super::util::now_ms;
use crate::model::AppError;
use sqlx::Row;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct ThrottleConfig {
    /// Failures (per account) after which each further failure is answered more slowly.
    pub delay_after: i64,
    /// The first delay; it doubles with each further failure, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Failures per account within `window` that lock it for `lock_for`.
    pub account_lock_after: i64,
    /// Failures per client IP within `window` that lock that IP (higher: offices share IPs).
    pub ip_lock_after: i64,
    pub window: Duration,
    pub lock_for: Duration,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            delay_after: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            account_lock_after: 10,
            ip_lock_after: 100,
            window: Duration::from_secs(3600),
            lock_for: Duration::from_secs(3600),
        }
    }
}

/// One reserved attempt: how many attempts the key has in its window (this one included), and
/// the end of a lock that still holds.
pub(crate) struct Attempt {
    pub count: i64,
    pub locked_until: Option<i64>,
}

/// Counts one attempt for `key` within the window, atomically (one upsert), before the
/// password is verified. A window that has passed, or a lock that has run out, starts again.
pub(crate) async fn reserve_attempt(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &str,
    t: &ThrottleConfig,
) -> Result<Attempt, AppError> {
    let now = now_ms();
    let window_start = now - t.window.as_millis() as i64;
    let row = sqlx::query(
        "INSERT INTO sign_in_throttle (key, failures, first_at, last_at) VALUES ($1, 1, $2, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = CASE WHEN sign_in_throttle.first_at < $3 OR sign_in_throttle.locked_until <= $2 \
                           THEN 1 ELSE sign_in_throttle.failures + 1 END, \
           first_at = CASE WHEN sign_in_throttle.first_at < $3 OR sign_in_throttle.locked_until <= $2 \
                           THEN $2 ELSE sign_in_throttle.first_at END, \
           locked_until = CASE WHEN sign_in_throttle.locked_until <= $2 THEN NULL ELSE sign_in_throttle.locked_until END, \
           last_at = $2 \
         RETURNING failures, locked_until",
    )
    .bind(key)
    .bind(now)
    .bind(window_start)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Attempt {
        count: row.try_get("failures")?,
        locked_until: row.try_get("locked_until")?,
    })
}

/// Deletes throttle rows that no longer count (their window has passed and no lock holds), so
/// guesses from ever-new addresses cannot grow the table without end. Answers how many went.
pub async fn prune_throttle(db: &super::Db, t: &ThrottleConfig) -> Result<u64, AppError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let gone = sqlx::query(
        "DELETE FROM sign_in_throttle WHERE first_at < $1 \
           AND (locked_until IS NULL OR locked_until <= $2)",
    )
    .bind(now - t.window.as_millis() as i64)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query("DELETE FROM trusted_devices WHERE last_used_at <= $1")
        .bind(now - super::devices::DEVICE_TTL_MS)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(gone)
}

/// After a failed verification: the key locks once its count has reached `lock_after`.
pub(crate) async fn lock_if_reached(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &str,
    count: i64,
    lock_after: i64,
    t: &ThrottleConfig,
) -> Result<(), AppError> {
    if count >= lock_after {
        sqlx::query(
            "UPDATE sign_in_throttle SET locked_until = $1 WHERE key = $2 AND locked_until IS NULL",
        )
        .bind(now_ms() + t.lock_for.as_millis() as i64)
        .bind(key)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Gives back a reservation that was not a failure.
pub(crate) async fn release_attempt(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    key: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE sign_in_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0",
    )
    .bind(key)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
