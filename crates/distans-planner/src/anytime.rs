//! The anytime search: spends a component's share of the time budget on
//! large-neighbourhood search after the fixed steps of [`crate::solve`].
//!
//! - Neighbourhoods ([`Hoods`]) are re-optimised exactly by the branch and
//!   bound; plans of equal cost are taken (sideways moves).
//! - Adaptive size: after [`STALE`] neighbourhoods without a strict
//!   improvement the size grows by half (up to [`MAX_K`] people, with
//!   proportionally more search nodes); an improvement keeps the size.
//! - Restarts: when the largest size is stale too, the search goes back to
//!   the best plan and kicks it: a few random neighbourhoods in which one
//!   person must change pattern, the plan allowed to get worse by up to
//!   [`KICK_SLACK`] each, then the cohort-day moves of
//!   [`crate::lns::slot_moves`]. The best plan is kept apart, so the result is
//!   never worse than the plan the search started from.
//! - Work, not time: the budget is counted in work units (search nodes plus
//!   a fixed cost per neighbourhood), so for the same seed and budget the
//!   result is the same on any machine. The wall-clock deadline and
//!   cancellation still stop it (then the result depends on the machine's
//!   speed).

use crate::lns::{slot_moves, Hoods};
use crate::local::{Rng, Sol};
use crate::solve::slot_budget;
use std::time::Instant;

/// Size of the first neighbourhoods (people).
const BASE_K: usize = 8;
/// Largest neighbourhood (people).
const MAX_K: usize = 40;
/// Search nodes per person in a neighbourhood.
const NODES_PER_PERSON: u64 = 250;
/// Neighbourhoods without improvement before the size grows.
const STALE: u64 = 60;
/// Work units charged per neighbourhood on top of its search nodes (for
/// building it and the restricted problem).
const HOOD_COST: u64 = 40;
/// How much worse a kick may make the plan, per kick.
const KICK_SLACK: i64 = 20;

/// Improves the feasible plan `sol` for at most `work` work units, until
/// its cost meets `lb`, or until the deadline or cancellation. `sol` ends as
/// the best plan found (never worse than at the start). Returns the work
/// used.
pub(crate) fn anytime(
    sol: &mut Sol,
    lb: i64,
    rng: &mut Rng,
    work: u64,
    deadline: Option<Instant>,
    cancel: &dyn Fn() -> bool,
) -> u64 {
    let c = sol.c;
    let n = c.emps.len();
    if n < 2 || sol.viol != 0 {
        return 0;
    }
    let max_k = MAX_K.min(n);
    let base_k = BASE_K.min(max_k);
    let mut hoods = Hoods::new(c);
    let mut best = sol.cur.clone();
    let mut best_cost = sol.cost;
    let mut k = base_k;
    let mut stale = 0u64;
    let mut used = 0u64;
    let mut it = 0u64;
    while used < work && best_cost > lb {
        if it.is_multiple_of(16) && (deadline.is_some_and(|d| Instant::now() >= d) || cancel()) {
            break;
        }
        it += 1;
        let set = hoods.pick(sol, rng, k);
        let step = hoods.reopt(sol, set, NODES_PER_PERSON * k as u64, 0, false);
        used += step.nodes + HOOD_COST;
        if sol.cost < best_cost {
            best_cost = sol.cost;
            best.clone_from(&sol.cur);
            stale = 0;
            continue;
        }
        stale += 1;
        if stale < STALE {
            continue;
        }
        stale = 0;
        if k < max_k {
            k = (k + k / 2).min(max_k);
            continue;
        }
        // Restart from the best plan, kicked.
        *sol = Sol::new(c, best.clone());
        k = base_k;
        for _ in 0..1 + n / 100 {
            let set = hoods.pick(sol, rng, base_k);
            let step = hoods.reopt(sol, set, NODES_PER_PERSON * base_k as u64, KICK_SLACK, true);
            used += step.nodes + HOOD_COST;
        }
        // Then the units' cohort days again, around the kicked plan.
        let (tries, nodes) = slot_budget(n);
        used += slot_moves(sol, tries, nodes, deadline) + HOOD_COST;
        if sol.cost < best_cost {
            best_cost = sol.cost;
            best.clone_from(&sol.cur);
        }
    }
    if sol.cost > best_cost {
        *sol = Sol::new(c, best);
    }
    used
}
