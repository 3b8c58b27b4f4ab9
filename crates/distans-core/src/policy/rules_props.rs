//! Properties of the policy engine over generated policies, unit trees and
//! requests.

use super::*;
use crate::kernel::dates::Weekday;
use crate::kernel::ids::UnitId;
use proptest::prelude::*;
use time::macros::date;
use time::Duration;

fn field(e: CoreError) -> Option<String> {
    e.field().map(str::to_string)
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
        confirmations: vec![],
    }
}

fn day(lo: Date, span: i64) -> impl Strategy<Value = Date> {
    (0..span).prop_map(move |n| lo + Duration::days(n))
}

fn any_day() -> impl Strategy<Value = Date> {
    prop_oneof![
        8 => day(date!(2025 - 01 - 01), 1500),
        1 => Just(Date::MIN),
        1 => Just(Date::MAX),
    ]
}

const KEYS: [&str; 5] = ["wifi", "vpn", "it-security", "home-insurance", "desk"];
const TASKS: [&str; 4] = ["sekretessklassad", "reception", "lön", "it-support"];

fn prerequisites() -> impl Strategy<Value = Vec<Prerequisite>> {
    proptest::sample::subsequence(KEYS.to_vec(), 0..=5).prop_map(|keys| {
        keys.into_iter()
            .map(|k| Prerequisite {
                key: k.into(),
                text: format!("Jag har {k}."),
            })
            .collect()
    })
}

fn overrides(units: u128) -> impl Strategy<Value = Vec<UnitOverride>> {
    proptest::collection::vec(
        (
            1..=units,
            proptest::option::of(0u8..=6),
            proptest::option::of(0u8..=6),
            proptest::option::of("[a-z ]{0,12}"),
        )
            .prop_map(|(u, limit, max, presence)| UnitOverride {
                unit_id: UnitId::from_u128(u),
                manager_limit_days: limit,
                max_days_per_week: max,
                presence_requirements: presence,
            }),
        0..6,
    )
}

prop_compose! {
    /// Any policy, valid or not.
    fn any_rules()(
        limit in 0u8..=7,
        max in 0u8..=7,
        agreement_required in any::<bool>(),
        prerequisites in prerequisites(),
        secrecy in proptest::sample::subsequence(TASKS.to_vec(), 0..=2),
        presence in "[a-zåäö ]{0,20}",
        months in 0u8..=30,
        notice in 0u16..=400,
        aids in 0u8..=7,
        occasional in proptest::option::of(0u8..=7),
        unit_overrides in overrides(6),
    ) -> PolicyRules {
        PolicyRules {
            manager_limit_days: limit,
            max_days_per_week: max,
            agreement_required,
            prerequisites,
            secrecy_tasks: secrecy.into_iter().map(String::from).collect(),
            presence_requirements: presence,
            follow_up_interval_months: months,
            notice_period_days: notice,
            extra_aids_above_days: aids,
            occasional_days_per_week: occasional,
            unit_overrides,
            ..PolicyRules::default()
        }
    }
}

/// A policy HR could save: every setting moved into its range.
fn valid_rules() -> impl Strategy<Value = PolicyRules> {
    any_rules().prop_map(|mut r| {
        r.max_days_per_week = r.max_days_per_week.clamp(1, 5);
        r.manager_limit_days = r.manager_limit_days.min(r.max_days_per_week);
        r.follow_up_interval_months = r.follow_up_interval_months.clamp(1, 24);
        r.notice_period_days = r.notice_period_days.min(365);
        r.extra_aids_above_days = r.extra_aids_above_days.min(5);
        r.occasional_days_per_week = r.occasional_days_per_week.map(|d| d.min(5));
        for o in &mut r.unit_overrides {
            o.max_days_per_week = o.max_days_per_week.map(|d| d.clamp(1, 5));
            let max = o.max_days_per_week.unwrap_or(r.max_days_per_week);
            o.manager_limit_days = o.manager_limit_days.map(|d| d.min(max));
        }
        r
    })
}

prop_compose! {
    /// Any arrangement `parse` could make (the fixed weekdays cut to the days).
    fn any_arrangement()(
        days in 1u8..=5,
        weekdays in proptest::sample::subsequence(Weekday::ALL.to_vec(), 0..=5),
        start in any_day(),
        end in proptest::option::of(any_day()),
        confirmations in proptest::sample::subsequence(
            vec!["wifi", "vpn", "it-security", "home-insurance", "desk", "pool"], 0..=6),
    ) -> Arrangement {
        Arrangement {
            terms: Terms::loose(days, &weekdays, (start, end), Place::Home, None),
            reason: "x".into(),
            confirmations: confirmations.into_iter().map(String::from).collect(),
        }
    }
}

prop_compose! {
    fn any_applicant()(
        tasks in proptest::sample::subsequence(TASKS.to_vec(), 0..=3),
        busy in proptest::collection::vec((any_day(), proptest::option::of(any_day())), 0..3),
    ) -> Applicant {
        Applicant { tasks: tasks.into_iter().map(String::from).collect(), busy }
    }
}

prop_compose! {
    fn any_effective()(limit in 0u8..=7, max in 0u8..=7) -> EffectiveRules {
        EffectiveRules {
            manager_limit_days: limit,
            max_days_per_week: max,
            presence_requirements: String::new(),
        }
    }
}

/// The setting of the unit nearest the bottom of `chain` that overrides it
/// (of several overrides of one unit, the last).
fn nearest<T>(
    rules: &PolicyRules,
    chain: &[UnitId],
    pick: impl Fn(&UnitOverride) -> Option<T>,
) -> Option<T> {
    chain.iter().rev().find_map(|u| {
        rules
            .unit_overrides
            .iter()
            .rev()
            .filter(|o| o.unit_id == *u)
            .find_map(&pick)
    })
}

/// The weekday names people type, in any case.
fn weekday_word() -> impl Strategy<Value = (Weekday, String)> {
    (0usize..5, 0usize..4, any::<bool>()).prop_map(|(d, form, upper)| {
        let words = [
            ["mon", "mån", "måndag", "Monday"],
            ["tue", "tis", "tisdag", "Tuesday"],
            ["wed", "ons", "onsdag", "Wednesday"],
            ["thu", "tor", "torsdag", "Thursday"],
            ["fri", "fre", "fredag", "Friday"],
        ];
        let w = words[d][form];
        (
            Weekday::ALL[d],
            if upper {
                w.to_uppercase()
            } else {
                w.to_string()
            },
        )
    })
}

proptest! {
    /// The engine never panics, whatever the policy, unit rules, person,
    /// arrangement and day; a refusal always names one of the fields the
    /// API shows it on.
    #[test]
    fn judge_never_panics_and_names_a_known_field(
        rules in any_rules(),
        eff in any_effective(),
        mut who in any_applicant(),
        mut a in any_arrangement(),
        mut today in any_day(),
        ahead in -30i64..400,
        days in 0u8..=7,
        keep in proptest::collection::vec(proptest::bool::weighted(0.7), 4),
        wild in proptest::bool::weighted(0.2),
    ) {
        // Mostly requests that get far into the checks, sometimes anything.
        if !wild {
            today = date!(2026 - 01 - 01);
            a.terms = a.terms.with_start(today + Duration::days(ahead));
            if keep[0] {
                a.terms = a.terms.with_days(days);
            }
            if keep[1] {
                a.confirmations = rules.prerequisites.iter().map(|p| p.key.clone()).collect();
            }
            if keep[2] {
                who.tasks.retain(|t| !rules.secrecy_tasks.contains(t));
            }
            if keep[3] {
                who.busy.retain(|(_, to)| to.is_some_and(|t| t < a.terms.start()));
            }
        }
        if let Err(e) = judge(&rules, &eff, &who, &a, today) {
            let f = e.field().unwrap_or("");
            prop_assert!(
                ["start", "days_per_week", "tasks", "confirmations"].contains(&f),
                "{e:?}"
            );
        }
    }

    /// A request (starting today or later) above the maximum in force is
    /// always refused, naming days_per_week, whatever else is wrong with it.
    #[test]
    fn above_the_maximum_is_always_refused_naming_the_field(
        rules in any_rules(),
        eff in any_effective(),
        who in any_applicant(),
        mut a in any_arrangement(),
        today in day(date!(2025 - 01 - 01), 1000),
        ahead in 0i64..400,
    ) {
        a.terms = a.terms.with_start(today + Duration::days(ahead));
        prop_assume!(a.terms.days_per_week() > eff.max_days_per_week);
        let e = judge(&rules, &eff, &who, &a, today).unwrap_err();
        prop_assert_eq!(e.field(), Some("days_per_week"));
        prop_assert_eq!(e.code(), "rule_broken");
    }

    /// A request that keeps every rule of the policy is accepted: by the
    /// manager exactly when its days are within the effective manager
    /// limit, else by HR.
    #[test]
    fn a_request_keeping_every_rule_goes_to_the_right_decider(
        rules in any_rules(),
        eff in any_effective(),
        mut who in any_applicant(),
        mut a in any_arrangement(),
        today in day(date!(2025 - 01 - 01), 1000),
        ahead in 0i64..400,
        days in 1u8..=5,
    ) {
        prop_assume!(eff.max_days_per_week >= 1, "no request keeps a policy of no days");
        a.terms = a.terms.with_start(today + Duration::days(ahead));
        a.terms = a.terms.with_days(days.min(eff.max_days_per_week));
        a.confirmations = rules.prerequisites.iter().map(|p| p.key.clone()).collect();
        who.tasks.retain(|t| !rules.secrecy_tasks.contains(t));
        who.busy.retain(|(_, to)| to.is_some_and(|t| t < a.terms.start()));
        let j = judge(&rules, &eff, &who, &a, today).unwrap();
        prop_assert_eq!(j.decider == Decider::Manager, a.terms.days_per_week() <= eff.manager_limit_days);
        prop_assert_eq!(j.manager_limit_days, eff.manager_limit_days);
        prop_assert_eq!(j.days_per_week, a.terms.days_per_week());
        prop_assert_eq!(j.needs_agreement, rules.agreement_required);
    }

    /// Whenever the engine lets the manager decide, the days are within the
    /// effective manager limit; above it, HR decides. An accepted request
    /// keeps every rule of the policy.
    #[test]
    fn an_accepted_request_keeps_every_rule_and_goes_to_the_right_decider(
        rules in any_rules(),
        eff in any_effective(),
        mut who in any_applicant(),
        mut a in any_arrangement(),
        today in day(date!(2025 - 01 - 01), 1000),
        ahead in -30i64..400,
        days in 0u8..=7,
        // Each rule is usually kept, so that both kept and broken ones are tried.
        keep in proptest::collection::vec(proptest::bool::weighted(0.8), 4),
    ) {
        a.terms = a.terms.with_start(today + Duration::days(ahead));
        if keep[0] {
            a.terms = a.terms.with_days(days);
        }
        if keep[1] {
            a.confirmations = rules.prerequisites.iter().map(|p| p.key.clone()).collect();
        }
        if keep[2] {
            who.tasks.retain(|t| !rules.secrecy_tasks.contains(t));
        }
        if keep[3] {
            who.busy.retain(|(_, to)| to.is_some_and(|t| t < a.terms.start()));
        }
        if let Ok(j) = judge(&rules, &eff, &who, &a, today) {
            prop_assert_eq!(j.decider == Decider::Manager, a.terms.days_per_week() <= eff.manager_limit_days);
            prop_assert_eq!(j.manager_limit_days, eff.manager_limit_days);
            prop_assert_eq!(j.days_per_week, a.terms.days_per_week());
            prop_assert_eq!(j.needs_agreement, rules.agreement_required);
            prop_assert!(a.terms.start() >= today);
            prop_assert!(a.terms.days_per_week() <= eff.max_days_per_week);
            prop_assert!(!who.tasks.iter().any(|t| rules.secrecy_tasks.contains(t)));
            for p in &rules.prerequisites {
                prop_assert!(a.confirmations.contains(&p.key));
            }
            for (from, to) in &who.busy {
                let ends_before = to.is_some_and(|t| t < a.terms.start());
                let starts_after = a.terms.end().is_some_and(|e| e < *from);
                prop_assert!(ends_before || starts_after, "overlaps {from} {to:?}");
            }
        }
    }

    /// On a chain of units none of which has an override, the rules are the
    /// organisation's own.
    #[test]
    fn without_overrides_on_the_chain_a_unit_has_the_organisations_rules(
        rules in valid_rules(),
        chain in proptest::collection::vec(100u128..200, 0..6),
    ) {
        prop_assert!(rules.validate().is_ok());
        let chain: Vec<UnitId> = chain.into_iter().map(UnitId::from_u128).collect();
        prop_assert_eq!(
            rules.for_unit(&chain),
            EffectiveRules {
                manager_limit_days: rules.manager_limit_days,
                max_days_per_week: rules.max_days_per_week,
                presence_requirements: rules.presence_requirements.clone(),
            }
        );
    }

    /// Each setting comes from the nearest unit up the tree that overrides
    /// it (else the organisation), and the manager limit never exceeds the
    /// maximum in force.
    #[test]
    fn the_nearest_override_up_the_tree_wins(
        rules in any_rules(),
        depth in 1usize..6,
    ) {
        let chain: Vec<UnitId> = (1..=depth as u128).map(UnitId::from_u128).collect();
        let max = nearest(&rules, &chain, |o| o.max_days_per_week).unwrap_or(rules.max_days_per_week);
        let limit = nearest(&rules, &chain, |o| o.manager_limit_days).unwrap_or(rules.manager_limit_days);
        let presence = nearest(&rules, &chain, |o| o.presence_requirements.clone())
            .unwrap_or_else(|| rules.presence_requirements.clone());
        let e = rules.for_unit(&chain);
        prop_assert_eq!(e.max_days_per_week, max);
        prop_assert_eq!(e.manager_limit_days, limit.min(max));
        prop_assert_eq!(e.presence_requirements, presence);
        prop_assert!(e.manager_limit_days <= e.max_days_per_week);
    }

    /// A weekday given twice is refused at its second place, in whatever
    /// words and case it is written.
    #[test]
    fn parse_refuses_a_repeated_weekday_naming_its_place(
        words in proptest::collection::vec(weekday_word(), 1..8),
    ) {
        let mut i = request();
        i.days_per_week = None;
        i.weekdays = words.iter().map(|(_, w)| w.clone()).collect();
        let repeat = (0..words.len()).find(|&k| words[..k].iter().any(|(d, _)| *d == words[k].0));
        match (repeat, i.parse()) {
            (Some(k), Err(e)) => {
                let expected = format!("weekdays[{k}]");
                prop_assert_eq!(e.field(), Some(expected.as_str()));
            }
            (None, Ok(a)) => {
                let mut days: Vec<Weekday> = words.iter().map(|(d, _)| *d).collect();
                days.sort();
                prop_assert_eq!(a.terms.days_per_week() as usize, days.len());
                prop_assert_eq!(a.terms.weekdays().as_slice(), days.as_slice());
            }
            (repeat, got) => prop_assert!(false, "repeat {repeat:?} gave {got:?}"),
        }
    }

    /// Days a week outside 1–5 are refused naming days_per_week; inside,
    /// they are kept (when the fixed weekdays fit).
    #[test]
    fn parse_keeps_days_to_one_to_five(
        days in -10i64..=12,
        fixed in proptest::sample::subsequence(Weekday::ALL.to_vec(), 0..=5),
    ) {
        let mut i = request();
        i.days_per_week = Some(days);
        i.weekdays = fixed.iter().map(|w| w.as_str().to_string()).collect();
        let r = i.parse();
        if !(1..=5).contains(&days) {
            let got = r.err().and_then(field);
            prop_assert_eq!(got.as_deref(), Some("days_per_week"));
        } else if fixed.len() as i64 > days {
            let got = r.err().and_then(field);
            prop_assert_eq!(got.as_deref(), Some("weekdays"));
        } else {
            let a = r.unwrap();
            prop_assert_eq!(i64::from(a.terms.days_per_week()), days);
            prop_assert_eq!(a.terms.weekdays().as_slice(), fixed.as_slice());
        }
    }

    /// Whatever a client sends, parse never panics; a refusal names a field
    /// of the request, and what it accepts is in shape for the engine.
    #[test]
    fn parse_never_panics_and_accepts_only_well_formed_requests(
        days in proptest::option::of(-3i64..9),
        weekdays in proptest::collection::vec(
            prop_oneof![4 => weekday_word().prop_map(|(_, w)| w), 1 => "\\PC{0,6}"], 0..4),
        start in prop_oneof![
            4 => day(date!(2026 - 01 - 01), 800).prop_map(|d| Some(d.to_string())),
            1 => proptest::option::of("\\PC{0,12}"),
        ],
        end in prop_oneof![
            2 => Just(None),
            2 => day(date!(2026 - 01 - 01), 800).prop_map(|d| Some(format!(" {d} "))),
            1 => proptest::option::of("\\PC{0,12}"),
        ],
        place in prop_oneof![
            4 => proptest::option::of(proptest::sample::select(vec!["home", "hemma", "other", "annan", ""]).prop_map(String::from)),
            1 => proptest::option::of("\\PC{0,6}"),
        ],
        place_address in proptest::option::of(prop_oneof!["[A-Za-z0-9 ]{0,12}", "\\PC{0,20}", Just("x".repeat(301))]),
        reason in prop_oneof![3 => "[a-zåö][a-zåö ]{0,10}", 1 => "\\PC{0,30}", 1 => " {0,3}", 1 => Just("ö".repeat(2001))],
        confirmations in proptest::collection::vec("[a-z -]{0,8}", 0..5),
    ) {
        let i = RequestInput { days_per_week: days, weekdays, start, end, place, place_address, reason, confirmations };
        match i.parse() {
            Ok(a) => {
                prop_assert!((1..=5).contains(&a.terms.days_per_week()));
                prop_assert!(a.terms.weekdays().len() <= a.terms.days_per_week() as usize);
                prop_assert!(a.terms.weekdays().windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
                prop_assert!(a.terms.end().is_none_or(|e| e >= a.terms.start()));
                prop_assert!(!a.reason.is_empty() && a.reason == a.reason.trim());
                prop_assert!(a.terms.place() == Place::Home || a.terms.place_address().is_some());
                prop_assert!(a.confirmations.windows(2).all(|w| w[0] < w[1]));
            }
            Err(e) => {
                let f = e.field().unwrap_or("").to_string();
                let known = ["days_per_week", "weekdays", "start", "end", "place", "place_address", "reason"];
                prop_assert!(
                    known.contains(&f.as_str())
                        || (f.starts_with("weekdays[") && f.ends_with(']')),
                    "{e:?}"
                );
                prop_assert_eq!(e.code(), "invalid");
            }
        }
    }

    /// A policy is valid exactly when every setting is within its bounds:
    /// one setting of a valid policy is moved to just inside or outside.
    #[test]
    fn a_policy_is_valid_exactly_within_its_bounds(
        mut r in valid_rules(),
        which in 0usize..8,
        pick in 0usize..4,
    ) {
        // Each setting's values on both sides of its bounds.
        let edges: [[u16; 4]; 7] = [
            [0, 1, 5, 6],
            [0, 2, 5, 6],
            [0, 1, 24, 25],
            [0, 365, 366, 400],
            [0, 5, 6, 7],
            [0, 5, 6, 7],
            [3999, 4000, 4001, 4002],
        ];
        let v = edges.get(which).map(|e| e[pick]).unwrap_or(0);
        match which {
            0 => r.max_days_per_week = v as u8,
            1 => r.manager_limit_days = v as u8,
            2 => r.follow_up_interval_months = v as u8,
            3 => r.notice_period_days = v,
            4 => r.extra_aids_above_days = v as u8,
            5 => r.occasional_days_per_week = Some(v as u8),
            6 => r.presence_requirements = "x".repeat(usize::from(v)),
            _ => {}
        }
        let overrides_ok = r.unit_overrides.iter().all(|o| {
            let max = o.max_days_per_week.unwrap_or(r.max_days_per_week);
            o.max_days_per_week.is_none_or(|d| (1..=5).contains(&d))
                && o.manager_limit_days.is_none_or(|l| l <= max)
        });
        let within = (1..=5).contains(&r.max_days_per_week)
            && r.manager_limit_days <= r.max_days_per_week
            && (1..=24).contains(&r.follow_up_interval_months)
            && r.notice_period_days <= 365
            && r.extra_aids_above_days <= 5
            && r.occasional_days_per_week.is_none_or(|d| d <= 5)
            && r.presence_requirements.len() <= 4000
            && overrides_ok;
        prop_assert_eq!(r.validate().is_ok(), within, "{:?}", r.validate());
    }
}
