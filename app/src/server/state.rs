use super::auth::AuthConfig;
use super::geoip::GeoIp;
use super::password::Passwords;
use super::Db;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

/// Everything a request needs, shared by the router, server functions (as Leptos context) and
/// the REST API. Holds no per-user state: that lives in the database, so several processes can
/// serve one PostgreSQL database.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub passwords: Passwords,
    pub auth: Arc<AuthConfig>,
    /// Locations of client addresses (`ROSTER_GEOIP_DB`); none when no database is configured.
    pub geoip: Option<Arc<GeoIp>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}
