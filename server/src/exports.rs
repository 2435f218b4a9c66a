//! `GET /p/{project}/users/export/download`: the users an export form chose, as a CSV or JSON
//! Lines file streamed from the database (the service is `app::server::exports::export`).
use app::server::auth::{Auth, RequestMeta};
use app::server::exports::ExportRequest;
use app::server::AppState;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures::StreamExt;

pub async fn download(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Extension(meta): Extension<RequestMeta>,
    Path(project): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(principal) = auth.0.as_deref() else {
        return error(app::model::AppError::Unauthenticated);
    };
    let req = ExportRequest::parse(query.as_deref().unwrap_or(""));
    let format = req.format;
    let actor = principal.actor(&meta);
    let (rows, file) =
        match app::server::exports::export(&state, principal, &actor, &project, req).await {
            Ok(r) => r,
            Err(e) => return error(e),
        };
    let mut res = Body::from_stream(rows.map(|chunk| {
        chunk.map_err(|e| {
            // The header is sent: all that is left is to cut the file short.
            tracing::warn!(error = %e, "users export stopped");
            std::io::Error::other(e.to_string())
        })
    }))
    .into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(match format {
            app::model::ExportFormat::Csv => "text/csv; charset=utf-8",
            app::model::ExportFormat::Jsonl => "application/jsonl; charset=utf-8",
        }),
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
