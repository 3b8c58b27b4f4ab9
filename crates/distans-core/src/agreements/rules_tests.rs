//! More tests of the agreement's text and life: rendering fills every
//! placeholder, templates are checked, and signing and giving notice move
//! the agreement only the ways they may.

use super::*;
use crate::kernel::dates::Weekday;
use crate::kernel::ids::PersonId;
use crate::kernel::RequestId;
use crate::policy::model::Place;
use crate::policy::terms::Terms;
use proptest::prelude::*;
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
            3,
            &[Weekday::Mon, Weekday::Thu],
            (date!(2026 - 12 - 01), Some(date!(2027 - 11 - 30))),
            Place::Other,
            Some("Sommarvägen 2"),
        ),
        presence: "APT på plats.".into(),
        follow_up_months: 6,
        notice_days: 30,
        policy_version: 3,
    }
}

fn agreement(state: AgreementState) -> Agreement {
    let parties = Parties {
        request_id: RequestId::from_u128(11),
        person: PersonRef {
            id: PersonId::from_u128(1),
            name: "Åsa Öberg".into(),
        },
        decider: PersonRef {
            id: PersonId::from_u128(2),
            name: "Karin Holm".into(),
        },
    };
    let terms = Terms::loose(2, &[], (date!(2026 - 01 - 01), None), Place::Home, None);
    Agreement {
        state,
        ..Agreement::draft(
            Uuid::from_u128(10).into(),
            parties,
            terms,
            (1, 30),
            "## 1. Parter\nText".into(),
        )
    }
}

#[test]
fn each_placeholder_gets_its_fact() {
    let f = facts();
    let one = |p: &str| render(&format!("{{{p}}}"), &f);
    assert_eq!(one("organisation"), "Sjöviks kommun");
    assert_eq!(one("medarbetare"), "Åsa Öberg");
    assert_eq!(one("anstallningsnummer"), "100123");
    assert_eq!(one("enhet"), "Kontaktcenter Norr");
    assert_eq!(one("chef"), "Karin Holm");
    assert_eq!(one("dagar"), "3");
    assert_eq!(
        one("veckodagar"),
        "måndag, torsdag samt 1 dag som bestäms i samråd med chefen"
    );
    assert_eq!(one("plats"), "på Sommarvägen 2");
    assert_eq!(one("start"), "2026-12-01");
    assert_eq!(one("slut"), "2027-11-30");
    assert_eq!(one("narvaro"), "APT på plats.");
    assert_eq!(one("uppfoljning_manader"), "6");
    assert_eq!(one("uppsagningstid_dagar"), "30");
    assert_eq!(one("policyversion"), "3");
}

#[test]
fn weekdays_and_place_in_words() {
    let mut f = facts();
    f.terms = Terms::loose(
        3,
        &[],
        f.terms.period(),
        Place::Other,
        Some("Sommarvägen 2"),
    );
    assert_eq!(
        f.terms.weekdays_text(),
        "dagarna bestäms vecka för vecka i samråd med chefen"
    );
    f.terms = Terms::loose(
        3,
        &[Weekday::Tue, Weekday::Wed, Weekday::Fri],
        f.terms.period(),
        Place::Other,
        None,
    );
    assert_eq!(f.terms.weekdays_text(), "tisdag, onsdag, fredag");
    assert_eq!(f.terms.place_text(), "på Annan plats 1");
    f.terms = Terms::loose(3, &[], f.terms.period(), Place::Home, Some("ignored"));
    assert_eq!(f.terms.place_text(), "i medarbetarens bostad");
}

#[test]
fn render_keeps_unknown_and_unclosed_braces_as_written() {
    let f = facts();
    assert_eq!(render("{lön} {medarbetare}", &f), "{lön} Åsa Öberg");
    assert_eq!(render("a { b", &f), "a { b");
    assert_eq!(render("{}", &f), "{}");
    let mut braces = facts();
    braces.employee = "{chef}".into();
    assert_eq!(
        render("{medarbetare}", &braces),
        "{chef}",
        "a fact is never rendered again"
    );
}

#[test]
fn sections_split_on_headings_and_keep_text_before_the_first() {
    let s = sections("Inledning\n\n## 1. Parter \n  A  \nB\n##Ingen rubrik\n## 2. Plats\n");
    assert_eq!(
        s,
        vec![
            (String::new(), vec!["Inledning".to_string()]),
            (
                "1. Parter".to_string(),
                vec!["A".to_string(), "B".into(), "##Ingen rubrik".into()]
            ),
            ("2. Plats".to_string(), vec![]),
        ]
    );
    assert!(check_text("Inledning utan rubrik\n##A").is_err());
    assert_eq!(
        sha256_hex(""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn only_an_agreement_awaiting_signatures_is_signed_and_only_by_its_parties() {
    let now = OffsetDateTime::UNIX_EPOCH;
    let g = agreement(AgreementState::AwaitingSignatures);
    let e = sign(&g, Uuid::from_u128(3).into(), now).unwrap_err();
    assert_eq!(e.code(), "conflict", "a stranger");
    let (by_decider, who) = sign(&g, Uuid::from_u128(2).into(), now).unwrap();
    assert_eq!(who, "decider");
    assert_eq!(by_decider.decider_signed_at, Some(now));
    assert_eq!(by_decider.employee_signed_at, None);
    for s in [
        AgreementState::Draft,
        AgreementState::Active,
        AgreementState::Ended,
        AgreementState::Expired,
    ] {
        let e = sign(&agreement(s), Uuid::from_u128(1).into(), now).unwrap_err();
        assert!(e.to_string().contains(s.as_str()), "{e}");
    }
}

#[test]
fn notice_on_a_draft_ends_it_today_and_an_ended_one_cannot_end_again() {
    let today = date!(2026 - 03 - 01);
    let d = ending(&agreement(AgreementState::Draft), today).unwrap();
    assert_eq!((d.state, d.ends_on), (AgreementState::Ended, Some(today)));
    let e = ending(&agreement(AgreementState::Expired), today).unwrap_err();
    assert_eq!(e.to_string(), "the agreement is already expired");
    let open = ending(&agreement(AgreementState::Active), today).unwrap();
    assert_eq!(open.ends_on, Some(date!(2026 - 03 - 31)));
    assert_eq!(open.state, AgreementState::Active, "in force until then");
    assert_eq!(open.state_on(date!(2026 - 04 - 01)), AgreementState::Ended);
}

#[test]
fn agreement_states_are_written_as_the_api_writes_them() {
    for s in [
        AgreementState::Draft,
        AgreementState::AwaitingSignatures,
        AgreementState::Active,
        AgreementState::Ended,
        AgreementState::Expired,
    ] {
        assert_eq!(AgreementState::parse(s.as_str()), s);
        assert_eq!(
            serde_json::to_value(s).unwrap(),
            serde_json::json!(s.as_str())
        );
    }
}

// ---- Properties ----

fn text() -> impl Strategy<Value = String> {
    "[a-zåäö0-9 .,:\n#-]{0,20}"
}

/// A template of literal text and known placeholders.
fn template() -> impl Strategy<Value = (String, Vec<&'static str>)> {
    proptest::collection::vec(
        (text(), proptest::sample::select(PLACEHOLDERS.to_vec())),
        0..8,
    )
    .prop_map(|parts| {
        let mut t = String::from("## Avtal\n");
        let mut used = vec![];
        for (lit, (p, _)) in parts {
            t.push_str(&lit);
            t.push('{');
            t.push_str(p);
            t.push('}');
            used.push(p);
        }
        (t, used)
    })
}

prop_compose! {
    fn any_facts()(
        employee in "[A-ZÅÄÖ][a-zåäö ]{0,10}",
        days in 1u8..=5,
        weekdays in proptest::sample::subsequence(Weekday::ALL.to_vec(), 0..=5),
        other in any::<bool>(),
        address in proptest::option::of("[A-Za-z0-9 ]{1,10}"),
        end in proptest::option::of(0i64..800),
        months in 1u8..=24,
        notice in 0u16..=365,
        version in 1i64..100,
    ) -> AgreementFacts {
        let start = date!(2026 - 01 - 01);
        AgreementFacts {
            employee,
            terms: Terms::loose(
                days.max(weekdays.len() as u8),
                &weekdays,
                (start, end.map(|n| start + time::Duration::days(n))),
                if other { Place::Other } else { Place::Home },
                address.as_deref(),
            ),
            follow_up_months: months,
            notice_days: notice,
            policy_version: version,
            ..facts()
        }
    }
}

proptest! {
    /// A template that validates renders with every placeholder filled:
    /// no brace is left, and the literal text is kept.
    #[test]
    fn render_fills_every_placeholder((t, used) in template(), f in any_facts()) {
        prop_assert!(validate_template(&t).is_ok());
        let out = render(&t, &f);
        prop_assert!(!out.contains('{') && !out.contains('}'), "{}", out);
        prop_assert!(out.starts_with("## Avtal\n"));
        if used.contains(&"medarbetare") {
            prop_assert!(out.contains(&f.employee));
        }
        if used.contains(&"slut") {
            let slut = f.terms.end().map(|e| e.to_string()).unwrap_or_else(|| "tills vidare".into());
            prop_assert!(out.contains(&slut));
        }
        prop_assert!(sections(&out).iter().any(|s| s.0 == "Avtal"));
    }

    /// A template with a name in braces that is not a placeholder is
    /// refused, naming the text; any text is checked without a panic.
    #[test]
    fn unknown_placeholders_are_refused(
        (t, _) in template(),
        name in "[a-z_]{1,12}",
        junk in "\\PC{0,40}",
    ) {
        let _ = validate_template(&junk);
        let _ = render(&junk, &facts());
        prop_assume!(!PLACEHOLDERS.iter().any(|(p, _)| *p == name));
        let e = validate_template(&format!("{t}{{{name}}}")).unwrap_err();
        prop_assert_eq!(e.field(), Some("text"));
        let written = format!("{{{name}}}");
        prop_assert!(e.to_string().contains(&written));
    }

    /// The two parties sign in either order; the agreement is active, its
    /// text frozen, only when both have; nobody signs twice and no one
    /// else signs at all.
    #[test]
    fn signing_goes_from_awaiting_to_active_only_with_both_parties(
        signers in proptest::collection::vec(0u128..4, 1..6),
    ) {
        let now = OffsetDateTime::UNIX_EPOCH;
        let mut g = agreement(AgreementState::AwaitingSignatures);
        let mut signed = std::collections::BTreeSet::new();
        for s in signers {
            let r = sign(&g, Uuid::from_u128(s).into(), now);
            let may = (s == 1 || s == 2) && !signed.contains(&s) && g.state == AgreementState::AwaitingSignatures;
            prop_assert_eq!(r.is_ok(), may, "signer {}", s);
            if let Ok((next, who)) = r {
                prop_assert_eq!(who, if s == 1 { "employee" } else { "decider" });
                signed.insert(s);
                g = next;
            }
            let both = signed.len() == 2;
            prop_assert_eq!(g.state == AgreementState::Active, both);
            prop_assert_eq!(g.text_sha256.is_some(), both);
            prop_assert_eq!(g.employee_signed_at.is_some(), signed.contains(&1));
            prop_assert_eq!(g.decider_signed_at.is_some(), signed.contains(&2));
        }
        if g.state == AgreementState::Active {
            prop_assert_eq!(g.text_sha256, Some(sha256_hex(&g.text)));
        }
    }

    /// Notice on an active agreement ends it after the notice period or
    /// at its own end, whichever is first, never before today; it cannot
    /// be given twice.
    #[test]
    fn notice_ends_at_the_earlier_of_notice_and_end(
        notice in 0i64..120,
        end in proptest::option::of(0i64..200),
        today_n in 0i64..100,
    ) {
        let today = date!(2026 - 03 - 01) + time::Duration::days(today_n);
        let mut g = agreement(AgreementState::Active);
        g.notice_days = notice;
        g.terms = g.terms.with_end(end.map(|n| today + time::Duration::days(n)));
        let next = ending(&g, today).unwrap();
        let by_notice = today + time::Duration::days(notice);
        let expected = g.terms.end().map_or(by_notice, |e| e.min(by_notice));
        prop_assert_eq!(next.ends_on, Some(expected));
        prop_assert!(expected >= today);
        prop_assert_eq!(next.last_day(), Some(expected));
        prop_assert_eq!(next.state, AgreementState::Active);
        prop_assert_eq!(ending(&next, today).unwrap_err().code(), "conflict");
    }
}

fn moved(state: AgreementState, moved: Option<u128>) -> Agreement {
    let mut g = agreement(state);
    g.terms = Terms::loose(
        2,
        &[],
        (date!(2026 - 01 - 01), Some(date!(2026 - 12 - 31))),
        Place::Home,
        None,
    );
    g.moved_to = moved.map(UnitId::from_u128);
    g
}

#[test]
fn only_a_live_agreement_of_a_person_who_moved_waits_for_confirmation() {
    let today = date!(2026 - 06 - 01);
    assert_eq!(
        moved_to(&moved(AgreementState::Active, Some(5)), today).unwrap(),
        UnitId::from_u128(5)
    );
    assert!(moved_to(&moved(AgreementState::AwaitingSignatures, Some(5)), today).is_ok());
    for (state, unit) in [
        (AgreementState::Active, None),
        (AgreementState::Ended, Some(5)),
        (AgreementState::Draft, Some(5)),
    ] {
        assert!(matches!(
            moved_to(&moved(state, unit), today),
            Err(CoreError::Conflict(_))
        ));
    }
    // Past its own last day it has expired: nothing to confirm.
    assert!(moved_to(
        &moved(AgreementState::Active, Some(5)),
        date!(2027 - 01 - 01)
    )
    .is_err());
}

#[test]
fn the_confirming_manager_signs_for_the_employer_after_a_move() {
    let (me, new, old) = (
        PersonId::from_u128(7),
        PersonId::from_u128(8),
        PersonId::from_u128(9),
    );
    assert_eq!(decider_after_move(me, true, Some(new), old), me);
    assert_eq!(decider_after_move(me, false, Some(new), old), new);
    assert_eq!(decider_after_move(me, false, None, old), old);
}
