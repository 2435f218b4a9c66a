//! The audit log of a project, for holders of `audit:read`; superadmins also see console-wide
//! events. The server renders it to HTML (`components::audit_log`): the log is read, never
//! edited in place, so the browser needs no code to draw it.
use crate::model::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// One page of the log as HTML: its filters, events and pager. `query` is the page URL's
/// query string, read the same way whether the page loads or the browser navigates.
#[server(input = GetUrl, endpoint = "audit_log")]
pub async fn audit_log(project: String, query: String) -> Result<String, AppError> {
    use crate::components::audit_log::{render, LogView};
    use crate::model::Permission;
    use crate::server::audit::{list, Scope};
    let c = super::ctx::ctx()?;
    let p = c.auth.principal()?;
    let project_id = p.require(Permission::AuditRead, &project)?;
    let q = parse_audit_query(&query);
    let scope = Scope {
        project_id,
        console_wide: p.is_superadmin,
    };
    let slice = list(&c.state.db, c.state.geoip.as_deref(), scope, &project, &q).await?;
    let view = LogView {
        slug: &project,
        query: &q,
        lang: p.language,
        console_wide: p.is_superadmin,
        as_of: crate::server::util::now_ms(),
    };
    Ok(render(&view, slice))
}

/// The log's view from a URL query string (with or without `?`). Only the first few pairs
/// are read: the view has six keys.
#[cfg(feature = "ssr")]
pub fn parse_audit_query(query: &str) -> crate::model::AuditQuery {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
            .take(16)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    crate::model::AuditQuery::from_pairs(|k| {
        pairs
            .iter()
            .find(|(n, v)| n == k && !v.is_empty())
            .map(|(_, v)| v.clone())
    })
}
