//! Roster's shared crate: the typed model, server functions, components and pages. Everything
//! under `server` is compiled only with the `ssr` feature and never reaches the browser.
#![recursion_limit = "256"]

pub mod api;
pub mod codec;
pub mod components;
pub mod i18n;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

pub use pages::{shell, App};
