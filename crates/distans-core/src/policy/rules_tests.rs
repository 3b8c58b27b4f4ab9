//! More tests of the policy engine: every field `validate` names, the
//! order in which `judge` refuses, open-ended periods and a unit's lower
//! maximum. The properties are in `rules_props.rs`.

use super::*;
use crate::kernel::dates::Weekday;
use time::macros::date;
use uuid::Uuid;

fn field(e: CoreError) -> Option<String> {
    e.field().map(str::to_string)
}

fn invalid_field(r: &PolicyRules) -> Option<String> {
    r.validate().err().and_then(field)
}

fn request() -> RequestInput {
    RequestInput {
        days_per_week: Some(2),
        weekdays: vec![],
        start: Some("2026-12-01".into()),
        end: None,
        place: None,
        place_address: None,
        reason: "Kortare pendling".into(),
        confirmations: vec![
            "wifi".into(),
            "it-security".into(),
            "vpn".into(),
            "home-insurance".into(),
        ],
    }
}

fn arrangement() -> Arrangement {
    request().parse().unwrap()
}

const TODAY: Date = date!(2026 - 11 - 23);

fn judged(rules: &PolicyRules, who: &Applicant, a: &Arrangement) -> Result<Judgement, CoreError> {
    judge(rules, &rules.for_unit(&[]), who, a, TODAY)
}

/// A change to the default policy and the field it should be refused on.
type Breakage = (&'static str, Box<dyn Fn(&mut PolicyRules)>);

#[test]
fn validate_names_every_field_it_refuses() {
    let cases: Vec<Breakage> = vec![
        ("max_days_per_week", Box::new(|r| r.max_days_per_week = 0)),
        ("max_days_per_week", Box::new(|r| r.max_days_per_week = 6)),
        ("manager_limit_days", Box::new(|r| r.manager_limit_days = 5)),
        (
            "prerequisites[2].key",
            Box::new(|r| r.prerequisites[2].key = "VPN".into()),
        ),
        (
            "prerequisites[0].key",
            Box::new(|r| r.prerequisites[0].key = String::new()),
        ),
        (
            "prerequisites[0].key",
            Box::new(|r| r.prerequisites[0].key = "a".repeat(41)),
        ),
        (
            "prerequisites[1].text",
            Box::new(|r| r.prerequisites[1].text = "   ".into()),
        ),
        (
            "prerequisites[3].text",
            Box::new(|r| r.prerequisites[3].text = "x".repeat(1001)),
        ),
        (
            "secrecy_tasks[1]",
            Box::new(|r| r.secrecy_tasks.push("a;b".into())),
        ),
        (
            "presence_requirements",
            Box::new(|r| r.presence_requirements = "x".repeat(4001)),
        ),
        (
            "follow_up_interval_months",
            Box::new(|r| r.follow_up_interval_months = 0),
        ),
        (
            "follow_up_interval_months",
            Box::new(|r| r.follow_up_interval_months = 25),
        ),
        (
            "notice_period_days",
            Box::new(|r| r.notice_period_days = 366),
        ),
        (
            "extra_aids_above_days",
            Box::new(|r| r.extra_aids_above_days = 6),
        ),
        (
            "occasional_days_per_week",
            Box::new(|r| r.occasional_days_per_week = Some(6)),
        ),
        (
            "unit_overrides[0].max_days_per_week",
            Box::new(|r| {
                r.unit_overrides = vec![UnitOverride {
                    max_days_per_week: Some(0),
                    ..Default::default()
                }]
            }),
        ),
        (
            "unit_overrides[1].manager_limit_days",
            Box::new(|r| {
                r.unit_overrides = vec![
                    UnitOverride::default(),
                    UnitOverride {
                        max_days_per_week: Some(2),
                        manager_limit_days: Some(3),
                        ..Default::default()
                    },
                ]
            }),
        ),
        (
            "security_deviation_roles[0]",
            Box::new(|r| r.security_deviation_roles = vec!["employee".into()]),
        ),
    ];
    for (expected, change) in cases {
        let mut r = PolicyRules::default();
        change(&mut r);
        assert_eq!(invalid_field(&r).as_deref(), Some(expected), "{r:?}");
    }
}

#[test]
fn validate_accepts_the_edges_of_every_range() {
    let mut r = PolicyRules {
        max_days_per_week: 5,
        manager_limit_days: 5,
        follow_up_interval_months: 24,
        notice_period_days: 365,
        extra_aids_above_days: 5,
        occasional_days_per_week: Some(5),
        presence_requirements: "x".repeat(4000),
        ..PolicyRules::default()
    };
    r.prerequisites[0].key = "a".repeat(40);
    r.prerequisites[0].text = "x".repeat(1000);
    assert!(r.validate().is_ok());
    let r = PolicyRules {
        max_days_per_week: 1,
        manager_limit_days: 0,
        follow_up_interval_months: 1,
        notice_period_days: 0,
        extra_aids_above_days: 0,
        occasional_days_per_week: None,
        prerequisites: vec![],
        secrecy_tasks: vec![],
        presence_requirements: String::new(),
        ..PolicyRules::default()
    };
    assert!(r.validate().is_ok(), "no prerequisites and no limit");
}

#[test]
fn security_roles_must_be_written_as_the_api_writes_them() {
    let mut r = PolicyRules::default();
    for (written, ok) in [
        ("hr", true),
        ("auditor", true),
        ("director", true),
        ("Admin", false),
        ("revisor", false),
        (" hr", false),
        ("manager", false),
    ] {
        r.security_deviation_roles = vec![written.into()];
        assert_eq!(r.validate().is_ok(), ok, "{written}");
        if !ok {
            assert_eq!(
                invalid_field(&r).as_deref(),
                Some("security_deviation_roles[0]")
            );
        }
    }
    r.security_deviation_roles = vec!["Admin".into()];
    assert!(r
        .validate()
        .unwrap_err()
        .to_string()
        .contains("write the role as \"admin\""));
    assert!(PolicyRules::default().tells_of_security_deviations("admin"));
    assert!(!PolicyRules::default().tells_of_security_deviations("hr"));
}

#[test]
fn parse_accepts_swedish_words_and_normalises() {
    let mut i = request();
    i.days_per_week = None;
    i.weekdays = vec!["Fredag".into(), " mån ".into()];
    i.place = Some(" hemma ".into());
    i.end = Some("  ".into());
    i.reason = "  Pendling  ".into();
    i.confirmations = vec![" vpn".into(), "wifi".into(), "vpn ".into()];
    let a = i.parse().unwrap();
    assert_eq!(
        a.terms.days_per_week(),
        2,
        "the fixed weekdays give the count"
    );
    assert_eq!(
        a.terms.weekdays().as_slice(),
        &[Weekday::Mon, Weekday::Fri],
        "sorted"
    );
    assert_eq!(a.terms.end(), None, "a blank end is open-ended");
    assert_eq!(a.terms.place(), Place::Home);
    assert_eq!(a.reason, "Pendling");
    assert_eq!(a.confirmations, vec!["vpn".to_string(), "wifi".into()]);

    let mut i = request();
    i.place = Some("annan".into());
    i.place_address = Some(" Sommarstugan, Lillsjön ".into());
    let a = i.parse().unwrap();
    assert_eq!(
        (a.terms.place(), a.terms.place_address()),
        (Place::Other, Some("Sommarstugan, Lillsjön"))
    );
}

#[test]
fn parse_names_place_start_and_length_limits() {
    let f = |change: &dyn Fn(&mut RequestInput)| {
        let mut i = request();
        change(&mut i);
        i.parse().err().and_then(field)
    };
    assert_eq!(
        f(&|i| i.place = Some("kontoret".into())),
        Some("place".into())
    );
    assert_eq!(f(&|i| i.start = None), Some("start".into()));
    assert_eq!(f(&|i| i.end = Some("snart".into())), Some("end".into()));
    assert_eq!(
        f(&|i| {
            i.place = Some("other".into());
            i.place_address = Some("x".repeat(301));
        }),
        Some("place_address".into())
    );
    assert_eq!(
        f(&|i| i.place_address = Some("å".repeat(301))),
        Some("place_address".into()),
        "counted in characters, also at home"
    );
    assert_eq!(f(&|i| i.place_address = Some("å".repeat(300))), None);
    assert_eq!(f(&|i| i.reason = "ö".repeat(2001)), Some("reason".into()));
    assert_eq!(f(&|i| i.reason = "ö".repeat(2000)), None);
    assert_eq!(
        f(&|i| i.days_per_week = Some(6)),
        Some("days_per_week".into())
    );
    assert_eq!(
        f(&|i| i.days_per_week = Some(-1)),
        Some("days_per_week".into())
    );
    assert_eq!(f(&|i| i.end = Some("2026-12-01".into())), None, "one day");
}

#[test]
fn judge_refuses_in_order_start_days_tasks_confirmations_overlap() {
    let rules = PolicyRules::default();
    let secret = Applicant {
        tasks: vec!["sekretessklassad".into()],
        busy: vec![(date!(2026 - 01 - 01), None)],
    };
    let mut a = arrangement();
    a.terms = a.terms.with_start(date!(2026 - 11 - 01)).with_days(5);
    a.confirmations.clear();
    let mut seen = vec![];
    // Fix the first refusal each time; the next one shows.
    for _ in 0..5 {
        let e = judged(&rules, &secret, &a).unwrap_err();
        let f = field(e).unwrap();
        seen.push(f.clone());
        match f.as_str() {
            "start" if a.terms.start() < TODAY => {
                a.terms = a.terms.with_start(date!(2026 - 12 - 01))
            }
            "days_per_week" => a.terms = a.terms.with_days(2),
            "tasks" => {
                let mut s = secret.clone();
                s.tasks.clear();
                let e = judged(&rules, &s, &a).unwrap_err();
                assert_eq!(field(e).as_deref(), Some("confirmations"));
                a.confirmations = arrangement().confirmations;
                let e = judged(&rules, &s, &a).unwrap_err();
                assert_eq!(field(e).as_deref(), Some("start"), "the overlap");
                break;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(seen, ["start", "days_per_week", "tasks"]);
}

#[test]
fn unknown_confirmations_are_invalid_not_a_broken_rule() {
    let rules = PolicyRules::default();
    let mut a = arrangement();
    a.confirmations.push("pool".into());
    let e = judged(&rules, &Applicant::default(), &a).unwrap_err();
    assert_eq!(e.code(), "invalid");
    assert_eq!(e.field(), Some("confirmations"));
    assert!(e.to_string().contains("\"pool\""));
    let mut a = arrangement();
    a.confirmations.retain(|c| c != "wifi" && c != "vpn");
    let e = judged(&rules, &Applicant::default(), &a).unwrap_err();
    assert_eq!(e.code(), "rule_broken");
    assert!(e.to_string().contains("wifi, vpn"), "{e}");
}

#[test]
fn open_ended_periods_overlap_everything_after_them() {
    let rules = PolicyRules::default();
    let a = arrangement(); // from 2026-12-01, open-ended
    let busy = |b: (Date, Option<Date>)| Applicant {
        tasks: vec![],
        busy: vec![b],
    };
    let refused = |who: Applicant| judged(&rules, &who, &a).is_err();
    assert!(refused(busy((date!(2030 - 01 - 01), None))));
    assert!(refused(busy((
        date!(2030 - 01 - 01),
        Some(date!(2030 - 02 - 01))
    ))));
    assert!(refused(busy((
        date!(2026 - 01 - 01),
        Some(date!(2026 - 12 - 01))
    ))));
    assert!(!refused(busy((
        date!(2026 - 01 - 01),
        Some(date!(2026 - 11 - 30))
    ))));
    let mut ended = a.clone();
    ended.terms = ended.terms.with_end(Some(date!(2027 - 05 - 31)));
    assert!(judge(
        &rules,
        &rules.for_unit(&[]),
        &busy((date!(2027 - 06 - 01), None)),
        &ended,
        TODAY
    )
    .is_ok());
    let e = judged(
        &rules,
        &busy((date!(2026 - 06 - 01), Some(date!(2027 - 01 - 31)))),
        &a,
    )
    .unwrap_err();
    assert!(e.to_string().contains("2026-06-01 to 2027-01-31"), "{e}");
}

#[test]
fn a_judgement_carries_the_limit_and_whether_an_agreement_is_needed() {
    let mut rules = PolicyRules::default();
    rules.agreement_required = false;
    let j = judged(&rules, &Applicant::default(), &arrangement()).unwrap();
    assert_eq!(
        j,
        Judgement {
            decider: Decider::Manager,
            days_per_week: 2,
            manager_limit_days: 2,
            needs_agreement: false,
        }
    );
    assert_eq!(Decider::Hr.as_str(), "hr");
    assert_eq!(Decider::Manager.as_str(), "manager");
}

#[test]
fn a_unit_may_lower_the_maximum_below_the_organisations_manager_limit() {
    let unit = Uuid::from_u128(7);
    let mut rules = PolicyRules::default();
    rules.manager_limit_days = 3;
    rules.unit_overrides = vec![UnitOverride {
        unit_id: unit.into(),
        max_days_per_week: Some(2),
        ..Default::default()
    }];
    let e = rules.for_unit(&[unit.into()]);
    assert_eq!((e.max_days_per_week, e.manager_limit_days), (2, 2));
    let mut a = arrangement();
    a.terms = a.terms.with_days(3);
    let err = judge(&rules, &e, &Applicant::default(), &a, TODAY).unwrap_err();
    assert_eq!(err.field(), Some("days_per_week"));
    assert!(err.to_string().contains("at most 2"), "{err}");
}
