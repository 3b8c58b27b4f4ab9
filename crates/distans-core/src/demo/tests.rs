//! The demo generator: sizes, determinism, plausibility, and that the
//! demo survives the import format.

use crate::kernel::ids::PersonId;

use crate::demo::model::*;
use crate::demo::rules::*;
use crate::org::csv::{parse_people_csv, to_csv};
use crate::org::model::Snapshot;
use crate::org::rules::resolve;
use std::collections::{BTreeSet, HashMap, HashSet};

use time::Duration;
use uuid::Uuid;

use crate::agreements::rules as agreement;
use crate::kernel::calendar::{iso_week, WorkCalendar};
use crate::plan::model::DayState;

#[test]
fn generates_a_consistent_organisation_with_the_demo_accounts() {
    for size in [40, 300, 5000] {
        let d = generate(size);
        assert_eq!(d.people.len(), size, "size {size}");
        let codes: HashSet<&str> = d.units.iter().map(|u| u.code.as_str()).collect();
        for u in &d.units {
            if let Some(p) = &u.parent_code {
                assert!(codes.contains(p.as_str()));
            }
        }
        for p in &d.people {
            assert!(codes.contains(p.unit_code.as_str()));
        }
        let numbers: HashSet<&str> = d
            .people
            .iter()
            .map(|p| p.employee_number.as_str())
            .collect();
        assert_eq!(numbers.len(), size);
        let users: Vec<&str> = d
            .people
            .iter()
            .filter_map(|p| p.username.as_ref().map(|u| u.as_str()))
            .collect();
        for (u, _) in DEMO_ACCOUNTS {
            assert!(users.contains(u), "size {size}: {u} missing");
        }
        let by = |u: &str| {
            d.people
                .iter()
                .find(|p| p.username.as_ref().map(|x| x.as_str()) == Some(u))
        };
        let chef = by("chef").unwrap();
        let anna = by("anna").unwrap();
        let bo = by("bo").unwrap();
        assert_eq!(chef.manages, vec![anna.unit_code.clone()]);
        assert_ne!(bo.unit_code, anna.unit_code);
        let bygg = by("bygg").unwrap();
        assert_eq!(bygg.manages, vec![bo.unit_code.clone()]);
        // Some social workers have secrecy-classified tasks (the policy's example).
        if size >= 300 {
            assert!(d
                .people
                .iter()
                .any(|p| p.skills.iter().any(|s| s.as_str() == "sekretessklassad")));
        }
        // Every unit has exactly one manager.
        let managed: Vec<&str> = d
            .people
            .iter()
            .flat_map(|p| p.manages.iter().map(|m| m.as_str()))
            .collect();
        assert_eq!(managed.len(), d.units.len());
    }
}

#[test]
fn is_deterministic() {
    assert_eq!(generate(300), generate(300));
}

#[test]
fn a_year_of_plan_data_within_the_policy() {
    use crate::policy::model::{PolicyRules, PolicyVersion};
    use time::macros::{date, datetime};
    let d = generate(2000);
    let ids: HashMap<String, PersonId> = d
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                p.employee_number.as_str().to_string(),
                PersonId::from_u128(i as u128 + 1),
            )
        })
        .collect();
    let policy = PolicyVersion {
        id: (Uuid::from_u128(0)).into(),
        version: 1,
        valid_from: date!(2020 - 01 - 01),
        rules: PolicyRules::default(),
        created_by: "test".into(),
    };
    let today = date!(2026 - 11 - 23);
    let now = datetime!(2026-11-23 12:00 UTC);
    let plan = generate_plan(&d, &ids, &policy, agreement::DEFAULT_TEMPLATE, today, now);
    let share = plan.agreements.len() as f64 / d.people.len() as f64;
    assert!((0.25..0.40).contains(&share), "agreements for {share}");
    let demo_ids: Vec<PersonId> = d
        .people
        .iter()
        .filter(|p| p.username.is_some())
        .map(|p| ids[p.employee_number.as_str()])
        .collect();
    let cal = WorkCalendar::default();
    for g in &plan.agreements {
        assert!((1..=2).contains(&g.weekdays.len()));
        assert!(g.start <= today && g.start >= today - Duration::days(182));
        assert!(g.end.is_none_or(|e| e >= today));
        assert!(g.signed_at <= now && g.applied_at < g.decided_at);
        assert!(g.text.contains("Sjöviks kommun") && !g.text.contains('{'));
        assert!(!demo_ids.contains(&g.person));
    }
    let mut seen = BTreeSet::new();
    let mut remote: HashMap<(Uuid, (i32, u8)), f64> = HashMap::new();
    for o in &plan.occasional {
        assert!(seen.insert((o.person, o.day)), "one a day");
        assert!(cal.is_workday(o.day));
        assert!(o.set_at <= now);
        assert!(!demo_ids.contains(&o.person));
        if o.state == DayState::Remote {
            *remote
                .entry((o.person.into(), iso_week(o.day)))
                .or_default() += if o.part.is_some() { 0.5 } else { 1.0 };
        }
    }
    assert!(
        remote.values().all(|n| *n <= 2.0),
        "the policy's two a week"
    );
    let with_occasional: BTreeSet<PersonId> = plan.occasional.iter().map(|o| o.person).collect();
    assert!(
        with_occasional.len() > d.people.len() / 5,
        "{}",
        with_occasional.len()
    );
    assert!(plan.occasional.len() > with_occasional.len() * 12);
    assert!(plan.absences.len() > d.people.len() / 20);
    assert!(plan.absences.iter().all(|a| a.first_day <= a.last_day));
    // The same people and patterns for the same size.
    let again = generate_plan(&d, &ids, &policy, agreement::DEFAULT_TEMPLATE, today, now);
    let people = |p: &DemoPlan| {
        p.agreements
            .iter()
            .map(|g| (g.person, g.weekdays.clone(), g.start))
            .collect::<Vec<_>>()
    };
    assert_eq!(people(&plan), people(&again));
    assert_eq!(plan.occasional, again.occasional);
}

fn ids() -> impl FnMut() -> uuid::Uuid {
    let mut n = 0u128;
    move || {
        n += 1;
        uuid::Uuid::from_u128(n)
    }
}

#[test]
fn the_demo_round_trips_through_csv() {
    let demo = generate(500);
    let csv = to_csv(&demo);
    let back = parse_people_csv(csv.as_bytes()).unwrap();
    assert_eq!(back.people.len(), 500);
    assert_eq!(back.units.len(), demo.units.len());
    // Units that only appear as parents (none here) would be missing; the kinds survive.
    let a = resolve(&Snapshot::default(), &demo, None, "t", &mut ids()).unwrap();
    let b = resolve(&Snapshot::default(), &back, None, "t", &mut ids()).unwrap();
    assert_eq!(a.report, b.report);
}
