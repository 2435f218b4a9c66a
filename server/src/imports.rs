//! The import's HTTP side: the upload (a plain multipart form post, so it works without
//! script), the template and the error report. The rules are `app::server::imports`'.
use app::model::{AppError, Language, Permission};
use app::server::auth::{Auth, RequestMeta};
use app::server::AppState;
use axum::body::Body;
use axum::extract::{multipart::MultipartRejection, Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use futures::StreamExt;

/// `POST /p/{project}/users/import/upload`: reads the `file` field (at most the configured
/// size, counted as it arrives) and opens its review.
pub async fn upload(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Extension(_meta): Extension<RequestMeta>,
    Path(project): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let html = wants_html(&headers);
    let lang = auth.0.as_deref().map(|p| p.language).unwrap_or_default();
    let answer = async {
        let principal = auth.0.as_deref().ok_or(AppError::Unauthenticated)?;
        let project_id = principal.require(Permission::UsersImport, &project)?;
        let mut multipart =
            multipart.map_err(|_| AppError::validation("file", "Choose a CSV file to upload."))?;
        let max = app::server::imports::max_mb() * 1024 * 1024;
        let mut file: Option<(String, Vec<u8>)> = None;
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(_) => {
                    return Err(AppError::validation(
                        "file",
                        "The upload was cut short. Try again.",
                    ))
                }
            };
            if field.name() != Some("file") {
                continue;
            }
            let name = field.file_name().unwrap_or("import.csv").to_string();
            let mut bytes = Vec::new();
            let mut field = field;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        if bytes.len() + chunk.len() > max {
                            // Read (and drop) the rest, up to a bound, so that the browser,
                            // still sending, gets the answer rather than a reset connection.
                            let mut seen = bytes.len() + chunk.len();
                            drop(bytes);
                            while let Ok(Some(more)) = field.chunk().await {
                                seen += more.len();
                                if seen > 4 * max {
                                    break;
                                }
                            }
                            return Err(too_large(lang));
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(_) => {
                        return Err(AppError::validation(
                            "file",
                            "The upload was cut short. Try again.",
                        ))
                    }
                }
            }
            file = Some((name, bytes));
            break;
        }
        let Some((name, bytes)) = file.filter(|(n, b)| !(n.is_empty() && b.is_empty())) else {
            return Err(AppError::validation("file", "Choose a CSV file to upload."));
        };
        app::server::imports::upload(&state, principal, project_id, &name, &bytes).await
    }
    .await;
    match answer {
        Ok(id) => Redirect::to(&format!("/p/{project}/users/import/{id}")).into_response(),
        Err(e) => {
            let e = app::server::error_text::localize(e, lang);
            if html {
                error_page(&e, &project, lang)
            } else {
                crate::middleware::error_response(&e)
            }
        }
    }
}

/// 413, in the reader's language (the status has no `AppError` of its own: only this route
/// answers it).
fn too_large(lang: Language) -> AppError {
    let mb = app::server::imports::max_mb();
    AppError::Translated {
        status: 413,
        field: Some("file".into()),
        message: match lang {
            Language::En => {
                format!("The file is larger than {mb} MB. Split it into smaller files.")
            }
            Language::Fr => {
                format!("Le fichier dépasse {mb} Mo. Découpez-le en fichiers plus petits.")
            }
        },
    }
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A refused upload, for a browser that posted the form: the message and the way back, with
/// the error's status (413 for a file too large).
fn error_page(e: &AppError, project: &str, lang: Language) -> Response {
    let (title, back) = match lang {
        Language::Fr => ("Importer des utilisateurs", "Revenir à l'import"),
        Language::En => ("Import users", "Back to the import"),
    };
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let href = format!("/p/{}/users/import", escape(project));
    let html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title} · Roster</title>\
        <style>body{{font:14px system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;color:#111827;background:#fff}}\
        main{{max-width:520px}}a{{color:#4338ca}}@media (prefers-color-scheme:dark){{body{{background:#111827;color:#f9fafb}}a{{color:#a5b4fc}}}}</style>\
        </head><body><main><h1>{title}</h1><p role=\"alert\">{}</p><p><a href=\"{href}\">{back}</a></p></main></body></html>",
        lang.as_str(),
        escape(&e.to_string()),
    );
    let mut res = (status, axum::response::Html(html)).into_response();
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    res
}

/// `GET /p/{project}/users/import/template.csv`.
pub async fn template(Extension(auth): Extension<Auth>, Path(project): Path<String>) -> Response {
    let Some(principal) = auth.0.as_deref() else {
        return crate::download::error(AppError::Unauthenticated);
    };
    if let Err(e) = principal.require(Permission::UsersImport, &project) {
        return crate::download::error(e);
    }
    crate::download::attachment(
        Body::from(app::server::imports::template()),
        crate::download::CSV,
        "roster-import-template.csv",
    )
}

/// `GET /p/{project}/users/import/{id}/errors.csv`: the refused rows with a reason column,
/// streamed; fixed, the file uploads again (the reader skips `reason`).
pub async fn errors(
    State(state): State<AppState>,
    Extension(auth): Extension<Auth>,
    Path((project, id)): Path<(String, i64)>,
) -> Response {
    let Some(principal) = auth.0.as_deref() else {
        return crate::download::error(AppError::Unauthenticated);
    };
    let project_id = match principal.require(Permission::UsersImport, &project) {
        Ok(p) => p,
        Err(e) => return crate::download::error(e),
    };
    if let Err(e) = app::server::imports::get(&state.db, project_id, id).await {
        return crate::download::error(e);
    }
    let lang = principal.language;
    let db = state.db.clone();
    let header = app::server::util::csv_line(
        [
            "email",
            "first_name",
            "last_name",
            "role",
            "groups",
            "reason",
        ]
        .map(String::from),
    );
    let rows = futures::stream::try_unfold(Some(0u64), move |after| {
        let db = db.clone();
        async move {
            let Some(after) = after else { return Ok(None) };
            let rows = app::server::imports::refused_after(&db, id, after, 2_000).await?;
            let Some(last) = rows.last().map(|r| r.line) else {
                return Ok(None);
            };
            let mut out = Vec::new();
            for r in &rows {
                out.extend(app::server::util::csv_line([
                    r.email.clone(),
                    r.first_name.clone(),
                    r.last_name.clone(),
                    r.role.clone(),
                    r.groups.clone(),
                    app::components::imports::reason(lang, r),
                ]));
            }
            Ok::<_, AppError>(Some((out, (rows.len() == 2_000).then_some(last))))
        }
    });
    let body = futures::stream::once(async move { Ok(header) }).chain(rows);
    crate::download::stream(
        body,
        crate::download::CSV,
        &format!("roster-import-{id}-errors.csv"),
        "error report",
    )
}
