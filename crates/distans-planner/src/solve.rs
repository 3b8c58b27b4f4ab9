//! The solver: week by week, component by component.
//!
//! Per component-week (see [`crate::comp`]):
//! 1. every employee takes their cheapest pattern; if that breaks no rule it
//!    is optimal (it meets the relaxation bound);
//! 2. otherwise an exhaustive branch and bound is tried with a node budget:
//!    if it completes, the result is optimal or proven infeasible;
//! 3. otherwise a penalty repair finds a feasible plan, and improvement
//!    steps (cohort-day moves, the Lagrangian heuristic, large-neighbourhood
//!    search) alternate with lower bounds (the cohort relaxation, the
//!    Lagrangian bound, the unit bound of [`crate::bound`], a priced branch
//!    and bound on small components) until a plan meets a bound or the
//!    budgets run out. `docs/planner.md` gives the order and the reasons;
//! 4. with a time limit (or a given work budget), the components still
//!    left with a gap share the remaining work in the anytime search of
//!    [`crate::anytime`].

use crate::anytime::anytime;
use crate::bound::unit_bound;
use crate::cohort::{choose, lagrangian_bound, within};
use crate::comp::{build_week, Comp};
use crate::conflict::{explain, prechecks};
use crate::exact::{search, search_order, search_priced};
use crate::lns::{lns, repair, slot_moves};
use crate::local::{Rng, Sol};
use crate::model::Model;
use crate::{Output, Plan, Progress, SolveOptions, State, Status};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Node budget of the first exhaustive search of a whole component: enough
/// for the small ones (a few people, or rules that leave few choices); the
/// others are better served by a plan first and bounds aimed at it.
pub(crate) const EXACT_NODES: u64 = 2_000;

/// Largest component whose Lagrangian bound runs the Lagrangian heuristic
/// every 10 steps (beyond, only once at the end).
const LH_ALONG_MAX: usize = 50;

/// Node budget per unit of the unit bound ([`unit_bound`]).
const UNIT_NODES: u64 = 20_000;

/// Most nodes the unit bound spends per unit for a budget of one node: the
/// plain search and the priced one with ten times the budget.
const UNIT_WORK_PER_NODE: u64 = 11;

enum CompResult {
    Solved {
        assign: Vec<u16>,
        cost: i64,
        lb: i64,
        exact: bool,
    },
    Infeasible,
}

fn solve_comp(
    c: &Comp,
    nd: usize,
    deadline: Option<Instant>,
    cancel: &dyn Fn() -> bool,
    seed: u64,
    exact_nodes: u64,
) -> CompResult {
    let n = c.emps.len();
    let mut lb = c.min_cost();
    if c.pats.iter().any(Vec::is_empty) {
        return CompResult::Infeasible;
    }
    let mut sol = Sol::new(c, vec![0; n]);
    if sol.viol == 0 {
        return CompResult::Solved {
            assign: sol.cur,
            cost: sol.cost,
            lb,
            exact: true,
        };
    }
    let out_of_time = || deadline.is_some_and(|d| Instant::now() >= d) || cancel();
    let order = search_order(c);
    let res = search(c, &sol.cur, &order, i64::MAX, exact_nodes, false);
    if res.complete {
        return match res.best {
            Some((cost, assign)) => CompResult::Solved {
                assign,
                cost,
                lb: cost,
                exact: true,
            },
            None => CompResult::Infeasible,
        };
    }
    let mut rng = Rng::new(seed);
    let choice = choose(c, nd);
    lb = lb.max(choice.lb);
    if let Some((_, assign)) = res.best {
        sol = Sol::new(c, assign);
    } else {
        // Start from each employee's cheapest pattern within the chosen
        // cohort days.
        let start: Vec<u16> = (0..n)
            .map(|i| {
                let w = within(c, i);
                let p = w.pat[choice.allowed[i] as usize & 31];
                if p == u16::MAX {
                    0
                } else {
                    p
                }
            })
            .collect();
        sol = Sol::new(c, start);
    }
    if sol.viol > 0
        // A plan is needed even past the time limit: no deadline here.
        && !repair(&mut sol, Some(&choice.allowed), &mut rng, 60, None)
        && !repair(&mut sol, None, &mut rng, 300, None)
    {
        // Last resort: a deeper feasibility search.
        let r = search(c, &vec![0; n], &order, i64::MAX, 2_000_000, true);
        match r.best {
            Some((_, assign)) => sol = Sol::new(c, assign),
            None => return CompResult::Infeasible,
        }
    }
    // Cohort-day moves: up to 1 000 employees every choice of a unit's
    // cohort days that the estimate does not rule out (at most 3⁵ = 243)
    // is tried, with enough nodes to re-optimise the whole unit; beyond,
    // the 8 most promising by the estimate, with fewer nodes.
    let (slot_tries, slot_nodes) = slot_budget(n);
    if !out_of_time() {
        slot_moves(&mut sol, slot_tries, slot_nodes, deadline);
    }
    // A bound first, so that the search can stop as soon as it meets it.
    let lag_iters = (400_000 / n.max(1)).clamp(30, 3000);
    let mut lam = Vec::new();
    if sol.cost > lb && n <= 3000 && !out_of_time() {
        let cost0 = sol.cost;
        let (lag, l, primal) = {
            // The Lagrangian heuristic along the way on small components,
            // where a repair costs little; it lowers the target of the
            // steps, so the bound converges sooner (a 20-person week: 2 ms
            // instead of 4). Not beyond: at 100 people the different path
            // ended one worse on one benchmark week, and repairs cost more.
            let mut improve = |primal: &[u8]| {
                if n > LH_ALONG_MAX {
                    return None;
                }
                lagrangian_heuristic(&mut sol, primal, &choice.allowed, &mut rng);
                Some(sol.cost)
            };
            lagrangian_bound(c, cost0, lag_iters, &mut improve)
        };
        lb = lb.max(lag.min(sol.cost));
        lam = l;
        if sol.cost > lb {
            lagrangian_heuristic(&mut sol, &primal, &choice.allowed, &mut rng);
        }
    }
    // A short search first where that is cheap: it often reaches the
    // Lagrangian bound, and then the unit bound is not needed (on 50 × 2
    // this halves the time).
    if sol.cost > lb && n <= 1000 && !out_of_time() {
        lns(
            &mut sol,
            lb,
            &mut rng,
            (2000, 200),
            (7, 1500),
            deadline,
            cancel,
        );
    }
    // The unit bound: exact per unit, rules across units dropped. It
    // closes the integrality gaps that the Lagrangian prices cannot see.
    if sol.cost > lb && !out_of_time() {
        lb = lb.max(unit_bound(c, &sol.cur, UNIT_NODES, deadline));
    }
    if sol.cost > lb && !out_of_time() {
        // Mid-sized components get relatively more search: it is cheap
        // there and pays off.
        let iters = if n > 3000 {
            4 * n
        } else if n > 1000 {
            6 * n + 200
        } else {
            (20 * n).max(4000)
        };
        let stale = if n > 1000 {
            2 * n + 100
        } else {
            (6 * n).max(2000)
        };
        lns(
            &mut sol,
            lb,
            &mut rng,
            (iters, stale),
            (7, 1500),
            deadline,
            cancel,
        );
    }
    if sol.cost > lb && n <= 1000 && !out_of_time() {
        // Polish with larger neighbourhoods where that is affordable.
        lns(
            &mut sol,
            lb,
            &mut rng,
            (6 * n + 1000, 3 * n + 500),
            (12, 6000),
            deadline,
            cancel,
        );
    }
    if sol.cost > lb && !out_of_time() && !c.slot_unit.is_empty() {
        slot_moves(&mut sol, slot_tries, slot_nodes, deadline);
    }
    if sol.cost > lb && !out_of_time() {
        // (Again,) aimed at the better plan.
        let (lag, l, _) = lagrangian_bound(c, sol.cost, lag_iters, &mut |_| None);
        if lag > lb {
            lb = lag.min(sol.cost);
            lam = l;
        }
    }
    // Close the gap exactly where the component is small enough: branch
    // and bound with the Lagrangian prices, the current plan as incumbent.
    if sol.cost > lb && n <= 100 && !lam.is_empty() && !out_of_time() {
        let res = search_priced(c, &sol.cur, &order, sol.cost, 50_000, false, Some(&lam));
        if let Some((_, assign)) = res.best {
            sol = Sol::new(c, assign);
        }
        if res.complete {
            lb = sol.cost;
        }
    }
    let exact = sol.cost == lb;
    CompResult::Solved {
        assign: sol.cur.clone(),
        cost: sol.cost,
        lb,
        exact,
    }
}

/// Cohort-day moves' tries and nodes per try for a component of `n`.
pub(crate) fn slot_budget(n: usize) -> (usize, u64) {
    if n <= 1000 {
        (usize::MAX, 20_000)
    } else {
        (8, 3000)
    }
}

/// The Lagrangian heuristic: the relaxation's solution at the best prices
/// (each employee's onsite mask), repaired into a plan; taken when it is
/// cheaper than `sol`.
fn lagrangian_heuristic(sol: &mut Sol, primal: &[u8], allowed: &[u8], rng: &mut Rng) {
    let c = sol.c;
    let start: Vec<u16> = (0..c.emps.len())
        .map(|i| {
            c.pats[i]
                .iter()
                .position(|p| p.mask == primal[i])
                .map_or(0, |k| k as u16)
        })
        .collect();
    let mut cand = Sol::new(c, start);
    if cand.viol > 0 && !repair(&mut cand, Some(allowed), rng, 20, None) {
        return;
    }
    if cand.cost < sol.cost {
        *sol = cand;
    }
}

/// How the search is driven: the exhaustive search's first budget, the
/// seed, and the anytime search's work budget (none: no anytime phase).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Drive {
    pub exact_nodes: u64,
    pub seed: u64,
    pub work: Option<u64>,
}

/// One component's answer.
#[derive(Clone)]
struct CompOut {
    assign: Vec<u16>,
    cost: i64,
    lb: i64,
    exact: bool,
}

struct WeekResult {
    comps: Vec<Comp>,
    outs: Vec<CompOut>,
    infeasible: Option<Vec<usize>>,
}

/// Runs `job(i)` for `i` in `0..jobs` on up to two threads; the results in
/// index order (so they do not depend on scheduling), or `None` if a thread
/// failed.
fn run_parallel<T: Send>(jobs: usize, job: &(dyn Fn(usize) -> T + Sync)) -> Option<Vec<T>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .clamp(1, 2)
        .min(jobs);
    let mut results: Vec<(usize, T)> = Vec::with_capacity(jobs);
    if workers <= 1 {
        results.extend((0..jobs).map(|i| (i, job(i))));
    } else {
        let next = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            if i >= jobs {
                                break;
                            }
                            mine.push((i, job(i)));
                        }
                        mine
                    })
                })
                .collect();
            for h in handles {
                if let Ok(mine) = h.join() {
                    results.extend(mine);
                }
            }
        });
    }
    results.sort_by_key(|r| r.0);
    (results.len() == jobs).then(|| results.into_iter().map(|r| r.1).collect())
}

/// The seed of a component's search: its week, its first employee and the
/// caller's seed (seed 0 gives the search of earlier versions).
fn comp_seed(w: usize, c: &Comp, seed: u64) -> u64 {
    ((w as u64) << 32 ^ c.emps.first().copied().unwrap_or(0) as u64)
        ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

pub(crate) fn solve_model(m: &Model, opts: &SolveOptions, drive: Drive) -> Output {
    let start = Instant::now();
    let deadline = opts.time_limit.map(|t| start + t);
    let cancel_flag = opts.cancel.clone();
    let cancel = move || {
        cancel_flag
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    };
    let report = |done: u64, total: u64, best: Option<i64>| {
        if let Some(p) = &opts.progress {
            p(Progress {
                done,
                total,
                best_cost: best,
            });
        }
    };

    let pre = prechecks(m);
    if !pre.is_empty() {
        return infeasible(pre);
    }
    let n = m.emps.len();
    let total = (n * m.weeks.len()) as u64;
    report(0, total, None);
    let done = AtomicU64::new(0);
    let nweeks = m.weeks.len();
    // Weeks are independent: solve them on up to two threads. Each week's
    // result depends only on its own data, so the answer is deterministic.
    let solve_week = |w: usize| -> WeekResult {
        let none = BTreeSet::new();
        let wb = build_week(m, w, None, &none);
        let mut r = WeekResult {
            comps: Vec::new(),
            outs: Vec::new(),
            infeasible: None,
        };
        for c in &wb.comps {
            let seed = comp_seed(w, c, drive.seed);
            match solve_comp(
                c,
                m.weeks[w].len(),
                deadline,
                &cancel,
                seed,
                drive.exact_nodes,
            ) {
                CompResult::Solved {
                    assign,
                    cost,
                    lb,
                    exact,
                } => r.outs.push(CompOut {
                    assign,
                    cost,
                    lb,
                    exact,
                }),
                CompResult::Infeasible => {
                    r.infeasible = Some(c.emps.clone());
                    return r;
                }
            }
            let d = done.fetch_add(c.emps.len() as u64, Ordering::Relaxed) + c.emps.len() as u64;
            report(d, total, None);
        }
        r.comps = wb.comps;
        r
    };
    let Some(mut results) = run_parallel(nweeks, &solve_week) else {
        return infeasible(vec![String::from("internal error: a worker thread failed")]);
    };
    for (w, r) in results.iter().enumerate() {
        if let Some(emps) = &r.infeasible {
            let budget = Instant::now() + Duration::from_secs(30);
            let limit = deadline.map_or(budget, |d| {
                d.max(Instant::now() + Duration::from_millis(500))
                    .min(budget)
            });
            let (msgs, _) = explain(m, w, emps, limit);
            return infeasible(msgs);
        }
    }
    if let Some(work) = drive.work {
        if !improve_all(&mut results, work, drive.seed, deadline, &cancel, &|best| {
            report(total, total, Some(best))
        }) {
            return infeasible(vec![String::from("internal error: a worker thread failed")]);
        }
    }
    let mut masks: Vec<Vec<u8>> = vec![vec![0; nweeks]; n];
    let mut cost = 0i64;
    let mut lb = 0i64;
    let mut all_exact = true;
    for (w, r) in results.iter().enumerate() {
        for (c, o) in r.comps.iter().zip(&r.outs) {
            for (i, &e) in c.emps.iter().enumerate() {
                masks[e][w] = c.pats[i].get(o.assign[i] as usize).map_or(0, |p| p.mask);
            }
            cost += o.cost;
            lb += o.lb;
            all_exact &= o.exact;
        }
    }
    report(total, total, Some(cost));
    let mut plan: Plan = BTreeMap::new();
    for (e, emp) in m.emps.iter().enumerate() {
        let mut days = BTreeMap::new();
        for (w, wdays) in m.weeks.iter().enumerate() {
            for (p, &d) in wdays.iter().enumerate() {
                let st = if emp.absent.binary_search(&d).is_ok() {
                    State::Absent
                } else if masks[e][w] & (1 << p) != 0 {
                    State::Onsite
                } else {
                    State::Remote
                };
                days.insert(m.day_label[d].clone(), st);
            }
        }
        plan.insert(emp.id.clone(), days);
    }
    Output {
        status: if all_exact {
            Status::Optimal
        } else {
            Status::Feasible
        },
        cost,
        lower_bound: Some(lb),
        plan,
        conflicts: Vec::new(),
    }
}

/// The anytime phase: every component left with a gap gets a share of
/// `work` in proportion to its number of employees and is improved by
/// [`anytime`]. Each component's search depends only on its data, its seed
/// and its share, so the answer does not depend on the threads. Reports the
/// plan's total cost after each improved component. False if a thread
/// failed.
fn improve_all(
    results: &mut [WeekResult],
    work: u64,
    seed: u64,
    deadline: Option<Instant>,
    cancel: &(dyn Fn() -> bool + Sync),
    report: &(dyn Fn(i64) + Sync),
) -> bool {
    let jobs: Vec<(usize, usize)> = results
        .iter()
        .enumerate()
        .flat_map(|(w, r)| {
            r.outs
                .iter()
                .enumerate()
                .filter(|(_, o)| !o.exact && o.cost > o.lb)
                .map(move |(ci, _)| (w, ci))
        })
        .collect();
    let people: u64 = jobs
        .iter()
        .map(|&(w, ci)| results[w].comps[ci].emps.len() as u64)
        .sum();
    if jobs.is_empty() || people == 0 || work == 0 {
        return true;
    }
    let start_cost: i64 = results.iter().flat_map(|r| &r.outs).map(|o| o.cost).sum();
    let total = std::sync::atomic::AtomicI64::new(start_cost);
    let view: &[WeekResult] = results;
    let job = |j: usize| -> CompOut {
        let (w, ci) = jobs[j];
        let c = &view[w].comps[ci];
        let o = &view[w].outs[ci];
        let share = (u128::from(work) * c.emps.len() as u128 / u128::from(people)) as u64;
        let mut sol = Sol::new(c, o.assign.clone());
        let mut rng = Rng::new(comp_seed(w, c, seed) ^ 0xA17E_5EA2_C4A1_7E5B);
        // A quarter of the share for the unit bound with larger budgets:
        // a unit that the first, small budget could not solve often needs
        // only more nodes, and a bound that meets the plan ends the search.
        let mut lb = o.lb;
        let bound_work = share / 4;
        let units = c.unit.iter().collect::<BTreeSet<_>>().len() as u64;
        let per_unit = bound_work / (units.max(1) * UNIT_WORK_PER_NODE);
        if per_unit > UNIT_NODES {
            lb = lb.max(unit_bound(c, &sol.cur, per_unit, deadline).min(o.cost));
        }
        anytime(&mut sol, lb, &mut rng, share - bound_work, deadline, cancel);
        if sol.cost < o.cost {
            let now = total.fetch_sub(o.cost - sol.cost, Ordering::Relaxed) - (o.cost - sol.cost);
            report(now);
        }
        CompOut {
            cost: sol.cost,
            exact: sol.cost == lb,
            assign: sol.cur,
            lb,
        }
    };
    let Some(outs) = run_parallel(jobs.len(), &job) else {
        return false;
    };
    for (&(w, ci), o) in jobs.iter().zip(outs) {
        let old = &results[w].outs[ci];
        if o.cost <= old.cost && o.lb >= old.lb {
            results[w].outs[ci] = o;
        }
    }
    true
}

pub(crate) fn infeasible(conflicts: Vec<String>) -> Output {
    Output {
        status: Status::Infeasible,
        cost: 0,
        lower_bound: None,
        plan: BTreeMap::new(),
        conflicts,
    }
}
