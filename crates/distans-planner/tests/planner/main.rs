//! The planner's tests: one binary, many tests. The solver is judged by the
//! independent checker on every plan, and against a brute force on tiny
//! instances.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use distans_planner::check::check;
use distans_planner::{
    parse_input, solve, solve_with_exact_budget, CapacityRule, CoverageRule, Employee, Horizon,
    Input, Locked, Output, Rules, SolveOptions, State, Status,
};
use proptest::prelude::*;
use std::collections::BTreeSet;

mod anytime;
mod dates;

const KEYS: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];

// ---------------------------------------------------------------- brute force

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// Days since 1970-01-01 as `YYYY-MM-DD` (any sign or width of year).
fn civil(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Exhaustive optimum, week by week, by the document's definitions: `None`
/// when no plan satisfies the hard constraints.
fn brute_force(inp: &Input) -> Option<i64> {
    let s = inp.horizon.start.as_deref().unwrap();
    let start = days_from_civil(
        s[0..4].parse().unwrap(),
        s[5..7].parse().unwrap(),
        s[8..10].parse().unwrap(),
    );
    let mut total = 0;
    for w in 0..inp.horizon.weeks {
        let days: Vec<(String, &str)> = (0..5)
            .map(|k| (civil(start + 7 * w + k), KEYS[k as usize]))
            .filter(|(l, _)| !inp.horizon.holidays.contains(l))
            .collect();
        // The lock of a present day (the `locked` extension).
        let lock = |e: &Employee, l: &String| -> Option<bool> {
            if e.absent.contains(l) {
                return None;
            }
            e.locked.get(l).map(|s| *s == Locked::Onsite)
        };
        // Cells an employee can choose: present days that are neither fixed
        // nor locked.
        let mut cells = Vec::new();
        for (ei, e) in inp.employees.iter().enumerate() {
            for (di, (l, k)) in days.iter().enumerate() {
                let absent = e.absent.contains(l);
                let fixed = e.fixed_onsite.iter().any(|x| x == k)
                    || e.fixed_remote.iter().any(|x| x == k)
                    || lock(e, l).is_some();
                if !absent && !fixed {
                    cells.push((ei, di));
                }
            }
        }
        assert!(cells.len() <= 20, "instance too big for brute force");
        let mut best: Option<i64> = None;
        for bits in 0u32..(1 << cells.len()) {
            // onsite[e][d]: Some(true) onsite, Some(false) remote, None absent
            let mut st: Vec<Vec<Option<bool>>> = inp
                .employees
                .iter()
                .map(|e| {
                    days.iter()
                        .map(|(l, k)| {
                            if e.absent.contains(l) {
                                None
                            } else if let Some(on) = lock(e, l) {
                                Some(on)
                            } else {
                                Some(!e.fixed_remote.iter().any(|x| x == k))
                            }
                        })
                        .collect()
                })
                .collect();
            for (b, &(ei, di)) in cells.iter().enumerate() {
                st[ei][di] = Some(bits & (1 << b) != 0);
            }
            let mut ok = true;
            let mut cost = 0;
            // Constraint 1: fixed weekdays and locked cells, unless absent
            // (a lock against a fixed weekday can never hold).
            for (ei, e) in inp.employees.iter().enumerate() {
                for (di, (l, k)) in days.iter().enumerate() {
                    let s = st[ei][di];
                    if (s == Some(true) && e.fixed_remote.iter().any(|x| x == k))
                        || (s == Some(false) && e.fixed_onsite.iter().any(|x| x == k))
                        || lock(e, l).is_some_and(|on| s != Some(on))
                    {
                        ok = false;
                    }
                }
            }
            if !ok {
                continue;
            }
            for (ei, e) in inp.employees.iter().enumerate() {
                let remote = st[ei].iter().filter(|x| **x == Some(false)).count() as i64;
                if remote > e.remote_target_per_week {
                    ok = false;
                    break;
                }
                let avail = days
                    .iter()
                    .filter(|(l, k)| {
                        !e.absent.contains(l)
                            && !e.fixed_onsite.iter().any(|x| x == k)
                            && lock(e, l) != Some(true)
                    })
                    .count() as i64;
                let deficit = e.remote_target_per_week.min(avail) - remote;
                cost += 10 * deficit * deficit;
                for (di, (_, k)) in days.iter().enumerate() {
                    match st[ei][di] {
                        Some(false) if e.prefer_onsite.iter().any(|x| x == k) => cost += 1,
                        Some(true) if e.prefer_remote.iter().any(|x| x == k) => cost += 1,
                        _ => {}
                    }
                }
            }
            if !ok {
                continue;
            }
            'days: for (di, (_, k)) in days.iter().enumerate() {
                let on = |ei: usize| st[ei][di] == Some(true);
                for r in &inp.rules.coverage {
                    if r.weekdays
                        .as_ref()
                        .is_some_and(|w| !w.iter().any(|x| x == k))
                    {
                        continue;
                    }
                    let n = inp
                        .employees
                        .iter()
                        .enumerate()
                        .filter(|(ei, e)| {
                            on(*ei)
                                && r.unit.as_ref().is_none_or(|u| *u == e.unit)
                                && r.skill.as_ref().is_none_or(|s| e.skills.contains(s))
                        })
                        .count() as i64;
                    if n < r.min_onsite {
                        ok = false;
                        break 'days;
                    }
                }
                for r in &inp.rules.capacity {
                    let n = inp
                        .employees
                        .iter()
                        .enumerate()
                        .filter(|(ei, e)| {
                            on(*ei) && r.units.as_ref().is_none_or(|u| u.contains(&e.unit))
                        })
                        .count() as i64;
                    if n > r.max_onsite {
                        ok = false;
                        break 'days;
                    }
                }
                if inp.rules.separate_cohorts {
                    for a in 0..inp.employees.len() {
                        for b in 0..a {
                            let (ea, eb) = (&inp.employees[a], &inp.employees[b]);
                            let (ca, cb) = (
                                ea.cohort.as_deref().unwrap_or(""),
                                eb.cohort.as_deref().unwrap_or(""),
                            );
                            if on(a)
                                && on(b)
                                && ea.unit == eb.unit
                                && !ca.is_empty()
                                && !cb.is_empty()
                                && ca != cb
                            {
                                ok = false;
                                break 'days;
                            }
                        }
                    }
                }
            }
            if ok && best.is_none_or(|b| cost < b) {
                best = Some(cost);
            }
        }
        total += best?;
    }
    Some(total)
}

// ----------------------------------------------------------------- generators

fn subset_of_days() -> impl Strategy<Value = Vec<String>> {
    prop::collection::btree_set(0usize..5, 0..=3)
        .prop_map(|s| s.into_iter().map(|k| KEYS[k].to_string()).collect())
}

#[derive(Debug, Clone)]
struct Shape {
    max_emps: usize,
    max_weeks: i64,
}

fn employee(i: usize, units: usize, dates: Vec<String>) -> impl Strategy<Value = Employee> {
    (
        0..units,
        prop::collection::btree_set(0usize..3, 0..=2),
        prop_oneof![
            Just(None),
            Just(Some(String::new())),
            Just(Some("A".to_string())),
            Just(Some("B".to_string()))
        ],
        0i64..=5,
        subset_of_days(),
        subset_of_days(),
        prop::collection::vec(prop::sample::select(dates.clone()), 0..=2),
        subset_of_days(),
        subset_of_days(),
        // Locked cells: any date of the horizon's weeks (weekends and
        // holidays are ignored), onsite or remote; they may contradict a
        // fixed weekday (then the instance is infeasible).
        prop::collection::btree_map(
            prop::sample::select(dates),
            prop_oneof![Just(Locked::Onsite), Just(Locked::Remote)],
            0..=2,
        ),
    )
        .prop_map(move |(u, sk, cohort, r, fr, fo, absent, pr, po, locked)| {
            let fo: Vec<String> = fo.into_iter().filter(|x| !fr.contains(x)).collect();
            let po: Vec<String> = po.into_iter().filter(|x| !pr.contains(x)).collect();
            Employee {
                id: format!("e{i}"),
                unit: ["a", "b", "c"][u].to_string(),
                skills: sk
                    .into_iter()
                    .map(|k| ["x", "y", "z"][k].to_string())
                    .collect(),
                cohort,
                remote_target_per_week: r,
                fixed_remote: fr,
                fixed_onsite: fo,
                absent,
                prefer_remote: pr,
                prefer_onsite: po,
                locked,
            }
        })
}

fn instance(shape: Shape) -> impl Strategy<Value = Input> {
    (1..=shape.max_weeks, 1..=shape.max_emps, 1usize..=3).prop_flat_map(move |(weeks, n, units)| {
        let dates: Vec<String> = (0..weeks * 7)
            .map(|k| civil(days_from_civil(2026, 1, 5) + k))
            .collect();
        let emps: Vec<_> = (0..n).map(|i| employee(i, units, dates.clone())).collect();
        let cov = prop::collection::vec(
            (
                prop::option::of(0..units),
                prop::option::of(0usize..4),
                0i64..=3,
                prop::option::of(subset_of_days()),
            ),
            0..=3,
        );
        let cap = prop::collection::vec(
            (
                prop::option::of(prop::collection::btree_set(0..units, 1..=2)),
                0i64..=4,
            ),
            0..=2,
        );
        (
            emps,
            cov,
            cap,
            any::<bool>(),
            prop::collection::vec(prop::sample::select(dates.clone()), 0..=1),
        )
            .prop_map(move |(employees, cov, cap, sep, holidays)| {
                let present: BTreeSet<&str> = employees.iter().map(|e| e.unit.as_str()).collect();
                let uname = |u: usize| ["a", "b", "c"][u].to_string();
                let coverage = cov
                    .into_iter()
                    .map(|(u, s, min, wd)| CoverageRule {
                        unit: u.map(uname).filter(|u| present.contains(u.as_str())),
                        skill: s.map(|k| ["x", "y", "z", "w"][k].to_string()),
                        min_onsite: min,
                        weekdays: wd,
                    })
                    .collect();
                let capacity = cap
                    .into_iter()
                    .map(|(us, max)| CapacityRule {
                        units: us.map(|s| {
                            s.into_iter()
                                .map(uname)
                                .filter(|u| present.contains(u.as_str()))
                                .collect()
                        }),
                        max_onsite: max,
                    })
                    .collect();
                Input {
                    horizon: Horizon {
                        start: Some("2026-01-05".to_string()),
                        weeks,
                        holidays,
                    },
                    employees,
                    rules: Rules {
                        coverage,
                        capacity,
                        separate_cohorts: sep,
                    },
                }
            })
    })
}

fn free_cells_ok(inp: &Input) -> bool {
    // Brute force enumerates 2^cells per week: keep cells small.
    inp.employees.len() * 5 <= 18
}

fn assert_consistent(inp: &Input, out: &Output, opt: Option<i64>) {
    match opt {
        None => {
            assert_eq!(
                out.status,
                Status::Infeasible,
                "brute force finds no plan: {out:?}"
            );
            assert!(!out.conflicts.is_empty());
        }
        Some(opt) => {
            assert_ne!(
                out.status,
                Status::Infeasible,
                "brute force optimum {opt}; conflicts {:?}",
                out.conflicts
            );
            let cost = check(inp, out).unwrap_or_else(|v| panic!("checker: {v:?}"));
            assert!(cost >= opt);
            if out.status == Status::Optimal {
                assert_eq!(cost, opt, "claimed optimal");
            }
            if let Some(lb) = out.lower_bound {
                assert!(lb <= opt, "lower bound {lb} above optimum {opt}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    /// Whatever the solver says on a tiny instance agrees with brute force.
    #[test]
    fn agrees_with_brute_force(inp in instance(Shape { max_emps: 3, max_weeks: 2 })) {
        prop_assume!(free_cells_ok(&inp));
        let opt = brute_force(&inp);
        let out = solve(&inp, &SolveOptions::default());
        assert_consistent(&inp, &out, opt);
        // Exact search is complete on these: a plan is always optimal.
        if opt.is_some() {
            prop_assert_eq!(out.status, Status::Optimal);
        }
    }

    /// The heuristic path alone (no exhaustive search of whole components)
    /// is still correct: valid plans, sound bounds and statuses.
    #[test]
    fn heuristic_path_is_sound(inp in instance(Shape { max_emps: 3, max_weeks: 2 })) {
        prop_assume!(free_cells_ok(&inp));
        let opt = brute_force(&inp);
        let out = solve_with_exact_budget(&inp, &SolveOptions::default(), 0);
        assert_consistent(&inp, &out, opt);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Larger random instances: every plan passes the checker, the answer is
    /// deterministic and survives JSON.
    #[test]
    fn plans_pass_the_checker(inp in instance(Shape { max_emps: 12, max_weeks: 3 })) {
        let out = solve(&inp, &SolveOptions::default());
        if out.status == Status::Infeasible {
            prop_assert!(!out.conflicts.is_empty());
            prop_assert!(out.plan.is_empty());
        } else {
            let cost = check(&inp, &out).unwrap_or_else(|v| panic!("checker: {v:?}"));
            prop_assert_eq!(cost, out.cost);
            prop_assert!(out.lower_bound.unwrap_or(0) <= cost);
        }
        let heur = solve_with_exact_budget(&inp, &SolveOptions::default(), 0);
        prop_assert_eq!(heur.status == Status::Infeasible, out.status == Status::Infeasible);
        if heur.status != Status::Infeasible {
            prop_assert!(check(&inp, &heur).is_ok());
        }
        let json = serde_json::to_string(&inp).unwrap();
        let back = parse_input(&json).unwrap();
        prop_assert_eq!(&back, &inp);
        let again = solve(&back, &SolveOptions::default());
        prop_assert_eq!(again, out);
    }

    /// Arbitrary text never panics the parser.
    #[test]
    fn parse_never_panics(s in "\\PC{0,200}") {
        let _ = parse_input(&s);
    }
}

// ------------------------------------------------------------------ examples

const DOC_EXAMPLE: &str = r#"{
  "horizon": { "start": "2026-01-05", "weeks": 4, "holidays": ["2026-01-06"] },
  "employees": [
    {
      "id": "e1",
      "unit": "reception",
      "skills": ["reception", "swedish-sign-language"],
      "cohort": "A",
      "remote_target_per_week": 2,
      "fixed_remote": ["fri"],
      "fixed_onsite": ["tue"],
      "absent": ["2026-01-07"],
      "prefer_remote": ["mon"],
      "prefer_onsite": ["wed"]
    }
  ],
  "rules": {
    "coverage": [
      { "unit": "reception", "skill": null, "min_onsite": 0, "weekdays": null },
      { "unit": null, "skill": "reception", "min_onsite": 1, "weekdays": ["mon", "tue", "wed", "thu"] }
    ],
    "capacity": [ { "units": ["reception"], "max_onsite": 20 } ],
    "separate_cohorts": true
  }
}"#;

/// The document's example with the absence moved to a fixed-remote Friday.
fn doc_feasible() -> Input {
    parse_input(&DOC_EXAMPLE.replace(r#""absent": ["2026-01-07"]"#, r#""absent": ["2026-01-09"]"#))
        .unwrap()
}

#[test]
fn doc_example_verbatim_is_infeasible() {
    // As written in the document, the only reception-skilled person is fixed
    // remote on Fridays and absent on 2026-01-07 while a rule needs one onsite.
    let json = DOC_EXAMPLE
        .replace(r#""min_onsite": 0"#, r#""min_onsite": 3"#)
        .replace(
            r#"["mon", "tue", "wed", "thu"]"#,
            r#"["mon", "tue", "wed", "thu", "fri"]"#,
        )
        .replace(
            r#""units": ["reception"]"#,
            r#""units": ["reception", "payroll"]"#,
        )
        .replace(
            r#""unit": "reception","#,
            r#""unit": "reception", "id2": 0,"#,
        );
    // The document's example names unit payroll, which no employee has.
    assert!(err_of(&json).contains("employees[0].id2: unknown field"));
    let json = DOC_EXAMPLE.replace(
        r#"["mon", "tue", "wed", "thu"]"#,
        r#"["mon", "tue", "wed", "thu", "fri"]"#,
    );
    let out = solve(&parse_input(&json).unwrap(), &SolveOptions::default());
    assert_eq!(out.status, Status::Infeasible);
    assert!(out.conflicts.iter().any(|c| c == "all units, Wednesday 2026-01-07: needs 1 onsite with skill reception, but the only such person, e1, is absent"), "{:?}", out.conflicts);
    assert!(out.conflicts.iter().any(|c| c == "all units, Friday 2026-01-09: needs 1 onsite with skill reception, but the only such person, e1, is fixed remote"), "{:?}", out.conflicts);
}

#[test]
fn doc_example_solves() {
    let inp = doc_feasible();
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Optimal);
    assert_eq!(check(&inp, &out), Ok(out.cost));
    let e1 = &out.plan["e1"];
    assert_eq!(e1.len(), 19, "4 weeks of 5 days minus one holiday");
    assert_eq!(e1["2026-01-09"], distans_planner::State::Absent);
    assert_eq!(e1["2026-01-16"], distans_planner::State::Remote);
    assert_eq!(e1["2026-01-13"], distans_planner::State::Onsite);
    assert!(!e1.contains_key("2026-01-06"));
    let json = serde_json::to_value(&out).unwrap();
    assert_eq!(json["status"], "optimal");
    assert_eq!(json["plan"]["e1"]["2026-01-09"], "absent");
}

fn err_of(json: &str) -> String {
    parse_input(json).unwrap_err().to_string()
}

#[test]
fn bad_input_names_the_field() {
    let base = |emp: &str, rules: &str| {
        format!(
            r#"{{"horizon":{{"start":"2026-01-05","weeks":2}},"employees":[{{"id":"e0","unit":"a"}},{emp}],"rules":{rules}}}"#
        )
    };
    let cases: Vec<(String, &str)> = vec![
        (
            base(
                r#"{"id":"e1","unit":"a","fixed_remote":["mon","sat"]}"#,
                "{}",
            ),
            r#"employees[1].fixed_remote[1]: unknown weekday "sat""#,
        ),
        (
            r#"{"horizon":{"start":"2026-01-06","weeks":2},"employees":[]}"#.to_string(),
            r#"horizon.start: "2026-01-06" is a Tuesday, not a Monday"#,
        ),
        (
            base(r#"{"id":"e0","unit":"a"}"#, "{}"),
            r#"employees[1].id: duplicate id "e0""#,
        ),
        (
            base(
                r#"{"id":"e1","unit":"a"}"#,
                r#"{"coverage":[{"unit":"payroll","min_onsite":1}]}"#,
            ),
            r#"rules.coverage[0].unit: unknown unit "payroll""#,
        ),
        (
            base(
                r#"{"id":"e1","unit":"a"}"#,
                r#"{"capacity":[{"units":["a","x"],"max_onsite":1}]}"#,
            ),
            r#"rules.capacity[0].units[1]: unknown unit "x""#,
        ),
        (
            base(
                r#"{"id":"e1","unit":"a","remote_target_per_week":-1}"#,
                "{}",
            ),
            "employees[1].remote_target_per_week: must not be negative, got -1",
        ),
        (
            base(
                r#"{"id":"e1","unit":"a"}"#,
                r#"{"coverage":[{"min_onsite":-2}]}"#,
            ),
            "rules.coverage[0].min_onsite: must not be negative",
        ),
        (
            base(
                r#"{"id":"e1","unit":"a"}"#,
                r#"{"capacity":[{"max_onsite":-2}]}"#,
            ),
            "rules.capacity[0].max_onsite: must not be negative",
        ),
        (
            base(
                r#"{"id":"e1","unit":"a","fixed_remote":["fri"],"fixed_onsite":["mon","fri"]}"#,
                "{}",
            ),
            r#"employees[1].fixed_onsite[1]: weekday "fri" is also in fixed_remote"#,
        ),
        (
            base(
                r#"{"id":"e1","unit":"a","prefer_remote":["tue"],"prefer_onsite":["tue"]}"#,
                "{}",
            ),
            r#"employees[1].prefer_onsite[0]: weekday "tue" is also in prefer_remote"#,
        ),
        (
            r#"{"horizon":{"start":"2026-01-05","weeks":0}}"#.to_string(),
            "horizon.weeks: must be between 1 and 104, got 0",
        ),
        (
            r#"{"horizon":{"start":"2026-01-05","weeks":1000000}}"#.to_string(),
            "horizon.weeks: must be between 1 and 104",
        ),
        (
            r#"{"horizon":{"start":"2026-01-05","weeks":-3}}"#.to_string(),
            "horizon.weeks: must be between 1 and 104",
        ),
        (
            r#"{"horizon":{"weeks":1}}"#.to_string(),
            "horizon.start: missing",
        ),
        (
            r#"{"horizon":{"start":"2026-02-30","weeks":1}}"#.to_string(),
            r#"horizon.start: invalid date "2026-02-30""#,
        ),
        (
            base(r#"{"id":"e1","unit":"a","absent":["2026-01-32"]}"#, "{}"),
            r#"employees[1].absent[0]: invalid date "2026-01-32""#,
        ),
        (
            base(
                r#"{"id":"e1","unit":"a","remote_target_per_week":2.5}"#,
                "{}",
            ),
            "employees[1].remote_target_per_week:",
        ),
        (
            base(r#"{"id":"e1"}"#, "{}"),
            "employees[1]: missing field `unit`",
        ),
        (
            base(r#"{"id":"e1","unit":"a","prefer_remtoe":[]}"#, "{}"),
            "employees[1].prefer_remtoe: unknown field",
        ),
        (
            base(
                r#"{"id":"e1","unit":"a"}"#,
                r#"{"coverage":[{"weekdays":["Mon"]}]}"#,
            ),
            r#"rules.coverage[0].weekdays[0]: unknown weekday "Mon""#,
        ),
        (
            r#"{"horizon": {"start": "2026-01-05", "weeks": 1},"#.to_string(),
            "malformed JSON",
        ),
        ("[1,2]".to_string(), "invalid type"),
        ("\"text\"".to_string(), "$: invalid type"),
    ];
    for (json, want) in cases {
        let got = err_of(&json);
        assert!(
            got.contains(want),
            "input {json}\n  got  {got}\n  want {want}"
        );
    }
}

#[test]
fn omitted_and_null_fields_default() {
    let json = r#"{"horizon":{"start":"2026-01-05","weeks":1,"holidays":null},
        "employees":[{"id":"e1","unit":"a","skills":null,"cohort":null,"remote_target_per_week":null,
        "fixed_remote":null,"absent":null}],"rules":{"coverage":null,"capacity":null,"separate_cohorts":null}}"#;
    let inp = parse_input(json).unwrap();
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Optimal);
    assert_eq!(out.cost, 0);
    assert_eq!(out.plan["e1"].len(), 5);
    // Out-of-horizon holidays and absences are ignored.
    let json = r#"{"horizon":{"start":"2026-01-05","weeks":1,"holidays":["2025-12-25","2026-01-10"]},
        "employees":[{"id":"e1","unit":"a","absent":["2026-01-11","2027-01-01"]}]}"#;
    let inp = parse_input(json).unwrap();
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.plan["e1"].len(), 5);
    assert!(out.plan["e1"]
        .values()
        .all(|s| *s == distans_planner::State::Onsite));
}

#[test]
fn conflict_names_the_absent_person() {
    let json = r#"{"horizon":{"start":"2026-01-05","weeks":1},
      "employees":[{"id":"e7","unit":"reception","skills":["reception"],"absent":["2026-01-09"]},
                   {"id":"e8","unit":"reception"}],
      "rules":{"coverage":[{"unit":"reception","skill":"reception","min_onsite":1}]}}"#;
    let inp = parse_input(json).unwrap();
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Infeasible);
    assert_eq!(
        out.conflicts,
        vec!["reception, Friday 2026-01-09: needs 1 onsite with skill reception, but the only such person, e7, is absent"]
    );
}

#[test]
fn conflict_fixed_remote_over_limit() {
    let json = r#"{"horizon":{"start":"2026-01-05","weeks":1},
      "employees":[{"id":"e1","unit":"a","remote_target_per_week":1,"fixed_remote":["mon","tue"]}]}"#;
    let out = solve(&parse_input(json).unwrap(), &SolveOptions::default());
    assert_eq!(out.status, Status::Infeasible);
    assert_eq!(out.conflicts.len(), 1);
    assert!(
        out.conflicts[0].contains("e1, week of 2026-01-05: fixed remote on 2 days"),
        "{:?}",
        out.conflicts
    );
}

#[test]
fn conflict_between_rules_is_minimal() {
    // Coverage needs 2 of unit a onsite on Wednesday, the desk limit for a
    // allows 1: only these two rules (on Wednesday) conflict. Many other
    // people and rules are around.
    let mut emps = String::new();
    for i in 0..6 {
        emps.push_str(&format!(
            r#"{{"id":"p{i}","unit":"a","remote_target_per_week":2,"cohort":"{}"}},"#,
            if i % 2 == 0 { "A" } else { "" }
        ));
    }
    emps.push_str(r#"{"id":"q","unit":"b","remote_target_per_week":1}"#);
    let json = format!(
        r#"{{"horizon":{{"start":"2026-01-05","weeks":1}},"employees":[{emps}],
        "rules":{{"coverage":[{{"unit":"a","min_onsite":2,"weekdays":["wed"]}},{{"unit":"b","min_onsite":1}}],
                 "capacity":[{{"units":["a"],"max_onsite":1}}],"separate_cohorts":true}}}}"#
    );
    let out = solve(&parse_input(&json).unwrap(), &SolveOptions::default());
    assert_eq!(out.status, Status::Infeasible);
    assert_eq!(
        out.conflicts,
        vec![
            "a, Wednesday 2026-01-07: needs 2 onsite (6 such people)",
            "desk limit for a, Wednesday 2026-01-07: at most 1 onsite",
        ]
    );
}

#[test]
fn conflict_involving_weekly_limits() {
    // Two people, R = 1 each, both must be onsite Mon..Thu by coverage 2,
    // but one has fixed remote on Tuesday: infeasible via coverage on Tue.
    let json = r#"{"horizon":{"start":"2026-01-05","weeks":1},
      "employees":[{"id":"e1","unit":"a","remote_target_per_week":1,"fixed_remote":["tue"]},
                   {"id":"e2","unit":"a","remote_target_per_week":1}],
      "rules":{"coverage":[{"unit":"a","min_onsite":2,"weekdays":["mon","tue"]}]}}"#;
    let out = solve(&parse_input(json).unwrap(), &SolveOptions::default());
    assert_eq!(out.status, Status::Infeasible);
    assert_eq!(out.conflicts.len(), 1, "{:?}", out.conflicts);
    assert!(out.conflicts[0].starts_with("a, Tuesday 2026-01-06: needs 2 onsite, but only 1 of the 2 such people can be: e1 is fixed remote"), "{:?}", out.conflicts);
}

#[test]
fn cohorts_are_separated_and_optimal() {
    // Unit of 4: cohorts A and B, each may work 3 days remote; coverage 2
    // each day, so each day exactly one cohort is onsite: one cohort gets 3
    // onsite days (2 remote, one short of 3 each: 2 x 10).
    let json = r#"{"horizon":{"start":"2026-01-05","weeks":1},
      "employees":[{"id":"a1","unit":"u","cohort":"A","remote_target_per_week":3},
                   {"id":"a2","unit":"u","cohort":"A","remote_target_per_week":3},
                   {"id":"b1","unit":"u","cohort":"B","remote_target_per_week":3},
                   {"id":"b2","unit":"u","cohort":"B","remote_target_per_week":3}],
      "rules":{"coverage":[{"unit":"u","min_onsite":2}],"separate_cohorts":true}}"#;
    let inp = parse_input(json).unwrap();
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Optimal);
    assert_eq!(check(&inp, &out), Ok(out.cost));
    assert_eq!(out.cost, 20);
    assert_eq!(Some(out.cost), brute_force(&inp));
}

#[test]
fn unit_bound_proves_what_prices_cannot() {
    // A unit taken from a generated instance (100 × 4, seed 2, its fourth
    // week), six times, joined into one component by an organisation-wide
    // rule that everyone can meet (so it costs nothing).
    // Cohort B's three key-skilled people (at most 3 remote days each) can
    // cover Monday to Thursday, but cohort A's p7 must be onsite on two days
    // too, so A gets one of Monday–Thursday, where only someone who loses a
    // remote day (cost 10) holds the key skill: 11 per unit with the
    // preferences, 66 in all (CP-SAT proves 66 too).
    // The Lagrangian bound, pricing the rules continuously, stays below it;
    // the unit bound proves it.
    let unit = [
        (
            true,
            r#""remote_target_per_week":3,"fixed_remote":["thu"],"absent":["2026-01-06","2026-01-08"],"prefer_onsite":["tue"],"cohort":"A""#,
        ),
        (true, r#""remote_target_per_week":3,"cohort":"B""#),
        (
            true,
            r#""remote_target_per_week":5,"fixed_remote":["mon"],"prefer_remote":["thu","fri"],"cohort":"A""#,
        ),
        (
            true,
            r#""remote_target_per_week":3,"prefer_remote":["fri","mon"],"cohort":"B""#,
        ),
        (true, r#""remote_target_per_week":5"#),
        (
            true,
            r#""remote_target_per_week":3,"prefer_remote":["wed"],"prefer_onsite":["tue"],"cohort":"B""#,
        ),
        (
            false,
            r#""remote_target_per_week":3,"prefer_remote":["fri","thu"],"cohort":"A""#,
        ),
        (true, r#""remote_target_per_week":5,"cohort":"B""#),
    ];
    let mut emps = Vec::new();
    let mut cov = Vec::new();
    for u in 0..6 {
        for (k, (key, fields)) in unit.iter().enumerate() {
            let skills = if *key {
                format!(r#"["all","key{u}"]"#)
            } else {
                String::from(r#"["all"]"#)
            };
            emps.push(format!(
                r#"{{"id":"u{u}p{k}","unit":"u{u}","skills":{skills},{fields}}}"#
            ));
        }
        cov.push(format!(r#"{{"unit":"u{u}","min_onsite":1}}"#));
        cov.push(format!(
            r#"{{"unit":"u{u}","skill":"key{u}","min_onsite":1,"weekdays":["mon","tue","wed","thu"]}}"#
        ));
    }
    cov.push(String::from(r#"{"skill":"all","min_onsite":1}"#));
    let json = format!(
        r#"{{"horizon":{{"start":"2026-01-05","weeks":1}},"employees":[{}],"rules":{{"coverage":[{}],"separate_cohorts":true}}}}"#,
        emps.join(","),
        cov.join(",")
    );
    let inp = parse_input(&json).unwrap();
    for out in [
        solve(&inp, &SolveOptions::default()),
        solve_with_exact_budget(&inp, &SolveOptions::default(), 0),
    ] {
        assert_eq!(check(&inp, &out), Ok(out.cost));
        assert_eq!(out.cost, 66);
        assert_eq!(out.status, Status::Optimal, "bound {:?}", out.lower_bound);
        assert_eq!(out.lower_bound, Some(66));
    }
}

#[test]
fn progress_and_time_limit() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::Arc;
    let inp = doc_feasible();
    let calls = Arc::new(AtomicU64::new(0));
    let c2 = calls.clone();
    let opts = SolveOptions {
        time_limit: Some(std::time::Duration::from_secs(5)),
        cancel: Some(Arc::new(AtomicBool::new(false))),
        progress: Some(Arc::new(move |p: distans_planner::Progress| {
            assert!(p.done <= p.total);
            c2.fetch_add(1, Ordering::Relaxed);
        })),
    };
    let out = solve(&inp, &opts);
    assert!(calls.load(Ordering::Relaxed) >= 2);
    assert_eq!(check(&inp, &out), Ok(out.cost));
    // Cancelled before the start: still a valid plan.
    let opts = SolveOptions {
        cancel: Some(Arc::new(AtomicBool::new(true))),
        ..SolveOptions::default()
    };
    let out = solve(&inp, &opts);
    assert_eq!(check(&inp, &out), Ok(out.cost));
}

#[test]
fn invalid_input_given_to_solve_is_reported_not_panicking() {
    let inp = Input::default();
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Infeasible);
    assert!(out.conflicts[0].starts_with("invalid input: horizon.start"));
}

/// A realistic, larger instance (like bench/planner/gen.py): units with
/// cohorts, unit and skill coverage, an organisation-wide first-aid rule,
/// desk limits. Exercises the heuristic path on one big component.
fn structured(n: usize, weeks: i64, seed: u64) -> Input {
    let mut s = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut rnd = move |k: u64| -> u64 {
        s = s
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (s >> 33) % k.max(1)
    };
    let mut employees = Vec::new();
    let mut coverage = Vec::new();
    let mut capacity = Vec::new();
    let mut unit = 0;
    let mut floor: Vec<String> = Vec::new();
    let mut floor_size = 0;
    while employees.len() < n {
        let size = (8 + rnd(12) as usize).min(n - employees.len());
        let name = format!("u{unit}");
        let cohorts = rnd(10) < 6;
        for j in 0..size {
            let mut skills = Vec::new();
            if j < 3 || rnd(3) == 0 {
                skills.push(format!("{name}-key"));
            }
            if rnd(8) == 0 {
                skills.push("first-aid".to_string());
            }
            let r = if cohorts {
                3 + rnd(2) as i64
            } else {
                1 + rnd(3) as i64
            };
            let absent = if rnd(4) == 0 {
                vec![civil(
                    days_from_civil(2026, 1, 5) + rnd(weeks as u64 * 7) as i64,
                )]
            } else {
                vec![]
            };
            let pr = if rnd(2) == 0 {
                vec![KEYS[rnd(5) as usize].to_string()]
            } else {
                vec![]
            };
            employees.push(Employee {
                id: format!("e{}", employees.len()),
                unit: name.clone(),
                skills,
                cohort: cohorts.then(|| {
                    if j % 2 == 0 {
                        "A".to_string()
                    } else {
                        "B".to_string()
                    }
                }),
                remote_target_per_week: r,
                fixed_remote: vec![],
                fixed_onsite: vec![],
                absent,
                prefer_remote: pr,
                prefer_onsite: vec![],
                locked: Default::default(),
            });
        }
        coverage.push(CoverageRule {
            unit: Some(name.clone()),
            skill: None,
            min_onsite: (size as i64 / 5).max(1),
            weekdays: None,
        });
        coverage.push(CoverageRule {
            unit: Some(name.clone()),
            skill: Some(format!("{name}-key")),
            min_onsite: 1,
            weekdays: Some(vec!["mon".into(), "tue".into(), "wed".into(), "thu".into()]),
        });
        floor.push(name);
        floor_size += size as i64;
        if floor.len() == 3 {
            capacity.push(CapacityRule {
                units: Some(std::mem::take(&mut floor)),
                max_onsite: floor_size * 6 / 10,
            });
            floor_size = 0;
        }
        unit += 1;
    }
    coverage.push(CoverageRule {
        unit: None,
        skill: Some("first-aid".to_string()),
        min_onsite: 1,
        weekdays: None,
    });
    Input {
        horizon: Horizon {
            start: Some("2026-01-05".to_string()),
            weeks,
            holidays: vec!["2026-01-06".to_string()],
        },
        employees,
        rules: Rules {
            coverage,
            capacity,
            separate_cohorts: true,
        },
    }
}

#[test]
fn structured_instances_give_checked_plans() {
    for seed in 1..=2 {
        let inp = structured(120, 2, seed);
        let out = solve(&inp, &SolveOptions::default());
        match out.status {
            Status::Infeasible => assert!(!out.conflicts.is_empty()),
            _ => {
                let cost = check(&inp, &out).unwrap_or_else(|v| panic!("seed {seed}: {v:?}"));
                let lb = out.lower_bound.unwrap();
                assert!(lb <= cost);
                // The bound is not trivial: within 30 % of the cost.
                assert!(lb * 10 >= cost * 7, "seed {seed}: bound {lb}, cost {cost}");
            }
        }
        // A tiny time limit still yields a valid plan (or a proven conflict).
        let opts = SolveOptions {
            time_limit: Some(std::time::Duration::from_millis(1)),
            ..SolveOptions::default()
        };
        let quick = solve(&inp, &opts);
        assert_eq!(
            quick.status == Status::Infeasible,
            out.status == Status::Infeasible
        );
        if quick.status != Status::Infeasible {
            assert!(check(&inp, &quick).is_ok());
            assert!(quick.cost >= out.lower_bound.unwrap_or(0));
        }
    }
}

// ------------------------------------------------ locked cells (an extension)

fn one_week(emps: &str, rules: &str) -> Input {
    parse_input(&format!(
        r#"{{"horizon":{{"start":"2026-01-05","weeks":1,"holidays":["2026-01-06"]}},"employees":[{emps}],"rules":{rules}}}"#
    ))
    .unwrap()
}

#[test]
fn locked_bad_input_names_the_field() {
    let base = |emp: &str| {
        format!(
            r#"{{"horizon":{{"start":"2026-01-05","weeks":2}},"employees":[{{"id":"e0","unit":"a"}},{emp}]}}"#
        )
    };
    let cases: Vec<(String, &str)> = vec![
        (
            base(r#"{"id":"e1","unit":"a","locked":{"2026-01-07":"absent"}}"#),
            "employees[1].locked.2026-01-07: a cell cannot be locked absent (expected \"onsite\" or \"remote\"",
        ),
        (
            base(r#"{"id":"e1","unit":"a","locked":{"2026-01-07":"home"}}"#),
            r#"employees[1].locked.2026-01-07: unknown state "home" (expected "onsite" or "remote")"#,
        ),
        (
            base(r#"{"id":"e1","unit":"a","locked":{"2026-01-07":"Onsite"}}"#),
            r#"employees[1].locked.2026-01-07: unknown state "Onsite""#,
        ),
        (
            base(r#"{"id":"e1","unit":"a","locked":{"2026-01-07":1}}"#),
            "employees[1].locked.2026-01-07: invalid type",
        ),
        (
            base(r#"{"id":"e1","unit":"a","locked":{"2026-01-07":null}}"#),
            "employees[1].locked.2026-01-07: invalid type",
        ),
        (
            base(r#"{"id":"e1","unit":"a","locked":{"2026-02-30":"onsite"}}"#),
            r#"employees[1].locked.2026-02-30: invalid date "2026-02-30""#,
        ),
        (
            base(r#"{"id":"e1","unit":"a","locked":{"wed":"remote"}}"#),
            r#"employees[1].locked.wed: invalid date "wed""#,
        ),
        (
            base(r#"{"id":"e1","unit":"a","locked":["2026-01-07"]}"#),
            "employees[1].locked: invalid type",
        ),
    ];
    for (json, want) in cases {
        let got = err_of(&json);
        assert!(
            got.contains(want),
            "input {json}\n  got  {got}\n  want {want}"
        );
    }
    // null reads as no locks.
    let inp = parse_input(&base(r#"{"id":"e1","unit":"a","locked":null}"#)).unwrap();
    assert!(inp.employees[1].locked.is_empty());
}

#[test]
fn locked_is_omitted_when_empty_and_round_trips() {
    let inp = one_week(r#"{"id":"e1","unit":"a"}"#, "{}");
    let json = serde_json::to_string(&inp).unwrap();
    assert!(!json.contains("locked"), "{json}");
    let inp = one_week(
        r#"{"id":"e1","unit":"a","locked":{"2026-01-09":"remote","2026-01-07":"onsite"}}"#,
        "{}",
    );
    let v = serde_json::to_value(&inp).unwrap();
    assert_eq!(
        v["employees"][0]["locked"],
        serde_json::json!({"2026-01-07": "onsite", "2026-01-09": "remote"})
    );
    let back = parse_input(&serde_json::to_string(&inp).unwrap()).unwrap();
    assert_eq!(back, inp);
}

#[test]
fn locked_cells_are_kept_and_count_in_the_cost() {
    // Remote target 2; Monday, Wednesday and Thursday locked onsite, the
    // Tuesday is a holiday: only Friday is available for remote work, so
    // the target is 1 and a remote Friday costs nothing.
    let inp = one_week(
        r#"{"id":"e1","unit":"a","remote_target_per_week":2,
            "locked":{"2026-01-05":"onsite","2026-01-07":"onsite","2026-01-08":"onsite"}}"#,
        "{}",
    );
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Optimal);
    assert_eq!(out.cost, 0);
    assert_eq!(check(&inp, &out), Ok(0));
    let e1 = &out.plan["e1"];
    assert_eq!(e1["2026-01-05"], State::Onsite);
    assert_eq!(e1["2026-01-07"], State::Onsite);
    assert_eq!(e1["2026-01-08"], State::Onsite);
    assert_eq!(e1["2026-01-09"], State::Remote);
    assert_eq!(Some(0), brute_force(&inp));

    // A lock remote is kept against a coverage rule's wish and a preference
    // for onsite, and counts toward the weekly limit: with limit 1 and
    // Friday locked remote every other day is onsite.
    let inp = one_week(
        r#"{"id":"e1","unit":"a","remote_target_per_week":1,"prefer_onsite":["fri"],
            "locked":{"2026-01-09":"remote"}},
           {"id":"e2","unit":"a","remote_target_per_week":1}"#,
        r#"{"coverage":[{"unit":"a","min_onsite":1,"weekdays":["fri"]}]}"#,
    );
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Optimal);
    assert_eq!(check(&inp, &out), Ok(out.cost));
    assert_eq!(out.plan["e1"]["2026-01-09"], State::Remote);
    assert_eq!(out.plan["e2"]["2026-01-09"], State::Onsite);
    assert!(out.plan["e1"]
        .iter()
        .all(|(d, s)| d == "2026-01-09" || *s == State::Onsite));
    // e1 pays 1 for the remote Friday it prefers onsite; e2 is remote on
    // another day.
    assert_eq!(out.cost, 1);
    assert_eq!(Some(out.cost), brute_force(&inp));

    // Locks on a holiday, a weekend, outside the horizon or on an absent
    // day are ignored.
    let inp = one_week(
        r#"{"id":"e1","unit":"a","remote_target_per_week":5,"absent":["2026-01-08"],
            "locked":{"2026-01-06":"onsite","2026-01-10":"onsite","2026-03-02":"onsite",
                      "2026-01-08":"onsite"}}"#,
        "{}",
    );
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Optimal);
    assert_eq!(out.cost, 0);
    assert_eq!(check(&inp, &out), Ok(0));
    assert_eq!(out.plan["e1"]["2026-01-08"], State::Absent);
    assert!(!out.plan["e1"].contains_key("2026-01-06"));
}

#[test]
fn checker_verifies_locks() {
    let inp = one_week(
        r#"{"id":"e1","unit":"a","remote_target_per_week":1,"locked":{"2026-01-07":"remote"}}"#,
        "{}",
    );
    let mut out = solve(&inp, &SolveOptions::default());
    assert_eq!(check(&inp, &out), Ok(0));
    // Move the remote day: same cost by the document, but the lock breaks.
    let e1 = out.plan.get_mut("e1").unwrap();
    e1.insert("2026-01-07".into(), State::Onsite);
    e1.insert("2026-01-08".into(), State::Remote);
    let v = check(&inp, &out).unwrap_err();
    assert_eq!(v, vec!["e1: locked remote on 2026-01-07 but onsite"]);
    // Days locked onsite are not available: with every workday locked
    // onsite the target is 0 and the plan costs nothing.
    let inp = one_week(
        r#"{"id":"e1","unit":"a","remote_target_per_week":2,"locked":{"2026-01-05":"onsite",
            "2026-01-07":"onsite","2026-01-08":"onsite","2026-01-09":"onsite"}}"#,
        "{}",
    );
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Optimal);
    assert_eq!(check(&inp, &out), Ok(0));
}

#[test]
fn lock_against_fixed_weekday_is_a_conflict() {
    let inp = one_week(
        r#"{"id":"e1","unit":"a","remote_target_per_week":2,"fixed_remote":["wed"],
            "locked":{"2026-01-07":"onsite"}}"#,
        "{}",
    );
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Infeasible);
    assert!(out.plan.is_empty());
    assert_eq!(
        out.conflicts,
        vec!["e1, Wednesday 2026-01-07: locked onsite, but fixed remote on Wednesdays"]
    );
    assert_eq!(brute_force(&inp), None);

    let inp = one_week(
        r#"{"id":"e1","unit":"a","remote_target_per_week":2,"fixed_onsite":["fri"],
            "locked":{"2026-01-09":"remote"}}"#,
        "{}",
    );
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Infeasible);
    assert_eq!(
        out.conflicts,
        vec!["e1, Friday 2026-01-09: locked remote, but fixed onsite on Fridays"]
    );
    // Absent that day: the lock is ignored, nothing conflicts.
    let inp = one_week(
        r#"{"id":"e1","unit":"a","remote_target_per_week":2,"fixed_onsite":["fri"],
            "absent":["2026-01-09"],"locked":{"2026-01-09":"remote"}}"#,
        "{}",
    );
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Optimal);
    assert_eq!(check(&inp, &out), Ok(out.cost));
}

#[test]
fn locked_conflict_explanations() {
    // Locked remote days over the weekly limit.
    let inp = one_week(
        r#"{"id":"e1","unit":"a","remote_target_per_week":1,"fixed_remote":["mon"],
            "locked":{"2026-01-08":"remote"}}"#,
        "{}",
    );
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Infeasible);
    assert_eq!(
        out.conflicts,
        vec!["e1, week of 2026-01-05: fixed or locked remote on 2 days (Monday, Thursday 2026-01-08 locked) but remote_target_per_week is 1"]
    );
    // Two cohorts locked onsite the same day.
    let inp = one_week(
        r#"{"id":"a1","unit":"u","cohort":"A","remote_target_per_week":4,"locked":{"2026-01-05":"onsite"}},
           {"id":"b1","unit":"u","cohort":"B","remote_target_per_week":4,"locked":{"2026-01-05":"onsite"}}"#,
        r#"{"separate_cohorts":true}"#,
    );
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Infeasible);
    assert_eq!(
        out.conflicts,
        vec!["u, Monday 2026-01-05: cohorts A and B must not both be onsite, but a1 (locked onsite) and b1 (locked onsite) both must be"]
    );
    // The only skilled person locked remote.
    let inp = one_week(
        r#"{"id":"e7","unit":"r","skills":["reception"],"remote_target_per_week":1,
            "locked":{"2026-01-09":"remote"}}"#,
        r#"{"coverage":[{"unit":"r","skill":"reception","min_onsite":1}]}"#,
    );
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(
        out.conflicts,
        vec!["r, Friday 2026-01-09: needs 1 onsite with skill reception, but the only such person, e7, is locked remote"]
    );
    // Not a single-rule reason: e1 is locked onsite Monday to Thursday and
    // the desk limit seats one, so e2 would be remote four days, over the
    // limit of 3. The deletion filter names the locks.
    let json = r#"{"horizon":{"start":"2026-01-05","weeks":1},"employees":[
        {"id":"e1","unit":"a","remote_target_per_week":3,"locked":{"2026-01-05":"onsite",
         "2026-01-06":"onsite","2026-01-07":"onsite","2026-01-08":"onsite"}},
        {"id":"e2","unit":"a","remote_target_per_week":3}],
      "rules":{"capacity":[{"units":["a"],"max_onsite":1}]}}"#;
    let inp = parse_input(json).unwrap();
    let out = solve(&inp, &SolveOptions::default());
    assert_eq!(out.status, Status::Infeasible);
    assert_eq!(brute_force(&inp), None);
    for want in [
        "desk limit for a, Monday 2026-01-05: at most 1 onsite",
        "desk limit for a, Thursday 2026-01-08: at most 1 onsite",
        "e1: locked onsite on Monday 2026-01-05",
        "e1: locked onsite on Thursday 2026-01-08",
        "e2: at most 3 remote days in the week of 2026-01-05",
    ] {
        assert!(
            out.conflicts.iter().any(|c| c == want),
            "{want}: {:?}",
            out.conflicts
        );
    }
    assert_eq!(out.conflicts.len(), 9, "{:?}", out.conflicts);
}
