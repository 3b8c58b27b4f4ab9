//! Swedish (default) and English, from Fluent files in `i18n/`.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::http::HeaderMap;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{static_loader, Loader};
use unic_langid::{langid, LanguageIdentifier};

static_loader! {
    static LOCALES = {
        locales: "./i18n",
        fallback_language: "sv",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

pub static SV: LanguageIdentifier = langid!("sv");
pub static EN: LanguageIdentifier = langid!("en");
pub const COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Sv,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Sv => &SV,
            Lang::En => &EN,
        }
    }
    /// The language chosen by the `lang` cookie; Swedish otherwise.
    pub fn from_headers(h: &HeaderMap) -> Lang {
        Lang::from_cookie(h).unwrap_or(Lang::Sv)
    }

    /// The language this browser chose with the `lang` cookie, if it did.
    pub fn from_cookie(h: &HeaderMap) -> Option<Lang> {
        cookie(h, COOKIE).and_then(|v| Lang::parse(&v))
    }

    /// The language a person chose for themselves.
    pub fn of(language: distans_core::kernel::Language) -> Lang {
        match language {
            distans_core::kernel::Language::Sv => Lang::Sv,
            distans_core::kernel::Language::En => Lang::En,
        }
    }

    /// The text for `key`; a key without a text is shown as itself and
    /// noted (see [`missing_keys`]).
    pub fn t(self, key: &str) -> String {
        LOCALES
            .try_lookup(self.id(), key)
            .unwrap_or_else(|| missing(key))
    }

    /// The text for `key`, if there is one.
    pub fn try_t(self, key: &str) -> Option<String> {
        LOCALES.try_lookup(self.id(), key)
    }

    pub fn ta(self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Owned((*k).to_string()), FluentValue::from(v.clone())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &map)
            .unwrap_or_else(|| missing(key))
    }
}

/// Keys asked for that have no text, since the process started.
static MISSING: std::sync::Mutex<std::collections::BTreeSet<String>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

fn missing(key: &str) -> String {
    tracing::warn!(key, "a text is missing");
    MISSING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key.to_string());
    key.to_string()
}

/// The keys asked for that have no text (both languages have the same
/// keys, a test makes sure): the tests fail on any, so no page shows a key.
pub fn missing_keys() -> Vec<String> {
    MISSING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .cloned()
        .collect()
}

/// The value of a cookie in the request.
pub fn cookie(h: &HeaderMap, name: &str) -> Option<String> {
    h.get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts whose keys are made from a value: every value has its text.
    #[test]
    fn every_role_day_and_weekday_has_its_name_in_both_languages() {
        use distans_core::kernel::dates::Weekday;
        use distans_core::kernel::Role;
        let mut keys: Vec<String> = Role::ALL
            .iter()
            .map(|r| format!("role-{}", r.as_str()))
            .collect();
        keys.extend(
            Weekday::ALL
                .iter()
                .map(|w| format!("weekday-{}", w.as_str())),
        );
        keys.extend(["workplace", "remote", "other", "absent"].map(|s| format!("state-{s}")));
        for lang in [Lang::Sv, Lang::En] {
            for k in &keys {
                assert!(lang.try_t(k).is_some(), "{k} has no {} text", lang.code());
            }
        }
    }

    /// The personal-data pages: every section, record type, anchor, action
    /// and notice heading has its text in both languages.
    #[test]
    fn every_section_and_disposal_rule_has_its_text_in_both_languages() {
        use distans_core::privacy::{rules::SECTIONS, DisposalAction, RecordType};
        let mut keys: Vec<String> = SECTIONS.iter().map(|s| format!("pd-sec-{s}")).collect();
        for t in RecordType::ALL {
            keys.push(format!("ret-type-{}", t.as_str()));
            keys.push(format!("ret-anchor-{}", t.anchor()));
        }
        for a in [
            DisposalAction::Delete,
            DisposalAction::Anonymise,
            DisposalAction::Keep,
        ] {
            keys.push(format!("ret-action-{}", a.as_str()));
        }
        for k in ["what", "why", "legal_basis", "how_long", "rights", "dpo"] {
            keys.push(format!("pn-h-{k}"));
            keys.push(format!("pn-default-{k}"));
        }
        for lang in [Lang::Sv, Lang::En] {
            for k in &keys {
                assert!(lang.try_t(k).is_some(), "{k} has no {} text", lang.code());
            }
        }
    }

    #[test]
    fn both_languages_have_every_key() {
        let sv = include_str!("../i18n/sv/main.ftl");
        let en = include_str!("../i18n/en/main.ftl");
        let keys = |s: &str| -> Vec<String> {
            let mut k: Vec<String> = s
                .lines()
                .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
                .filter_map(|l| l.split(" =").next().map(|x| x.trim().to_string()))
                .collect();
            k.sort();
            k
        };
        assert_eq!(keys(sv), keys(en));
        assert_eq!(Lang::Sv.t("sign-in"), "Logga in");
        assert_eq!(Lang::En.t("sign-in"), "Sign in");
    }
}
