//! `GET /p/{project}/audit/export`: the audit log's events that the query's filters select,
//! as a CSV file streamed from the database (the service is `app::server::audit::export`).
use app::server::auth::{Auth, RequestMeta};
use app::server::AppState;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures::StreamExt;

pub async fn export(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Extension(meta): Extension<RequestMeta>,
    Path(project): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(principal) = auth.0.as_deref() else {
        return error(app::model::AppError::Unauthenticated);
    };
    let q = app::api::parse_audit_query(query.as_deref().unwrap_or(""));
    let actor = principal.actor(&meta);
    let rows = match app::server::audit::export(&state, principal, &actor, &project, q).await {
        Ok(rows) => rows,
        Err(e) => return error(e),
    };
    let day = app::model::time::iso_utc(app::server::util::now_ms());
    let file = format!("roster-audit-{project}-{}.csv", &day[..10]);
    let mut res = Body::from_stream(rows.map(|chunk| {
        chunk.map_err(|e| {
            // The header is sent: all that is left is to cut the file short.
            tracing::warn!(error = %e, "audit export stopped");
            std::io::Error::other(e.to_string())
        })
    }))
    .into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

fn error(e: app::model::AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, e.to_string()).into_response()
}
