//! `GET /p/{project}/audit/export`: the audit log's events that the query's filters select,
//! as a CSV file streamed from the database (the service is `app::server::audit::export`).
use app::server::auth::{Auth, RequestMeta};
use app::server::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::Extension;

pub async fn export(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Extension(meta): Extension<RequestMeta>,
    Path(project): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(principal) = auth.0.as_deref() else {
        return crate::download::error(app::model::AppError::Unauthenticated);
    };
    let q = app::api::parse_audit_query(query.as_deref().unwrap_or(""));
    let actor = principal.actor(&meta);
    let rows = match app::server::audit::export(&state, principal, &actor, &project, q).await {
        Ok(rows) => rows,
        Err(e) => return crate::download::error(e),
    };
    let day = app::model::time::iso_utc(app::server::util::now_ms());
    let file = format!("roster-audit-{project}-{}.csv", &day[..10]);
    crate::download::stream(rows, crate::download::CSV, &file, "audit export")
}
