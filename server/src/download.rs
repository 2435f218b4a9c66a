//! What the file downloads (audit log export, users export, import template and error report)
//! share: a streamed body named by `Content-Disposition`, and the plain-text answer of a
//! download refused before its first byte.
use app::model::AppError;
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::{Stream, StreamExt};

/// `chunks` as an attachment named `file`. A chunk that fails after the headers are sent can
/// only cut the file short, which is logged with `what`.
pub fn stream(
    chunks: impl Stream<Item = Result<Vec<u8>, AppError>> + Send + 'static,
    content_type: &'static str,
    file: &str,
    what: &'static str,
) -> Response {
    let body = Body::from_stream(chunks.map(move |chunk| {
        chunk.map_err(|e| {
            tracing::warn!(error = %e, "{what} stopped");
            std::io::Error::other(e.to_string())
        })
    }));
    attachment(body, content_type, file)
}

/// `body` as an attachment named `file`.
pub fn attachment(body: Body, content_type: &'static str, file: &str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// A download refused before it starts: the error's status and message.
pub fn error(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, e.to_string()).into_response()
}

pub const CSV: &str = "text/csv; charset=utf-8";
