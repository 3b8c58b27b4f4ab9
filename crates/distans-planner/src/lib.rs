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

mod bound;
pub mod check;
mod cohort;
mod comp;
mod conflict;
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

/// Plans the horizon. Deterministic for the same input unless a time limit
/// or cancellation cuts the search short. Invalid input (see [`validate`])
/// gives `infeasible` with the input error as the only conflict.
pub fn solve(input: &Input, opts: &SolveOptions) -> Output {
    match model::Model::build(input) {
        Ok(m) => solve::solve_model(&m, opts, solve::EXACT_NODES),
        Err(e) => solve::infeasible(vec![format!("invalid input: {e}")]),
    }
}

/// [`solve`] with a given node budget for the exhaustive search of a whole
/// component (0 sends every non-trivial component to the heuristic). For
/// tests of the heuristic path.
#[doc(hidden)]
pub fn solve_with_exact_budget(input: &Input, opts: &SolveOptions, nodes: u64) -> Output {
    match model::Model::build(input) {
        Ok(m) => solve::solve_model(&m, opts, nodes),
        Err(e) => solve::infeasible(vec![format!("invalid input: {e}")]),
    }
}
