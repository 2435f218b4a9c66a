//! Projects: the page lists the reader's projects; superadmins create and delete them, owners
//! (`project:manage`) rename and configure theirs. Rendered by the server
//! (`components::projects`); its forms post here as plain HTML forms.
use crate::model::{AppError, FormDone};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::model::Permission;

/// The projects page as HTML. `project` is the console's current project (the page's URL).
#[server(input = GetUrl, endpoint = "projects_page")]
pub async fn projects_page(project: String) -> Result<String, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    p.require(Permission::UsersRead, &project)?;
    let ids: Vec<i64> = p.projects.iter().map(|x| x.id).collect();
    let list =
        crate::server::projects::list(&c.state.db, (!p.is_superadmin).then_some(ids.as_slice()))
            .await?;
    let owned: Vec<i64> = list
        .iter()
        .filter(|x| p.is_superadmin || p.can(Permission::ProjectManage, x.id))
        .map(|x| x.id)
        .collect();
    let view = crate::components::projects::ProjectsView {
        current: &project,
        lang: p.language,
        superadmin: p.is_superadmin,
        owned: &owned,
        permissions: &p.projects,
    };
    Ok(crate::components::projects::render(&view, &list))
}

#[cfg(feature = "ssr")]
fn text(lang: crate::model::Language) -> &'static crate::components::projects::ProjectsText {
    crate::components::projects::ProjectsText::of(lang)
}

/// Where a change made from the projects page goes: the whole console again, so that the
/// project picker and the sidebar show the change.
#[cfg(feature = "ssr")]
fn done(message: String, to: String) -> FormDone {
    super::ctx::redirect_form_post(&to);
    FormDone {
        message,
        to: Some(to),
        reload: true,
    }
}

/// Creates a project (superadmins): its built-in roles come with it.
#[server(endpoint = "create_project")]
pub async fn create_project(slug: String, name: String) -> Result<FormDone, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    if !p.is_superadmin {
        return Err(AppError::Forbidden);
    }
    let slug =
        crate::server::projects::create(&c.state.db, &p.actor(&c.meta), &slug, &name).await?;
    Ok(done(
        crate::i18n::fill(text(p.language).t_created, &[("slug", &slug)]),
        format!("/p/{slug}/projects"),
    ))
}

/// Renames a project and sets its sign-up, legal links and two-factor rule (its owners).
/// Checkboxes are sent only when checked.
#[server(endpoint = "update_project")]
pub async fn update_project(
    project: String,
    name: String,
    #[server(default)] allow_signup: Option<String>,
    #[server(default)] terms_url: String,
    #[server(default)] privacy_url: String,
    #[server(default)] require_admin_2fa: Option<String>,
) -> Result<FormDone, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::ProjectManage, &project)?;
    let changes = crate::model::ProjectChanges {
        name: Some(name),
        allow_signup: Some(allow_signup.is_some()),
        terms_url: Some(terms_url),
        privacy_url: Some(privacy_url),
        require_admin_2fa: Some(require_admin_2fa.is_some()),
    };
    crate::server::projects::update(&c.state.db, &p.actor(&c.meta), project_id, &changes).await?;
    Ok(done(
        text(p.language).t_saved.to_string(),
        format!("/p/{project}/projects"),
    ))
}

/// Deletes a project (superadmins), once its slug is typed back.
#[server(endpoint = "delete_project")]
pub async fn delete_project(project: String, confirm: String) -> Result<FormDone, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    if !p.is_superadmin {
        return Err(AppError::Forbidden);
    }
    let project_id = p.require(Permission::ProjectManage, &project)?;
    crate::server::projects::delete(&c.state.db, &p.actor(&c.meta), project_id, &confirm).await?;
    Ok(done(
        crate::i18n::fill(text(p.language).t_deleted, &[("slug", &project)]),
        "/".to_string(),
    ))
}
