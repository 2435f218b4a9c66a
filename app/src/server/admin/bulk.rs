//! One action on many selected users, each with every check of the single action.
use super::edit::{add_to_group, find_groups, find_role, groups_of, set_role_tx};
use super::status::set_status_tx;
use super::*;

/// Applies `action` to each of `ids` in one transaction. A user the rules refuse is listed in
/// the summary with the reason and the others still change; a database failure changes nobody.
pub async fn bulk(
    state: &crate::server::AppState,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    ids: &[i64],
    action: &BulkAction,
) -> Result<BulkSummary, AppError> {
    if ids.is_empty() {
        return Err(AppError::validation(
            "selection",
            "Select at least one user.",
        ));
    }
    if ids.len() > MAX_BULK {
        return Err(AppError::validation(
            "selection",
            format!("Select at most {MAX_BULK} users at a time."),
        ));
    }
    let db = &state.db;
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut tx = db.begin().await?;
    // Names are checked once, before anyone changes.
    let group = match action {
        BulkAction::AddToGroup(name) => Some(
            *find_groups(&mut tx, project_id, std::slice::from_ref(name))
                .await?
                .get(name)
                .ok_or(AppError::Internal)?,
        ),
        BulkAction::ChangeRole(name) => {
            let role_id = find_role(&mut tx, project_id, name).await?;
            check_grant(&mut tx, principal, project_id, Some(role_id), &[], "role").await?;
            None
        }
        _ => None,
    };
    if let Some(g) = group {
        check_grant(&mut tx, principal, project_id, None, &[g], "group").await?;
    }
    // On PostgreSQL, lock every project of every selected member up front, in id order, so two
    // bulk actions cannot deadlock; ids that are not members of this project lock nothing.
    if db.backend() == Backend::Postgres {
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        sqlx::query(&format!(
            "SELECT id FROM projects WHERE id IN (SELECT project_id FROM memberships WHERE user_id IN \
               (SELECT user_id FROM memberships WHERE project_id = $1 AND user_id IN ({list}))) \
             ORDER BY id FOR UPDATE"
        ))
        .bind(project_id)
        .fetch_all(&mut *tx)
        .await?;
    }
    let mut summary = BulkSummary::default();
    for id in ids {
        let outcome: Result<String, AppError> = match action {
            BulkAction::ResendInvitations => crate::server::invitations::resend_tx(
                &mut tx, state, principal, actor, project_id, id,
            )
            .await
            .map(|i| i.email),
            BulkAction::Deactivate | BulkAction::Reactivate => {
                let change = if *action == BulkAction::Deactivate {
                    StatusChange::Deactivate { reason: None }
                } else {
                    StatusChange::Reactivate
                };
                set_status_tx(
                    &mut tx,
                    db.backend(),
                    principal,
                    actor,
                    project_id,
                    id,
                    change,
                )
                .await
            }
            BulkAction::ChangeRole(role) => {
                async {
                    lock_projects(&mut tx, db.backend(), project_id, id).await?;
                    let t = target(&mut tx, project_id, id).await?;
                    protect(&mut tx, principal, project_id, &t).await?;
                    if let Some((from, to)) =
                        set_role_tx(&mut tx, principal, project_id, &t, role).await?
                    {
                        audit::record(
                            &mut tx,
                            actor,
                            Event::new("user.updated")
                                .project(project_id)
                                .target(Some(t.id), &t.email)
                                .details(
                                    json!({ "changed": [], "role": { "from": from, "to": to } }),
                                ),
                        )
                        .await?;
                        Ok(t.email)
                    } else {
                        Err(AppError::Conflict(format!(
                            "{} already has this role.",
                            t.email
                        )))
                    }
                }
                .await
            }
            BulkAction::AddToGroup(name) => {
                async {
                    let t = target(&mut tx, project_id, id).await?;
                    protect(&mut tx, principal, project_id, &t).await?;
                    if groups_of(&mut tx, project_id, id).await?.contains(name) {
                        return Err(AppError::Conflict(format!(
                            "{} is already in this group.",
                            t.email
                        )));
                    }
                    add_to_group(&mut tx, group.ok_or(AppError::Internal)?, id).await?;
                    audit::record(
                    &mut tx,
                    actor,
                    Event::new("user.updated")
                        .project(project_id)
                        .target(Some(t.id), &t.email)
                        .details(
                            json!({ "changed": [], "groups": { "added": [name], "removed": [] } }),
                        ),
                )
                .await?;
                    Ok(t.email)
                }
                .await
            }
        };
        match outcome {
            Ok(email) => {
                summary.changed.push(email);
                summary.changed_ids.push(id);
            }
            // A failed statement may have aborted the transaction (PostgreSQL): stop here.
            Err(AppError::Internal) => return Err(AppError::Internal),
            Err(AppError::NotFound(_)) => summary
                .refused
                .push((format!("#{id}"), "Not a member of this project.".into())),
            Err(e) => {
                let email: Option<String> =
                    sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                summary
                    .refused
                    .push((email.unwrap_or_else(|| format!("#{id}")), e.to_string()));
            }
        }
    }
    tx.commit().await?;
    Ok(summary)
}
