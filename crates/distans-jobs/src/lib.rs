//! Background work: sending the e-mail outbox over SMTP.
//!
//! Mails are written to the outbox by the same transaction as the change
//! they tell about, so none is lost. A worker claims a batch with a lease
//! (an atomic `UPDATE … RETURNING`), so two app servers never send the same
//! mail at once; a mail whose sending failed is retried later with backoff.
//! Each mail carries a Message-ID made from its outbox id, so that if a
//! worker dies between the SMTP server's "OK" and marking it sent, the
//! resent copy is recognisably the same message.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

use std::sync::Arc;
use std::time::Duration;

use distans_core::notify::{NoticeContent, OutboxMail};
use distans_core::Core;
use distans_messages::Lang;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("DISTANS_SMTP_URL: {0}")]
    SmtpUrl(String),
    #[error("DISTANS_MAIL_FROM: {0}")]
    From(String),
}

/// Sends mail through one SMTP server, each mail written in its
/// recipient's language with a link to the page on the public site.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

impl Mailer {
    /// `url`: `smtp://host:port` (plain, e.g. a local relay), with optional
    /// `user:password@`. `from`: the sender address. `public_url`: the
    /// address people reach the server at, links in mails are made from it.
    pub fn new(url: &str, from: &str, public_url: &str) -> Result<Mailer, JobError> {
        let rest = url.strip_prefix("smtp://").ok_or_else(|| {
            JobError::SmtpUrl("must start with smtp:// (a relay without TLS)".into())
        })?;
        let (creds, hostport) = match rest.rsplit_once('@') {
            Some((c, h)) => (Some(c), h),
            None => (None, rest),
        };
        let hostport = hostport.trim_end_matches('/');
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| JobError::SmtpUrl(format!("\"{p}\" is not a port")))?,
            ),
            None => (hostport, 25),
        };
        if host.is_empty() {
            return Err(JobError::SmtpUrl("no host".into()));
        }
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(port)
            .timeout(Some(Duration::from_secs(20)));
        if let Some((user, pass)) = creds.and_then(|c| c.split_once(':')) {
            b = b.credentials(lettre::transport::smtp::authentication::Credentials::new(
                user.into(),
                pass.into(),
            ));
        }
        let transport = b.build();
        let from: Mailbox = from
            .parse()
            .map_err(|e: lettre::address::AddressError| JobError::From(e.to_string()))?;
        Ok(Mailer {
            transport,
            from,
            public_url: public_url.trim_end_matches('/').to_string(),
        })
    }

    /// The subject and body of a mail, in its language.
    pub fn text(&self, m: &OutboxMail) -> (String, String) {
        match &m.content {
            NoticeContent::Message(msg) => {
                let t = distans_messages::mail(Lang::from_code(&m.language), msg, &self.public_url);
                (t.subject, t.body)
            }
            NoticeContent::Written { subject, body, .. } => (subject.clone(), body.clone()),
        }
    }

    async fn send(&self, m: &OutboxMail) -> Result<(), String> {
        let to: Mailbox = m
            .recipient
            .parse()
            .map_err(|e: lettre::address::AddressError| format!("recipient: {e}"))?;
        let (subject, body) = self.text(m);
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<{}@distans>", m.id)))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| e.to_string())?;
        self.transport
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// How long to wait before the next try: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff(attempts: i64) -> time::Duration {
    let minutes = 1i64 << attempts.clamp(1, 10).saturating_sub(1);
    time::Duration::minutes(minutes.min(360))
}

/// Sends what is due now; returns (sent, failed).
pub async fn send_outbox_once(core: &Core, mailer: &Mailer) -> (usize, usize) {
    let batch = match core.notify.claim_mails(120, 50).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the outbox");
            return (0, 0);
        }
    };
    let (mut sent, mut failed) = (0, 0);
    for m in &batch {
        match mailer.send(m).await {
            Ok(()) => {
                sent += 1;
                if let Err(e) = core.notify.mail_sent(m.id).await {
                    tracing::error!(error = %e, mail = %m.id, "sent, but could not mark it sent");
                }
            }
            Err(e) => {
                failed += 1;
                tracing::warn!(error = %e, mail = %m.id, attempts = m.attempts, "sending failed; will retry");
                let _ = core
                    .notify
                    .mail_failed(m.id, &e, core.now() + backoff(m.attempts))
                    .await;
            }
        }
    }
    (sent, failed)
}

/// Runs the outbox every `every` until the runtime stops.
pub fn spawn_worker(
    core: Arc<Core>,
    mailer: Mailer,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let (sent, failed) = send_outbox_once(&core, &mailer).await;
            if sent + failed > 0 {
                tracing::info!(sent, failed, "outbox");
            }
        }
    })
}

/// Days ahead that the parties are told an agreement is ending.
pub const ENDING_NOTICE_DAYS: i64 = 14;

/// Reminds the parties of agreements that end soon, every `every`. Safe on
/// several servers: each agreement is marked by the first to tell.
pub fn spawn_reminders(core: Arc<Core>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match core
                .agreements
                .remind_ending_agreements(ENDING_NOTICE_DAYS)
                .await
            {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(agreements = n, "told the parties their agreements end soon")
                }
                Err(e) => tracing::warn!(error = %e, "could not send ending reminders"),
            }
        }
    })
}

// Follow-ups.
/// Reminds employees and managers of follow-ups due within a week and,
/// once more, of overdue ones, and owners of overdue actions, every
/// `every`. Safe on several servers: each reminder is marked by the first
/// to send it.
pub fn spawn_followup_reminders(core: Arc<Core>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match core.followup.remind_followups().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "reminded of follow-ups and actions"),
                Err(e) => tracing::warn!(error = %e, "could not send follow-up reminders"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use distans_core::kernel::clock::FixedClock;
    use distans_core::policy::RequestInput;
    use distans_core::store::IdentityPort;
    use distans_store::{SqlStore, StoreConfig};
    use std::process::{Child, Command, Stdio};

    struct Smtpd(Child, std::path::PathBuf);
    impl Drop for Smtpd {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
            let _ = std::fs::remove_dir_all(&self.1);
        }
    }

    /// A real SMTP server: Python's aiosmtpd, saving mail to a maildir.
    #[allow(clippy::zombie_processes)] // killed (and reaped by the OS) in Drop
    fn smtpd(port: u16) -> Smtpd {
        let dir = std::env::temp_dir().join(format!("distans-mail-{port}"));
        let _ = std::fs::remove_dir_all(&dir);
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
                dir.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 -m aiosmtpd (pip install aiosmtpd) is needed for this test");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Smtpd(child, dir);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("aiosmtpd did not start (is it installed? pip install aiosmtpd)");
    }

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    fn mails(dir: &std::path::Path) -> Vec<String> {
        let mut out = vec![];
        for sub in ["new", "cur"] {
            if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
                for e in rd.flatten() {
                    out.push(std::fs::read_to_string(e.path()).unwrap_or_default());
                }
            }
        }
        out
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mails_reach_a_real_smtp_server_once_and_failures_are_retried() {
        let dir = std::env::temp_dir().join(format!("distans-jobs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Arc::new(
            SqlStore::open(&StoreConfig {
                url: dir.join("j.db").to_string_lossy().into(),
                max_connections: 2,
            })
            .await
            .unwrap(),
        );
        let clock = FixedClock::new(time::OffsetDateTime::now_utc());
        let core = Core::new(store.clone(), Arc::new(clock.clone()));
        core.demo.load_demo(60).await.unwrap();
        core.ensure_defaults().await.unwrap();
        // Chef, who decides, reads in English.
        let chef = store
            .actor(store.credentials("chef").await.unwrap().unwrap().0)
            .await
            .unwrap()
            .unwrap();
        core.identity.set_language(&chef, "en").await.unwrap();
        let anna = store
            .actor(store.credentials("anna").await.unwrap().unwrap().0)
            .await
            .unwrap()
            .unwrap();
        let start = core.today() + time::Duration::days(10);
        core.cases
            .submit_request(
                &anna,
                &RequestInput {
                    days_per_week: Some(2),
                    start: Some(start.to_string()),
                    reason: "Pendling".into(),
                    confirmations: vec![
                        "wifi".into(),
                        "it-security".into(),
                        "vpn".into(),
                        "home-insurance".into(),
                    ],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(core.notify.mails_pending().await.unwrap(), 1);

        // The server is down: the mail stays, with an error, for later.
        let port = free_port();
        let mailer = Mailer::new(
            &format!("smtp://127.0.0.1:{port}"),
            "distans <noreply@sjovik.se>",
            "https://distans.sjovik.se/",
        )
        .unwrap();
        assert_eq!(send_outbox_once(&core, &mailer).await, (0, 1));
        assert_eq!(core.notify.mails_pending().await.unwrap(), 1);
        assert_eq!(
            send_outbox_once(&core, &mailer).await,
            (0, 0),
            "not due again yet"
        );

        // The server is up; once the retry is due the mail goes, once.
        let server = smtpd(port);
        clock.advance(time::Duration::minutes(5));
        let batch = core.notify.claim_mails(120, 10).await.unwrap();
        assert_eq!(batch.len(), 1);
        assert_eq!(batch[0].attempts, 2);
        mailer.send(&batch[0]).await.unwrap();
        core.notify.mail_sent(batch[0].id).await.unwrap();
        assert_eq!(core.notify.mails_pending().await.unwrap(), 0);
        assert_eq!(
            send_outbox_once(&core, &mailer).await,
            (0, 0),
            "never sent twice"
        );

        let got = mails(&server.1);
        assert_eq!(got.len(), 1, "{got:?}");
        let m = &got[0];
        assert!(m.contains("chef@sjovik.se"), "to chef, anna's manager: {m}");
        assert!(m.contains("noreply@sjovik.se"));
        assert!(m.contains("Anna Lindqvist"), "{m}");
        assert!(
            m.contains("asks to work remotely 2 days a week"),
            "in chef's language: {m}"
        );
        assert!(m.contains("https://distans.sjovik.se/ansokningar/"), "{m}");
        assert!(m.contains(&format!("<{}@distans>", batch[0].id)));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), time::Duration::minutes(1));
        assert_eq!(backoff(3), time::Duration::minutes(4));
        assert_eq!(backoff(50), time::Duration::minutes(360));
    }
}
