//! The agreement's text: the organisation's template, its placeholders,
//! and the text rendered from the facts of one agreement.

use crate::kernel::ids::{PersonId, UnitId};
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};

use crate::agreements::model::*;
use crate::followup::model::Term;
use crate::kernel::dates::plus_days_clamped;
use crate::kernel::{CoreError, CoreResult, PersonRef};

/// The placeholders a template may use.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("organisation", "the organisation's name"),
    ("medarbetare", "the employee's name"),
    ("anstallningsnummer", "the employee number"),
    ("enhet", "the employee's unit"),
    ("chef", "who decided"),
    ("dagar", "remote days a week"),
    (
        "veckodagar",
        "the fixed weekdays, or that they are agreed week by week",
    ),
    ("plats", "where the work is done"),
    ("start", "the first day"),
    ("slut", "the last day, or 'tills vidare'"),
    ("narvaro", "the presence requirements"),
    ("uppfoljning_manader", "months between follow-ups"),
    ("uppsagningstid_dagar", "days of notice"),
    (
        "policyversion",
        "the policy version the request was judged under",
    ),
];

/// The organisation's default agreement text (HR may change it). Sections
/// start with "## ".
pub const DEFAULT_TEMPLATE: &str = "## 1. Parter och omfattning
Denna överenskommelse om distansarbete är träffad mellan {organisation} (arbetsgivaren), genom {chef}, och {medarbetare}, anställningsnummer {anstallningsnummer}, vid {enhet}.
Medarbetaren arbetar på distans {dagar} dagar per vecka: {veckodagar}. Övrig arbetstid utförs på den ordinarie arbetsplatsen. Distansarbetet är frivilligt och ändrar inte anställningsvillkoren i övrigt.

## 2. Plats
Distansarbetet utförs {plats}. Arbete på annan plats kräver en ny överenskommelse.

## 3. Period
Överenskommelsen gäller från och med {start} till och med {slut}. Den följs upp minst var {uppfoljning_manader}:e månad och vid medarbetarsamtalet.

## 4. Närvaro
{narvaro}
Medarbetaren ska vara nåbar under arbetstid på samma sätt som på arbetsplatsen och delta i möten digitalt när närvaro inte krävs.

## 5. Ansvar
Arbetsgivaren har samma arbetsmiljöansvar vid distansarbete som på arbetsplatsen. Chefen leder, fördelar och följer upp arbetet. Medarbetaren ansvarar för att arbetet utförs enligt samma krav som på arbetsplatsen och för att meddela chefen om förhållanden som påverkar arbetet.

## 6. Utrustning
Arbetsgivaren tillhandahåller dator och nödvändig IT-utrustning. Extra hjälpmedel kan lånas hem enligt policyn; möbler svarar medarbetaren för. Utlånad utrustning återlämnas när överenskommelsen upphör.

## 7. Arbetsmiljö
Arbetsplatsen i hemmet ska vara lämplig ur ergonomisk synvinkel, med god belysning och möjlighet till pauser. En riskbedömning av distansarbetsplatsen görs före eller vid start. Brister och tillbud rapporteras som avvikelse till chefen.

## 8. Informationssäkerhet
Medarbetaren följer organisationens IT-säkerhetspolicy, använder VPN och ett godkänt, krypterat nätverk, och ser till att obehöriga inte kan ta del av information. Sekretessklassade arbetsuppgifter utförs inte på distans.

## 9. Försäkring
Medarbetaren ska ha en hemförsäkring. Arbetsskadeförsäkringen gäller vid distansarbete på samma sätt som på arbetsplatsen för arbete som utförs under arbetstid.

## 10. Uppföljning
Chefen och medarbetaren följer upp distansarbetet enligt checklistan ”Distansarbete uppföljning” minst var {uppfoljning_manader}:e månad och vid medarbetarsamtalet.

## 11. Upphörande
Överenskommelsen upphör vid periodens slut. Var och en av parterna kan säga upp den med {uppsagningstid_dagar} dagars uppsägningstid. Vid förändrade förhållanden i verksamheten kan chefen kalla medarbetaren till arbetsplatsen.

## 12. Policy
Överenskommelsen bygger på distanspolicyn, version {policyversion}.";

/// Checks that a template only uses known placeholders and has sections.
pub fn validate_template(text: &str) -> Result<(), CoreError> {
    if text.trim().is_empty() {
        return Err(CoreError::invalid("text", "must not be empty"));
    }
    if text.len() > 50_000 {
        return Err(CoreError::invalid(
            "text",
            "must be at most 50,000 characters",
        ));
    }
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else {
            return Err(CoreError::invalid("text", "a '{' is not closed by '}'"));
        };
        let name = &after[..j];
        if !PLACEHOLDERS.iter().any(|(p, _)| *p == name) {
            return Err(CoreError::invalid(
                "text",
                format!(
                    "{{{name}}} is not a placeholder (known: {})",
                    PLACEHOLDERS
                        .iter()
                        .map(|p| format!("{{{}}}", p.0))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        rest = &after[j + 1..];
    }
    if !text.lines().any(|l| l.starts_with("## ")) {
        return Err(CoreError::invalid(
            "text",
            "needs at least one section heading (a line starting with \"## \")",
        ));
    }
    Ok(())
}

/// The unknown placeholders of a template, each once, in the order they
/// first appear (`{lön}` → `lön`); an unclosed `{` is none of them.
pub fn unknown_placeholders(text: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else { break };
        let name = &after[..j];
        if !PLACEHOLDERS.iter().any(|(p, _)| *p == name) && !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
        rest = &after[j + 1..];
    }
    out
}

/// The example an agreement is previewed with: a made-up employee with
/// two fixed days a week at home from `start` for a year, decided by
/// `decider` under the policy `policy_version` of `organisation`.
pub fn example_facts(
    organisation: &str,
    decider: &str,
    policy_version: i64,
    start: Date,
) -> CoreResult<AgreementFacts> {
    use crate::kernel::dates::{Weekday, Weekdays};
    use crate::policy::terms::{Place, RemoteDays, Terms};
    let end = start.replace_year(start.year() + 1).ok();
    let terms = Terms::new(
        RemoteDays::new(2).unwrap_or(RemoteDays::ONE),
        Weekdays::new([Weekday::Tue, Weekday::Thu]).unwrap_or_default(),
        (start, end),
        Place::Home,
        None,
    )?;
    Ok(AgreementFacts {
        organisation: organisation.to_string(),
        employee: "Kim Exempelsson".into(),
        employee_number: "100123".into(),
        unit: "Kundtjänst".into(),
        decider: decider.to_string(),
        terms,
        presence: "Arbetsplatsträffar och gruppmöten på tisdagar sker på arbetsplatsen.".into(),
        follow_up_months: 6,
        notice_days: 30,
        policy_version,
    })
}

/// Fills the template. Unknown placeholders were refused when it was saved;
/// any left are kept as written.
pub fn render(template: &str, f: &AgreementFacts) -> String {
    // An agreement without a last day reads "… och tills vidare", never
    // "till och med tills vidare".
    let open_ended;
    let template = if f.terms.end().is_none() {
        open_ended = template.replace("till och med {slut}", "och tills vidare");
        open_ended.as_str()
    } else {
        template
    };
    let values: Vec<(&str, String)> = vec![
        ("organisation", f.organisation.clone()),
        ("medarbetare", f.employee.clone()),
        ("anstallningsnummer", f.employee_number.clone()),
        ("enhet", f.unit.clone()),
        ("chef", f.decider.clone()),
        ("dagar", f.terms.days_per_week().to_string()),
        ("veckodagar", f.terms.weekdays_text()),
        ("plats", f.terms.place_text()),
        ("start", f.terms.start().to_string()),
        (
            "slut",
            f.terms
                .end()
                .map(|e| e.to_string())
                .unwrap_or_else(|| "tills vidare".into()),
        ),
        ("narvaro", f.presence.clone()),
        ("uppfoljning_manader", f.follow_up_months.to_string()),
        ("uppsagningstid_dagar", f.notice_days.to_string()),
        ("policyversion", f.policy_version.to_string()),
    ];
    let mut out = String::with_capacity(template.len() + 512);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                let name = &after[..j];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text split into sections: (heading, paragraphs).
pub fn sections(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = vec![];
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            out.push((h.trim().to_string(), vec![]));
        } else if !line.trim().is_empty() {
            if out.is_empty() {
                out.push((String::new(), vec![]));
            }
            if let Some(last) = out.last_mut() {
                last.1.push(line.trim().to_string());
            }
        }
    }
    out
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A text adjusted for one case before it is sent: 1–50,000 characters
/// with at least one section heading.
pub fn check_text(t: &str) -> CoreResult<String> {
    let t = t.replace("\r\n", "\n");
    if t.trim().is_empty() || t.len() > 50_000 {
        return Err(CoreError::invalid("text", "must be 1 to 50,000 characters"));
    }
    if sections(&t).iter().all(|s| s.0.is_empty()) {
        return Err(CoreError::invalid(
            "text",
            "needs at least one section heading (a line starting with \"## \")",
        ));
    }
    Ok(t)
}

/// The agreement after `signer` signs at `now`, and whether they signed as
/// the employee or the decider. When both have signed, the text is frozen
/// (its SHA-256 recorded) and the agreement is active.
pub fn sign(
    g: &Agreement,
    signer: PersonId,
    now: OffsetDateTime,
) -> CoreResult<(Agreement, &'static str)> {
    if g.state != AgreementState::AwaitingSignatures {
        return Err(CoreError::Conflict(format!(
            "the agreement is {} and cannot be signed",
            g.state.as_str()
        )));
    }
    let mut next = g.clone();
    let who = if signer == g.person_id && g.employee_signed_at.is_none() {
        next.employee_signed_at = Some(now);
        "employee"
    } else if signer == g.decider_id && g.decider_signed_at.is_none() {
        next.decider_signed_at = Some(now);
        "decider"
    } else {
        return Err(CoreError::Conflict("you have already signed".into()));
    };
    if next.employee_signed_at.is_some() && next.decider_signed_at.is_some() {
        next.state = AgreementState::Active;
        next.text_sha256 = Some(sha256_hex(&next.text));
    }
    Ok((next, who))
}

/// The agreement once notice is given on `today`: an active one ends after
/// its notice period (or its own end, if sooner); one not yet in force
/// ends today.
pub fn ending(g: &Agreement, today: Date) -> CoreResult<Agreement> {
    let mut next = g.clone();
    match g.state {
        AgreementState::Active if g.ends_on.is_none() => {
            let by_notice = plus_days_clamped(today, g.notice_days);
            next.ends_on = Some(match g.terms.end() {
                Some(e) if e < by_notice => e,
                _ => by_notice,
            });
        }
        AgreementState::Active => {
            return Err(CoreError::Conflict("notice has already been given".into()))
        }
        AgreementState::AwaitingSignatures | AgreementState::Draft => {
            next.state = AgreementState::Ended;
            next.ends_on = Some(today);
        }
        s => {
            return Err(CoreError::Conflict(format!(
                "the agreement is already {}",
                s.as_str()
            )))
        }
    }
    Ok(next)
}

/// The unit an agreement waits to be confirmed for after its person moved:
/// only a live agreement (active, or awaiting signatures, and no notice
/// given) of a person who is no longer in the unit it was made for.
pub fn moved_to(g: &Agreement, today: Date) -> CoreResult<UnitId> {
    let unit = g.moved_to.ok_or_else(|| {
        CoreError::Conflict("the agreement already holds for the person's unit".into())
    })?;
    if g.ends_on.is_some() {
        return Err(CoreError::Conflict(
            "notice has already been given on the agreement".into(),
        ));
    }
    match g.state_on(today) {
        AgreementState::Active | AgreementState::AwaitingSignatures => Ok(unit),
        s => Err(CoreError::Conflict(format!(
            "the agreement is {}: there is nothing to confirm",
            s.as_str()
        ))),
    }
}

/// Who signs for the employer once an agreement is confirmed after a
/// move: the manager who confirms it; when someone else (HR) confirms,
/// the person's new manager, or — with none — the one who signed before.
pub fn decider_after_move(
    confirmer: PersonId,
    confirmer_manages: bool,
    new_manager: Option<PersonId>,
    before: PersonId,
) -> PersonId {
    if confirmer_manages {
        confirmer
    } else {
        new_manager.unwrap_or(before)
    }
}

/// The period an agreement runs, as its follow-ups are scheduled from it.
pub fn term(g: &Agreement) -> Term {
    Term {
        agreement: g.id,
        person: PersonRef {
            id: g.person_id,
            name: g.person_name.clone(),
        },
        start: g.terms.start(),
        last_day: g.last_day(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreements::model::Parties;
    use crate::kernel::dates::Weekday;
    use crate::kernel::{PersonRef, RequestId};
    use crate::policy::model::Place;
    use crate::policy::terms::Terms;
    use time::macros::date;
    use uuid::Uuid;

    fn facts() -> AgreementFacts {
        AgreementFacts {
            organisation: "Sjöviks kommun".into(),
            employee: "Åsa Öberg".into(),
            employee_number: "100123".into(),
            unit: "Kontaktcenter Norr".into(),
            decider: "Karin Holm".into(),
            terms: Terms::loose(
                2,
                &[Weekday::Mon],
                (date!(2026 - 12 - 01), None),
                Place::Home,
                None,
            ),
            presence: "APT på plats.".into(),
            follow_up_months: 6,
            notice_days: 30,
            policy_version: 3,
        }
    }

    #[test]
    fn the_default_template_is_valid_and_renders_everything() {
        assert!(validate_template(DEFAULT_TEMPLATE).is_ok());
        let t = render(DEFAULT_TEMPLATE, &facts());
        assert!(!t.contains('{'), "all placeholders filled");
        for s in [
            "Åsa Öberg",
            "måndag samt 1 dag som",
            "tills vidare",
            "30 dagars uppsägningstid",
            "version 3",
            "i medarbetarens bostad",
            "APT på plats.",
        ] {
            assert!(t.contains(s), "{s}");
        }
        assert!(t.contains(" och tills vidare."), "{t}");
        assert!(!t.contains("till och med tills vidare"), "{t}");
        let secs = sections(&t);
        assert_eq!(secs.len(), 12);
        assert!(secs.iter().any(|s| s.0.contains("Informationssäkerhet")));
        assert!(secs.iter().any(|s| s.0.contains("Försäkring")));
    }

    #[test]
    fn the_example_fills_every_placeholder() {
        let f = example_facts("Sjöviks kommun", "Karin Holm", 4, date!(2027 - 01 - 04)).unwrap();
        let t = render(DEFAULT_TEMPLATE, &f);
        assert!(!t.contains('{'), "{t}");
        for want in [
            "Sjöviks kommun",
            "Kim Exempelsson",
            "Karin Holm",
            "2027-01-04",
            "2028-01-04",
            "version 4",
        ] {
            assert!(t.contains(want), "{want} in {t}");
        }
    }

    #[test]
    fn unknown_placeholders_are_named_once_each() {
        assert_eq!(
            unknown_placeholders("## A\n{lön} {medarbetare} {bil} {lön} {öppen"),
            vec!["lön".to_string(), "bil".to_string()]
        );
        assert!(unknown_placeholders(DEFAULT_TEMPLATE).is_empty());
    }

    #[test]
    fn templates_with_unknown_placeholders_are_refused() {
        assert!(validate_template("## A\n{medarbetare} {lön}").is_err());
        assert!(validate_template("## A\n{medarbetare").is_err());
        assert!(validate_template("utan rubrik {medarbetare}").is_err());
        assert!(validate_template("").is_err());
    }

    fn agreement() -> Agreement {
        let nobody = || PersonRef {
            id: PersonId::nil(),
            name: String::new(),
        };
        let parties = Parties {
            request_id: RequestId::nil(),
            person: nobody(),
            decider: nobody(),
        };
        let terms = Terms::loose(
            2,
            &[],
            (date!(2026 - 01 - 01), Some(date!(2026 - 06 - 30))),
            Place::Home,
            None,
        );
        Agreement {
            state: AgreementState::Active,
            ..Agreement::draft(Uuid::nil().into(), parties, terms, (1, 30), String::new())
        }
    }

    #[test]
    fn state_follows_the_dates() {
        let mut a = agreement();
        assert_eq!(a.state_on(date!(2026 - 06 - 30)), AgreementState::Active);
        assert_eq!(a.state_on(date!(2026 - 07 - 01)), AgreementState::Expired);
        a.ends_on = Some(date!(2026 - 03 - 31));
        assert_eq!(a.state_on(date!(2026 - 04 - 01)), AgreementState::Ended);
        assert_eq!(a.last_day(), Some(date!(2026 - 03 - 31)));
    }

    fn awaiting() -> Agreement {
        Agreement {
            state: AgreementState::AwaitingSignatures,
            person_id: PersonId::from_u128(1),
            decider_id: PersonId::from_u128(2),
            text: "## 1. Parter\nText".into(),
            ..agreement()
        }
    }

    #[test]
    fn both_signatures_freeze_the_text_and_make_it_active() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let g = awaiting();
        let (one, who) = sign(&g, Uuid::from_u128(1).into(), now).unwrap();
        assert_eq!(
            (who, one.state),
            ("employee", AgreementState::AwaitingSignatures)
        );
        assert!(one.text_sha256.is_none());
        assert!(matches!(
            sign(&one, Uuid::from_u128(1).into(), now),
            Err(CoreError::Conflict(_))
        ));
        let (both, who) = sign(&one, Uuid::from_u128(2).into(), now).unwrap();
        assert_eq!((who, both.state), ("decider", AgreementState::Active));
        assert_eq!(both.text_sha256, Some(sha256_hex(&g.text)));
        assert!(
            sign(&both, Uuid::from_u128(2).into(), now).is_err(),
            "not twice"
        );
        assert!(
            sign(&agreement(), Uuid::from_u128(1).into(), now).is_err(),
            "only when awaiting"
        );
    }

    #[test]
    fn notice_ends_an_agreement_after_its_notice_period_or_its_own_end() {
        let today = date!(2026 - 03 - 01);
        let g = agreement();
        assert_eq!(
            ending(&g, today).unwrap().ends_on,
            Some(date!(2026 - 03 - 31))
        );
        let soon = Agreement {
            terms: agreement().terms.with_end(Some(date!(2026 - 03 - 10))),
            ..agreement()
        };
        assert_eq!(
            ending(&soon, today).unwrap().ends_on,
            Some(date!(2026 - 03 - 10))
        );
        let given = Agreement {
            ends_on: Some(date!(2026 - 03 - 20)),
            ..agreement()
        };
        assert!(matches!(ending(&given, today), Err(CoreError::Conflict(_))));
        let draft = ending(&awaiting(), today).unwrap();
        assert_eq!(
            (draft.state, draft.ends_on),
            (AgreementState::Ended, Some(today))
        );
        let ended = Agreement {
            state: AgreementState::Ended,
            ..agreement()
        };
        assert!(ending(&ended, today).is_err());
    }

    #[test]
    fn an_adjusted_text_needs_a_heading_and_a_bound() {
        assert_eq!(check_text("## A\r\nb").unwrap(), "## A\nb");
        assert_eq!(check_text("no heading").unwrap_err().field(), Some("text"));
        assert!(check_text("  ").is_err());
        assert!(check_text(&format!("## A\n{}", "x".repeat(50_001))).is_err());
    }

    #[test]
    fn the_term_is_the_agreements_period() {
        let g = Agreement {
            ends_on: Some(date!(2026 - 04 - 30)),
            ..agreement()
        };
        let t = term(&g);
        assert_eq!(
            (t.start, t.last_day),
            (g.terms.start(), Some(date!(2026 - 04 - 30)))
        );
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod more_tests;
