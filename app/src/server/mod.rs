//! Server-only code: database, store queries, authentication, passwords, audit.
pub mod access;
pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod db;
pub mod devices;
pub mod error_text;
pub mod geoip;
pub mod groups;
pub mod invitations;
pub mod mail;
pub mod mail_text;
pub mod overview;
pub mod password;
pub mod resets;
pub mod roles;
pub mod signup;
pub mod state;
pub mod store;
pub mod throttle;
pub mod two_factor;
pub mod users;
pub mod util;

pub use db::{Backend, Db};
pub use state::AppState;
