//! The browser's files under `/pkg` (wasm chunks, JS, CSS), served as the release build left
//! them: `make build` precompresses each once with brotli at quality 11 and gzip at level 9, so
//! no request pays for compression and each gets the smallest file its browser accepts. When
//! the build put a content hash in every name (cargo-leptos's `hash-files`), a name never
//! changes meaning and browsers may keep it for a year.
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;

/// Whether the build hashed the asset names: cargo-leptos then writes `hash.txt` (the hashes
/// Leptos needs to name the files in each page) next to the server binary.
pub fn hashed_build() -> bool {
    hash_file().is_some_and(|p| p.exists())
}

fn hash_file() -> Option<PathBuf> {
    Some(std::env::current_exe().ok()?.parent()?.join("hash.txt"))
}

/// `/pkg/…` from `site_root/pkg`, precompressed variants first.
pub fn service(site_root: &str, immutable: bool) -> Router {
    // Mounted at /pkg/{*file} with the path kept: /pkg/x is site_root/pkg/x.
    let dir = ServeDir::new(Path::new(site_root))
        .precompressed_br()
        .precompressed_gzip();
    let cache = if immutable {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else {
        // Unhashed names (a debug build) change content under the same URL: revalidate.
        HeaderValue::from_static("no-cache")
    };
    Router::new()
        .fallback_service(dir)
        .layer(axum::middleware::from_fn(
            move |req: Request, next: Next| {
                let cache = cache.clone();
                async move { cache_control(next.run(req).await, cache) }
            },
        ))
}

/// Only files that exist are cached: a 404 must not stick.
fn cache_control(mut res: Response, value: HeaderValue) -> Response {
    if res.status().is_success() || res.status() == axum::http::StatusCode::NOT_MODIFIED {
        res.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    res
}
