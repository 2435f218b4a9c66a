//! `GET /p/{project}/users/export/download`: the users an export form chose, as a CSV or JSON
//! Lines file streamed from the database (the service is `app::server::exports::export`).
use app::server::auth::{Auth, RequestMeta};
use app::server::exports::ExportRequest;
use app::server::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::Extension;

pub async fn download(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Extension(meta): Extension<RequestMeta>,
    Path(project): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(principal) = auth.0.as_deref() else {
        return crate::download::error(app::model::AppError::Unauthenticated);
    };
    let req = ExportRequest::parse(query.as_deref().unwrap_or(""));
    let format = req.format;
    let actor = principal.actor(&meta);
    let (rows, file) =
        match app::server::exports::export(&state, principal, &actor, &project, req).await {
            Ok(r) => r,
            Err(e) => return crate::download::error(e),
        };
    let content_type = match format {
        app::model::ExportFormat::Csv => crate::download::CSV,
        app::model::ExportFormat::Jsonl => "application/jsonl; charset=utf-8",
    };
    crate::download::stream(rows, content_type, &file, "users export")
}
