//! Two-factor authentication with TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps, one step
//! of clock skew either way) and single-use recovery codes.
//!
//! - Setup shows the secret (and its QR code) while it is pending; once a right code confirms
//!   it, the secret is never sent anywhere again, and ten recovery codes are shown once (only
//!   their hashes are kept).
//! - A code is accepted once: the step it belongs to is remembered, and a code of that step or
//!   an earlier one is refused (no replay).
//! - Signing in with the right password to an account with two-factor on opens no session: it
//!   makes a challenge (five minutes, five tries, only its hash stored, its token in an
//!   HttpOnly cookie) whose one use is to send a code or a recovery code. Wrong codes count on
//!   the account like wrong passwords and lock it the same way.
use super::audit::{self, Actor, Event};
use super::auth::{AuthConfig, Principal, RequestMeta, SignedIn};
use super::throttle::{lock_if_reached, release_attempt, reserve_attempt};
use super::util::{hash_token, new_token};
use super::{AppState, Db};
use crate::model::{AppError, TotpSetup, TwoFactorStatus, RECOVERY_CODES};
use rand::RngCore;
use serde_json::json;
use sqlx::{Any, Row, Transaction};
use totp_rs::{Algorithm, Secret, TOTP};

type Tx = Transaction<'static, Any>;

pub const ISSUER: &str = "Roster";
pub const CHALLENGE_TTL_MS: i64 = 5 * 60 * 1000;
pub const CHALLENGE_TRIES: i64 = 5;
pub const CHALLENGE_COOKIE: &str = "roster_mfa";
pub const SECURE_CHALLENGE_COOKIE: &str = "__Host-roster_mfa";

fn totp(secret: &str, email: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret.to_string())
        .to_bytes()
        .map_err(|_| AppError::Internal)?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some(ISSUER.to_string()),
        email.to_string(),
    )
    .map_err(|_| AppError::Internal)
}

fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The step a 6-digit `code` belongs to, within one step of `now_ms`, and later than `last`.
fn matching_step(t: &TOTP, code: &str, now_ms: i64, last: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let current = (now_ms.max(0) / 1000 / 30) as u64;
    (current.saturating_sub(1)..=current + 1)
        .filter(|step| last.is_none_or(|l| *step as i64 > l))
        .find(|step| same(t.generate(step * 30).as_bytes(), code.as_bytes()))
        .map(|s| s as i64)
}

/// "xxxxx-xxxxx" from an unambiguous alphabet (50 bits each).
fn new_recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 10];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let s: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}", &s[..5], &s[5..])
}

fn recovery_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hash_token(&normal)
}

fn looks_like_recovery_code(code: &str) -> bool {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).count() == 10
}

pub async fn status(db: &Db, user_id: i64) -> Result<TwoFactorStatus, AppError> {
    let enabled: Option<i64> = sqlx::query_scalar(
        "SELECT enabled_at FROM totp_secrets WHERE user_id = $1 AND enabled_at IS NOT NULL",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?;
    Ok(TwoFactorStatus {
        enabled: enabled.is_some(),
        recovery_codes_left: if enabled.is_some() { left } else { 0 },
    })
}

/// Starts (or restarts) setup: a new pending secret, shown as a QR code and as text.
pub async fn begin_setup(state: &AppState, principal: &Principal) -> Result<TotpSetup, AppError> {
    if status(&state.db, principal.user_id).await?.enabled {
        return Err(AppError::Conflict(
            "Two-factor authentication is already on.".into(),
        ));
    }
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = Secret::Raw(bytes.to_vec()).to_encoded().to_string();
    let t = totp(&secret, &principal.email)?;
    let qr = t.get_qr_base64().map_err(|_| AppError::Internal)?;
    let mut tx = state.db.begin().await?;
    sqlx::query("DELETE FROM totp_secrets WHERE user_id = $1 AND enabled_at IS NULL")
        .bind(principal.user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO totp_secrets (user_id, secret, created_at) VALUES ($1, $2, $3)")
        .bind(principal.user_id)
        .bind(&secret)
        .bind(state.auth.clock.now_ms())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let grouped = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).to_string())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(TotpSetup {
        qr_png_base64: qr,
        secret: grouped,
    })
}

/// Counts a wrong code on the account like a wrong password; answers the error to show.
async fn wrong_code(
    state: &AppState,
    key: &str,
    count: i64,
    actor: &Actor,
    user_id: i64,
    email: &str,
) -> Result<AppError, AppError> {
    let t = &state.auth.throttle;
    let mut tx = state.db.begin().await?;
    lock_if_reached(&mut tx, key, count, t.account_lock_after, t).await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("auth.sign_in_failed")
            .target(Some(user_id), email)
            .details(json!({"reason": "bad_code"})),
    )
    .await?;
    tx.commit().await?;
    Ok(AppError::validation(
        "code",
        "That code is not right. Try the newest code from your app.",
    ))
}

/// Reserves one code attempt on the account (refused while it is locked); answers the count.
async fn reserve_code(state: &AppState, key: &str) -> Result<i64, AppError> {
    let t = &state.auth.throttle;
    let mut tx = state.db.begin().await?;
    let a = reserve_attempt(&mut tx, key, t).await?;
    tx.commit().await?;
    let now = super::util::now_ms();
    if let Some(until) = a.locked_until.filter(|u| *u > now) {
        return Err(AppError::Locked {
            minutes: ((until - now) as u64).div_ceil(60_000).max(1),
        });
    }
    if a.count > t.account_lock_after {
        return Err(AppError::Locked {
            minutes: t.lock_for.as_secs().div_ceil(60),
        });
    }
    Ok(a.count)
}

async fn give_back(state: &AppState, key: &str) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    release_attempt(&mut tx, key).await?;
    tx.commit().await?;
    Ok(())
}

fn account_key(email: &str) -> String {
    format!("email:{email}")
}

/// Replaces the recovery codes with new ones; answers them (shown once).
async fn new_recovery_codes(tx: &mut Tx, user_id: i64) -> Result<Vec<String>, AppError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    for c in &codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(recovery_hash(c))
            .execute(&mut **tx)
            .await?;
    }
    Ok(codes)
}

/// Confirms setup with a code from the app: two-factor is on, and the recovery codes are
/// answered (shown once).
pub async fn complete_setup(
    state: &AppState,
    principal: &Principal,
    meta: &RequestMeta,
    code: &str,
) -> Result<Vec<String>, AppError> {
    let secret: String = sqlx::query_scalar(
        "SELECT secret FROM totp_secrets WHERE user_id = $1 AND enabled_at IS NULL",
    )
    .bind(principal.user_id)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or_else(|| {
        AppError::Conflict("Start the setup again: it was finished or replaced.".into())
    })?;
    let key = account_key(&principal.email);
    let count = reserve_code(state, &key).await?;
    let now = state.auth.clock.now_ms();
    let Some(step) = matching_step(&totp(&secret, &principal.email)?, code, now, None) else {
        let actor = principal.actor(meta);
        return Err(wrong_code(
            state,
            &key,
            count,
            &actor,
            principal.user_id,
            &principal.email,
        )
        .await?);
    };
    give_back(state, &key).await?;
    let mut tx = state.db.begin().await?;
    let n = sqlx::query(
        "UPDATE totp_secrets SET enabled_at = $1, last_used_step = $2 WHERE user_id = $3 AND secret = $4 AND enabled_at IS NULL",
    )
    .bind(now)
    .bind(step)
    .bind(principal.user_id)
    .bind(&secret)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n != 1 {
        return Err(AppError::Conflict(
            "Start the setup again: it was finished or replaced.".into(),
        ));
    }
    let codes = new_recovery_codes(&mut tx, principal.user_id).await?;
    audit::record(
        &mut tx,
        &principal.actor(meta),
        Event::new("account.two_factor_enabled").target(Some(principal.user_id), &principal.email),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Checks a current code (replay-safe) or the password, for turning two-factor off or making
/// new recovery codes. Wrong proofs count on the account like wrong passwords.
async fn check_proof(
    state: &AppState,
    principal: &Principal,
    meta: &RequestMeta,
    proof: &str,
) -> Result<(), AppError> {
    let key = account_key(&principal.email);
    let count = reserve_code(state, &key).await?;
    let row = sqlx::query(
        "SELECT t.secret, t.last_used_step, u.password_hash FROM totp_secrets t JOIN users u ON u.id = t.user_id \
          WHERE t.user_id = $1 AND t.enabled_at IS NOT NULL",
    )
    .bind(principal.user_id)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(row) = row else {
        give_back(state, &key).await?;
        return Err(AppError::Conflict(
            "Two-factor authentication is not on.".into(),
        ));
    };
    let secret: String = row.try_get("secret")?;
    let last: Option<i64> = row.try_get("last_used_step")?;
    let now = state.auth.clock.now_ms();
    if let Some(step) = matching_step(&totp(&secret, &principal.email)?, proof, now, last) {
        give_back(state, &key).await?;
        let mut tx = state.db.begin().await?;
        sqlx::query("UPDATE totp_secrets SET last_used_step = $1 WHERE user_id = $2")
            .bind(step)
            .bind(principal.user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(());
    }
    let hash: Option<String> = row.try_get("password_hash")?;
    let is_code = proof.trim().len() == 6 && proof.trim().chars().all(|c| c.is_ascii_digit());
    if !is_code
        && proof.len() <= super::auth::MAX_PASSWORD_BYTES
        && state.passwords.verify(proof, hash.as_deref()).await?
    {
        give_back(state, &key).await?;
        return Ok(());
    }
    let actor = principal.actor(meta);
    let e = wrong_code(
        state,
        &key,
        count,
        &actor,
        principal.user_id,
        &principal.email,
    )
    .await?;
    Err(AppError::validation(
        "proof",
        match e {
            AppError::Validation { .. } => {
                "That is neither a current code nor your password.".to_string()
            }
            other => other.to_string(),
        },
    ))
}

/// Turns two-factor authentication off (with a current code or the password).
pub async fn disable(
    state: &AppState,
    principal: &Principal,
    meta: &RequestMeta,
    proof: &str,
) -> Result<(), AppError> {
    check_proof(state, principal, meta, proof).await?;
    let mut tx = state.db.begin().await?;
    remove(&mut tx, principal.user_id).await?;
    audit::record(
        &mut tx,
        &principal.actor(meta),
        Event::new("account.two_factor_disabled").target(Some(principal.user_id), &principal.email),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ten new recovery codes (the old ones stop working), with a current code or the password.
pub async fn regenerate(
    state: &AppState,
    principal: &Principal,
    meta: &RequestMeta,
    proof: &str,
) -> Result<Vec<String>, AppError> {
    check_proof(state, principal, meta, proof).await?;
    let mut tx = state.db.begin().await?;
    let codes = new_recovery_codes(&mut tx, principal.user_id).await?;
    audit::record(
        &mut tx,
        &principal.actor(meta),
        Event::new("account.recovery_codes_regenerated")
            .target(Some(principal.user_id), &principal.email),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Removes a person's two-factor setup and recovery codes (theirs, or an admin's reset).
pub async fn remove(tx: &mut Tx, user_id: i64) -> Result<u64, AppError> {
    let n = sqlx::query("DELETE FROM totp_secrets WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM sign_in_challenges WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(n)
}

/// Whether signing in to `user_id` needs a second step.
pub async fn required(db: &Db, user_id: i64) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT user_id FROM totp_secrets WHERE user_id = $1 AND enabled_at IS NOT NULL",
    )
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?
    .is_some())
}

/// After the right password: the challenge that the second step answers; its token.
pub async fn challenge(
    tx: &mut Tx,
    user_id: i64,
    device_id: Option<i64>,
    now: i64,
) -> Result<String, AppError> {
    // Old challenges of the person end: only the newest sign-in can finish.
    sqlx::query("DELETE FROM sign_in_challenges WHERE user_id = $1 OR expires_at < $2")
        .bind(user_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    let token = new_token();
    sqlx::query(
        "INSERT INTO sign_in_challenges (token_hash, user_id, device_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash_token(&token))
    .bind(user_id)
    .bind(device_id)
    .bind(now)
    .bind(now + CHALLENGE_TTL_MS)
    .execute(&mut **tx)
    .await?;
    Ok(token)
}

/// The challenge cookie (`None` clears it): five minutes, HttpOnly, same-site only.
pub fn challenge_cookie(cfg: &AuthConfig, meta: &RequestMeta, token: Option<&str>) -> String {
    let secure = cfg.secure_cookies || meta.https;
    let name = if secure {
        SECURE_CHALLENGE_COOKIE
    } else {
        CHALLENGE_COOKIE
    };
    let (value, max_age) = match token {
        Some(t) => (t, CHALLENGE_TTL_MS / 1000),
        None => ("", 0),
    };
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The challenge token from a Cookie header (a secure site reads only the `__Host-` one).
pub fn token_from_cookies(header: &str, secure: bool) -> Option<String> {
    let name = if secure {
        SECURE_CHALLENGE_COOKIE
    } else {
        CHALLENGE_COOKIE
    };
    super::auth::cookie_value(header, name)
}

fn expired() -> AppError {
    AppError::Validation {
        field: None,
        message: "This sign-in has expired. Sign in again with your password.".into(),
    }
}

/// The second step: a current code, or an unused recovery code (then used up). Opens the
/// session the password alone did not.
pub async fn verify_challenge(
    state: &AppState,
    meta: &RequestMeta,
    code: &str,
) -> Result<SignedIn, AppError> {
    let token = meta.challenge_token.as_deref().ok_or_else(expired)?;
    let now = state.auth.clock.now_ms();
    let row = sqlx::query(
        "SELECT c.id, c.user_id, c.device_id, u.email, u.status, t.secret, t.last_used_step \
           FROM sign_in_challenges c JOIN users u ON u.id = c.user_id \
           JOIN totp_secrets t ON t.user_id = c.user_id AND t.enabled_at IS NOT NULL \
          WHERE c.token_hash = $1 AND c.expires_at > $2 AND c.failures < $3",
    )
    .bind(hash_token(token))
    .bind(now)
    .bind(CHALLENGE_TRIES)
    .fetch_optional(state.db.pool())
    .await?
    .ok_or_else(expired)?;
    let challenge_id: i64 = row.try_get("id")?;
    let user_id: i64 = row.try_get("user_id")?;
    let email: String = row.try_get("email")?;
    if row.try_get::<String, _>("status")? != "active" {
        return Err(expired());
    }
    let actor = Actor {
        user_id: Some(user_id),
        email: Some(email.clone()),
        ip: meta.ip.clone(),
        user_agent: meta.user_agent.clone(),
    };
    let key = account_key(&email);
    let count = reserve_code(state, &key).await?;
    let secret: String = row.try_get("secret")?;
    let last: Option<i64> = row.try_get("last_used_step")?;
    let step = matching_step(&totp(&secret, &email)?, code, now, last);
    let mut tx = state.db.begin().await?;
    let how = match step {
        Some(step) => {
            sqlx::query("UPDATE totp_secrets SET last_used_step = $1 WHERE user_id = $2 AND (last_used_step IS NULL OR last_used_step < $1)")
                .bind(step)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                .eq(&1)
                .then_some("totp")
        }
        None if looks_like_recovery_code(code) => sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .bind(recovery_hash(code))
        .execute(&mut *tx)
        .await?
        .rows_affected()
        .eq(&1)
        .then_some("recovery_code"),
        None => None,
    };
    let Some(how) = how else {
        tx.rollback().await?;
        let mut tx = state.db.begin().await?;
        sqlx::query("UPDATE sign_in_challenges SET failures = failures + 1 WHERE id = $1")
            .bind(challenge_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Err(wrong_code(state, &key, count, &actor, user_id, &email).await?);
    };
    // Claimed with the code in one transaction: a challenge finishes once.
    let claimed = sqlx::query("DELETE FROM sign_in_challenges WHERE id = $1")
        .bind(challenge_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if claimed != 1 {
        return Err(expired());
    }
    // Success clears the account's count (as a right password does).
    sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
        .bind(&key)
        .execute(&mut *tx)
        .await?;
    let real_now = super::util::now_ms();
    let session = super::auth::open_session(&mut tx, state, meta, user_id, real_now).await?;
    let device_token =
        super::devices::remember(&mut tx, user_id, row.try_get("device_id")?, real_now).await?;
    let (browser, os, device) = super::user_agent::parse_user_agent(&meta.user_agent);
    audit::record(
        &mut tx,
        &actor,
        Event::new("auth.signed_in")
            .target(Some(user_id), &email)
            .details(json!({
                "session_id": session.id, "browser": browser, "os": os, "device": device,
                "second_factor": how
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(SignedIn {
        token: session.token,
        user_id,
        device_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_within_one_step_and_never_twice() {
        let secret = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        let t = totp(&secret, "a@b.co").unwrap();
        // RFC 6238's SHA-1 vector at T = 59 s: 94287082 (8 digits), so 287082 with 6.
        assert_eq!(t.generate(59), "287082");
        let now = 59_000;
        assert_eq!(matching_step(&t, "287082", now, None), Some(1));
        assert_eq!(matching_step(&t, "287 082", now, None), Some(1));
        assert_eq!(matching_step(&t, "287082", now, Some(1)), None, "replay");
        // One step of skew either way, not two.
        assert_eq!(matching_step(&t, "287082", now + 30_000, None), Some(1));
        assert_eq!(matching_step(&t, "287082", now + 60_000, None), None);
        assert_eq!(matching_step(&t, "28708", now, None), None);
        assert_eq!(matching_step(&t, "abcdef", now, None), None);
    }

    #[test]
    fn recovery_codes_are_random_and_compare_loosely() {
        let a = new_recovery_code();
        assert_eq!(a.len(), 11);
        assert_ne!(a, new_recovery_code());
        assert!(looks_like_recovery_code(&a));
        assert_eq!(
            recovery_hash(&a),
            recovery_hash(&a.to_uppercase().replace('-', " "))
        );
    }
}
