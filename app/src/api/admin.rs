//! Acting on users: detail, activity, edit, status, delete, sessions, bulk. Each function checks
//! the action's permission in the project, then calls one `server::admin` function, which adds
//! the rules that depend on the target user.
use crate::model::{ActivityItem, AppError, BulkAction, BulkSummary, Page, UserDetail, UserEdit};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

#[cfg(feature = "ssr")]
use crate::model::Permission;
#[cfg(feature = "ssr")]
use crate::server::admin::StatusChange;

/// A member of the project: profile, memberships, permissions, sessions.
#[server(input = GetUrl, endpoint = "user")]
pub async fn get_user(project: String, id: i64) -> Result<UserDetail, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersRead, &project)?;
    let idle_cutoff = crate::server::util::now_ms() - c.state.auth.idle_timeout.as_millis() as i64;
    let mut user = crate::server::admin::detail(
        &c.state.db,
        c.state.geoip.as_deref(),
        p,
        project_id,
        id,
        idle_cutoff,
    )
    .await?;
    if user.status == crate::model::Status::Invited {
        user.invitation = crate::server::invitations::info(&c.state, project_id, id).await?;
    }
    if !user.sessions.is_empty() || user.status != crate::model::Status::Invited {
        // Consents in the projects the viewer may read (none shown before someone joins).
        user.consents = crate::server::signup::consents(&c.state.db, id, |pid| {
            p.is_superadmin || p.can(Permission::UsersRead, pid)
        })
        .await?;
    }
    Ok(user)
}

/// [`user_activity`] as the detail page shows it: HTML rendered by the server
/// (`components::audit_log::render_activity`), so the page needs no code to draw it.
#[server(input = GetUrl, endpoint = "user_activity_html")]
pub async fn user_activity_html(project: String, id: i64, page: u32) -> Result<String, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersRead, &project)?;
    let items = crate::server::admin::activity(
        &c.state.db,
        c.state.geoip.as_deref(),
        p,
        project_id,
        id,
        page,
    )
    .await?;
    Ok(crate::components::audit_log::render_activity(
        items,
        p.language,
        &format!("/p/{project}/users/{id}"),
    ))
}

/// A member's sign-ins and the changes made to them, newest first.
#[server(input = GetUrl, endpoint = "user_activity")]
pub async fn user_activity(
    project: String,
    id: i64,
    page: u32,
) -> Result<Page<ActivityItem>, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersRead, &project)?;
    crate::server::admin::activity(
        &c.state.db,
        c.state.geoip.as_deref(),
        p,
        project_id,
        id,
        page,
    )
    .await
}

#[server(input = Json, endpoint = "update_user")]
pub async fn update_user(project: String, id: i64, edit: UserEdit) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersUpdate, &project)?;
    crate::server::admin::update(&c.state.db, p, &p.actor(&c.meta), project_id, id, &edit).await
}

/// Removes a member from the project (their account and other projects stay); answers their
/// email.
#[server(input = Json, endpoint = "remove_from_project")]
pub async fn remove_from_project(project: String, id: i64) -> Result<String, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersDelete, &project)?;
    let actor = p.actor(&c.meta);
    crate::server::admin::remove_from_project(&c.state.db, p, &actor, project_id, id).await
}

#[server(input = Json, endpoint = "deactivate_user")]
pub async fn deactivate_user(
    project: String,
    id: i64,
    reason: Option<String>,
) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersDeactivate, &project)?;
    let actor = p.actor(&c.meta);
    let change = StatusChange::Deactivate {
        reason: reason.as_deref(),
    };
    crate::server::admin::set_status(&c.state.db, p, &actor, project_id, id, change).await
}

#[server(input = Json, endpoint = "reactivate_user")]
pub async fn reactivate_user(project: String, id: i64) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersDeactivate, &project)?;
    let actor = p.actor(&c.meta);
    let change = StatusChange::Reactivate;
    crate::server::admin::set_status(&c.state.db, p, &actor, project_id, id, change).await
}

/// Deletes a deactivated user for good; `confirm` is the email the admin typed.
#[server(input = Json, endpoint = "delete_user")]
pub async fn delete_user(project: String, id: i64, confirm: String) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersDelete, &project)?;
    crate::server::admin::delete(&c.state.db, p, &p.actor(&c.meta), project_id, id, &confirm).await
}

/// Revokes one session of a member (`session`) or all of them; answers how many.
#[server(input = Json, endpoint = "revoke_user_sessions")]
pub async fn revoke_user_sessions(
    project: String,
    id: i64,
    session: Option<i64>,
) -> Result<u64, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::SessionsRevoke, &project)?;
    let actor = p.actor(&c.meta);
    crate::server::admin::revoke_sessions(&c.state.db, p, &actor, project_id, id, session).await
}

/// One action on several members, in one transaction, with a summary.
#[server(input = Json, endpoint = "bulk_users")]
pub async fn bulk_users(
    project: String,
    ids: Vec<i64>,
    action: BulkAction,
) -> Result<BulkSummary, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let perm = match action {
        BulkAction::Deactivate | BulkAction::Reactivate => Permission::UsersDeactivate,
        BulkAction::ChangeRole(_) | BulkAction::AddToGroup(_) => Permission::UsersUpdate,
        BulkAction::ResendInvitations => Permission::UsersInvite,
    };
    let project_id = p.require(perm, &project)?;
    crate::server::admin::bulk(&c.state, p, &p.actor(&c.meta), project_id, &ids, &action).await
}

/// Sets a generated temporary password on a member; answers it (shown once to the admin).
#[server(input = Json, endpoint = "set_temporary_password")]
pub async fn set_temporary_password(project: String, id: i64) -> Result<String, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersUpdate, &project)?;
    let actor = p.actor(&c.meta);
    crate::server::admin::set_temporary_password(
        &c.state.db,
        &c.state.passwords,
        p,
        &actor,
        project_id,
        id,
    )
    .await
}

/// Turns off a member's two-factor authentication (a lost phone); answers their email.
#[server(input = Json, endpoint = "reset_two_factor")]
pub async fn reset_two_factor(project: String, id: i64) -> Result<String, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersUpdate, &project)?;
    crate::server::admin::reset_two_factor(&c.state.db, p, &p.actor(&c.meta), project_id, id).await
}

/// Mails a member a new link to verify their email address; answers the address.
#[server(input = Json, endpoint = "send_verification")]
pub async fn send_verification(project: String, id: i64) -> Result<String, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersUpdate, &project)?;
    crate::server::signup::send_verification(&c.state, &p.actor(&c.meta), project_id, id).await
}

/// Emails an active member a one-hour link to choose a new password; answers their email.
#[server(input = Json, endpoint = "send_password_reset")]
pub async fn send_password_reset(project: String, id: i64) -> Result<String, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersUpdate, &project)?;
    let actor = p.actor(&c.meta);
    crate::server::admin::send_password_reset(
        &c.state.db,
        p,
        &actor,
        project_id,
        id,
        &c.state.auth.public_url,
    )
    .await
}
