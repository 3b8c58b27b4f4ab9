//! The planner's dates: every date it reads is within the years accepted
//! (1900–2199), and it never writes one outside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use distans_planner::check::{check, cost_of};
use distans_planner::{parse_input, solve, SolveOptions, Status, FIRST_YEAR, LAST_YEAR};
use proptest::prelude::*;

use super::civil;

fn err_of(json: &str) -> (String, String) {
    let e = parse_input(json).unwrap_err();
    (e.path, e.message)
}

fn one_week(start: &str, weeks: i64, employee: &str) -> String {
    format!(
        r#"{{"horizon":{{"start":"{start}","weeks":{weeks}}},"employees":[{employee}],"rules":{{}}}}"#
    )
}

const EMP: &str = r#"{"id":"e0","unit":"a","remote_target_per_week":2}"#;

#[test]
fn the_planner_accepts_the_same_years_as_distans() {
    assert_eq!((FIRST_YEAR, LAST_YEAR), (1900, 2199));
}

#[test]
fn far_dates_are_refused_naming_the_field() {
    let cases: Vec<(String, &str)> = vec![
        (one_week("9999-12-27", 1, EMP), "horizon.start"),
        (one_week("0001-01-01", 1, EMP), "horizon.start"),
        (one_week("1899-12-25", 1, EMP), "horizon.start"),
        (one_week("2200-01-06", 1, EMP), "horizon.start"),
        (
            r#"{"horizon":{"start":"2026-01-05","weeks":1,"holidays":["0001-01-01"]},"employees":[]}"#
                .to_string(),
            "horizon.holidays[0]",
        ),
        (
            one_week(
                "2026-01-05",
                1,
                r#"{"id":"e0","unit":"a","absent":["2026-01-05","9999-12-31"]}"#,
            ),
            "employees[0].absent[1]",
        ),
        (
            one_week(
                "2026-01-05",
                1,
                r#"{"id":"e0","unit":"a","locked":{"2200-01-01":"onsite"}}"#,
            ),
            "employees[0].locked.2200-01-01",
        ),
    ];
    for (json, path) in cases {
        let (p, m) = err_of(&json);
        assert_eq!(p, path, "{json}: {m}");
        assert!(m.contains("1900–2199"), "{json}: {m}");
    }
    // Not dates at all: refused as such, naming the field.
    for start in ["10000-01-03", "-2026-01-05"] {
        let (p, m) = err_of(&one_week(start, 1, EMP));
        assert_eq!(p, "horizon.start", "{start}: {m}");
        assert!(m.contains("invalid date"), "{start}: {m}");
    }
}

#[test]
fn a_horizon_ends_by_the_last_day_accepted() {
    // 2199-12-23 is a Monday; its week ends on Friday 27 December.
    let last = parse_input(&one_week("2199-12-23", 1, EMP)).unwrap();
    let out = solve(&last, &SolveOptions::default());
    assert_ne!(out.status, Status::Infeasible);
    assert!(check(&last, &out).is_ok());
    let days: Vec<&String> = out.plan["e0"].keys().collect();
    assert_eq!(days.first().map(|d| d.as_str()), Some("2199-12-23"));
    assert_eq!(days.last().map(|d| d.as_str()), Some("2199-12-27"));

    // A second week would need 2200.
    let (p, m) = err_of(&one_week("2199-12-23", 2, EMP));
    assert_eq!(p, "horizon.weeks", "{m}");
    assert!(m.contains("2199-12-31"), "{m}");
    let (p, _) = err_of(&one_week("2199-12-30", 1, EMP));
    assert_eq!(p, "horizon.weeks");

    // Handed to the solver and the checker without validation: refused,
    // never planned.
    let mut far = last.clone();
    far.horizon.weeks = 104;
    let out = solve(&far, &SolveOptions::default());
    assert_eq!(out.status, Status::Infeasible);
    assert!(
        out.conflicts[0].contains("horizon.weeks"),
        "{:?}",
        out.conflicts
    );
    assert_eq!(cost_of(&far, &out.plan), 0);
    let mut at_max = last;
    at_max.horizon.start = Some("9999-12-27".into());
    assert_eq!(
        solve(&at_max, &SolveOptions::default()).status,
        Status::Infeasible
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any Monday from year −2000 to 12000 and any number of weeks: the
    /// input is refused, or every date of the plan is within the years
    /// accepted.
    #[test]
    fn the_planner_never_writes_a_date_outside_the_years_accepted(
        // Day 4 (1970-01-05) is a Monday.
        k in -190_000i64..520_000,
        weeks in 1i64..=6,
    ) {
        let start = civil(4 + 7 * k);
        let json = one_week(&start, weeks, EMP);
        match parse_input(&json) {
            Ok(input) => {
                let out = solve(&input, &SolveOptions::default());
                for day in out.plan.values().flat_map(|p| p.keys()) {
                    prop_assert!(
                        day.as_str() >= "1900-01-01" && day.as_str() <= "2199-12-31",
                        "{} from {}", day, start
                    );
                }
                prop_assert!(start.as_str() >= "1900-01-01");
            }
            Err(e) => prop_assert!(
                e.path == "horizon.start" || e.path == "horizon.weeks",
                "{}", e
            ),
        }
    }
}
