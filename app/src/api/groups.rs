//! A project's groups: anyone who may read its users sees them; `groups:manage` changes them.
//!
//! The page is rendered by the server (`components::groups`) and its forms post here as plain
//! HTML forms: with script, `components::ServerHtml` sends them and shows the answer in place;
//! without, the browser posts them and comes back to the page.
use crate::model::{AppError, FormDone};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::model::{form_permissions, Permission, RoleForm};

/// The groups page as HTML: the list, or one group (`group`) with its members and picker.
/// `query` is the page URL's query string (`q`, `page`, `find`).
#[server(input = GetUrl, endpoint = "groups_page")]
pub async fn groups_page(
    project: String,
    group: Option<i64>,
    query: String,
) -> Result<String, AppError> {
    use crate::components::groups::{render_group, render_list, GroupQuery, GroupView};
    use crate::model::{UserQuery, UserSort};
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersRead, &project)?;
    let view = GroupView {
        slug: &project,
        lang: p.language,
        manage: p.can(Permission::GroupsManage, project_id),
        held: crate::model::ALL_PERMISSIONS
            .into_iter()
            .filter(|perm| p.is_superadmin || p.can(*perm, project_id))
            .collect(),
    };
    let Some(id) = group else {
        let groups = crate::server::groups::list(&c.state.db, project_id).await?;
        return Ok(render_list(&view, &groups));
    };
    let q = GroupQuery::parse(&query);
    let g = crate::server::groups::get(&c.state.db, project_id, id).await?;
    let members = UserQuery {
        q: q.q.clone(),
        group: Some(g.name.clone()),
        sort: UserSort::Email,
        desc: false,
        page: q.page,
        size: 25,
        ..Default::default()
    };
    // The picker uses the users list's search (the same engine and indexes), marking who is
    // in the group already rather than hiding them.
    let find =
        (view.manage && q.find.chars().count() >= crate::model::MIN_FIND).then(|| UserQuery {
            q: q.find.clone(),
            sort: UserSort::Email,
            desc: false,
            page: 1,
            size: crate::model::CANDIDATES as u32,
            ..Default::default()
        });
    let db = &c.state.db;
    let dir = c.directory.get(db, project_id).await?;
    let (members, found) = tokio::try_join!(
        crate::server::users::list_in(db, project_id, &members, &dir),
        async {
            match &find {
                Some(f) => crate::server::users::list_in(db, project_id, f, &dir)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        }
    )?;
    Ok(render_group(&view, &g, &q, members, found))
}

#[cfg(feature = "ssr")]
fn text(lang: crate::model::Language) -> &'static crate::components::groups::GroupsText {
    crate::components::groups::GroupsText::of(lang)
}

/// Where a plain form post goes next, and what the page says.
#[cfg(feature = "ssr")]
fn done(message: String, to: Option<String>) -> FormDone {
    if let Some(to) = &to {
        super::ctx::redirect_form_post(to);
    }
    FormDone {
        message,
        to,
        reload: false,
    }
}

/// Creates a group and opens it.
#[server(endpoint = "create_group")]
pub async fn create_group(
    project: String,
    name: String,
    #[server(default)] description: String,
    #[server(default)] permissions: Vec<String>,
    #[server(default)] custom: String,
) -> Result<FormDone, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::GroupsManage, &project)?;
    let form = RoleForm {
        name,
        description,
        permissions: form_permissions(&permissions, &custom),
    };
    let id =
        crate::server::groups::create(&c.state.db, p, &p.actor(&c.meta), project_id, &form).await?;
    Ok(done(
        crate::i18n::fill(text(p.language).t_created, &[("name", form.name.trim())]),
        Some(format!("/p/{project}/groups/{id}")),
    ))
}

/// Changes a group's name, description and permissions.
#[server(endpoint = "update_group")]
pub async fn update_group(
    project: String,
    id: i64,
    name: String,
    #[server(default)] description: String,
    #[server(default)] permissions: Vec<String>,
    #[server(default)] custom: String,
) -> Result<FormDone, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::GroupsManage, &project)?;
    let form = RoleForm {
        name,
        description,
        permissions: form_permissions(&permissions, &custom),
    };
    crate::server::groups::update(&c.state.db, p, &p.actor(&c.meta), project_id, id, &form).await?;
    Ok(done(text(p.language).t_saved.to_string(), None))
}

/// Deletes a group (its memberships go; its audit trail stays) and goes back to the list.
#[server(endpoint = "delete_group")]
pub async fn delete_group(project: String, id: i64) -> Result<FormDone, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::GroupsManage, &project)?;
    crate::server::groups::delete(&c.state.db, p, &p.actor(&c.meta), project_id, id).await?;
    Ok(done(
        text(p.language).t_deleted.to_string(),
        Some(format!("/p/{project}/groups")),
    ))
}

/// Adds a member of the project to a group.
#[server(endpoint = "add_group_member")]
pub async fn add_group_member(project: String, id: i64, user: i64) -> Result<FormDone, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::GroupsManage, &project)?;
    let (group, email, _) =
        crate::server::groups::add_member(&c.state.db, p, &p.actor(&c.meta), project_id, id, user)
            .await?;
    Ok(done(
        crate::i18n::fill(
            text(p.language).t_added,
            &[("email", &email), ("group", &group)],
        ),
        None,
    ))
}

/// Removes a person from a group.
#[server(endpoint = "remove_group_member")]
pub async fn remove_group_member(
    project: String,
    id: i64,
    user: i64,
) -> Result<FormDone, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::GroupsManage, &project)?;
    let (group, email) = crate::server::groups::remove_member(
        &c.state.db,
        p,
        &p.actor(&c.meta),
        project_id,
        id,
        user,
    )
    .await?;
    Ok(done(
        crate::i18n::fill(
            text(p.language).t_removed,
            &[("email", &email), ("group", &group)],
        ),
        None,
    ))
}
