//! The `distans` command: `serve`, `migrate`, `import people`, `plan`,
//! `backup`, and a few administrator's tools.
#![forbid(unsafe_code)]

mod import;
mod oidc;
mod records;

/// jemalloc gives freed memory back to the system within seconds; glibc's
/// allocator keeps what its per-thread arenas once held.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use distans_core::demo::rules as demo;
use distans_core::kernel::clock::SystemClock;
use distans_core::Core;
use distans_store::{SqlStore, StoreConfig};
use distans_web::client::TrustedProxies;
use distans_web::{AppState, WebConfig};

#[derive(Parser)]
#[command(
    name = "distans",
    version,
    about = "Remote and flexible work (distansarbete) for organisations"
)]
struct Cli {
    /// The database: a SQLite file (default distans.db) or postgres://…
    #[arg(
        long,
        env = "DATABASE_URL",
        global = true,
        default_value = "distans.db",
        hide_env_values = true
    )]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "DISTANS_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Fill an empty database with a generated municipality and demo sign-ins.
        #[arg(long, env = "DISTANS_DEMO")]
        demo: bool,
        /// Employees in the demo organisation.
        #[arg(long, env = "DISTANS_DEMO_SIZE", default_value_t = 300)]
        demo_size: usize,
        /// Mark cookies Secure (when served over HTTPS).
        #[arg(long, env = "DISTANS_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Database connections in the pool.
        #[arg(long, env = "DISTANS_DB_CONNECTIONS", default_value_t = 10)]
        db_connections: u32,
        /// SMTP server for e-mail notifications: smtps://[user:password@]host[:port]
        /// (TLS), smtp://… (STARTTLS, required) or smtp://host[:port]?tls=none (plain).
        #[arg(long, env = "DISTANS_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// More certificate authorities (PEM) to trust for the SMTP server,
        /// besides the system's.
        #[arg(long, env = "DISTANS_SMTP_CA_FILE")]
        smtp_ca_file: Option<PathBuf>,
        /// Sender of e-mail notifications.
        #[arg(
            long,
            env = "DISTANS_MAIL_FROM",
            default_value = "distans <noreply@localhost>"
        )]
        mail_from: String,
        /// The address people reach the server at (https://distans.kommun.se),
        /// for links such as calendar feeds. Default: http:// and the bind address.
        #[arg(long, env = "DISTANS_PUBLIC_URL")]
        public_url: Option<String>,
        /// Proxies (addresses or CIDR ranges, comma-separated) whose
        /// X-Forwarded-For header names the client; from anyone else it is ignored.
        #[arg(long, env = "DISTANS_TRUSTED_PROXIES", default_value = "", value_parser = TrustedProxies::parse)]
        trusted_proxies: TrustedProxies,
        #[command(flatten)]
        oidc: Box<oidc::OidcArgs>,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Import data.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Run the rotation planner on a file (rotation-planning.md).
    Plan {
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        output: PathBuf,
        /// Seconds the solver may use; it returns its best plan by then.
        #[arg(long)]
        time_limit: Option<f64>,
    },
    /// Write a consistent copy of the database to FILE while it runs.
    Backup { file: PathBuf },
    /// Set the password of a local account (asks on standard input).
    Passwd {
        username: String,
        /// Read the password from this environment variable instead of standard input.
        #[arg(long)]
        from_env: Option<String>,
    },
    /// Check the hash chain of the audit log.
    VerifyAudit,
    /// Retention: apply the disposal rules ("gallring").
    Retention {
        #[command(subcommand)]
        what: records::RetentionWhat,
    },
    /// The e-archive: export the records to keep for good.
    Archive {
        #[command(subcommand)]
        what: records::ArchiveWhat,
    },
    /// Print the OpenAPI document of the API.
    Openapi,
    /// Tokens of provisioning clients (SCIM, e.g. Microsoft Entra ID).
    ScimToken {
        #[command(subcommand)]
        what: ScimTokenWhat,
    },
    /// Print the generated demo organisation as a people CSV (the import format).
    DemoCsv {
        #[arg(long, default_value_t = 300)]
        size: usize,
    },
}

#[derive(Subcommand)]
enum ScimTokenWhat {
    /// Make a token for a client; the secret is printed this once.
    Create {
        #[arg(long)]
        name: String,
    },
    /// Revoke the client's token: it is refused from then on.
    Revoke { name: String },
    /// The clients' live tokens.
    List,
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Import or update units and people from a CSV export (see README for the columns).
    People {
        file: PathBuf,
        /// Deactivate everyone active whom the file leaves out (people who
        /// left): their sign-in stops and their matters are wound up.
        #[arg(long)]
        deactivate_missing: bool,
        /// With --deactivate-missing: allow the file to leave out more than
        /// a quarter of the active people (else that is refused as a
        /// probable partial export).
        #[arg(long, requires = "deactivate_missing")]
        allow_many: bool,
    },
    /// Import absences from a CSV export: employee_number, first_day, last_day.
    Absences { file: PathBuf },
}

async fn open(url: &str, connections: u32) -> Result<Arc<Core>> {
    let store = SqlStore::open(&StoreConfig {
        url: url.to_string(),
        max_connections: connections,
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut config = distans_core::kernel::CoreConfig::default();
    if let Ok(groups) = std::env::var("DISTANS_SCIM_GROUPS") {
        config.scim_groups = distans_core::scim::rules::parse_group_roles(&groups)
            .map_err(|e| anyhow::anyhow!("DISTANS_SCIM_GROUPS: {e}"))?;
    }
    if let Ok(min) = std::env::var("DISTANS_STATS_MIN_GROUP") {
        config.stats_min_group = match min.trim().parse::<i64>() {
            Ok(n) if n >= 2 => n,
            _ => {
                anyhow::bail!("DISTANS_STATS_MIN_GROUP: a whole number of at least 2, not {min:?}")
            }
        };
    }
    let core = Core::with_config(Arc::new(store), Arc::new(SystemClock), config);
    core.ensure_defaults()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Arc::new(core))
}

fn engine_label(url: &str) -> String {
    if url.starts_with("postgres") {
        "PostgreSQL".into()
    } else {
        format!("SQLite ({url})")
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DISTANS_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_sessions=warn")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            bind,
            demo,
            demo_size,
            secure_cookies,
            db_connections,
            smtp_url,
            mail_from,
            public_url,
            trusted_proxies,
            smtp_ca_file,
            oidc,
        } => {
            let public_url = public_url_or_default(public_url.as_deref(), bind)?;
            let (oidc, local_login) = oidc.settings()?;
            let mailer = match smtp_url {
                Some(url) => Some(mailer(
                    &url,
                    smtp_ca_file.as_deref(),
                    &mail_from,
                    &public_url,
                )?),
                None => None,
            };
            serve(
                &cli.database_url,
                bind,
                demo,
                demo_size,
                WebConfig {
                    secure_cookies,
                    public_url,
                    trusted_proxies,
                    oidc,
                    local_login,
                    ..WebConfig::default()
                },
                db_connections,
                mailer,
            )
            .await
        }
        Command::Migrate => {
            let core = open(&cli.database_url, 2).await?;
            let sealed = core
                .audit
                .seal_inline_entries()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if sealed > 0 {
                println!("{sealed} audit entries written before payloads were checked and sealed.");
            }
            println!(
                "The database ({}) is up to date.",
                engine_label(&cli.database_url)
            );
            Ok(())
        }
        Command::Import {
            what:
                ImportWhat::People {
                    file,
                    deactivate_missing,
                    allow_many,
                },
        } => {
            let missing = deactivate_missing.then_some(allow_many);
            import::import_people(&cli.database_url, &file, missing).await
        }
        Command::Import {
            what: ImportWhat::Absences { file },
        } => import::import_absences(&cli.database_url, &file).await,
        Command::Plan {
            input,
            output,
            time_limit,
        } => plan(&input, &output, time_limit),
        Command::Backup { file } => {
            let core = open(&cli.database_url, 2).await?;
            let dest = file.to_str().context("the file name must be UTF-8")?;
            core.system
                .backup(dest)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Backup written to {dest}.");
            Ok(())
        }
        Command::Passwd { username, from_env } => {
            let pw = match from_env {
                Some(var) => std::env::var(&var).with_context(|| format!("{var} is not set"))?,
                None => {
                    let mut s = String::new();
                    std::io::stdin().read_line(&mut s)?;
                    s.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let core = open(&cli.database_url, 2).await?;
            core.identity
                .set_password(&username, &pw)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("The password of {username} is set.");
            Ok(())
        }
        Command::ScimToken { what } => {
            let core = open(&cli.database_url, 2).await?;
            match what {
                ScimTokenWhat::Create { name } => {
                    let (t, secret) = core
                        .scim
                        .create_token(&name)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    eprintln!("A SCIM token for \"{}\" (shown this once; give it to the client as its secret token):", t.name);
                    println!("{secret}");
                }
                ScimTokenWhat::Revoke { name } => {
                    core.scim
                        .revoke_token(&name)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    println!("The SCIM token \"{name}\" is revoked.");
                }
                ScimTokenWhat::List => {
                    for t in core
                        .scim
                        .tokens()
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?
                    {
                        let used = t
                            .last_used_at
                            .map(|u| u.to_string())
                            .unwrap_or_else(|| "never".into());
                        println!("{}\tcreated {}\tlast used {used}", t.name, t.created_at);
                    }
                }
            }
            Ok(())
        }
        Command::Retention { what } => {
            let core = open(&cli.database_url, 2).await?;
            records::retention(&core, what).await
        }
        Command::Archive { what } => {
            let core = open(&cli.database_url, 2).await?;
            records::archive(&core, what).await
        }
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&distans_web::openapi())?);
            Ok(())
        }
        Command::DemoCsv { size } => {
            print!("{}", distans_core::org::csv::to_csv(&demo::generate(size)));
            Ok(())
        }
        Command::VerifyAudit => {
            let core = open(&cli.database_url, 2).await?;
            let r = core
                .audit
                .verify_audit(None)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if r.ok {
                println!("The audit log is intact: {} entries.", r.entries);
                Ok(())
            } else {
                bail!(
                    "The audit log is broken at entry {}: {}",
                    r.broken_at.unwrap_or(0),
                    r.problem.unwrap_or_default()
                )
            }
        }
    }
}

/// The public URL as given (checked, without a trailing slash), or made
/// from the bind address.
fn public_url_or_default(given: Option<&str>, bind: SocketAddr) -> Result<String> {
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        Some(u) => {
            let u = u.trim_end_matches('/');
            let rest = u
                .strip_prefix("https://")
                .or_else(|| u.strip_prefix("http://"));
            match rest {
                Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
                    Ok(u.to_string())
                }
                _ => bail!("--public-url must be an http:// or https:// address, e.g. https://distans.kommun.se"),
            }
        }
        None if bind.ip().is_unspecified() => Ok(format!("http://localhost:{}", bind.port())),
        None => Ok(format!("http://{bind}")),
    }
}

async fn serve(
    url: &str,
    bind: SocketAddr,
    demo: bool,
    demo_size: usize,
    web: WebConfig,
    connections: u32,
    mailer: Option<distans_jobs::Mailer>,
) -> Result<()> {
    let core = open(url, connections).await?;
    // Entries written before payloads are sealed once, so that disposal can
    // reach their personal data; a broken chain is left as it is (and
    // `distans verify-audit` says where).
    match core.audit.seal_inline_entries().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            entries = n,
            "sealed the audit entries written before payloads"
        ),
        Err(e) => {
            tracing::error!(error = %e, "could not seal the audit entries written before payloads")
        }
    }
    if demo {
        let counts = core
            .org
            .org_counts()
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if counts.people == 0 {
            eprintln!("Generating a demo municipality of {demo_size} employees…");
            let t = Instant::now();
            let r = core
                .demo
                .load_demo(demo_size)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            eprintln!(
                "Demo ready in {:.1} s: {} units, {} people, {} sites.",
                t.elapsed().as_secs_f64(),
                r.units_created,
                r.people_created,
                r.sites_created
            );
        } else {
            eprintln!(
                "The database already has {} people; the demo data is kept as it is.",
                counts.people
            );
        }
    }
    let state = AppState::try_new(core.clone(), web).map_err(anyhow::Error::msg)?;
    if let Some(provider) = &state.oidc {
        // A provider that cannot be reached now may be later: said, not fatal.
        match provider.check().await {
            Ok(()) => eprintln!(
                "Sign-in through the identity provider {} is on.",
                provider.settings.issuer
            ),
            Err(e) => tracing::warn!(
                error = %e,
                "DISTANS_OIDC_ISSUER: the identity provider cannot be reached now; sign-in through it waits until it can"
            ),
        }
    }
    let app = distans_web::app(state);
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let addr = listener.local_addr()?;

    // Expired sessions and idempotency keys are removed once an hour.
    let purge = core.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = purge.identity.purge_sessions().await {
                tracing::warn!(error = %e, "could not purge sessions");
            }
            if let Err(e) = purge.idempotency.forget_old().await {
                tracing::warn!(error = %e, "could not forget old idempotency keys");
            }
        }
    });

    distans_jobs::spawn_reminders(core.clone(), Duration::from_secs(3600));
    // Follow-ups.
    distans_jobs::spawn_followup_reminders(core.clone(), Duration::from_secs(3600));
    // Retention: the disposal rules, once a day.
    distans_jobs::spawn_disposal(core.clone(), Duration::from_secs(3600));
    match mailer {
        Some(m) => {
            distans_jobs::spawn_worker(core.clone(), m, Duration::from_secs(10));
        }
        None => eprintln!(
            "DISTANS_SMTP_URL is not set: e-mail notifications wait in the outbox until it is."
        ),
    }

    println!(
        "distans is running on http://{addr} ({})",
        engine_label(url)
    );
    if demo {
        println!(
            "Demo sign-ins (password \"{}\"):",
            distans_core::demo::DEMO_PASSWORD
        );
        for (user, what) in distans_core::demo::DEMO_ACCOUNTS {
            println!("  {user:<8} {what}");
        }
    }
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    Ok(())
}

/// The mailer for `url`, trusting the roots in `ca_file` too.
fn mailer(
    url: &str,
    ca_file: Option<&std::path::Path>,
    from: &str,
    public_url: &str,
) -> Result<distans_jobs::Mailer> {
    let smtp = distans_jobs::SmtpSettings::parse(url)?;
    let ca = match ca_file {
        Some(f) => Some(
            std::fs::read(f)
                .with_context(|| format!("DISTANS_SMTP_CA_FILE: cannot read {}", f.display()))?,
        ),
        None => None,
    };
    if smtp.security == distans_jobs::SmtpSecurity::Plain {
        tracing::warn!(
            host = %smtp.host,
            "e-mail goes to the SMTP server unencrypted (tls=none): only for a relay on a trusted network"
        );
    }
    Ok(distans_jobs::Mailer::new(
        &smtp,
        ca.as_deref(),
        from,
        public_url,
    )?)
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

fn plan(input: &PathBuf, output: &PathBuf, time_limit: Option<f64>) -> Result<()> {
    let text = std::fs::read_to_string(input)
        .with_context(|| format!("cannot read {}", input.display()))?;
    let problem = match distans_planner::parse_input(&text) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{}: {e}", input.display());
            std::process::exit(2)
        }
    };
    let limit = match time_limit {
        Some(s) if s.is_finite() && s > 0.0 => Some(Duration::from_secs_f64(s)),
        Some(_) => bail!("--time-limit must be a positive number of seconds"),
        None => None,
    };
    let opts = distans_planner::SolveOptions {
        time_limit: limit,
        ..Default::default()
    };
    let t = Instant::now();
    let out = distans_planner::solve(&problem, &opts);
    let json = serde_json::to_string_pretty(&out)?;
    std::fs::write(output, json).with_context(|| format!("cannot write {}", output.display()))?;
    eprintln!(
        "{:?}, cost {} in {:.2} s → {}",
        out.status,
        out.cost,
        t.elapsed().as_secs_f64(),
        output.display()
    );
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_public_url() {
        let bind: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:9000".parse().unwrap();
        assert_eq!(
            public_url_or_default(None, bind).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            public_url_or_default(None, any).unwrap(),
            "http://localhost:9000"
        );
        assert_eq!(
            public_url_or_default(Some("https://distans.kommun.se/"), any).unwrap(),
            "https://distans.kommun.se"
        );
        assert!(public_url_or_default(Some("distans.kommun.se"), any).is_err());
        assert!(public_url_or_default(Some("https://"), any).is_err());
    }
}
