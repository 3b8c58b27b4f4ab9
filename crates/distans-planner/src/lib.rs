//! `distans-planner`: the rotation planner ("växelvis distansarbete") of
//! `rotation-planning.md`, as a pure library: input JSON in, plan out.
//!
//! - [`parse_input`] reads and validates an [`Input`]; every error names the
//!   field ([`InputError`]).
//! - [`solve`] returns an [`Output`]: an optimal or feasible plan with its
//!   cost and a proven lower bound, or `infeasible` with short conflicts.
//! - [`check`] is an independent checker of any plan against the rules and
//!   the cost of the document.
//!
//! See `docs/planner.md` for the algorithm.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]
// Employees, rows and days are dense indices into parallel arrays; index
// loops say that more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

mod anytime;
mod bound;
pub mod check;
mod cohort;
mod comp;
mod conflict;
mod counting;
mod date;
mod exact;
mod lns;
mod local;
mod model;
mod solve;
mod types;

pub use types::{
    CapacityRule, CoverageRule, Employee, Horizon, Input, Locked, Output, Plan, Rules, State,
    Status,
};

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// Largest accepted `horizon.weeks` (two years).
pub const MAX_WEEKS: i64 = 104;

/// The first year of a date the planner accepts (the same as distans').
pub const FIRST_YEAR: i32 = 1900;
/// The last year of a date the planner accepts or writes: a horizon must
/// end by 31 December of it.
pub const LAST_YEAR: i32 = 2199;

/// Bad input: the field (a path such as `employees[3].fixed_remote[1]`) and
/// what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputError {
    /// The field, e.g. `employees[3].fixed_remote[1]`; `$` for the document.
    pub path: String,
    pub message: String,
}

/// Reads a planning problem from JSON and validates it.
pub fn parse_input(json: &str) -> Result<Input, InputError> {
    let de = &mut serde_json::Deserializer::from_str(json);
    let input: Input = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let path = if path == "." || path.is_empty() {
            String::from("$")
        } else {
            path
        };
        if inner.is_syntax() || inner.is_eof() {
            InputError {
                path,
                message: format!("malformed JSON: {inner}"),
            }
        } else {
            InputError {
                path,
                message: inner.to_string(),
            }
        }
    })?;
    validate(&input)?;
    Ok(input)
}

/// Checks an [`Input`] built in code against the rules of the format.
pub fn validate(input: &Input) -> Result<(), InputError> {
    model::Model::build(input).map(|_| ())
}

/// How far the solver has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Employee-weeks solved so far.
    pub done: u64,
    /// Employee-weeks in all.
    pub total: u64,
    /// Cost of the plan, once known.
    pub best_cost: Option<i64>,
}

/// Limits and hooks of a [`solve`] call.
#[derive(Clone, Default)]
pub struct SolveOptions {
    /// Return the best plan found by then (status `feasible` unless proven).
    pub time_limit: Option<Duration>,
    /// Set to true to stop early, as with a time limit.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Called as components are solved (possibly from a worker thread).
    pub progress: Option<Arc<dyn Fn(Progress) + Send + Sync>>,
}

impl std::fmt::Debug for SolveOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SolveOptions")
            .field("time_limit", &self.time_limit)
            .field("cancel", &self.cancel)
            .field("progress", &self.progress.as_ref().map(|_| "Fn"))
            .finish()
    }
}

/// Work units of the anytime search per second of `time_limit`; measured
/// on a loaded 2-core machine so that the work normally ends before the
/// time limit (see `docs/planner.md`, "Anytime search").
pub const WORK_PER_SECOND: u64 = 5_000_000;

/// Share of the time limit turned into anytime work (the rest is left for
/// the fixed steps before it and for a slower machine).
const WORK_SHARE: f64 = 0.7;

/// The search's seed and work budget (see [`solve_with`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Search {
    /// Seeds the random choices of the search; 0 is [`solve`]'s.
    pub seed: u64,
    /// Work units for the anytime search (search nodes plus a fixed cost
    /// per neighbourhood). `None`: derived from `time_limit`
    /// ([`work_for`]), and no anytime search without a time limit.
    pub work: Option<u64>,
}

/// The anytime search's work budget for a time limit: 70 % of it at
/// [`WORK_PER_SECOND`].
pub fn work_for(time_limit: Duration) -> u64 {
    (time_limit.as_secs_f64() * WORK_SHARE * WORK_PER_SECOND as f64) as u64
}

/// Plans the horizon: [`solve_with`] with seed 0 and the work budget of
/// the time limit. Without a time limit the search stops after its fixed
/// steps; with one, components still unproven are improved by the anytime
/// search for the work of [`work_for`]. Invalid input (see [`validate`])
/// gives `infeasible` with the input error as the only conflict.
pub fn solve(input: &Input, opts: &SolveOptions) -> Output {
    solve_with(input, opts, Search::default())
}

/// Plans the horizon with a given seed and work budget. The answer depends
/// only on the input, the seed and the work budget (the time limit's when
/// `work` is `None`), not on the machine or the threads, unless the time
/// limit or cancellation stops the search first.
pub fn solve_with(input: &Input, opts: &SolveOptions, search: Search) -> Output {
    solve_with_budgets(input, opts, solve::EXACT_NODES, search)
}

/// [`solve`] with a given node budget for the exhaustive search of a whole
/// component (0 sends every non-trivial component to the heuristic). For
/// tests of the heuristic path.
#[doc(hidden)]
pub fn solve_with_exact_budget(input: &Input, opts: &SolveOptions, nodes: u64) -> Output {
    solve_with_budgets(input, opts, nodes, Search::default())
}

/// [`solve_with`] with a given node budget for the first exhaustive search
/// (see [`solve_with_exact_budget`]). For tests of the anytime search.
#[doc(hidden)]
pub fn solve_with_budgets(
    input: &Input,
    opts: &SolveOptions,
    exact_nodes: u64,
    search: Search,
) -> Output {
    let drive = solve::Drive {
        exact_nodes,
        seed: search.seed,
        work: search.work.or(opts.time_limit.map(work_for)),
    };
    match model::Model::build(input) {
        Ok(m) => solve::solve_model(&m, opts, drive),
        Err(e) => solve::infeasible(vec![format!("invalid input: {e}")]),
    }
}
