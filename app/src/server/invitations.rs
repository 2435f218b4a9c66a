//! Invitations: an administrator invites an address to a project with a role and groups; the
//! person follows a 7-day, single-use link (256-bit token, only its hash stored) to join.
//!
//! - A new address gets an account in the "invited" state, with no password: accepting sets
//!   the names and the password (the one policy) and activates it.
//! - An address that already has an account (a member of another project) gets an "invited"
//!   membership that grants nothing; the person accepts by signing in with the password they
//!   have (never a second one), and only then the membership counts.
//! - Resending makes a new link (the old one dies, the week starts again); cancelling kills the
//!   link and the membership, and the account too when it exists only for this invitation.
//!
//! Every step commits with its audit event, and each mail is queued in the same transaction.
//! Time comes from the configuration's clock, which tests move forward to expire links.
use super::admin::{self, Tx};
use super::audit::{self, Actor, Event};
use super::auth::{OpenedSession, Principal, RequestMeta, SignedIn};
use super::db::Backend;
use super::mail_text::{Kind, Mail};
use super::store::{self, NewUser};
use super::util::{hash_token, list_marks, new_token, rows_marks};
use super::AppState;
use crate::model::{
    AppError, InvitationInfo, InvitationPreview, InviteForm, Invited, Language, MailState,
    SignupInfo, INVITATION_DAYS,
};
use serde_json::json;
use sqlx::Row;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

pub const INVITATION_TTL_MS: i64 = INVITATION_DAYS * 24 * 3600 * 1000;

/// The one answer for a link that is expired, cancelled, replaced, used or made up.
pub fn no_longer_valid() -> AppError {
    AppError::Validation {
        field: None,
        message: "This invitation is no longer valid.".into(),
    }
}

/// "Ada Lovelace (ada@example.com)", or the address alone when there is no name.
fn label(first: &str, last: &str, email: &str) -> String {
    let name = format!("{first} {last}").trim().to_string();
    if name.is_empty() {
        email.to_string()
    } else {
        format!("{name} ({email})")
    }
}

/// What a new link is made of.
pub(crate) struct Issue<'a> {
    pub project_id: i64,
    pub user_id: i64,
    pub email: &'a str,
    pub role_id: i64,
    pub group_ids: &'a [i64],
    pub message: &'a str,
    /// Queue the invitation mail (an import may create the links without sending them).
    pub send: bool,
    /// What the caller knows already (an import knows them for every row): the project's
    /// name and the invitee's language; read here when not given.
    pub project_name: Option<&'a str>,
    pub language: Option<crate::model::Language>,
}

/// Ends any live link of this address in the project, queues the new link's mail (when
/// `send`) and makes the link; answers it.
pub(crate) async fn issue(
    tx: &mut Tx,
    state: &AppState,
    principal: &Principal,
    i: Issue<'_>,
) -> Result<String, AppError> {
    let mut links = issue_many(tx, state, principal, std::slice::from_ref(&i)).await?;
    links.pop().ok_or(AppError::Internal)
}

/// [`issue`] for several addresses at once (an import's batch) in a few statements: the old
/// links revoked, the mails queued and the new links written, one multi-row statement each.
/// The addresses must differ. Answers the links in the order of `items`.
pub(crate) async fn issue_many(
    tx: &mut Tx,
    state: &AppState,
    principal: &Principal,
    items: &[Issue<'_>],
) -> Result<Vec<String>, AppError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let distinct: HashSet<&str> = items.iter().map(|i| i.email).collect();
    if distinct.len() != items.len() {
        // The mails are matched to their links by address below.
        tracing::error!("issue_many called with the same address twice");
        return Err(AppError::Internal);
    }
    let now = state.auth.clock.now_ms();
    let mut projects: Vec<i64> = items.iter().map(|i| i.project_id).collect();
    projects.sort_unstable();
    projects.dedup();
    for project_id in &projects {
        let emails: Vec<&str> = items
            .iter()
            .filter(|i| i.project_id == *project_id)
            .map(|i| i.email)
            .collect();
        let sql = Backend::of(tx).positional(format!(
            "UPDATE invitations SET revoked_at = $1 \
              WHERE project_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL \
                AND email IN ({})",
            list_marks(3, emails.len())
        ));
        let mut q = sqlx::query(&sql).bind(now).bind(*project_id);
        for e in emails {
            q = q.bind(e);
        }
        q.execute(&mut **tx).await?;
    }
    let base = state.auth.public_url.trim_end_matches('/');
    let tokens: Vec<String> = items.iter().map(|_| new_token()).collect();
    let links: Vec<String> = tokens
        .iter()
        .map(|t| format!("{base}/invitation?token={t}"))
        .collect();

    // The mails first, so each invitation is written once, knowing its mail.
    let outbox = queue_mails(tx, principal, items, &links).await?;
    let sql = Backend::of(tx).positional(format!(
        "INSERT INTO invitations (project_id, user_id, email, role_id, group_ids, token_hash, invited_by, \
                                  created_at, expires_at, message, outbox_id) VALUES {}",
        rows_marks(1, items.len(), 11)
    ));
    let mut q = sqlx::query(&sql);
    for (i, token) in items.iter().zip(&tokens) {
        q = q
            .bind(i.project_id)
            .bind(i.user_id)
            .bind(i.email)
            .bind(i.role_id)
            .bind(json!(i.group_ids).to_string())
            .bind(hash_token(token))
            .bind(principal.user_id)
            .bind(now)
            .bind(now + INVITATION_TTL_MS)
            .bind(i.message)
            .bind(outbox.get(i.email).copied());
    }
    q.execute(&mut **tx).await?;
    Ok(links)
}

/// Queues the invitation mail of each item with `send`, in the invitee's language (known, or
/// their account's); answers the outbox ids by address.
async fn queue_mails(
    tx: &mut Tx,
    principal: &Principal,
    items: &[Issue<'_>],
    links: &[String],
) -> Result<HashMap<String, i64>, AppError> {
    let sending: Vec<(&Issue, &String)> = items.iter().zip(links).filter(|(i, _)| i.send).collect();
    if sending.is_empty() {
        return Ok(HashMap::new());
    }
    let mut project_names: HashMap<i64, String> = HashMap::new();
    for (i, _) in &sending {
        if let Some(name) = i.project_name {
            project_names
                .entry(i.project_id)
                .or_insert_with(|| name.to_string());
        }
    }
    for (i, _) in &sending {
        if let Entry::Vacant(e) = project_names.entry(i.project_id) {
            e.insert(
                sqlx::query_scalar("SELECT name FROM projects WHERE id = $1")
                    .bind(i.project_id)
                    .fetch_one(&mut **tx)
                    .await?,
            );
        }
    }
    let unknown: Vec<i64> = sending
        .iter()
        .filter(|(i, _)| i.language.is_none())
        .map(|(i, _)| i.user_id)
        .collect();
    let mut languages: HashMap<i64, Language> = HashMap::new();
    if !unknown.is_empty() {
        let sql = Backend::of(tx).positional(format!(
            "SELECT id, language FROM users WHERE id IN ({})",
            list_marks(1, unknown.len())
        ));
        let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
        for id in &unknown {
            q = q.bind(*id);
        }
        for (id, lang) in q.fetch_all(&mut **tx).await? {
            languages.insert(id, Language::parse(&lang));
        }
    }
    let inviter = label(
        &principal.first_name,
        &principal.last_name,
        &principal.email,
    );
    let mails: Vec<(&str, Mail)> = sending
        .iter()
        .map(|(i, link)| {
            let kind = Kind::Invitation {
                project: &project_names[&i.project_id],
                inviter: &inviter,
                link,
                message: i.message,
            };
            let lang = i
                .language
                .or_else(|| languages.get(&i.user_id).copied())
                .unwrap_or_default();
            (i.email, super::mail_text::render(lang, kind))
        })
        .collect();
    super::mail::queue_many(tx, &mails).await
}

/// Invites `form.email` to the project with a role and groups the principal may grant (the
/// caller checked `users:invite`). The invitee is listed at once, as Invited.
pub async fn invite(
    state: &AppState,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    form: &InviteForm,
) -> Result<Invited, AppError> {
    let (email, message) = form.check()?;
    let mut tx = state.db.begin().await?;
    let role_id = admin::find_role(&mut tx, project_id, form.role.trim()).await?;
    let groups = admin::find_groups(&mut tx, project_id, &form.groups).await?;
    let group_ids: Vec<i64> = groups.values().copied().collect();
    admin::check_grant(&mut tx, principal, project_id, Some(role_id), &[], "role").await?;
    admin::check_grant(&mut tx, principal, project_id, None, &group_ids, "groups").await?;

    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
    let user_id = match existing {
        Some(id) => {
            let here: Option<String> = sqlx::query_scalar(
                "SELECT status FROM memberships WHERE project_id = $1 AND user_id = $2",
            )
            .bind(project_id)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            match here.as_deref() {
                Some("invited") => {
                    return Err(AppError::validation(
                        "email",
                        "This person is already invited to this project. Resend their invitation from the users list.",
                    ))
                }
                Some(_) => {
                    return Err(AppError::validation(
                        "email",
                        "This person is already a member of this project.",
                    ))
                }
                None => id,
            }
        }
        None => {
            let id = store::insert_user(
                &mut tx,
                &NewUser {
                    email: &email,
                    first_name: "",
                    last_name: "",
                    password_hash: None,
                    status: "invited",
                    is_superadmin: false,
                },
            )
            .await?;
            // Until they choose, the mail is in the language of the person who invites them.
            sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
                .bind(principal.language.as_str())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
    };
    sqlx::query(
        "INSERT INTO memberships (project_id, user_id, role_id, joined_at, email, name_key, status, created_at, last_sign_in_at) \
         SELECT $1, u.id, $2, $3, u.email, '', 'invited', u.created_at, COALESCE(u.last_sign_in_at, 0) FROM users u WHERE u.id = $4",
    )
    .bind(project_id)
    .bind(role_id)
    .bind(super::util::now_ms())
    .bind(user_id)
    .execute(&mut *tx)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::validation(
            "email",
            "This person was just invited or added to this project.",
        ),
        other => other,
    })?;
    for g in &group_ids {
        admin::add_to_group(&mut tx, *g, user_id).await?;
    }
    let url = issue(
        &mut tx,
        state,
        principal,
        Issue {
            project_id,
            user_id,
            email: &email,
            role_id,
            group_ids: &group_ids,
            message: &message,
            send: true,
            project_name: None,
            language: None,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        Event::new("invitation.created")
            .project(project_id)
            .target(Some(user_id), &email)
            .details(json!({
                "role": form.role.trim(),
                "groups": groups.keys().collect::<Vec<_>>(),
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(Invited {
        user_id,
        email,
        url,
    })
}

/// An invited member of the project: (email, role id); anyone else is refused.
async fn invited_member(
    tx: &mut Tx,
    project_id: i64,
    user_id: i64,
) -> Result<(String, i64), AppError> {
    let row = sqlx::query(
        "SELECT email, status, role_id FROM memberships WHERE project_id = $1 AND user_id = $2",
    )
    .bind(project_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| AppError::NotFound("The user".into()))?;
    let email: String = row.try_get("email")?;
    if row.try_get::<String, _>("status")? != "invited" {
        return Err(AppError::Conflict(format!(
            "{email} has already accepted their invitation."
        )));
    }
    Ok((email, row.try_get("role_id")?))
}

/// Sends an invited member a new link: the old one dies and the week starts again. The role
/// and groups it grants are the membership's now, and the principal must be able to grant them.
pub async fn resend_tx(
    tx: &mut Tx,
    state: &AppState,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
) -> Result<Invited, AppError> {
    let (email, role_id) = invited_member(tx, project_id, user_id).await?;
    let group_ids: Vec<i64> = sqlx::query_scalar(
        "SELECT gm.group_id FROM group_members gm JOIN groups g ON g.id = gm.group_id \
          WHERE g.project_id = $1 AND gm.user_id = $2 ORDER BY gm.group_id",
    )
    .bind(project_id)
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?;
    admin::check_grant(tx, principal, project_id, Some(role_id), &group_ids, "role").await?;
    let message: String = sqlx::query_scalar(
        "SELECT message FROM invitations WHERE project_id = $1 AND user_id = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(project_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?
    .unwrap_or_default();
    let url = issue(
        tx,
        state,
        principal,
        Issue {
            project_id,
            user_id,
            email: &email,
            role_id,
            group_ids: &group_ids,
            message: &message,
            send: true,
            project_name: None,
            language: None,
        },
    )
    .await?;
    audit::record(
        tx,
        actor,
        Event::new("invitation.resent")
            .project(project_id)
            .target(Some(user_id), &email),
    )
    .await?;
    Ok(Invited {
        user_id,
        email,
        url,
    })
}

pub async fn resend(
    state: &AppState,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
) -> Result<Invited, AppError> {
    let mut tx = state.db.begin().await?;
    let invited = resend_tx(&mut tx, state, principal, actor, project_id, user_id).await?;
    tx.commit().await?;
    Ok(invited)
}

/// Cancels an invited member's invitation: the link dies, the membership and its groups go,
/// and so does the account when nothing else holds it (no password, no other project).
/// Answers their email.
pub async fn cancel(
    state: &AppState,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
) -> Result<String, AppError> {
    let mut tx = state.db.begin().await?;
    let (email, _) = invited_member(&mut tx, project_id, user_id).await?;
    // `+project_id`: by the person, not by the project's open invitations (see `users::rows_for`).
    sqlx::query(
        "UPDATE invitations SET revoked_at = $1 \
          WHERE +project_id = $2 AND user_id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(state.auth.clock.now_ms())
    .bind(project_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM group_members WHERE user_id = $1 \
           AND group_id IN (SELECT id FROM groups WHERE project_id = $2)",
    )
    .bind(user_id)
    .bind(project_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM memberships WHERE project_id = $1 AND user_id = $2")
        .bind(project_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let account_removed = sqlx::query(
        "DELETE FROM users WHERE id = $1 AND status = 'invited' \
           AND NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = $1)",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    audit::record(
        &mut tx,
        actor,
        Event::new("invitation.cancelled")
            .project(project_id)
            .target(Some(user_id), &email)
            .details(json!({ "account_removed": account_removed })),
    )
    .await?;
    tx.commit().await?;
    Ok(email)
}

/// A live invitation, found by its link's token.
struct Live {
    id: i64,
    project_id: i64,
    user_id: i64,
    email: String,
    has_account: bool,
    preview: InvitationPreview,
}

async fn live(state: &AppState, token: &str) -> Result<Option<Live>, AppError> {
    let token = token.trim();
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT i.id, i.project_id, i.user_id, i.email, i.expires_at, i.message, p.name AS project_name, \
                CAST(CASE WHEN u.status = 'invited' THEN 0 ELSE 1 END AS BIGINT) AS has_account, \
                p.terms_url, p.privacy_url, inv.first_name, inv.last_name, inv.email AS inviter_email \
           FROM invitations i JOIN projects p ON p.id = i.project_id JOIN users u ON u.id = i.user_id \
           LEFT JOIN users inv ON inv.id = i.invited_by \
          WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2",
    )
    .bind(hash_token(token))
    .bind(state.auth.clock.now_ms())
    .fetch_optional(state.db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let inviter_email: Option<String> = r.try_get("inviter_email")?;
    let invited_by = match inviter_email {
        Some(e) => Some(label(
            &r.try_get::<Option<String>, _>("first_name")?
                .unwrap_or_default(),
            &r.try_get::<Option<String>, _>("last_name")?
                .unwrap_or_default(),
            &e,
        )),
        None => None,
    };
    let email: String = r.try_get("email")?;
    let has_account = r.try_get::<i64, _>("has_account")? != 0;
    Ok(Some(Live {
        id: r.try_get("id")?,
        project_id: r.try_get("project_id")?,
        user_id: r
            .try_get::<Option<i64>, _>("user_id")?
            .ok_or(AppError::Internal)?,
        email: email.clone(),
        has_account,
        preview: InvitationPreview {
            project_name: r.try_get("project_name")?,
            invited_by,
            email,
            has_account,
            message: r.try_get("message")?,
            expires_at: r.try_get("expires_at")?,
            terms_url: r.try_get("terms_url")?,
            privacy_url: r.try_get("privacy_url")?,
        },
    }))
}

/// What the accept page shows for a link; None when it is not (or no longer) valid.
pub async fn preview(state: &AppState, token: &str) -> Result<Option<InvitationPreview>, AppError> {
    Ok(live(state, token).await?.map(|l| l.preview))
}

/// Marks the invitation used, in the same statement that checks it is still live: of two
/// acceptances at once, one wins.
async fn claim(tx: &mut Tx, state: &AppState, id: i64) -> Result<(), AppError> {
    let now = state.auth.clock.now_ms();
    let n = sqlx::query(
        "UPDATE invitations SET accepted_at = $1 \
          WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 1 {
        Ok(())
    } else {
        Err(no_longer_valid())
    }
}

/// The invited membership starts counting (with the account's status), and the address is
/// verified: the person proved they read its mail. A project with legal links gets the
/// person's consent first (and keeps it).
async fn join(tx: &mut Tx, l: &Live, actor: &Actor, agree: bool) -> Result<(), AppError> {
    let legal = super::signup::legal_links(tx, l.project_id).await?;
    super::signup::require_consent(&legal, agree)?;
    if legal.needs_consent() {
        super::signup::record_consent(tx, l.user_id, l.project_id, &legal, &actor.ip).await?;
    }
    let now = super::util::now_ms();
    sqlx::query(
        "UPDATE memberships SET status = (SELECT status FROM users WHERE id = $2), joined_at = $3 \
          WHERE project_id = $1 AND user_id = $2 AND status = 'invited'",
    )
    .bind(l.project_id)
    .bind(l.user_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1) WHERE id = $2",
    )
    .bind(now)
    .bind(l.user_id)
    .execute(&mut **tx)
    .await?;
    store::sync_memberships(tx, l.user_id).await?;
    audit::record(
        tx,
        actor,
        Event::new("invitation.accepted")
            .project(l.project_id)
            .target(Some(l.user_id), &l.email),
    )
    .await
}

fn actor_of(meta: &RequestMeta, user_id: i64, email: &str) -> Actor {
    Actor {
        user_id: Some(user_id),
        email: Some(email.to_string()),
        ip: meta.ip.clone(),
        user_agent: meta.user_agent.clone(),
    }
}

/// Accepts an invitation of a new address: names and password (the one policy), then the
/// person is signed in. Answers the new session and the user id.
pub async fn accept_new(
    state: &AppState,
    meta: &RequestMeta,
    token: &str,
    first_name: &str,
    last_name: &str,
    password: &str,
    agree: bool,
) -> Result<(OpenedSession, i64), AppError> {
    let l = live(state, token).await?.ok_or_else(no_longer_valid)?;
    if l.has_account {
        return Err(AppError::Validation {
            field: None,
            message:
                "This address already has a Roster account: sign in with its password to accept."
                    .into(),
        });
    }
    let (first, last) = super::signup::required_names(first_name, last_name)?;
    super::password::check_policy("password", password, &l.email)?;
    let legal = SignupInfo {
        project_name: String::new(),
        terms_url: l.preview.terms_url.clone(),
        privacy_url: l.preview.privacy_url.clone(),
    };
    super::signup::require_consent(&legal, agree)?;
    // Hash before the transaction: the write connection is not held for argon2's time.
    let hash = state.passwords.hash(password).await?;
    let mut tx = state.db.begin().await?;
    claim(&mut tx, state, l.id).await?;
    let now = super::util::now_ms();
    let n = sqlx::query(
        "UPDATE users SET first_name = $1, last_name = $2, password_hash = $3, status = 'active', updated_at = $4 \
          WHERE id = $5 AND status = 'invited'",
    )
    .bind(&first)
    .bind(&last)
    .bind(&hash)
    .bind(now)
    .bind(l.user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n != 1 {
        return Err(no_longer_valid());
    }
    join(&mut tx, &l, &actor_of(meta, l.user_id, &l.email), agree).await?;
    let session = super::auth::open_session(&mut tx, state, meta, l.user_id, now).await?;
    tx.commit().await?;
    Ok((session, l.user_id))
}

/// Accepts an invitation of an address that has an account, by signing in with its password
/// (throttled and audited like any sign-in), or as the account's current session
/// (`signed_in_as`). Answers the new sign-in, if there was one.
pub async fn accept_existing(
    state: &AppState,
    meta: &RequestMeta,
    token: &str,
    password: &str,
    agree: bool,
    signed_in_as: Option<i64>,
) -> Result<Option<SignedIn>, AppError> {
    let l = live(state, token).await?.ok_or_else(no_longer_valid)?;
    if !l.has_account {
        return Err(AppError::Validation {
            field: None,
            message: "Choose your name and password to accept this invitation.".into(),
        });
    }
    let legal = SignupInfo {
        project_name: String::new(),
        terms_url: l.preview.terms_url.clone(),
        privacy_url: l.preview.privacy_url.clone(),
    };
    super::signup::require_consent(&legal, agree)?;
    let signed_in = if signed_in_as == Some(l.user_id) {
        None
    } else {
        Some(match super::auth::sign_in(state, meta, &l.email, password).await? {
        super::auth::SignInResult::Session(s) => s,
        // The second step cannot carry the invitation along: sign in fully, then the link.
        super::auth::SignInResult::SecondFactor { .. } => {
            return Err(AppError::Validation {
                field: None,
                message: "This account uses two-factor authentication. Sign in first, then open this invitation link again.".into(),
            })
        }
    })
    };
    let mut tx = state.db.begin().await?;
    claim(&mut tx, state, l.id).await?;
    join(&mut tx, &l, &actor_of(meta, l.user_id, &l.email), agree).await?;
    tx.commit().await?;
    Ok(signed_in)
}

/// The pending invitation of an invited member, for their detail page.
pub async fn info(
    state: &AppState,
    project_id: i64,
    user_id: i64,
) -> Result<Option<InvitationInfo>, AppError> {
    let row = sqlx::query(
        "SELECT i.created_at, i.expires_at, inv.first_name, inv.last_name, inv.email AS inviter_email, \
                i.outbox_id, o.sent_at, o.failed_at, o.last_error, o.attempts \
           FROM invitations i LEFT JOIN users inv ON inv.id = i.invited_by \
           LEFT JOIN outbox o ON o.id = i.outbox_id \
          WHERE i.project_id = $1 AND i.user_id = $2 AND i.accepted_at IS NULL AND i.revoked_at IS NULL \
          ORDER BY i.id DESC LIMIT 1",
    )
    .bind(project_id)
    .bind(user_id)
    .fetch_optional(state.db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    let expires_at: i64 = r.try_get("expires_at")?;
    let invited_by = r
        .try_get::<Option<String>, _>("inviter_email")?
        .map(|e| -> Result<String, sqlx::Error> {
            Ok(label(
                &r.try_get::<Option<String>, _>("first_name")?
                    .unwrap_or_default(),
                &r.try_get::<Option<String>, _>("last_name")?
                    .unwrap_or_default(),
                &e,
            ))
        })
        .transpose()?;
    let mail = match r.try_get::<Option<i64>, _>("outbox_id")? {
        None => None,
        Some(_) => {
            let error: Option<String> = r.try_get("last_error")?;
            Some(
                match (
                    r.try_get::<Option<i64>, _>("sent_at")?,
                    r.try_get::<Option<i64>, _>("failed_at")?,
                    error,
                ) {
                    (Some(at), _, _) => MailState::Sent { at },
                    (None, Some(_), e) => MailState::Failed {
                        error: e.unwrap_or_default(),
                    },
                    (None, None, Some(error)) => MailState::Retrying {
                        error,
                        attempts: r.try_get::<Option<i64>, _>("attempts")?.unwrap_or(0),
                    },
                    (None, None, None) => MailState::Queued,
                },
            )
        }
    };
    Ok(Some(InvitationInfo {
        invited_by,
        sent_at: r.try_get("created_at")?,
        expires_at,
        expired: expires_at <= state.auth.clock.now_ms(),
        mail,
    }))
}
