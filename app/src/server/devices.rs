//! Device cookies (OWASP's defence against lockout abuse): a browser that has signed in to an
//! account gets a long-lived random cookie, stored hashed. Sign-in attempts from that browser
//! for that account count against the device alone, so guesses from anywhere else, the same
//! office NAT included, cannot lock the account's owner out; the device's own failures lock
//! the device like an account.
use super::auth::{AuthConfig, RequestMeta};
use super::util::{hash_token, new_token};
use super::Db;
use crate::model::AppError;
use sqlx::{Any, Row, Transaction};

const DEVICE_COOKIE: &str = "roster_device";
const SECURE_DEVICE_COOKIE: &str = "__Host-roster_device";
/// A device unused this long is forgotten (its cookie lives as long).
pub const DEVICE_TTL_MS: i64 = 365 * 24 * 3600 * 1000;

/// The device token from a Cookie header; a secure site reads only the `__Host-` cookie.
pub fn token_from_cookies(header: &str, secure: bool) -> Option<String> {
    super::auth::cookie_value(
        header,
        if secure {
            SECURE_DEVICE_COOKIE
        } else {
            DEVICE_COOKIE
        },
    )
}

/// The Set-Cookie value that gives a browser its device token.
pub fn cookie(cfg: &AuthConfig, meta: &RequestMeta, token: &str) -> String {
    let secure = cfg.secure_cookies || meta.https;
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        if secure {
            SECURE_DEVICE_COOKIE
        } else {
            DEVICE_COOKIE
        },
        DEVICE_TTL_MS / 1000,
        if secure { "; Secure" } else { "" }
    )
}

/// The id of the device `token` names when it has signed in to the account `email` before.
pub async fn trusted(db: &Db, token: Option<&str>, email: &str) -> Result<Option<i64>, AppError> {
    let Some(token) = token else { return Ok(None) };
    Ok(sqlx::query_scalar(
        "SELECT d.id FROM trusted_devices d JOIN users u ON u.id = d.user_id \
          WHERE d.token_hash = $1 AND u.email = $2 AND d.last_used_at > $3",
    )
    .bind(hash_token(token))
    .bind(email)
    .bind(super::util::now_ms() - DEVICE_TTL_MS)
    .fetch_optional(db.pool())
    .await?)
}

/// After a successful sign-in: a known device is marked used; an unknown one is remembered
/// and its new token answered, for the cookie.
pub async fn remember(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    known: Option<i64>,
    now: i64,
) -> Result<Option<String>, AppError> {
    if let Some(id) = known {
        sqlx::query("UPDATE trusted_devices SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        return Ok(None);
    }
    let token = new_token();
    sqlx::query(
        "INSERT INTO trusted_devices (user_id, token_hash, created_at, last_used_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(user_id)
    .bind(hash_token(&token))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(Some(token))
}

/// Forgets every device of an account (its password was reset: whoever knew the old one may
/// hold one of them).
pub async fn forget_all(tx: &mut Transaction<'static, Any>, user_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM trusted_devices WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// How far back a browser counts as known for the new-device notice.
pub const KNOWN_DEVICE_MS: i64 = 90 * 24 * 3600 * 1000;

/// Mails the person when they sign in from a browser, OS and device type the account has not
/// used in 90 days (and it has signed in before: a first sign-in is no news).
pub async fn notice_new_device(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    state: &super::AppState,
    meta: &RequestMeta,
    user_id: i64,
    now: i64,
    (browser, os, device): (&str, &str, &str),
) -> Result<(), AppError> {
    let since = now - KNOWN_DEVICE_MS;
    // A browser is known by its name, not its version: updates are no news.
    let family = |b: &str| b.split(' ').next().unwrap_or_default().to_string();
    let seen = sqlx::query(
        "SELECT DISTINCT browser, os, device FROM sessions WHERE user_id = $1 AND created_at > $2 LIMIT 500",
    )
    .bind(user_id)
    .bind(since)
    .fetch_all(&mut **tx)
    .await?;
    if seen.is_empty() {
        return Ok(());
    }
    for r in &seen {
        let (b, o, d): (String, String, String) = (
            r.try_get("browser")?,
            r.try_get("os")?,
            r.try_get("device")?,
        );
        if family(&b) == family(browser) && o == os && d == device {
            return Ok(());
        }
    }
    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?;
    let when = crate::model::time::format_utc(now);
    let what = format!("{browser} on {os} ({})", device.to_lowercase());
    let link = format!("{}/account", state.auth.public_url.trim_end_matches('/'));
    let kind = super::mail_text::Kind::NewSignIn {
        when: &when,
        device: &what,
        ip: &meta.ip,
        link: &link,
    };
    super::mail_text::queue_for(tx, user_id, &email, kind).await?;
    Ok(())
}
