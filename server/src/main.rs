use clap::{Parser, Subcommand};
use server::config::Config;
use std::net::SocketAddr;
use tracing_subscriber::EnvFilter;

/// Roster: a self-hosted user-management console.
#[derive(Parser)]
#[command(name = "roster", version)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve Roster (the default).
    Serve,
    /// Fill a project with realistic demo users.
    SeedDemo {
        /// How many users to add.
        #[arg(long)]
        users: u64,
        /// The project's slug (created if missing).
        #[arg(long, default_value = "default")]
        project: String,
        /// Seed a project that already has members (demo owners and admins share a public
        /// password).
        #[arg(long)]
        allow_demo_admins: bool,
    },
    /// Change a project's sign-up and two-factor settings (also on the Projects page).
    Project {
        /// The project's slug.
        #[arg(long, default_value = "default")]
        slug: String,
        /// Let people sign up to the project by themselves (`true` or `false`).
        #[arg(long)]
        allow_signup: Option<bool>,
        /// Terms people must agree to when they join ("" for none).
        #[arg(long)]
        terms_url: Option<String>,
        /// Privacy policy people must agree to when they join ("" for none).
        #[arg(long)]
        privacy_url: Option<String>,
        /// Require two-factor authentication of the project's administrators (`true`/`false`).
        #[arg(long)]
        require_admin_2fa: Option<bool>,
    },
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_new(&cli.config.log).unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let state = match server::prepare(&cli.config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("roster: {e}");
            std::process::exit(1);
        }
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let listener = match tokio::net::TcpListener::bind(cli.config.addr).await {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("roster: cannot listen on {}: {e}", cli.config.addr);
                    std::process::exit(1);
                }
            };
            tracing::info!("Roster listening on http://{}", cli.config.addr);
            let db = state.db.clone();
            tokio::spawn(server::prune_throttle_forever(state.clone()));
            // Imports a crash or restart interrupted go on where they stopped.
            tokio::spawn(app::server::imports::resume_forever(state.clone()));
            match cli.config.mailer(&state.auth) {
                Ok(Some(mailer)) => {
                    tracing::info!("delivering mail over SMTP");
                    tokio::spawn(app::server::mail::run_worker(state.db.clone(), mailer));
                }
                Ok(None) => tracing::info!(
                    "SMTP_URL is not set: mail stays in the outbox table, undelivered"
                ),
                Err(e) => {
                    eprintln!("roster: {e}");
                    std::process::exit(1);
                }
            }
            let app = server::router(state).into_make_service_with_connect_info::<SocketAddr>();
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal())
                .await
            {
                eprintln!("roster: server error: {e}");
            }
            db.close().await;
            tracing::info!("Roster stopped");
        }
        Command::Project {
            slug,
            allow_signup,
            terms_url,
            privacy_url,
            require_admin_2fa,
        } => {
            let result = app::server::signup::configure(
                &state.db,
                &slug,
                allow_signup,
                terms_url.as_deref(),
                privacy_url.as_deref(),
                require_admin_2fa,
            )
            .await;
            state.db.close().await;
            match result {
                Ok(()) => println!("Project \"{slug}\" updated."),
                Err(e) => {
                    eprintln!("roster: {e}");
                    std::process::exit(1);
                }
            }
        }
        Command::SeedDemo {
            users,
            project,
            allow_demo_admins,
        } => {
            let started = std::time::Instant::now();
            match server::seed::seed_demo(
                &state.db,
                &state.passwords,
                &project,
                users,
                true,
                allow_demo_admins,
            )
            .await {
                Ok(s) => println!(
                    "Added {} demo users to project \"{project}\" in {:.1?}. Active demo users sign in with the password \"demo-password\".",
                    s.inserted,
                    started.elapsed()
                ),
                Err(e) => {
                    eprintln!("roster: seeding failed: {e}");
                    std::process::exit(1);
                }
            }
            state.db.close().await;
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM, so in-flight requests finish before exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
