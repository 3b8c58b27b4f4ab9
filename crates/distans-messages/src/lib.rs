//! The notice catalogue: the subject and body of every message the core can
//! send, in Swedish (the default) and English, and the page each links to.
//! The web layer renders notices in the app in the reader's language; the
//! mailer renders e-mails in the recipient's language with the link made
//! from the configured public address. The core only names the message and
//! its values ([`distans_core::kernel::Message`]).
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

use std::borrow::Cow;
use std::collections::HashMap;

use distans_core::kernel::{Link, Message};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{static_loader, Loader};
use unic_langid::{langid, LanguageIdentifier};

static_loader! {
    static NOTICES = {
        locales: "./i18n",
        fallback_language: "sv",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static SV: LanguageIdentifier = langid!("sv");
static EN: LanguageIdentifier = langid!("en");

/// A language notices are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Sv,
    En,
}

impl Lang {
    /// `sv` or `en`; anything else is Swedish, the organisation's language.
    pub fn from_code(code: &str) -> Lang {
        match code {
            "en" => Lang::En,
            _ => Lang::Sv,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Sv => &SV,
            Lang::En => &EN,
        }
    }
}

/// A notice as people read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

/// A message's subject and body in `lang`. Whole numbers are passed as
/// numbers, so plurals are chosen right.
pub fn render(lang: Lang, m: &Message) -> Text {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = m
        .args
        .iter()
        .map(|(k, v)| {
            let value = match v.parse::<i64>() {
                Ok(n) if n.to_string() == *v => FluentValue::from(n),
                _ => FluentValue::from(v.clone()),
            };
            (Cow::Owned(k.clone()), value)
        })
        .collect();
    let key = m.key.as_str();
    let text = |part: &str| {
        NOTICES
            .lookup_with_args(lang.id(), &format!("{key}-{part}"), &args)
            .trim()
            .to_string()
    };
    Text {
        subject: text("subject"),
        body: text("body"),
    }
}

/// The page a link leads to, as a path of the web app.
pub fn path(link: &Link) -> String {
    match link {
        Link::Request(id) => format!("/ansokningar/{id}"),
        Link::Agreement(id) => format!("/overenskommelser/{id}"),
        Link::FollowUp(id) => format!("/uppfoljningar/{id}"),
        Link::Deviation(id) => format!("/avvikelser/{id}"),
        Link::Person(id) => format!("/personer/{id}"),
        Link::SetPassword(secret) => format!("/losenord/{secret}"),
        Link::EquipmentToCollect => "/utrustning#hamta-in".into(),
        Link::TemporaryDecisions => "/tillfalliga-beslut".into(),
    }
}

/// An e-mail: the subject, and the body ending with the page's address on
/// the public site (`base` without a trailing slash).
pub fn mail(lang: Lang, m: &Message, base: &str) -> Text {
    let t = render(lang, m);
    let open = NOTICES.lookup(lang.id(), "mail-open");
    Text {
        subject: t.subject,
        body: format!("{}\n\n{open} {}{}", t.body, base, path(&m.link)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use distans_core::kernel::MessageKey;
    use std::collections::BTreeMap;

    fn uuid_for_tests() -> uuid::Uuid {
        uuid::Uuid::from_u128(42)
    }

    /// Every value any message may use.
    fn full(key: MessageKey) -> Message {
        let mut m = Message::new(key, Link::Agreement(uuid_for_tests().into()));
        m.args = BTreeMap::from(
            [
                ("person", "Anna Lind"),
                ("name", "Anna Lind"),
                ("username", "anna"),
                ("days", "2"),
                ("start", "2026-12-07"),
                ("end", "2027-01-31"),
                ("decider", "manager"),
                ("by", "Karin Berg"),
                ("reason", "Verksamheten kräver närvaro."),
                ("last", "2027-02-28"),
                ("items", "DL-1001 (Dell Latitude)"),
                ("title", "Pandemi"),
                ("date", "2027-03-03"),
                ("kind", "follow_up"),
                ("due", "2027-01-15"),
                ("count", "2"),
                ("action", "Ny skärm"),
                ("note", "Levererad."),
                ("serious", "no"),
                ("unit", "Kontaktcenter Norr"),
                ("anonymous", "no"),
                ("reporter", "Bo Ek"),
                ("reported", "2026-12-01"),
                ("happened", "2026-11-30"),
                ("named", "yes"),
                ("concerns", "Anna Lind"),
                ("description", "Trasig stol."),
                ("whole", "no"),
                ("units", "Kontaktcenter Norr, Bygglov"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        m
    }

    #[test]
    fn every_message_has_a_subject_and_body_in_both_languages() {
        for key in MessageKey::ALL {
            for lang in [Lang::Sv, Lang::En] {
                let t = render(lang, &full(*key));
                for part in [&t.subject, &t.body] {
                    assert!(!part.is_empty(), "{key:?} {lang:?}");
                    assert!(
                        !part.contains("{$") && !part.contains('{'),
                        "{key:?} {lang:?}: {part}"
                    );
                    assert!(
                        !part.contains("Unknown localization"),
                        "{key:?} {lang:?}: {part}"
                    );
                }
            }
            assert_ne!(
                render(Lang::Sv, &full(*key)).subject,
                render(Lang::En, &full(*key)).subject,
                "{key:?} is translated"
            );
        }
    }

    #[test]
    fn values_are_filled_in_and_plurals_chosen() {
        let m = Message::new(MessageKey::RequestReceived, Link::TemporaryDecisions)
            .arg("person", "Anna Lind")
            .arg("days", 2)
            .arg("start", "2026-12-07")
            .arg("decider", "hr");
        let sv = render(Lang::Sv, &m);
        assert_eq!(sv.subject, "Ansökan om distansarbete från Anna Lind");
        assert!(sv.body.ends_with("Beslutet fattas av HR."), "{}", sv.body);
        let en = render(Lang::En, &m);
        assert!(en.body.contains("2 days a week"), "{}", en.body);
        let one = full(MessageKey::FollowupActionsCreated).arg("count", 1);
        assert!(render(Lang::Sv, &one)
            .body
            .contains("en risk som blivit en åtgärd"));
        let two = full(MessageKey::FollowupActionsCreated).arg("count", 2);
        assert!(render(Lang::En, &two)
            .body
            .contains("2 risks that became actions"));
    }

    #[test]
    fn an_anonymous_reporter_is_not_named() {
        let m = full(MessageKey::DeviationReported)
            .arg("anonymous", "yes")
            .arg("reporter", "")
            .arg("named", "no")
            .arg("concerns", "");
        let t = render(Lang::Sv, &m);
        assert!(t.body.contains("av en anonym rapportör"), "{}", t.body);
        assert!(!t.body.contains("Den gäller"), "{}", t.body);
        assert!(t.body.contains("Trasig stol."));
    }

    #[test]
    fn mails_end_with_the_page_on_the_public_site() {
        let id = uuid_for_tests();
        let m = Message::new(MessageKey::AgreementToSign, Link::Agreement(id.into()));
        let t = mail(Lang::En, &m, "https://distans.sjovik.se");
        assert!(t.body.ends_with(&format!(
            "Open in distans: https://distans.sjovik.se/overenskommelser/{id}"
        )));
        assert_eq!(path(&Link::EquipmentToCollect), "/utrustning#hamta-in");
        assert_eq!(Lang::from_code("en"), Lang::En);
        assert_eq!(Lang::from_code("fi"), Lang::Sv);
    }
}
