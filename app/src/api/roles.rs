//! A project's roles: anyone who may read its users sees them; `roles:manage` changes them.
use crate::model::{AppError, RoleForm, RoleInfo};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

#[cfg(feature = "ssr")]
use crate::model::Permission;

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

/// Creates a role; answers its id.
#[server(input = Json, endpoint = "create_role")]
pub async fn create_role(project: String, form: RoleForm) -> Result<i64, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::RolesManage, &project)?;
    crate::server::roles::create(&c.state.db, p, &p.actor(&c.meta), project_id, &form).await
}

/// Changes a role's name, description and permissions.
#[server(input = Json, endpoint = "update_role")]
pub async fn update_role(project: String, id: i64, form: RoleForm) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::RolesManage, &project)?;
    crate::server::roles::update(&c.state.db, p, &p.actor(&c.meta), project_id, id, &form).await
}

/// Deletes a custom role, moving its members to `move_to`; answers how many moved.
#[server(input = Json, endpoint = "delete_role")]
pub async fn delete_role(project: String, id: i64, move_to: Option<i64>) -> Result<u64, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::RolesManage, &project)?;
    crate::server::roles::delete(&c.state.db, p, &p.actor(&c.meta), project_id, id, move_to).await
}
