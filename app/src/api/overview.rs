//! A project's overview, for anyone who may read its users. Rendered by the server
//! (`components::overview`), like the audit log: it is read, never edited in place.
use crate::model::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(input = GetUrl, endpoint = "project_overview")]
pub async fn project_overview(project: String) -> Result<String, AppError> {
    use crate::model::Permission;
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersRead, &project)?;
    let o =
        crate::server::overview::overview(&c.state.db, project_id, crate::server::util::now_ms())
            .await?;
    Ok(crate::components::overview::render(
        &project, &o, p.language,
    ))
}
