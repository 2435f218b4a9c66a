//! Configuration from the environment (each setting also has a command-line flag).
use app::server::auth::{loopback_hosts, parse_public_url, AuthConfig, ThrottleConfig};
use app::server::geoip::GeoIp;
use app::server::mail::Mailer;
use app::server::password::PasswordConfig;
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "ROSTER_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// postgres://… to use PostgreSQL; unset for the embedded SQLite file.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Where the SQLite database lives.
    #[arg(long, env = "ROSTER_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Log filter (tracing's EnvFilter syntax).
    #[arg(
        long,
        env = "ROSTER_LOG",
        default_value = "info,sqlx=warn,tower_http=info"
    )]
    pub log: String,
    /// Built browser assets (cargo-leptos's site root).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Email of the superadmin created on first start.
    #[arg(long, env = "ROSTER_ADMIN_EMAIL")]
    pub admin_email: Option<String>,
    /// Password of that superadmin; generated and printed once when unset.
    #[arg(long, env = "ROSTER_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Mark the session cookie Secure (`__Host-`) even on plain http: for TLS that ends at a
    /// proxy which does not send X-Forwarded-Proto. Unset: on unless Roster listens on a
    /// loopback address (a browser on this machine may use plain http).
    #[arg(long, env = "ROSTER_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// The address people use to reach Roster, e.g. https://roster.example.com: links in
    /// mail point there, and requests for any other host name are refused. Unset: the listen
    /// address (then also localhost), which only suits a loopback or a fixed address.
    #[arg(long, env = "ROSTER_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// More host names (host[:port], comma-separated) Roster answers besides the public
    /// URL's, e.g. an internal name a proxy uses.
    #[arg(long, env = "ROSTER_ALLOWED_HOSTS", value_delimiter = ',')]
    pub allowed_hosts: Vec<String>,
    /// Trust X-Forwarded-For and X-Forwarded-Proto (only behind a reverse proxy you run).
    #[arg(long, env = "ROSTER_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,
    /// How many reverse proxies are in front of Roster (each appends one address to
    /// X-Forwarded-For); the client is that many entries from the right.
    #[arg(long, env = "ROSTER_PROXY_HOPS", default_value_t = 1)]
    pub proxy_hops: usize,
    /// Where mail goes out: `smtp://user:pass@host:587` (STARTTLS), `smtps://…` (TLS), or
    /// `smtp://host:25?tls=none` for a local relay. Unset: mail stays in the outbox table.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of Roster's mail. Unset: roster@ the public URL's host.
    #[arg(long, env = "ROSTER_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// A session unused for this many minutes expires.
    #[arg(long, env = "ROSTER_SESSION_IDLE_MINUTES", default_value_t = 7 * 24 * 60)]
    pub session_idle_minutes: u64,
    /// A session expires this many hours after sign-in.
    #[arg(long, env = "ROSTER_SESSION_MAX_HOURS", default_value_t = 30 * 24)]
    pub session_max_hours: u64,
    /// Failed sign-ins per account (within an hour) that lock it.
    #[arg(long, env = "ROSTER_LOCK_AFTER", default_value_t = 10)]
    pub lock_after: i64,
    /// How long a locked account stays locked.
    #[arg(long, env = "ROSTER_LOCK_MINUTES", default_value_t = 60)]
    pub lock_minutes: u64,
    /// A MaxMind DB file (GeoLite2-City.mmdb) giving sessions and sign-ins an approximate
    /// location. Unset: no location is shown.
    #[arg(long, env = "ROSTER_GEOIP_DB")]
    pub geoip_db: Option<PathBuf>,
}

impl Config {
    pub fn auth(&self) -> Result<AuthConfig, String> {
        let (public_url, mut allowed_hosts) = match &self.public_url {
            Some(url) if !url.trim().is_empty() => {
                let (url, host) = parse_public_url(url)?;
                (url, vec![host])
            }
            _ if self.addr.ip().is_unspecified() => {
                return Err(format!(
                    "Roster listens on every address ({}): set ROSTER_PUBLIC_URL to the address \
                     people use (e.g. https://roster.example.com), so links in mail point there \
                     and other host names are refused",
                    self.addr
                ))
            }
            _ if self.addr.ip().is_loopback() => (
                format!("http://{}", self.addr),
                loopback_hosts(self.addr.port()),
            ),
            _ => (format!("http://{}", self.addr), vec![self.addr.to_string()]),
        };
        allowed_hosts.extend(
            self.allowed_hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty()),
        );
        let https = public_url.starts_with("https://");
        Ok(AuthConfig {
            idle_timeout: Duration::from_secs(self.session_idle_minutes * 60),
            absolute_timeout: Duration::from_secs(self.session_max_hours * 3600),
            secure_cookies: self
                .secure_cookies
                .unwrap_or(https || !self.addr.ip().is_loopback()),
            trust_proxy: self.trust_proxy,
            proxy_hops: self.proxy_hops,
            throttle: ThrottleConfig {
                account_lock_after: self.lock_after,
                lock_for: Duration::from_secs(self.lock_minutes * 60),
                ..ThrottleConfig::default()
            },
            public_url,
            allowed_hosts,
            clock: Default::default(),
        })
    }

    /// The SMTP mailer when `SMTP_URL` is set.
    pub fn mailer(&self, auth: &AuthConfig) -> Result<Option<Mailer>, String> {
        let Some(url) = self.smtp_url.as_deref().filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let from = match &self.mail_from {
            Some(f) => f.clone(),
            None => {
                // The public URL's host name, when it is one (an address makes no mail domain).
                let (_, host) = parse_public_url(&auth.public_url)?;
                let name = host.split(':').next().unwrap_or("");
                let named = name.contains('.') && name.chars().any(|c| c.is_ascii_alphabetic());
                format!("Roster <roster@{}>", if named { name } else { "localhost" })
            }
        };
        Mailer::new(url, &from).map(Some)
    }

    /// The GeoIP database, read now; a missing or broken file is logged and left out.
    pub fn geoip(&self) -> Option<Arc<GeoIp>> {
        GeoIp::configured(self.geoip_db.as_deref())
    }

    pub fn passwords(&self) -> PasswordConfig {
        PasswordConfig::production()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    fn auth(args: &[&str]) -> Result<AuthConfig, String> {
        let mut all = vec!["roster"];
        all.extend(args);
        Cli::try_parse_from(all).unwrap().config.auth()
    }

    fn secure(args: &[&str]) -> bool {
        let mut with_url = args.to_vec();
        if !args.contains(&"--public-url") {
            with_url.extend(["--public-url", "http://roster.test"]);
        }
        auth(&with_url).unwrap().secure_cookies
    }

    #[test]
    fn links_and_host_names_come_from_the_public_url() {
        let a = auth(&["--public-url", "https://Roster.Example.com/"]).unwrap();
        assert_eq!(a.public_url, "https://Roster.Example.com");
        assert!(a.host_allowed("roster.example.com"));
        assert!(!a.host_allowed("127.0.0.1:3000"));
        assert!(a.secure_cookies, "https public URL");
        let a = auth(&[
            "--public-url",
            "http://roster.test:8080",
            "--allowed-hosts",
            "roster.internal:3000, other.test",
        ])
        .unwrap();
        assert!(a.host_allowed("roster.test:8080"));
        assert!(a.host_allowed("roster.internal:3000"));
        assert!(a.host_allowed("OTHER.test"));
        assert!(!a.host_allowed("roster.test"));
        // Unset on loopback: the listen address and its local names.
        let a = auth(&["--addr", "127.0.0.1:3100"]).unwrap();
        assert_eq!(a.public_url, "http://127.0.0.1:3100");
        assert!(a.host_allowed("localhost:3100"));
        assert!(!a.host_allowed("evil.example:3100"));
        // Listening everywhere without a public URL would make links from guesswork.
        assert!(auth(&["--addr", "0.0.0.0:3000"])
            .unwrap_err()
            .contains("ROSTER_PUBLIC_URL"));
        for bad in [
            "roster.test",
            "ftp://roster.test",
            "https://roster.test/app",
            "https://",
        ] {
            assert!(auth(&["--public-url", bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn session_cookies_are_secure_unless_roster_listens_on_loopback() {
        assert!(!secure(&[
            "--addr",
            "127.0.0.1:3000",
            "--public-url",
            "http://127.0.0.1:3000"
        ]));
        assert!(!secure(&["--addr", "[::1]:3000"]));
        assert!(secure(&["--addr", "0.0.0.0:3000"]));
        assert!(secure(&["--addr", "192.0.2.7:443"]));
        assert!(!secure(&[
            "--addr",
            "0.0.0.0:3000",
            "--secure-cookies",
            "false"
        ]));
        assert!(secure(&[
            "--addr",
            "127.0.0.1:3000",
            "--secure-cookies",
            "true"
        ]));
    }
}
