//! A project's roles: anyone who may read its users sees them; `roles:manage` changes them.
//!
//! The page is rendered by the server (`components::roles`) and its forms post here as plain
//! HTML forms, like the groups page's.
use crate::model::{AppError, FormDone, RoleInfo};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::model::{form_permissions, Permission, RoleForm};

/// Every role of the project, built-in first, with permissions and member counts.
#[server(input = GetUrl, endpoint = "roles")]
pub async fn list_roles(project: String) -> Result<Vec<RoleInfo>, AppError> {
    let c = super::ctx::ctx()?;
    let project_id = c
        .auth
        .principal()?
        .require(Permission::UsersRead, &project)?;
    crate::server::roles::list(&c.state.db, project_id).await
}

/// The roles page as HTML: the table, each role's preview, and the dialogs that change them.
#[server(input = GetUrl, endpoint = "roles_page")]
pub async fn roles_page(project: String) -> Result<String, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersRead, &project)?;
    let roles = crate::server::roles::list(&c.state.db, project_id).await?;
    let view = crate::components::roles::RolesView {
        slug: &project,
        lang: p.language,
        manage: p.can(Permission::RolesManage, project_id),
        held: crate::model::ALL_PERMISSIONS
            .into_iter()
            .filter(|perm| p.is_superadmin || p.can(*perm, project_id))
            .collect(),
    };
    Ok(crate::components::roles::render(&view, &roles))
}

#[cfg(feature = "ssr")]
fn text(lang: crate::model::Language) -> &'static crate::components::roles_text::RolesText {
    crate::components::roles_text::RolesText::of(lang)
}

/// Creates a role; the page shows itself again.
#[server(endpoint = "create_role")]
pub async fn create_role(
    project: String,
    name: String,
    #[server(default)] description: String,
    #[server(default)] permissions: Vec<String>,
    #[server(default)] custom: String,
) -> Result<FormDone, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::RolesManage, &project)?;
    let form = RoleForm {
        name,
        description,
        permissions: form_permissions(&permissions, &custom),
    };
    crate::server::roles::create(&c.state.db, p, &p.actor(&c.meta), project_id, &form).await?;
    Ok(FormDone {
        message: crate::i18n::fill(text(p.language).t_created, &[("name", form.name.trim())]),
        to: None,
        reload: false,
    })
}

/// Changes a role's name, description and permissions.
#[server(endpoint = "update_role")]
pub async fn update_role(
    project: String,
    id: i64,
    name: String,
    #[server(default)] description: String,
    #[server(default)] permissions: Vec<String>,
    #[server(default)] custom: String,
) -> Result<FormDone, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::RolesManage, &project)?;
    let form = RoleForm {
        name,
        description,
        permissions: form_permissions(&permissions, &custom),
    };
    crate::server::roles::update(&c.state.db, p, &p.actor(&c.meta), project_id, id, &form).await?;
    Ok(FormDone {
        message: crate::i18n::fill(text(p.language).t_saved, &[("name", form.name.trim())]),
        to: None,
        reload: false,
    })
}

/// Deletes a custom role, moving its members to `move_to` (a role's id; empty when it has
/// none).
#[server(endpoint = "delete_role")]
pub async fn delete_role(
    project: String,
    id: i64,
    #[server(default)] move_to: String,
) -> Result<FormDone, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::RolesManage, &project)?;
    let move_to = move_to.trim().parse::<i64>().ok();
    let (name, _) =
        crate::server::roles::delete(&c.state.db, p, &p.actor(&c.meta), project_id, id, move_to)
            .await?;
    Ok(FormDone {
        message: crate::i18n::fill(text(p.language).t_deleted, &[("name", &name)]),
        to: None,
        reload: false,
    })
}
