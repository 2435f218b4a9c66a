//! The edit form: account fields, this project's role and groups.
use super::*;

/// A role of the project by name: (id, name).
pub(crate) async fn find_role(tx: &mut Tx, project_id: i64, name: &str) -> Result<i64, AppError> {
    sqlx::query_scalar("SELECT id FROM roles WHERE project_id = $1 AND name = $2")
        .bind(project_id)
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| {
            AppError::validation(
                "role",
                format!("There is no role \"{name}\" in this project."),
            )
        })
}

/// Moves the target to another role of the project, with owner and last-owner rules.
pub(super) async fn set_role_tx(
    tx: &mut Tx,
    principal: &Principal,
    project_id: i64,
    t: &Target,
    role: &str,
) -> Result<Option<(String, String)>, AppError> {
    if t.role == role {
        return Ok(None);
    }
    let role_id = find_role(tx, project_id, role).await?;
    check_grant(tx, principal, project_id, Some(role_id), &[], "role").await?;
    let owners = active_owners(tx, project_id).await?;
    sqlx::query("UPDATE memberships SET role_id = $1 WHERE project_id = $2 AND user_id = $3")
        .bind(role_id)
        .bind(project_id)
        .bind(t.id)
        .execute(&mut **tx)
        .await?;
    keep_an_owner(tx, project_id, owners, "role").await?;
    Ok(Some((t.role.clone(), role.to_string())))
}

/// Group ids of the project by name; an unknown name is a validation error on `groups`.
pub(crate) async fn find_groups(
    tx: &mut Tx,
    project_id: i64,
    names: &[String],
) -> Result<BTreeMap<String, i64>, AppError> {
    let rows = sqlx::query("SELECT id, name FROM groups WHERE project_id = $1")
        .bind(project_id)
        .fetch_all(&mut **tx)
        .await?;
    let all: BTreeMap<String, i64> = rows
        .into_iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("id")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    let mut out = BTreeMap::new();
    for n in names {
        let id = all.get(n).ok_or_else(|| {
            AppError::validation(
                "groups",
                format!("There is no group \"{n}\" in this project."),
            )
        })?;
        out.insert(n.clone(), *id);
    }
    Ok(out)
}

pub(crate) async fn groups_of(
    tx: &mut Tx,
    project_id: i64,
    user_id: i64,
) -> Result<BTreeSet<String>, AppError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id \
          WHERE g.project_id = $1 AND gm.user_id = $2",
    )
    .bind(project_id)
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(names.into_iter().collect())
}

pub(crate) async fn add_to_group(tx: &mut Tx, group_id: i64, user_id: i64) -> Result<(), AppError> {
    add_to_groups(tx, &[(group_id, user_id)]).await
}

/// Group memberships per statement of [`add_to_groups`].
const GROUP_CHUNK: usize = 2_000;

/// [`add_to_group`] for many (group, user) pairs (an import's batch), in multi-row statements.
pub(crate) async fn add_to_groups(tx: &mut Tx, pairs: &[(i64, i64)]) -> Result<(), AppError> {
    let now = now_ms();
    for chunk in pairs.chunks(GROUP_CHUNK) {
        let sql = Backend::of(tx).positional(format!(
            "INSERT INTO group_members (group_id, user_id, added_at) VALUES {} ON CONFLICT DO NOTHING",
            rows_marks(1, chunk.len(), 3)
        ));
        let mut q = sqlx::query(&sql);
        for (group_id, user_id) in chunk {
            q = q.bind(*group_id).bind(*user_id).bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Saves the edit form: account fields, then this project's role and groups. All or nothing.
pub async fn update(
    db: &Db,
    principal: &Principal,
    actor: &Actor,
    project_id: i64,
    user_id: i64,
    edit: &UserEdit,
) -> Result<(), AppError> {
    let checked = edit.check()?;
    let mut tx = db.begin().await?;
    lock_projects(&mut tx, db.backend(), project_id, user_id).await?;
    let t = target(&mut tx, project_id, user_id).await?;
    if principal.user_id != user_id {
        protect(&mut tx, principal, project_id, &t).await?;
    }
    let wanted: BTreeSet<String> = edit.groups.iter().cloned().collect();
    let group_ids = find_groups(
        &mut tx,
        project_id,
        &wanted.iter().cloned().collect::<Vec<_>>(),
    )
    .await?;

    let before = sqlx::query(
        "SELECT email, first_name, last_name, phone, metadata FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    let mut changed: Vec<&str> = Vec::new();
    if before.try_get::<String, _>("first_name")? != checked.first_name {
        changed.push("first_name");
    }
    if before.try_get::<String, _>("last_name")? != checked.last_name {
        changed.push("last_name");
    }
    if before.try_get::<String, _>("email")? != checked.email {
        changed.push("email");
    }
    if before.try_get::<Option<String>, _>("phone")? != checked.phone {
        changed.push("phone");
    }
    let old_meta: serde_json::Value =
        serde_json::from_str(&before.try_get::<String, _>("metadata")?).unwrap_or(json!({}));
    let new_meta: serde_json::Value = serde_json::from_str(&checked.metadata).unwrap_or(json!({}));
    if old_meta != new_meta {
        changed.push("metadata");
    }
    if !changed.is_empty() {
        if principal.user_id != user_id {
            account_wide(&mut tx, principal, &t, Permission::UsersUpdate).await?;
            if changed.contains(&"email") {
                super::credentials::may_take_over(&mut tx, principal, &t).await?;
            }
        }
        if changed.contains(&"email") {
            super::credentials::check_email_free(&mut tx, principal, user_id, &checked.email)
                .await?;
        }
        sqlx::query(
            "UPDATE users SET first_name = $1, last_name = $2, email = $3, phone = $4, metadata = $5, updated_at = $6 WHERE id = $7",
        )
        .bind(&checked.first_name)
        .bind(&checked.last_name)
        .bind(&checked.email)
        .bind(checked.phone.as_deref())
        .bind(&checked.metadata)
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => {
                AppError::validation("email", "A user with this email already exists.")
            }
            other => other,
        })?;
        sync_memberships(&mut tx, user_id).await?;
    }
    let sessions_ended = if changed.contains(&"email") {
        Some(
            super::credentials::after_email_change(
                &mut tx,
                principal,
                user_id,
                &t.email,
                &checked.email,
            )
            .await?,
        )
    } else {
        None
    };
    let role_change = set_role_tx(&mut tx, principal, project_id, &t, edit.role.trim()).await?;
    let current = groups_of(&mut tx, project_id, user_id).await?;
    let added: Vec<&String> = wanted.difference(&current).collect();
    let removed: Vec<&String> = current.difference(&wanted).collect();
    let owners = active_owners(&mut tx, project_id).await?;
    let added_ids: Vec<i64> = added.iter().map(|n| group_ids[n.as_str()]).collect();
    check_grant(&mut tx, principal, project_id, None, &added_ids, "groups").await?;
    for id in &added_ids {
        add_to_group(&mut tx, *id, user_id).await?;
    }
    for name in &removed {
        sqlx::query(
            "DELETE FROM group_members WHERE user_id = $1 AND group_id = (SELECT id FROM groups WHERE project_id = $2 AND name = $3)",
        )
        .bind(user_id)
        .bind(project_id)
        .bind(name.as_str())
        .execute(&mut *tx)
        .await?;
    }
    keep_an_owner(&mut tx, project_id, owners, "groups").await?;
    if changed.is_empty() && role_change.is_none() && added.is_empty() && removed.is_empty() {
        return Ok(());
    }
    let mut details = json!({ "changed": changed });
    if let Some((from, to)) = role_change {
        details["role"] = json!({ "from": from, "to": to });
    }
    if !added.is_empty() || !removed.is_empty() {
        details["groups"] = json!({ "added": added, "removed": removed });
    }
    if changed.contains(&"email") {
        details["email"] = json!({ "from": t.email, "to": checked.email });
        details["sessions_revoked"] = json!(sessions_ended);
    }
    audit::record(
        &mut tx,
        actor,
        Event::new("user.updated")
            .project(project_id)
            .target(Some(t.id), &checked.email)
            .details(details),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
