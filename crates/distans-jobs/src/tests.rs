//! The outbox against a real SMTP server (Python's aiosmtpd): delivery,
//! retries, and the protected connections with their certificate checks.

use super::*;
use distans_core::kernel::clock::FixedClock;
use distans_core::notify::OutboxMail;
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
fn smtpd(port: u16) -> Smtpd {
    smtpd_with(port, &[], "aiosmtpd.handlers.Mailbox", None)
}

/// aiosmtpd with more options (its TLS certificate and key), saving mail
/// with `handler` (a class that takes the maildir), found also in `code`.
#[allow(clippy::zombie_processes)] // killed (and reaped by the OS) in Drop
fn smtpd_with(port: u16, options: &[&str], handler: &str, code: Option<&std::path::Path>) -> Smtpd {
    let dir = std::env::temp_dir().join(format!("distans-mail-{port}"));
    let _ = std::fs::remove_dir_all(&dir);
    let listen = format!("127.0.0.1:{port}");
    let mut args = vec!["-m", "aiosmtpd", "-n", "-l", &listen];
    args.extend_from_slice(options);
    args.extend(["-c", handler, dir.to_str().unwrap()]);
    let mut cmd = Command::new("python3");
    if let Some(code) = code {
        cmd.env("PYTHONPATH", code);
    }
    let child = cmd
        .args(&args)
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

/// A request that keeps the demo policy's prerequisites.
fn request(days: i64, start: time::Date, end: Option<time::Date>) -> RequestInput {
    RequestInput {
        days_per_week: Some(days),
        start: Some(start.to_string()),
        end: end.map(|e| e.to_string()),
        reason: "Pendling".into(),
        confirmations: ["wifi", "it-security", "vpn", "home-insurance"]
            .map(String::from)
            .to_vec(),
        ..Default::default()
    }
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
        .submit_request(&anna, &request(2, start, None))
        .await
        .unwrap();
    assert_eq!(core.notify.mails_pending().await.unwrap(), 1);

    // The server is down: the mail stays, with an error, for later.
    let port = free_port();
    let mailer = Mailer::new(
        &SmtpSettings::parse(&format!("smtp://127.0.0.1:{port}?tls=none")).unwrap(),
        None,
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
    let claim = core.notify.claim_mails(120, 10).await.unwrap();
    let batch = &claim.mails;
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].attempts, 2);
    assert!(core.notify.mail_sending(&claim, batch[0].id).await.unwrap());
    mailer.send(&batch[0]).await.unwrap();
    assert!(core.notify.mail_sent(&claim, batch[0].id).await.unwrap());
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

/// A certificate authority of the test's own, and a server certificate it
/// signed for `localhost`, written to `dir` (cert.pem, key.pem).
fn test_pki(dir: &std::path::Path) -> String {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    std::fs::create_dir_all(dir).unwrap();
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    std::fs::write(dir.join("cert.pem"), cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), key.serialize_pem()).unwrap();
    ca.pem()
}

fn a_mail() -> OutboxMail {
    OutboxMail {
        id: distans_core::kernel::MailId::new(),
        recipient: "anna@sjovik.se".into(),
        language: "sv".into(),
        content: distans_core::notify::NoticeContent::Written {
            subject: "Hej".into(),
            body: "Ett brev.".into(),
            link: "/".into(),
        },
        attempts: 0,
    }
}

fn mailer(url: &str, ca: Option<&str>) -> Mailer {
    Mailer::new(
        &SmtpSettings::parse(url).unwrap(),
        ca.map(str::as_bytes),
        "distans <noreply@sjovik.se>",
        "https://distans.sjovik.se",
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_goes_over_tls_to_a_server_whose_certificate_is_trusted() {
    let pki = std::env::temp_dir().join(format!("distans-pki-{}", std::process::id()));
    let ca = test_pki(&pki);
    let (cert, key) = (pki.join("cert.pem"), pki.join("key.pem"));
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());

    // STARTTLS: delivered when the certificate's authority is trusted.
    let port = free_port();
    let starttls = smtpd_with(
        port,
        &["--tlscert", cert, "--tlskey", key],
        "aiosmtpd.handlers.Mailbox",
        None,
    );
    mailer(&format!("smtp://localhost:{port}"), Some(&ca))
        .send(&a_mail())
        .await
        .unwrap();
    assert_eq!(mails(&starttls.1).len(), 1);
    // Not trusted: refused, nothing delivered.
    let e = mailer(&format!("smtp://localhost:{port}"), None)
        .send(&a_mail())
        .await
        .unwrap_err();
    assert!(e.to_lowercase().contains("certificate"), "{e}");
    assert_eq!(mails(&starttls.1).len(), 1);

    // TLS from the first byte.
    let port = free_port();
    let smtps = smtpd_with(
        port,
        &["--smtpscert", cert, "--smtpskey", key],
        "aiosmtpd.handlers.Mailbox",
        None,
    );
    mailer(&format!("smtps://localhost:{port}"), Some(&ca))
        .send(&a_mail())
        .await
        .unwrap();
    assert_eq!(mails(&smtps.1).len(), 1);
    // The certificate names localhost, not 127.0.0.1: refused.
    let e = mailer(&format!("smtps://127.0.0.1:{port}"), Some(&ca))
        .send(&a_mail())
        .await
        .unwrap_err();
    assert!(e.to_lowercase().contains("certificate"), "{e}");
    assert_eq!(mails(&smtps.1).len(), 1);

    // A server that offers no STARTTLS gets nothing unless plain was chosen.
    let port = free_port();
    let plain = smtpd(port);
    assert!(mailer(&format!("smtp://localhost:{port}"), Some(&ca))
        .send(&a_mail())
        .await
        .is_err());
    assert!(mails(&plain.1).is_empty());
    mailer(&format!("smtp://localhost:{port}?tls=none"), None)
        .send(&a_mail())
        .await
        .unwrap();
    assert_eq!(mails(&plain.1).len(), 1);
    let _ = std::fs::remove_dir_all(&pki);
}

/// An SMTP server that takes `secs` over each mail, like a busy relay.
fn slow_smtpd(port: u16, secs: f64) -> Smtpd {
    let code = std::env::temp_dir().join(format!("distans-slow-smtp-{port}"));
    std::fs::create_dir_all(&code).unwrap();
    std::fs::write(
        code.join("slow_smtp.py"),
        format!(
            "import asyncio\n\
             from aiosmtpd.handlers import Mailbox\n\
             class SlowMailbox(Mailbox):\n\
             \x20   async def handle_DATA(self, server, session, envelope):\n\
             \x20       await asyncio.sleep({secs})\n\
             \x20       return await super().handle_DATA(server, session, envelope)\n"
        ),
    )
    .unwrap();
    smtpd_with(port, &[], "slow_smtp.SlowMailbox", Some(&code))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_and_a_slow_server_deliver_each_mail_once() {
    let dir = std::env::temp_dir().join(format!("distans-jobs-two-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Arc::new(
        SqlStore::open(&StoreConfig {
            url: dir.join("j.db").to_string_lossy().into(),
            max_connections: 4,
        })
        .await
        .unwrap(),
    );
    let core = Arc::new(Core::new(
        store.clone(),
        Arc::new(distans_core::kernel::clock::SystemClock),
    ));
    core.demo.load_demo(60).await.unwrap();
    core.ensure_defaults().await.unwrap();
    let anna = store
        .actor(store.credentials("anna").await.unwrap().unwrap().0)
        .await
        .unwrap()
        .unwrap();
    // Six requests, one mail each to the manager.
    for i in 0..6 {
        let start = core.today() + time::Duration::days(10 + i * 40);
        core.cases
            .submit_request(
                &anna,
                &request(1, start, Some(start + time::Duration::days(30))),
            )
            .await
            .unwrap();
    }
    assert_eq!(core.notify.mails_pending().await.unwrap(), 6);

    // Each mail takes the server a second; a claim holds a mail for four.
    // A worker that claims all six would, without renewing its hold, still
    // be sending when the other finds the rest free again. (A hold is
    // renewed right before each mail: a single mail would have to take
    // four seconds to be sent twice, two left too little room on a busy
    // machine.)
    let port = free_port();
    let server = slow_smtpd(port, 1.0);
    let mailer = mailer(&format!("smtp://127.0.0.1:{port}?tls=none"), None);
    let pace = OutboxPace {
        batch: 6,
        lease_secs: 4,
    };
    let worker = |core: Arc<Core>, mailer: Mailer| async move {
        for _ in 0..200 {
            send_outbox_at(&core, &mailer, pace).await;
            if core.notify.mails_pending().await.unwrap() == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the outbox was not emptied");
    };
    tokio::join!(
        worker(core.clone(), mailer.clone()),
        worker(core.clone(), mailer.clone())
    );
    let got = mails(&server.1);
    let mut ids: Vec<&str> = got
        .iter()
        .filter_map(|m| {
            m.lines()
                .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!((got.len(), ids.len()), (6, 6), "each mail delivered once");
    let _ = std::fs::remove_dir_all(&dir);
}
