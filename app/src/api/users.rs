use crate::model::{AppError, Directory, Page, UserQuery, UserRow};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// One page of a project's users (search, filters, sort, page in `query`).
#[server(input = GetUrl, endpoint = "users")]
pub async fn list_users(project: String, query: UserQuery) -> Result<Page<UserRow>, AppError> {
    use crate::model::Permission;
    let c = super::ctx::ctx()?;
    let project_id = c
        .auth
        .principal()?
        .require(Permission::UsersRead, &project)?;
    let mut page = crate::server::users::list(&c.state.db, project_id, &query).await?;
    // Invitations expire by the configured clock (which tests move forward).
    page.as_of = c.state.auth.clock.now_ms();
    Ok(page)
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
    Ok(crate::server::users::directory(&c.state.db, project_id)
        .await?
        .names())
}
