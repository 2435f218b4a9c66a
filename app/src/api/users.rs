use crate::model::{AppError, Directory, Page, UserQuery, UserRow};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// One page of a project's users (search, filters, sort, page in `query`).
#[server(input = GetUrl, endpoint = "users")]
pub async fn list_users(project: String, query: UserQuery) -> Result<Page<UserRow>, AppError> {
    use crate::model::Permission;
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersRead, &project)?;
    let dir = c.directory.get(&c.state.db, project_id).await?;
    let mut page = crate::server::users::list_in(&c.state.db, project_id, &query, &dir).await?;
    if p.columns.has(crate::model::UserColumn::Permissions) {
        crate::server::users::fill_permissions(&c.state.db, project_id, &mut page.items).await?;
    }
    // Invitations expire by the configured clock (which tests move forward).
    page.as_of = c.state.auth.clock.now_ms();
    Ok(page)
}

/// Keeps the users table's columns the caller chose (`columns[]`, each a column's key), then
/// (a plain form post) goes back to the page the form was on.
#[server(endpoint = "set_user_columns")]
pub async fn set_user_columns(#[server(default)] columns: Vec<String>) -> Result<(), AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let columns = crate::model::Columns::parse(columns.iter().map(String::as_str));
    crate::server::users::save_columns(&c.state.db, p.user_id, columns).await
}

/// The project's role and group names, for filters and forms.
#[server(input = GetUrl, endpoint = "directory")]
pub async fn project_directory(project: String) -> Result<Directory, AppError> {
    use crate::model::Permission;
    let c = super::ctx::ctx()?;
    let project_id = c
        .auth
        .principal()?
        .require(Permission::UsersRead, &project)?;
    Ok(c.directory.get(&c.state.db, project_id).await?.names())
}
