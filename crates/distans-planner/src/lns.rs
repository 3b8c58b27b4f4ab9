//! The search steps on a [`Sol`]: repair to feasibility, large-neighbourhood
//! search with the exact search as its repair step, and single-slot moves.

use crate::cohort::cohort_day_choices;
use crate::comp::Comp;
use crate::exact::{bits_of, search};
use crate::local::{Rng, Sol};
use std::time::Instant;

/// Penalty-weighted best-response descent with random restarts of the
/// stuck employees. Returns true when all hard constraints hold.
pub(crate) fn repair(
    sol: &mut Sol,
    allowed: Option<&[u8]>,
    rng: &mut Rng,
    max_rounds: usize,
    deadline: Option<Instant>,
) -> bool {
    let n = sol.c.emps.len();
    let mut weight: i64 = 1000;
    for round in 0..max_rounds {
        if sol.viol == 0 {
            return true;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return false;
        }
        let mut improved = false;
        let cand: Vec<usize> = (0..n).filter(|&i| sol.in_violation(i)).collect();
        for &i in &cand {
            let mut best = (0i64, sol.cur[i]);
            let al = allowed.and_then(|a| a.get(i).copied()).unwrap_or(0xff);
            for k in 0..sol.c.pats[i].len() as u16 {
                if k == sol.cur[i] || sol.c.pats[i][k as usize].mask & !al != 0 {
                    continue;
                }
                let (dc, dv) = sol.delta(i, k);
                let score = dc + weight * dv;
                if score < best.0 {
                    best = (score, k);
                }
            }
            if best.1 != sol.cur[i] {
                sol.apply(i, best.1);
                improved = true;
            }
        }
        if !improved {
            // Plateau: move a few random violating employees to a random
            // pattern that does not increase the violation, and weigh
            // feasibility more.
            weight = weight.saturating_mul(2).min(1 << 40);
            let moves = 1 + cand.len() / 8;
            for _ in 0..moves {
                let i = cand[rng.below(cand.len())];
                let np = sol.c.pats[i].len();
                let k = rng.below(np) as u16;
                let al = allowed.and_then(|a| a.get(i).copied()).unwrap_or(0xff);
                if sol.c.pats[i][k as usize].mask & !al != 0 {
                    continue;
                }
                let (_, dv) = sol.delta(i, k);
                if dv <= 0 || round % 3 == 2 {
                    sol.apply(i, k);
                }
            }
        }
    }
    sol.viol == 0
}

/// Builds neighbourhoods and re-optimises them exactly; shared by [`lns`]
/// and the anytime search of [`crate::anytime`].
pub(crate) struct Hoods {
    /// Employees grouped by cohort slot (units with cohorts).
    slot_members: Vec<Vec<u32>>,
    in_set: Vec<bool>,
    row_map: Vec<u32>,
}

/// What re-optimising a neighbourhood did.
pub(crate) struct Step {
    /// The neighbourhood's cost before and after (equal when nothing
    /// better or equal was found).
    pub before: i64,
    pub after: i64,
    /// Search nodes used.
    pub nodes: u64,
}

impl Hoods {
    pub(crate) fn new(c: &Comp) -> Hoods {
        let n = c.emps.len();
        let mut slot_members: Vec<Vec<u32>> = vec![Vec::new(); c.slot_unit.len()];
        for i in 0..n {
            if let Some((s, _)) = c.coh[i] {
                slot_members[s as usize].push(i as u32);
            }
        }
        Hoods {
            slot_members,
            in_set: vec![false; n],
            row_map: vec![u32::MAX; c.rows.len()],
        }
    }

    /// A neighbourhood of about `big_k` employees around a random seed (the
    /// seed first): directed (colleagues who could take over the tight
    /// rule-day that keeps the seed from a cheaper pattern), the seed's
    /// unit, or random partners through shared rules.
    pub(crate) fn pick(&mut self, sol: &Sol, rng: &mut Rng, big_k: usize) -> Vec<u32> {
        let c = sol.c;
        let n = c.emps.len();
        let in_set = &mut self.in_set;
        // Seed: prefer an employee who is not at their cheapest pattern.
        let mut seed = rng.below(n);
        for _ in 0..8 {
            if sol.cur[seed] != 0 {
                break;
            }
            seed = rng.below(n);
        }
        let mut set: Vec<u32> = vec![seed as u32];
        in_set[seed] = true;
        let kind = rng.below(4);
        if kind >= 2 && sol.cur[seed] != 0 {
            // Directed: what keeps the seed from a cheaper pattern? Rows
            // that would break; add members who could take over.
            let cur_mask = sol.mask(seed);
            let cur_cost = c.pats[seed][sol.cur[seed] as usize].cost;
            for k in 0..(sol.cur[seed] as usize).min(3) {
                let pm = c.pats[seed][k].mask;
                if c.pats[seed][k].cost >= cur_cost {
                    break;
                }
                for &r in &c.emp_rows[seed] {
                    let row = &c.rows[r as usize];
                    // Coverage: the seed would leave a tight day.
                    let (days, want_on) = if row.cov {
                        (row.days & cur_mask & !pm, false)
                    } else {
                        (row.days & pm & !cur_mask, true)
                    };
                    for p in bits_of(days) {
                        let tight = if row.cov {
                            sol.cnt[r as usize * 5 + p] <= row.bound[p]
                        } else {
                            sol.cnt[r as usize * 5 + p] >= row.bound[p]
                        };
                        if !tight {
                            continue;
                        }
                        let mem = &row.members;
                        let mut found = 0;
                        for _ in 0..24 {
                            if set.len() > big_k || found >= 2 {
                                break;
                            }
                            let j = mem[rng.below(mem.len())] as usize;
                            if in_set[j] {
                                continue;
                            }
                            let on = sol.mask(j) & (1 << p) != 0;
                            // A substitute: remote there but able to come in
                            // (coverage), or onsite but able to stay home
                            // (capacity).
                            let ok = if want_on {
                                on && c.all[j] & (1 << p) == 0
                            } else {
                                !on && c.any[j] & (1 << p) != 0
                            };
                            if ok {
                                in_set[j] = true;
                                set.push(j as u32);
                                found += 1;
                            }
                        }
                    }
                }
            }
        } else if kind == 0 && c.coh[seed].is_some() {
            // The seed's unit (cohort slot): allows a day to change cohort.
            if let Some((s, _)) = c.coh[seed] {
                let mem = &self.slot_members[s as usize];
                let take = if mem.len() <= 12 {
                    mem.len()
                } else {
                    big_k + 2
                };
                for _ in 0..take * 3 {
                    if set.len() >= take {
                        break;
                    }
                    let j = mem[rng.below(mem.len())];
                    if !in_set[j as usize] {
                        in_set[j as usize] = true;
                        set.push(j);
                    }
                }
            }
        } else {
            // Random partners from rows (and the cohort slot) of set members.
            for _ in 0..big_k * 4 {
                if set.len() >= big_k {
                    break;
                }
                let a = set[rng.below(set.len())] as usize;
                let rows = &c.emp_rows[a];
                let pick_slot = c.coh[a].is_some() && (rows.is_empty() || rng.below(3) == 0);
                let j = if pick_slot {
                    match c.coh[a] {
                        Some((s, _)) => {
                            let mem = &self.slot_members[s as usize];
                            mem[rng.below(mem.len())]
                        }
                        None => continue,
                    }
                } else if rows.is_empty() {
                    continue;
                } else {
                    let r = rows[rng.below(rows.len())] as usize;
                    let mem = &c.rows[r].members;
                    mem[rng.below(mem.len())]
                };
                if !in_set[j as usize] {
                    in_set[j as usize] = true;
                    set.push(j);
                }
            }
        }
        for &j in &set {
            in_set[j as usize] = false;
        }
        set
    }

    /// Re-optimises `set` exactly (at most `nodes` nodes) with everyone
    /// else fixed and applies the best plan found of cost at most the
    /// current one plus `slack` (equal cost is a sideways move). With
    /// `force`, the first member of `set` must leave its current pattern (a
    /// kick that diversifies the search; the plan may get worse by up to
    /// `slack`). The plan stays feasible.
    pub(crate) fn reopt(
        &mut self,
        sol: &mut Sol,
        mut set: Vec<u32>,
        nodes: u64,
        slack: i64,
        force: bool,
    ) -> Step {
        let c = sol.c;
        let forced = set.first().copied().filter(|_| force);
        set.sort_by_key(|&j| (c.pats[j as usize].len(), j));
        let cur_cost: i64 = set
            .iter()
            .map(|&j| c.pats[j as usize][sol.cur[j as usize] as usize].cost)
            .sum();
        let (mut mini, mut back) = sol.restrict(&set, &mut self.row_map);
        if let Some(f) = forced {
            if let Some(q) = set.iter().position(|&j| j == f) {
                let cur = sol.cur[f as usize];
                let keep: Vec<usize> = (0..mini.pats[q].len())
                    .filter(|&k| back[q][k] != cur)
                    .collect();
                mini.pats[q] = keep.iter().map(|&k| mini.pats[q][k]).collect();
                back[q] = keep.iter().map(|&k| back[q][k]).collect();
                mini.any[q] = mini.pats[q].iter().fold(0, |a, p| a | p.mask);
                mini.all[q] = if mini.pats[q].is_empty() {
                    0
                } else {
                    mini.pats[q].iter().fold(0xff, |a, p| a & p.mask)
                };
            }
        }
        let free: Vec<u32> = (0..set.len() as u32).collect();
        let zeros = vec![0u16; set.len()];
        let res = search(
            &mini,
            &zeros,
            &free,
            cur_cost.saturating_add(slack + 1),
            nodes,
            false,
        );
        let mut after = cur_cost;
        if let Some((bc, assign)) = res.best {
            for (q, &j) in set.iter().enumerate() {
                let k = back[q][assign[q] as usize];
                if k != sol.cur[j as usize] {
                    sol.apply(j as usize, k);
                }
            }
            after = bc;
        }
        Step {
            before: cur_cost,
            after,
            nodes: res.nodes,
        }
    }
}

/// Large-neighbourhood search. `sol` must be feasible and stays feasible.
/// Stops when `sol.cost == lb`, after `max_iters` neighbourhoods, after
/// `max_stale` neighbourhoods without improvement, or at `deadline`.
/// Neighbourhoods have about `k` employees, searched with `nodes` nodes.
#[allow(clippy::too_many_arguments)]
pub(crate) fn lns(
    sol: &mut Sol,
    lb: i64,
    rng: &mut Rng,
    (max_iters, max_stale): (usize, usize),
    (k, nodes): (usize, u64),
    deadline: Option<Instant>,
    cancel: &dyn Fn() -> bool,
) {
    if sol.c.emps.is_empty() {
        return;
    }
    let mut hoods = Hoods::new(sol.c);
    let mut stale = 0;
    for it in 0..max_iters {
        if sol.cost <= lb || stale >= max_stale {
            break;
        }
        if it % 16 == 0 && (deadline.is_some_and(|d| Instant::now() >= d) || cancel()) {
            break;
        }
        let set = hoods.pick(sol, rng, k);
        // Equal cost is accepted too (a sideways move): it changes the plan
        // and so the next neighbourhoods, which leads off plateaus; only a
        // strict improvement resets the stale count.
        let step = hoods.reopt(sol, set, nodes, 0, false);
        if step.after < step.before {
            stale = 0;
        } else {
            stale += 1;
        }
    }
}

/// Per cohort slot: every member of its unit (with or without a cohort),
/// cohort members first.
fn unit_members(c: &Comp) -> Vec<Vec<u32>> {
    let n = c.emps.len();
    let mut out: Vec<Vec<u32>> = vec![Vec::new(); c.slot_unit.len()];
    for i in 0..n {
        if let Some((s, _)) = c.coh[i] {
            out[s as usize].push(i as u32);
        }
    }
    for i in 0..n {
        if c.coh[i].is_none() {
            if let Some(s) = c.slot_unit.iter().position(|&u| u == c.unit[i]) {
                out[s].push(i as u32);
            }
        }
    }
    out
}

/// Cohort-day moves: for each unit with cohorts, try the most promising
/// cohort-day choices (by the members' cheapest patterns within them, at
/// most `tries`) and re-optimise the unit's members (those without a cohort
/// too) exactly under each choice, everyone else fixed. Accepts strict
/// improvements; keeps feasibility. Returns the search nodes used.
pub(crate) fn slot_moves(
    sol: &mut Sol,
    tries: usize,
    limit: u64,
    deadline: Option<Instant>,
) -> u64 {
    let c = sol.c;
    let n = c.emps.len();
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); c.slot_unit.len()];
    for i in 0..n {
        if let Some((s, _)) = c.coh[i] {
            members[s as usize].push(i as u32);
        }
    }
    // The unit's members without a cohort are re-optimised with the others
    // (free of the cohort days): the unit's own coverage rules often need
    // them to move when the cohorts' days change.
    let with_free = unit_members(c);
    let mut row_map: Vec<u32> = vec![u32::MAX; c.rows.len()];
    let mut used = 0u64;
    for (s, mem) in members.iter().enumerate() {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return used;
        }
        let Some(cands) = cohort_day_choices(c, s, mem) else {
            continue;
        };
        let open = !c.slot_days[s] & 31;
        let cur_cost = |sol: &Sol, set: &[u32]| -> i64 {
            set.iter()
                .map(|&j| c.pats[j as usize][sol.cur[j as usize] as usize].cost)
                .sum()
        };
        let set = &with_free[s];
        // The members without a cohort cost at least their cheapest.
        let free_min: i64 = set
            .iter()
            .filter(|&&j| c.coh[j as usize].is_none())
            .map(|&j| c.pats[j as usize].first().map_or(0, |p| p.cost))
            .sum();
        for (est, cm) in cands.into_iter().take(tries) {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return used;
            }
            let now = cur_cost(sol, set);
            if est + free_min >= now {
                break;
            }
            let (mut mini, back) = sol.restrict(set, &mut row_map);
            let allowed: Vec<u8> = set
                .iter()
                .map(|&i| match c.coh[i as usize] {
                    Some((_, co)) => cm[co as usize] | open,
                    None => 0xff,
                })
                .collect();
            let kept = mini.keep_within(&allowed);
            let backs: Vec<Vec<u16>> = kept
                .iter()
                .zip(&back)
                .map(|(k, b)| k.iter().map(|&x| b[x as usize]).collect())
                .collect();
            let free: Vec<u32> = (0..set.len() as u32).collect();
            let zeros = vec![0u16; set.len()];
            let res = search(&mini, &zeros, &free, now, limit, false);
            used += res.nodes;
            if let Some((_, assign)) = res.best {
                for (q, &j) in set.iter().enumerate() {
                    let k = backs[q][assign[q] as usize];
                    if k != sol.cur[j as usize] {
                        sol.apply(j as usize, k);
                    }
                }
            }
        }
    }
    used
}
