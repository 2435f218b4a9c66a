//! `/account`: what a signed-in person changes about themselves (profile, language, theme,
//! password) and reads (their sessions and recent sign-ins). Every function acts on the
//! caller's own account only; there is no id to pass.
use super::audit::{self, Event};
use super::auth::{Principal, RequestMeta};
use super::geoip::location;
use super::mail_text::Kind;
use super::throttle::{lock_if_reached, release_attempt, reserve_attempt};
use super::util::now_ms;
use super::AppState;
use crate::model::{
    AppError, Page, ProfileForm, ProjectSummary, RequiredStep, SessionInfo, SignInEvent,
};
use serde_json::json;
use sqlx::Row;

/// Saves names, language and theme (they follow the person to any browser).
pub async fn update_profile(
    state: &AppState,
    principal: &Principal,
    meta: &RequestMeta,
    form: &ProfileForm,
) -> Result<(), AppError> {
    let (first, last) = super::signup::required_names(&form.first_name, &form.last_name)?;
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "UPDATE users SET first_name = $1, last_name = $2, language = $3, theme = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(&first)
    .bind(&last)
    .bind(form.language.as_str())
    .bind(form.theme.as_str())
    .bind(now_ms())
    .bind(principal.user_id)
    .execute(&mut *tx)
    .await?;
    super::store::sync_memberships(&mut tx, principal.user_id).await?;
    let mut changed = Vec::new();
    if first != principal.first_name {
        changed.push("first_name");
    }
    if last != principal.last_name {
        changed.push("last_name");
    }
    if form.language != principal.language {
        changed.push("language");
    }
    if form.theme != principal.theme {
        changed.push("theme");
    }
    audit::record(
        &mut tx,
        &principal.actor(meta),
        Event::new("account.profile_updated")
            .target(Some(principal.user_id), &principal.email)
            .details(json!({ "changed": changed })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Checks the caller's current password like a sign-in: a wrong one counts towards the
/// account's lock (and is refused under `field`), a lock refuses even the right one.
async fn check_current(
    state: &AppState,
    principal: &Principal,
    meta: &RequestMeta,
    current: &str,
    field: &str,
) -> Result<(), AppError> {
    if current.len() > super::auth::MAX_PASSWORD_BYTES {
        return Err(AppError::validation(field, "Incorrect password."));
    }
    let t = &state.auth.throttle;
    let key = format!("email:{}", principal.email);
    let mut tx = state.db.begin().await?;
    let attempt = reserve_attempt(&mut tx, &key, t).await?;
    tx.commit().await?;
    let now = now_ms();
    if let Some(until) = attempt.locked_until.filter(|u| *u > now) {
        return Err(AppError::Locked {
            minutes: ((until - now) as u64).div_ceil(60_000).max(1),
        });
    }
    if attempt.count > t.account_lock_after {
        return Err(AppError::Locked {
            minutes: t.lock_for.as_secs().div_ceil(60),
        });
    }
    let hash: Option<String> = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(principal.user_id)
        .fetch_one(state.db.pool())
        .await?;
    let ok = match state.passwords.verify(current, hash.as_deref()).await {
        Ok(ok) => ok,
        Err(e) => {
            let mut tx = state.db.begin().await?;
            release_attempt(&mut tx, &key).await?;
            tx.commit().await?;
            return Err(e);
        }
    };
    let mut tx = state.db.begin().await?;
    if !ok {
        lock_if_reached(&mut tx, &key, attempt.count, t.account_lock_after, t).await?;
        audit::record(
            &mut tx,
            &principal.actor(meta),
            Event::new("auth.sign_in_failed")
                .target(Some(principal.user_id), &principal.email)
                .details(json!({"reason": "bad_credentials", "during": field})),
        )
        .await?;
        tx.commit().await?;
        return Err(AppError::validation(
            field,
            "Your current password is not correct.",
        ));
    }
    // The right password: this attempt was no failure.
    release_attempt(&mut tx, &key).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the password: the current one is checked like a sign-in (a wrong one counts
/// towards the account's lock), the new one follows the policy; every other session ends, a
/// notice goes to the address, and the change is audited.
pub async fn change_password(
    state: &AppState,
    principal: &Principal,
    meta: &RequestMeta,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    check_current(state, principal, meta, current, "current").await?;
    if new == current {
        return Err(AppError::validation(
            "new",
            "Choose a password different from the current one.",
        ));
    }
    super::password::check_policy("new", new, &principal.email)?;
    let hash = state.passwords.hash(new).await?;
    let mut tx = state.db.begin().await?;
    let now = now_ms();
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = 0, updated_at = $2 WHERE id = $3",
    )
    .bind(&hash)
    .bind(now)
    .bind(principal.user_id)
        .execute(&mut *tx)
        .await?;
    let ended = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(principal.user_id)
    .bind(principal.session_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    super::resets::end_links(&mut tx, principal.user_id).await?;
    audit::record(
        &mut tx,
        &principal.actor(meta),
        Event::new("account.password_changed")
            .target(Some(principal.user_id), &principal.email)
            .details(json!({ "sessions_ended": ended })),
    )
    .await?;
    super::mail_text::queue_for(
        &mut tx,
        principal.user_id,
        &principal.email,
        Kind::PasswordChangedByOwner,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Asks to move the account to `new_email` (with the current password): a 24-hour link goes to
/// the new address and the change happens only when it is followed. The answer is the same
/// whether or not another account has that address (then no link is sent).
pub async fn request_email_change(
    state: &AppState,
    principal: &Principal,
    meta: &RequestMeta,
    new_email: &str,
    password: &str,
) -> Result<(), AppError> {
    if new_email.trim().len() > crate::model::MAX_EMAIL {
        return Err(AppError::validation(
            "new_email",
            "Enter a valid email address, like name@example.com.",
        ));
    }
    let new = crate::model::validate_email(new_email)
        .map_err(|e| AppError::validation("new_email", e.to_string()))?;
    if new == principal.email {
        return Err(AppError::validation(
            "new_email",
            "That is already your address.",
        ));
    }
    check_current(state, principal, meta, password, "password").await?;
    let mut tx = state.db.begin().await?;
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(&new)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_none() {
        super::signup::issue(
            &mut tx,
            state,
            principal.user_id,
            &new,
            super::signup::LinkFor::Change,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        &principal.actor(meta),
        Event::new("account.email_change_requested")
            .target(Some(principal.user_id), &principal.email)
            .details(json!({ "to": new })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The caller's live sessions, most recently used first (this one marked).
pub async fn sessions(
    state: &AppState,
    principal: &Principal,
) -> Result<Vec<SessionInfo>, AppError> {
    let now = now_ms();
    let idle_cutoff = now - state.auth.idle_timeout.as_millis() as i64;
    let rows = sqlx::query(
        "SELECT id, created_at, last_seen_at, ip, browser, os, device FROM sessions \
          WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3 \
          ORDER BY last_seen_at DESC, id DESC LIMIT 100",
    )
    .bind(principal.user_id)
    .bind(now)
    .bind(idle_cutoff)
    .fetch_all(state.db.pool())
    .await?;
    rows.into_iter()
        .map(|s| {
            let id: i64 = s.try_get("id")?;
            let ip: String = s.try_get("ip")?;
            Ok(SessionInfo {
                id,
                created_at: s.try_get("created_at")?,
                last_seen_at: s.try_get("last_seen_at")?,
                location: location(state.geoip.as_deref(), &ip),
                ip,
                browser: s.try_get("browser")?,
                os: s.try_get("os")?,
                device: s.try_get("device")?,
                current: id == principal.session_id,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(AppError::from)
}

/// Ends one of the caller's other sessions (`Some(id)`) or all of them but this one (`None`);
/// answers how many ended.
pub async fn revoke_sessions(
    state: &AppState,
    principal: &Principal,
    meta: &RequestMeta,
    session: Option<i64>,
) -> Result<u64, AppError> {
    let mut tx = state.db.begin().await?;
    let now = now_ms();
    let n = match session {
        Some(id) => sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(principal.user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected(),
        None => sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(principal.user_id)
        .bind(principal.session_id)
        .execute(&mut *tx)
        .await?
        .rows_affected(),
    };
    if session.is_some() && n == 0 {
        return Err(AppError::NotFound("The session".into()));
    }
    audit::record(
        &mut tx,
        &principal.actor(meta),
        Event::new("account.sessions_revoked")
            .target(Some(principal.user_id), &principal.email)
            .details(json!({ "count": n, "session_id": session })),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

pub const SIGN_INS_PAGE: u32 = 20;

/// The caller's sign-ins and failed attempts, newest first.
pub async fn sign_ins(
    state: &AppState,
    principal: &Principal,
    page: u32,
) -> Result<Page<SignInEvent>, AppError> {
    let page = page.clamp(1, crate::model::max_page(SIGN_INS_PAGE));
    let filter = "target_user_id = $1 AND action IN ('auth.signed_in', 'auth.sign_in_failed')";
    let rows_sql = format!(
        "SELECT at, action, ip, user_agent FROM audit_events WHERE {filter} \
          ORDER BY at DESC, id DESC LIMIT {SIGN_INS_PAGE} OFFSET {}",
        (page as u64 - 1) * SIGN_INS_PAGE as u64
    );
    let count_sql = format!("SELECT COUNT(*) FROM audit_events WHERE {filter}");
    let (rows, total) = tokio::try_join!(
        sqlx::query(&rows_sql)
            .bind(principal.user_id)
            .fetch_all(state.db.pool()),
        sqlx::query_scalar::<_, i64>(&count_sql)
            .bind(principal.user_id)
            .fetch_one(state.db.pool())
    )?;
    let items = rows
        .into_iter()
        .map(|r| {
            let ua: String = r.try_get("user_agent")?;
            let device = super::user_agent::device_label(&ua);
            let ip: String = r.try_get("ip")?;
            Ok(SignInEvent {
                at: r.try_get("at")?,
                ok: r.try_get::<String, _>("action")? == "auth.signed_in",
                location: location(state.geoip.as_deref(), &ip),
                ip,
                device,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Page {
        items,
        total: total as u64,
        page,
        size: SIGN_INS_PAGE,
        as_of: now_ms(),
        more: false,
    })
}

/// Why the account page comes first.
pub fn step_message(step: RequiredStep) -> &'static str {
    match step {
        RequiredStep::ChangePassword => "Choose a new password on your account page first.",
        RequiredStep::SetUpTwoFactor => {
            "Set up two-factor authentication on your account page first: your project requires it of administrators."
        }
    }
}

/// The step the person must take first, if any: a temporary password to replace, or
/// two-factor authentication that a project they administer requires (`require_admin_2fa`,
/// the ids of their projects that do) while they have none.
pub(crate) fn required_step(
    must_change_password: bool,
    has_two_factor: bool,
    projects: &[ProjectSummary],
    require_admin_2fa: &[i64],
) -> Option<RequiredStep> {
    if must_change_password {
        return Some(RequiredStep::ChangePassword);
    }
    // Administrators: anyone holding a users:*, roles, groups or project permission there.
    let administers = |p: &&ProjectSummary| {
        p.permissions.iter().any(|x| {
            x.starts_with("users:")
                || x == "roles:manage"
                || x == "groups:manage"
                || x == "project:manage"
        })
    };
    let needed = !has_two_factor
        && projects
            .iter()
            .filter(administers)
            .any(|p| require_admin_2fa.contains(&p.id));
    needed.then_some(RequiredStep::SetUpTwoFactor)
}
