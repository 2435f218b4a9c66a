//! Import and export of a project's users: `users:import` and `users:export`.
//!
//! The pages are rendered by the server (`components::imports`). The upload, the downloads and
//! the export are plain routes of the server crate (`server/src/imports.rs`, `exports.rs`);
//! confirming and discarding an import are the form posts here.
use crate::model::{AppError, FormDone};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::model::Permission;

/// The import page as HTML: the start (template, upload, recent imports), or one import
/// (`id`) with its review, progress or result. `query` is the page URL's query string
/// (`problems`, `after`, `before`).
#[server(input = GetUrl, endpoint = "import_page")]
pub async fn import_page(
    project: String,
    id: Option<i64>,
    query: String,
) -> Result<String, AppError> {
    use crate::components::imports::{render_import, render_start, ImportView, RowsView};
    use crate::server::imports::{self, RowsFrom};
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersImport, &project)?;
    let view = ImportView {
        slug: &project,
        lang: p.language,
        now: crate::server::util::now_ms(),
    };
    let db = &c.state.db;
    let Some(id) = id else {
        let recent = imports::recent(db, project_id, 10).await?;
        return Ok(render_start(
            &view,
            &recent,
            imports::max_rows() as u64,
            imports::max_mb() as u64,
        ));
    };
    let info = imports::get(db, project_id, id).await?;
    let mut problems_only = info.state == crate::model::ImportState::Done;
    let mut from = RowsFrom::Start;
    for (k, v) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()).take(8) {
        match &*k {
            "problems" => problems_only = v == "1",
            "after" => from = v.parse().map(RowsFrom::After).unwrap_or_default(),
            "before" => from = v.parse().map(RowsFrom::Before).unwrap_or_default(),
            _ => {}
        }
    }
    let page = imports::rows(db, id, problems_only, from).await?;
    Ok(render_import(
        &view,
        &info,
        RowsView {
            rows: page.rows,
            prev: page.prev,
            next: page.next,
            problems_only,
        },
    ))
}

#[cfg(feature = "ssr")]
fn text(lang: crate::model::Language) -> &'static crate::components::imports::ImportText {
    crate::components::imports::ImportText::of(lang)
}

/// Confirms an import under review: its ready rows become invitations, in the background.
#[server(endpoint = "confirm_import")]
pub async fn confirm_import(
    project: String,
    id: i64,
    #[server(default)] send_mail: Option<String>,
) -> Result<FormDone, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersImport, &project)?;
    crate::server::imports::confirm(
        &c.state,
        p,
        &p.actor(&c.meta),
        project_id,
        id,
        send_mail.is_some_and(|v| !v.is_empty() && v != "off"),
    )
    .await?;
    let to = format!("/p/{project}/users/import/{id}");
    super::ctx::redirect_form_post(&to);
    Ok(FormDone {
        message: text(p.language).t_confirmed.into(),
        to: None,
        reload: false,
    })
}

/// Discards an import under review (nothing was written; its rows go).
#[server(endpoint = "cancel_import")]
pub async fn cancel_import(project: String, id: i64) -> Result<FormDone, AppError> {
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::UsersImport, &project)?;
    crate::server::imports::cancel(&c.state.db, project_id, id).await?;
    let to = format!("/p/{project}/users/import");
    super::ctx::redirect_form_post(&to);
    Ok(FormDone {
        message: text(p.language).t_discarded.into(),
        to: Some(to),
        reload: false,
    })
}

/// The export form as HTML, for the Users table's view in `query` (and the rows picked in
/// it, `ids`).
#[server(input = GetUrl, endpoint = "export_page")]
pub async fn export_page(project: String, query: String) -> Result<String, AppError> {
    use crate::components::exports::{render_export, ExportForm};
    use crate::components::imports::ImportView;
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    p.require(Permission::UsersExport, &project)?;
    let req = crate::server::exports::ExportRequest::parse(query.trim_start_matches('?'));
    Ok(render_export(
        &ImportView {
            slug: &project,
            lang: p.language,
            now: 0,
        },
        &ExportForm {
            view: req.query.pairs(),
            ids: req.ids,
        },
    ))
}
