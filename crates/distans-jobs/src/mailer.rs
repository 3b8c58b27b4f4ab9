//! The connection to the SMTP server and the mails written for it.
//!
//! The connection is protected unless the operator says otherwise:
//! `smtps://` is TLS from the first byte, `smtp://` upgrades with STARTTLS
//! and refuses a server that does not offer it, and only
//! `smtp://…?tls=none` talks in the clear (a relay on the same host). The
//! server's certificate is always checked, against the system's trusted
//! roots and any given in `DISTANS_SMTP_CA_FILE`.

use std::time::Duration;

use distans_core::notify::{NoticeContent, OutboxMail};
use distans_messages::Lang;
use lettre::message::{header::ContentType, Mailbox};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("DISTANS_SMTP_URL: {0}")]
    SmtpUrl(String),
    #[error("DISTANS_SMTP_CA_FILE: {0}")]
    CaFile(String),
    #[error("DISTANS_MAIL_FROM: {0}")]
    From(String),
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// TLS from the first byte (`smtps://`, port 465 by default).
    Tls,
    /// Plain, then upgraded with STARTTLS, which the server must offer
    /// (`smtp://`, port 587 by default).
    StartTls,
    /// No encryption at all (`smtp://…?tls=none`, port 25 by default).
    Plain,
}

/// Where and how to reach the SMTP server, read from `DISTANS_SMTP_URL`.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// User name and password, when the server wants them.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.credentials.as_ref().map(|c| &c.0))
            .finish_non_exhaustive()
    }
}

impl SmtpSettings {
    /// `smtps://[user:password@]host[:port]`,
    /// `smtp://[user:password@]host[:port]` (STARTTLS) or
    /// `smtp://host[:port]?tls=none`. The user and password are
    /// percent-encoded as in any URL. The error says what is wrong, never
    /// the password.
    pub fn parse(text: &str) -> Result<SmtpSettings, JobError> {
        let bad = |m: String| JobError::SmtpUrl(m);
        let url = url::Url::parse(text.trim()).map_err(|e| {
            bad(format!(
                "not a URL ({e}); e.g. smtps://user:password@mail.example.org"
            ))
        })?;
        let mut tls: Option<String> = None;
        for (k, v) in url.query_pairs() {
            match k.as_ref() {
                "tls" if tls.is_none() => tls = Some(v.into_owned()),
                other => {
                    return Err(bad(format!(
                        "unknown setting \"{other}\" (only tls=none is known)"
                    )))
                }
            }
        }
        let security = match (url.scheme(), tls.as_deref()) {
            ("smtps", None) => SmtpSecurity::Tls,
            ("smtp", None | Some("starttls")) => SmtpSecurity::StartTls,
            ("smtp", Some("none")) => SmtpSecurity::Plain,
            ("smtps", Some(_)) => {
                return Err(bad(
                    "smtps:// is always TLS; tls= is for smtp:// only".into()
                ))
            }
            ("smtp", Some(other)) => {
                return Err(bad(format!("tls=\"{other}\" is not starttls or none")))
            }
            (other, _) => return Err(bad(format!("\"{other}://\" is not smtps:// or smtp://"))),
        };
        let host = match url.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(h) => h.to_string(),
            None => return Err(bad("no host".into())),
        };
        let port = url.port().unwrap_or(match security {
            SmtpSecurity::Tls => 465,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Plain => 25,
        });
        let decode = |s: &str| {
            percent_decode(s).ok_or_else(|| {
                bad("the user or password is not valid percent-encoded UTF-8".into())
            })
        };
        let credentials = match (url.username(), url.password()) {
            ("", None) => None,
            (_, None) => return Err(bad("a user without a password".into())),
            (user, Some(password)) => Some((decode(user)?, decode(password)?)),
        };
        Ok(SmtpSettings {
            host,
            port,
            security,
            credentials,
        })
    }
}

fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|v| v.into_owned())
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
    /// `smtp`: the server (see [`SmtpSettings::parse`]). `ca_pem`: more
    /// roots to trust (PEM, one or more certificates), besides the
    /// system's. `from`: the sender address. `public_url`: the address
    /// people reach the server at; links in mails are made from it.
    pub fn new(
        smtp: &SmtpSettings,
        ca_pem: Option<&[u8]>,
        from: &str,
        public_url: &str,
    ) -> Result<Mailer, JobError> {
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            .port(smtp.port)
            .timeout(Some(Duration::from_secs(20)));
        if smtp.security != SmtpSecurity::Plain {
            let mut params = TlsParameters::builder(smtp.host.clone());
            if let Some(pem) = ca_pem {
                let cert = Certificate::from_pem(pem)
                    .map_err(|e| JobError::CaFile(format!("not PEM certificates ({e})")))?;
                params = params.add_root_certificate(cert);
            }
            let params = params
                .build_rustls()
                .map_err(|e| JobError::CaFile(e.to_string()))?;
            b = b.tls(match smtp.security {
                SmtpSecurity::Tls => Tls::Wrapper(params),
                _ => Tls::Required(params),
            });
        }
        if let Some((user, password)) = &smtp.credentials {
            b = b.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let from: Mailbox = from
            .parse()
            .map_err(|e: lettre::address::AddressError| JobError::From(e.to_string()))?;
        Ok(Mailer {
            transport: b.build(),
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

    pub(crate) async fn send(&self, m: &OutboxMail) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> SmtpSettings {
        SmtpSettings::parse(s).unwrap()
    }

    fn refused(s: &str) -> String {
        SmtpSettings::parse(s).unwrap_err().to_string()
    }

    #[test]
    fn protected_unless_told_otherwise() {
        let s = parse("smtps://mail.example.org");
        assert_eq!((s.security, s.port), (SmtpSecurity::Tls, 465));
        let s = parse("smtp://mail.example.org");
        assert_eq!((s.security, s.port), (SmtpSecurity::StartTls, 587));
        let s = parse("smtp://mail.example.org:2525?tls=starttls");
        assert_eq!((s.security, s.port), (SmtpSecurity::StartTls, 2525));
        let s = parse("smtp://127.0.0.1?tls=none");
        assert_eq!(
            (s.security, s.port, s.host.as_str()),
            (SmtpSecurity::Plain, 25, "127.0.0.1")
        );
        assert_eq!(parse("smtps://[::1]:4650").host, "::1");
    }

    #[test]
    fn credentials_are_percent_decoded_and_never_shown() {
        let s = parse("smtps://noreply%40kommun.se:p%40ss+w%3Ard@mail.example.org");
        assert_eq!(
            s.credentials,
            Some(("noreply@kommun.se".into(), "p@ss+w:rd".into()))
        );
        assert!(!format!("{s:?}").contains("p@ss"));
        assert!(refused("smtps://user@mail.example.org").contains("without a password"));
        assert!(!refused("smtps://u:secret@mail.example.org?x=1").contains("secret"));
    }

    #[test]
    fn mistakes_are_named() {
        assert!(refused("mail.example.org").contains("not a URL"));
        assert!(refused("http://mail.example.org").contains("\"http://\""));
        assert!(refused("smtp://mail.example.org?tls=maybe").contains("tls=\"maybe\""));
        assert!(refused("smtps://mail.example.org?tls=none").contains("smtp:// only"));
        assert!(refused("smtp://mail.example.org?verify=no").contains("\"verify\""));
        assert!(refused("smtp://mail.example.org:99999").contains("not a URL"));
        assert!(refused("smtp://").contains("no host") || refused("smtp://").contains("not a URL"));
    }

    #[test]
    fn a_ca_file_must_hold_certificates() {
        let s = parse("smtps://mail.example.org");
        let e = Mailer::new(
            &s,
            Some(b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n"),
            "a@b.se",
            "https://x",
        )
        .err()
        .unwrap();
        assert!(e.to_string().starts_with("DISTANS_SMTP_CA_FILE"), "{e}");
    }
}
