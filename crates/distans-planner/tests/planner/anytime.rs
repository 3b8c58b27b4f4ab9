//! The anytime search (a time limit or a work budget) and the counting
//! pre-check for cohort conflicts.

use super::{assert_consistent, brute_force, free_cells_ok, instance, structured, Shape};
use distans_planner::check::check;
use distans_planner::{solve, solve_with, solve_with_budgets, Input, Search, SolveOptions, Status};
use proptest::prelude::*;

fn with(seed: u64, work: u64) -> Search {
    Search {
        seed,
        work: Some(work),
    }
}

#[test]
fn same_seed_and_work_give_the_same_plan() {
    let inp = structured(150, 2, 1);
    let opts = SolveOptions::default();
    let a = solve_with(&inp, &opts, with(7, 3_000_000));
    let b = solve_with(&inp, &opts, with(7, 3_000_000));
    assert_ne!(a.status, Status::Infeasible, "{:?}", a.conflicts);
    assert_eq!(a, b);
    assert_eq!(check(&inp, &a), Ok(a.cost));
    // Another seed is a different search, still a checked plan with the
    // same bound.
    let c = solve_with(&inp, &opts, with(8, 3_000_000));
    assert_eq!(check(&inp, &c), Ok(c.cost));
    assert_eq!(c.lower_bound, a.lower_bound);
}

#[test]
fn more_work_is_never_worse() {
    for seed in 1..=3 {
        let inp = structured(120, 2, seed);
        let opts = SolveOptions::default();
        let fixed = solve_with(&inp, &opts, with(0, 0));
        assert_eq!(fixed, solve(&inp, &opts), "work 0 is solve without a limit");
        let mut last = fixed.cost;
        for work in [200_000, 2_000_000] {
            let out = solve_with(&inp, &opts, with(0, work));
            assert_eq!(check(&inp, &out), Ok(out.cost), "seed {seed}, work {work}");
            assert!(
                out.cost <= fixed.cost,
                "seed {seed}: {} > {}",
                out.cost,
                fixed.cost
            );
            assert!(out.lower_bound <= Some(out.cost));
            assert_eq!(out.lower_bound, fixed.lower_bound);
            last = last.min(out.cost);
        }
        assert!(last >= fixed.lower_bound.unwrap_or(0));
    }
}

#[test]
fn a_time_limit_gives_work_to_the_search() {
    let inp = structured(150, 2, 2);
    let limit = std::time::Duration::from_millis(300);
    let opts = SolveOptions {
        time_limit: Some(limit),
        ..SolveOptions::default()
    };
    let t = std::time::Instant::now();
    let out = solve(&inp, &opts);
    // The time limit holds (with room for the steps that must finish).
    assert!(t.elapsed() < limit * 10, "{:?}", t.elapsed());
    assert_eq!(check(&inp, &out), Ok(out.cost));
    assert!(out.cost <= solve(&inp, &SolveOptions::default()).cost);
    assert!(distans_planner::work_for(limit) > 0);
}

/// `structured` with two cohort members of one unit allowed only 2 remote
/// days and no absences: 3 + 3 onsite days in a 5-day week.
fn cohort_conflict() -> (Input, String, String) {
    let mut inp = structured(120, 2, 1);
    let unit = inp
        .employees
        .iter()
        .find(|e| e.cohort.as_deref() == Some("A"))
        .map(|e| e.unit.clone())
        .unwrap();
    let mut ids = Vec::new();
    for c in ["A", "B"] {
        let e = inp
            .employees
            .iter_mut()
            .find(|e| e.unit == unit && e.cohort.as_deref() == Some(c))
            .unwrap();
        e.remote_target_per_week = 2;
        e.absent.clear();
        ids.push(e.id.clone());
    }
    (inp, ids[0].clone(), ids[1].clone())
}

#[test]
fn cohort_conflict_is_found_by_counting_before_any_search() {
    let (inp, a, b) = cohort_conflict();
    for out in [
        solve(&inp, &SolveOptions::default()),
        solve_with_budgets(&inp, &SolveOptions::default(), 0, with(1, 1_000_000)),
    ] {
        assert_eq!(out.status, Status::Infeasible);
        // The second week (no holiday) has 5 workdays; the first has 4
        // (2 + 2 fits), so exactly one message.
        assert_eq!(out.conflicts.len(), 1, "{:?}", out.conflicts);
        let msg = &out.conflicts[0];
        assert!(
            msg.contains("week of 2026-01-12: only one cohort may be onsite per day"),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("{a} (cohort A) must be onsite on at least 3")),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("{b} (cohort B) must be onsite on at least 3")),
            "{msg}"
        );
    }
    // One remote day more for one of them and the week fits (3 + 2).
    let (mut inp, a, _) = cohort_conflict();
    if let Some(e) = inp.employees.iter_mut().find(|e| e.id == a) {
        e.remote_target_per_week = 3;
    }
    let out = solve(&inp, &SolveOptions::default());
    assert_ne!(out.status, Status::Infeasible, "{:?}", out.conflicts);
    assert_eq!(check(&inp, &out), Ok(out.cost));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    /// The anytime search on the heuristic path (no first exhaustive
    /// search) agrees with brute force, never ends worse than the plan it
    /// started from, and repeats itself for the same seed and work.
    #[test]
    fn anytime_agrees_with_brute_force(
        inp in instance(Shape { max_emps: 3, max_weeks: 2 }),
        seed in 0u64..1000,
    ) {
        prop_assume!(free_cells_ok(&inp));
        let opt = brute_force(&inp);
        let opts = SolveOptions::default();
        let out = solve_with_budgets(&inp, &opts, 0, with(seed, 20_000));
        assert_consistent(&inp, &out, opt);
        let start = solve_with_budgets(&inp, &opts, 0, with(seed, 0));
        prop_assert!(out.cost <= start.cost);
        prop_assert_eq!(&out, &solve_with_budgets(&inp, &opts, 0, with(seed, 20_000)));
    }

    /// Larger random instances: every anytime answer passes the checker.
    #[test]
    fn anytime_plans_pass_the_checker(
        inp in instance(Shape { max_emps: 12, max_weeks: 3 }),
        seed in 0u64..1000,
    ) {
        let opts = SolveOptions::default();
        let out = solve_with_budgets(&inp, &opts, 0, with(seed, 50_000));
        let start = solve_with_budgets(&inp, &opts, 0, with(seed, 0));
        prop_assert_eq!(out.status == Status::Infeasible, start.status == Status::Infeasible);
        if out.status != Status::Infeasible {
            prop_assert_eq!(check(&inp, &out), Ok(out.cost));
            prop_assert!(out.cost <= start.cost);
        }
    }
}
