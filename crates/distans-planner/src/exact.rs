//! Depth-first branch and bound over the employees' weekly patterns.
//!
//! Used three ways: to solve a whole small component exactly (a completed
//! search proves optimality or infeasibility), as the feasibility oracle of the
//! conflict minimiser, and as the exact repair step of the large-neighbourhood
//! search (a subset of employees is re-optimised, everyone else fixed).
//!
//! Pruning is sound: the cost bound adds each unassigned employee's cheapest
//! pattern, a coverage row is dropped when even all unassigned members that
//! can be onsite would not reach the minimum, a capacity row when the members
//! that must be onsite already exceed it, a cohort slot when two cohorts would
//! be (or must be) onsite the same day.

use crate::comp::{Comp, Pat};

/// Largest number of free employees searched (recursion depth).
pub(crate) const MAX_DEPTH: usize = 2500;

pub(crate) struct BnbResult {
    /// Best full assignment found (pattern index per local employee) and its
    /// cost over the free employees.
    pub best: Option<(i64, Vec<u16>)>,
    /// The search space was exhausted: `best` is optimal, or none exists.
    pub complete: bool,
    /// Nodes visited (the unit of work of the anytime search).
    pub nodes: u64,
}

struct Bnb<'a> {
    c: &'a Comp,
    order: Vec<u32>,
    cur: Vec<u16>,
    cnt: Vec<i64>,
    rem_any: Vec<i64>,
    rem_all: Vec<i64>,
    coh: Vec<i64>,
    coh_rem_all: Vec<i64>,
    /// Per row: onsite days so far summed over its days, the unassigned
    /// members' fewest / most possible onsite days on them, and the summed
    /// bound (a pigeonhole check across the week).
    agg: Vec<i64>,
    agg_min: Vec<i64>,
    agg_max: Vec<i64>,
    bound_sum: Vec<i64>,
    /// Per employee, aligned with `emp_rows`: fewest / most onsite days.
    row_min: Vec<Vec<i64>>,
    row_max: Vec<Vec<i64>>,
    suffix_min: Vec<i64>,
    /// Lagrangian bound: multipliers per row-day, the free employees'
    /// cheapest priced pattern (suffix sums), Σ λ·bound and Σ λ·count so far.
    lam: Option<&'a [f64]>,
    suffix_priced: Vec<f64>,
    lam_bound: f64,
    lam_cnt: f64,
    best: i64,
    best_assign: Option<Vec<u16>>,
    nodes: u64,
    limit: u64,
    stop_at_first: bool,
    aborted: bool,
    found: bool,
}

fn bits(mut m: u8) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if m == 0 {
            None
        } else {
            let p = m.trailing_zeros() as usize;
            m &= m - 1;
            Some(p)
        }
    })
}

/// The order in which a whole component is searched: cohort members slot
/// by slot (so separation prunes early), fewest patterns first.
pub(crate) fn search_order(c: &Comp) -> Vec<u32> {
    let mut order: Vec<u32> = (0..c.emps.len() as u32).collect();
    order.sort_by_key(|&i| {
        (
            c.coh[i as usize].map_or(u32::MAX, |x| x.0),
            c.pats[i as usize].len(),
            i,
        )
    });
    order
}

/// Searches the patterns of `free` (local indices) with every other employee
/// fixed at `cur`. Only solutions with free cost `< bound` are accepted.
/// `stop_at_first`: a feasibility question.
pub(crate) fn search(
    c: &Comp,
    cur: &[u16],
    free: &[u32],
    bound: i64,
    limit: u64,
    stop_at_first: bool,
) -> BnbResult {
    search_priced(c, cur, free, bound, limit, stop_at_first, None)
}

/// [`search`] with Lagrangian multipliers (per row and week position, as
/// from [`crate::cohort::lagrangian_bound`]) for a stronger cost bound.
pub(crate) fn search_priced<'a>(
    c: &'a Comp,
    cur: &[u16],
    free: &[u32],
    bound: i64,
    limit: u64,
    stop_at_first: bool,
    lam: Option<&'a [f64]>,
) -> BnbResult {
    let n = c.emps.len();
    // An employee without any pattern makes the subproblem infeasible.
    if free
        .iter()
        .any(|&i| c.pats.get(i as usize).is_none_or(Vec::is_empty))
    {
        return BnbResult {
            best: None,
            complete: true,
            nodes: 0,
        };
    }
    // The search recurses once per free employee; keep the stack small.
    if free.len() > MAX_DEPTH {
        return BnbResult {
            best: None,
            complete: false,
            nodes: 0,
        };
    }
    let mut is_free = vec![false; n];
    for &i in free {
        if let Some(f) = is_free.get_mut(i as usize) {
            *f = true;
        }
    }
    let nr = c.rows.len() * 5;
    let mut b = Bnb {
        c,
        order: free.to_vec(),
        cur: cur.to_vec(),
        cnt: vec![0; nr],
        rem_any: vec![0; nr],
        rem_all: vec![0; nr],
        coh: vec![0; c.coh_len],
        coh_rem_all: vec![0; c.coh_len],
        agg: vec![0; c.rows.len()],
        agg_min: vec![0; c.rows.len()],
        agg_max: vec![0; c.rows.len()],
        bound_sum: c
            .rows
            .iter()
            .map(|r| bits(r.days).map(|p| r.bound[p]).sum())
            .collect(),
        row_min: vec![Vec::new(); n],
        row_max: vec![Vec::new(); n],
        suffix_min: vec![0; free.len() + 1],
        lam,
        suffix_priced: vec![0.0; free.len() + 1],
        lam_bound: 0.0,
        lam_cnt: 0.0,
        best: bound,
        best_assign: None,
        nodes: 0,
        limit,
        stop_at_first,
        aborted: false,
        found: false,
    };
    for i in 0..n {
        let (add, all, is_fixed) = if is_free[i] {
            (c.any[i], c.all[i], false)
        } else {
            let m = c.pats[i].get(cur[i] as usize).map_or(0, |p| p.mask);
            (m, m, true)
        };
        for &r in &c.emp_rows[i] {
            let row = &c.rows[r as usize];
            if is_fixed {
                b.agg[r as usize] += i64::from((add & row.days).count_ones());
            } else {
                let ons = c.pats[i]
                    .iter()
                    .map(|p| i64::from((p.mask & row.days).count_ones()));
                let lo = ons.clone().min().unwrap_or(0);
                let hi = ons.max().unwrap_or(0);
                b.row_min[i].push(lo);
                b.row_max[i].push(hi);
                b.agg_min[r as usize] += lo;
                b.agg_max[r as usize] += hi;
            }
            for p in bits(row.days) {
                let k = r as usize * 5 + p;
                if is_fixed {
                    if add & (1 << p) != 0 {
                        b.cnt[k] += 1;
                    }
                } else {
                    if add & (1 << p) != 0 {
                        b.rem_any[k] += 1;
                    }
                    if all & (1 << p) != 0 {
                        b.rem_all[k] += 1;
                    }
                }
            }
        }
        if let Some((s, co)) = c.coh[i] {
            for p in bits(c.slot_days[s as usize]) {
                let k = c.coh_idx(s, co, p);
                if is_fixed {
                    if add & (1 << p) != 0 {
                        b.coh[k] += 1;
                    }
                } else if all & (1 << p) != 0 {
                    b.coh_rem_all[k] += 1;
                }
            }
        }
    }
    // Rows touched by free employees must be satisfiable at the root.
    let mut touched = vec![false; c.rows.len()];
    let mut slot_touched = vec![false; c.slot_unit.len()];
    for &i in free {
        for &r in &c.emp_rows[i as usize] {
            touched[r as usize] = true;
        }
        if let Some((s, _)) = c.coh[i as usize] {
            slot_touched[s as usize] = true;
        }
    }
    for (r, row) in c.rows.iter().enumerate() {
        if !touched[r] {
            continue;
        }
        let bad = if row.cov {
            b.agg[r] + b.agg_max[r] < b.bound_sum[r]
        } else {
            b.agg[r] + b.agg_min[r] > b.bound_sum[r]
        };
        if bad {
            return BnbResult {
                best: None,
                complete: true,
                nodes: 0,
            };
        }
        for p in bits(row.days) {
            let k = r * 5 + p;
            let bad = if row.cov {
                b.cnt[k] + b.rem_any[k] < row.bound[p]
            } else {
                b.cnt[k] + b.rem_all[k] > row.bound[p]
            };
            if bad {
                return BnbResult {
                    best: None,
                    complete: true,
                    nodes: 0,
                };
            }
        }
    }
    for s in 0..c.slot_unit.len() {
        if !slot_touched[s] {
            continue;
        }
        for p in bits(c.slot_days[s]) {
            let mut present = 0;
            for co in 0..c.slot_ncoh[s] {
                let k = c.coh_idx(s as u32, co, p);
                if b.coh[k] + b.coh_rem_all[k] > 0 {
                    present += 1;
                }
            }
            if present > 1 {
                return BnbResult {
                    best: None,
                    complete: true,
                    nodes: 0,
                };
            }
        }
    }
    for d in (0..free.len()).rev() {
        let i = free[d] as usize;
        b.suffix_min[d] = b.suffix_min[d + 1] + c.pats[i].first().map_or(0, |p| p.cost);
    }
    if let Some(lam) = lam {
        for (r, row) in c.rows.iter().enumerate() {
            for p in bits(row.days) {
                let l = lam.get(r * 5 + p).copied().unwrap_or(0.0);
                let sign = if row.cov { 1.0 } else { -1.0 };
                b.lam_bound += sign * l * row.bound[p] as f64;
                b.lam_cnt += sign * l * b.cnt[r * 5 + p] as f64;
            }
        }
        for d in (0..free.len()).rev() {
            let i = free[d] as usize;
            let m = c.pats[i]
                .iter()
                .map(|p| p.cost as f64 - b.priced_gain(i, p.mask))
                .fold(f64::INFINITY, f64::min);
            b.suffix_priced[d] = b.suffix_priced[d + 1] + m;
        }
    }
    b.dfs(0, 0);
    BnbResult {
        best: b.best_assign.map(|a| (b.best, a)),
        complete: !b.aborted,
        nodes: b.nodes,
    }
}

impl Bnb<'_> {
    /// Σ over the employee's rows of λ (coverage) or −μ (capacity) for the
    /// onsite days of `mask`.
    fn priced_gain(&self, i: usize, mask: u8) -> f64 {
        let Some(lam) = self.lam else { return 0.0 };
        let mut g = 0.0;
        for &r in &self.c.emp_rows[i] {
            let row = &self.c.rows[r as usize];
            for p in bits(row.days & mask) {
                let l = lam.get(r as usize * 5 + p).copied().unwrap_or(0.0);
                g += if row.cov { l } else { -l };
            }
        }
        g
    }

    fn dfs(&mut self, depth: usize, cost: i64) {
        if cost + self.suffix_min[depth] >= self.best {
            return;
        }
        if self.lam.is_some() {
            let lb = cost as f64 + self.suffix_priced[depth] + self.lam_bound - self.lam_cnt;
            // Costs are integers: a better solution costs at most best − 1.
            if lb > (self.best - 1) as f64 + 1e-6 {
                return;
            }
        }
        if depth == self.order.len() {
            self.best = cost;
            self.best_assign = Some(self.cur.clone());
            self.found = true;
            return;
        }
        self.nodes += 1;
        if self.nodes > self.limit {
            self.aborted = true;
            return;
        }
        let c = self.c;
        let i = self.order[depth] as usize;
        let any = c.any[i];
        let all = c.all[i];
        for (j, &r) in c.emp_rows[i].iter().enumerate() {
            let row = &c.rows[r as usize];
            self.agg_min[r as usize] -= self.row_min[i].get(j).copied().unwrap_or(0);
            self.agg_max[r as usize] -= self.row_max[i].get(j).copied().unwrap_or(0);
            for p in bits(row.days & any) {
                self.rem_any[r as usize * 5 + p] -= 1;
            }
            for p in bits(row.days & all) {
                self.rem_all[r as usize * 5 + p] -= 1;
            }
        }
        let coh = c.coh[i];
        if let Some((s, co)) = coh {
            for p in bits(c.slot_days[s as usize] & all) {
                self.coh_rem_all[c.coh_idx(s, co, p)] -= 1;
            }
        }
        let rest = self.suffix_min[depth + 1];
        for (k, pat) in c.pats[i].iter().enumerate() {
            if cost + pat.cost + rest >= self.best {
                break;
            }
            let m = pat.mask;
            let mut ok = true;
            for &r in &c.emp_rows[i] {
                let row = &c.rows[r as usize];
                for p in bits(row.days & m) {
                    self.cnt[r as usize * 5 + p] += 1;
                }
                let ru = r as usize;
                self.agg[ru] += i64::from((row.days & m).count_ones());
                if ok {
                    let bad = if row.cov {
                        self.agg[ru] + self.agg_max[ru] < self.bound_sum[ru]
                    } else {
                        self.agg[ru] + self.agg_min[ru] > self.bound_sum[ru]
                    };
                    if bad {
                        ok = false;
                    }
                }
                if ok {
                    if row.cov {
                        for p in bits(row.days & any) {
                            let q = r as usize * 5 + p;
                            if self.cnt[q] + self.rem_any[q] < row.bound[p] {
                                ok = false;
                            }
                        }
                    } else {
                        for p in bits(row.days & m) {
                            let q = r as usize * 5 + p;
                            if self.cnt[q] + self.rem_all[q] > row.bound[p] {
                                ok = false;
                            }
                        }
                    }
                }
            }
            if let Some((s, co)) = coh {
                let on = c.slot_days[s as usize] & m;
                for p in bits(on) {
                    self.coh[c.coh_idx(s, co, p)] += 1;
                    if ok {
                        for o in 0..c.slot_ncoh[s as usize] {
                            if o != co {
                                let q = c.coh_idx(s, o, p);
                                if self.coh[q] + self.coh_rem_all[q] > 0 {
                                    ok = false;
                                }
                            }
                        }
                    }
                }
            }
            if ok {
                self.cur[i] = k as u16;
                let g = if self.lam.is_some() {
                    self.priced_gain(i, m)
                } else {
                    0.0
                };
                self.lam_cnt += g;
                self.dfs(depth + 1, cost + pat.cost);
                self.lam_cnt -= g;
            }
            for &r in &c.emp_rows[i] {
                let row = &c.rows[r as usize];
                for p in bits(row.days & m) {
                    self.cnt[r as usize * 5 + p] -= 1;
                }
                self.agg[r as usize] -= i64::from((row.days & m).count_ones());
            }
            if let Some((s, co)) = coh {
                for p in bits(c.slot_days[s as usize] & m) {
                    self.coh[c.coh_idx(s, co, p)] -= 1;
                }
            }
            if self.aborted || (self.stop_at_first && self.found) {
                break;
            }
        }
        for (j, &r) in c.emp_rows[i].iter().enumerate() {
            let row = &c.rows[r as usize];
            self.agg_min[r as usize] += self.row_min[i].get(j).copied().unwrap_or(0);
            self.agg_max[r as usize] += self.row_max[i].get(j).copied().unwrap_or(0);
            for p in bits(row.days & any) {
                self.rem_any[r as usize * 5 + p] += 1;
            }
            for p in bits(row.days & all) {
                self.rem_all[r as usize * 5 + p] += 1;
            }
        }
        if let Some((s, co)) = coh {
            for p in bits(c.slot_days[s as usize] & all) {
                self.coh_rem_all[c.coh_idx(s, co, p)] += 1;
            }
        }
    }
}

pub(crate) fn bits_of(m: u8) -> impl Iterator<Item = usize> {
    bits(m)
}

/// The component restricted to the single week position `p`: each employee
/// onsite or remote that day as its patterns allow, the weekly coupling
/// dropped. A relaxation: if it is infeasible, so is the component.
pub(crate) fn day_relaxation(c: &Comp, p: usize) -> Comp {
    let bit = 1u8 << p;
    let mut d = c.clone();
    for i in 0..c.emps.len() {
        let mut v = Vec::new();
        if c.all[i] & bit == 0 && !c.pats[i].is_empty() {
            v.push(Pat { mask: 0, cost: 0 });
        }
        if c.any[i] & bit != 0 {
            v.push(Pat { mask: bit, cost: 0 });
        }
        d.any[i] = c.any[i] & bit;
        d.all[i] = c.all[i] & bit;
        d.pats[i] = v;
    }
    for r in &mut d.rows {
        r.days &= bit;
    }
    for s in &mut d.slot_days {
        *s &= bit;
    }
    d
}

/// Whether some single day of the component is proven infeasible on its own.
pub(crate) fn day_relaxations_infeasible(c: &Comp, limit: u64) -> bool {
    if c.pats.iter().any(Vec::is_empty) {
        return true;
    }
    let days =
        c.rows.iter().fold(0u8, |a, r| a | r.days) | c.slot_days.iter().fold(0u8, |a, s| a | s);
    for p in bits(days) {
        let d = day_relaxation(c, p);
        let free: Vec<u32> = (0..d.emps.len() as u32).collect();
        let zeros = vec![0u16; d.emps.len()];
        let r = search(&d, &zeros, &free, i64::MAX, limit, true);
        if r.complete && r.best.is_none() {
            return true;
        }
    }
    false
}
