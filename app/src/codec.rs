//! How resources travel from the server-rendered page to the browser.
//!
//! Leptos's default resource codec decodes with `serde_json::from_str`, while server functions
//! decode their answers with `serde_json::from_slice`: two readers, so every type a page both
//! loads and refetches had two copies of its JSON decoder in the wasm. [`Json`] decodes with
//! `from_slice` too, so there is one.
use leptos::prelude::Resource;
use leptos::server::codee::{Decoder, Encoder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// The future of a call to the server: not `Send` in the browser (it waits on a JS promise),
/// `Send` on the server. What a `#[lazy]` function that calls the server returns.
#[cfg(feature = "hydrate")]
pub type CallFuture<T> = futures::future::LocalBoxFuture<'static, T>;
#[cfg(not(feature = "hydrate"))]
pub type CallFuture<T> = futures::future::BoxFuture<'static, T>;

/// JSON, decoded like server functions' answers.
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(val)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(val.as_bytes())
    }
}

/// A resource (see [`Resource::new`]) sent with [`Json`].
#[track_caller]
pub fn resource<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, Json>
where
    S: Send + Sync + Clone + PartialEq + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

/// Server-rendered HTML (see [`crate::components::ServerHtml`]) travels once. The page already
/// holds it, and hydrating it touches nothing (`inner_html` from the server is kept as it is),
/// so the resource's copy in the page is empty; an error is sent in full. Later loads fetch
/// the HTML from the server function as usual.
pub struct InPage;

type Html = Result<String, crate::model::AppError>;

impl Encoder<Html> for InPage {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &Html) -> Result<String, serde_json::Error> {
        match val {
            Ok(_) => Ok(String::new()),
            Err(e) => serde_json::to_string(e),
        }
    }
}

impl Decoder<Html> for InPage {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<Html, serde_json::Error> {
        if val.is_empty() {
            Ok(Ok(String::new()))
        } else {
            serde_json::from_slice(val.as_bytes()).map(Err)
        }
    }
}

/// A resource of server-rendered HTML, sent with [`InPage`].
#[track_caller]
pub fn server_html<S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<Html, InPage>
where
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: Future<Output = Html> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}
