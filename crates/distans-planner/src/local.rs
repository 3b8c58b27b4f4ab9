//! Heuristic search for components too large to solve exhaustively:
//! a penalty-based repair to reach feasibility, then large-neighbourhood
//! search whose repair step is the exact branch and bound of [`crate::exact`]
//! on a small subset of employees (everyone else fixed). Every accepted move
//! keeps all hard constraints, so the result is always a valid plan; only its
//! optimality is unproven.

use crate::comp::Comp;
use crate::exact::{bits_of, search};
use std::time::Instant;

/// Deterministic pseudo-random numbers (SplitMix64).
pub(crate) struct Rng(u64);
impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// A complete assignment with incremental constraint bookkeeping.
pub(crate) struct Sol<'a> {
    pub c: &'a Comp,
    pub cur: Vec<u16>,
    pub cnt: Vec<i64>,
    pub coh: Vec<i64>,
    pub cost: i64,
    pub viol: i64,
}

impl<'a> Sol<'a> {
    pub(crate) fn new(c: &'a Comp, cur: Vec<u16>) -> Sol<'a> {
        let mut s = Sol {
            c,
            cnt: vec![0; c.rows.len() * 5],
            coh: vec![0; c.coh_len],
            cur,
            cost: 0,
            viol: 0,
        };
        for i in 0..c.emps.len() {
            let m = s.mask(i);
            s.cost += s.pat_cost(i, s.cur[i]);
            for &r in &c.emp_rows[i] {
                for p in bits_of(c.rows[r as usize].days & m) {
                    s.cnt[r as usize * 5 + p] += 1;
                }
            }
            if let Some((sl, co)) = c.coh[i] {
                for p in bits_of(c.slot_days[sl as usize] & m) {
                    s.coh[c.coh_idx(sl, co, p)] += 1;
                }
            }
        }
        s.viol = s.total_viol();
        s
    }

    fn pat_cost(&self, i: usize, k: u16) -> i64 {
        self.c.pats[i].get(k as usize).map_or(0, |p| p.cost)
    }

    pub(crate) fn mask(&self, i: usize) -> u8 {
        self.c.pats[i]
            .get(self.cur[i] as usize)
            .map_or(0, |p| p.mask)
    }

    fn row_viol(&self, r: usize, p: usize, cnt: i64) -> i64 {
        let row = &self.c.rows[r];
        if row.cov {
            (row.bound[p] - cnt).max(0)
        } else {
            (cnt - row.bound[p]).max(0)
        }
    }

    /// Onsite cohort members outside the largest cohort, with one count
    /// adjusted by `adj` at cohort `co`.
    fn slot_viol(&self, s: u32, p: usize, co: u32, adj: i64) -> i64 {
        let mut sum = 0;
        let mut max = 0;
        for o in 0..self.c.slot_ncoh[s as usize] {
            let mut v = self.coh[self.c.coh_idx(s, o, p)];
            if o == co {
                v += adj;
            }
            sum += v;
            max = max.max(v);
        }
        sum - max
    }

    pub(crate) fn total_viol(&self) -> i64 {
        let mut v = 0;
        for (r, row) in self.c.rows.iter().enumerate() {
            for p in bits_of(row.days) {
                v += self.row_viol(r, p, self.cnt[r * 5 + p]);
            }
        }
        for s in 0..self.c.slot_unit.len() {
            for p in bits_of(self.c.slot_days[s]) {
                v += self.slot_viol(s as u32, p, 0, 0);
            }
        }
        v
    }

    /// (cost change, violation change) of moving employee `i` to pattern `k`.
    pub(crate) fn delta(&self, i: usize, k: u16) -> (i64, i64) {
        let c = self.c;
        let old = self.mask(i);
        let new = c.pats[i].get(k as usize).map_or(0, |p| p.mask);
        let dc = self.pat_cost(i, k) - self.pat_cost(i, self.cur[i]);
        let diff = old ^ new;
        let mut dv = 0;
        if diff != 0 {
            for &r in &c.emp_rows[i] {
                let r = r as usize;
                for p in bits_of(c.rows[r].days & diff) {
                    let v = self.cnt[r * 5 + p];
                    let nv = if new & (1 << p) != 0 { v + 1 } else { v - 1 };
                    dv += self.row_viol(r, p, nv) - self.row_viol(r, p, v);
                }
            }
            if let Some((s, co)) = c.coh[i] {
                for p in bits_of(c.slot_days[s as usize] & diff) {
                    let adj = if new & (1 << p) != 0 { 1 } else { -1 };
                    dv += self.slot_viol(s, p, co, adj) - self.slot_viol(s, p, co, 0);
                }
            }
        }
        (dc, dv)
    }

    pub(crate) fn apply(&mut self, i: usize, k: u16) {
        let (dc, dv) = self.delta(i, k);
        let c = self.c;
        let old = self.mask(i);
        let new = c.pats[i].get(k as usize).map_or(0, |p| p.mask);
        for &r in &c.emp_rows[i] {
            let r = r as usize;
            for p in bits_of(c.rows[r].days & (old ^ new)) {
                if new & (1 << p) != 0 {
                    self.cnt[r * 5 + p] += 1;
                } else {
                    self.cnt[r * 5 + p] -= 1;
                }
            }
        }
        if let Some((s, co)) = c.coh[i] {
            for p in bits_of(c.slot_days[s as usize] & (old ^ new)) {
                let q = c.coh_idx(s, co, p);
                if new & (1 << p) != 0 {
                    self.coh[q] += 1;
                } else {
                    self.coh[q] -= 1;
                }
            }
        }
        self.cur[i] = k;
        self.cost += dc;
        self.viol += dv;
    }

    /// The subproblem of re-choosing the patterns of `set` with everyone else
    /// fixed, as a small stand-alone component: rows with the others' onsite
    /// counts folded into per-day bounds, patterns that would meet another
    /// cohort onsite removed. Returns it and, per member, the map from its
    /// pattern indices back to the original ones.
    pub(crate) fn restrict(&self, set: &[u32], row_map: &mut [u32]) -> (Comp, Vec<Vec<u16>>) {
        let c = self.c;
        let k = set.len();
        let mut rows: Vec<crate::comp::Row> = Vec::new();
        let mut used: Vec<usize> = Vec::new();
        let mut emp_rows = vec![Vec::new(); k];
        for (q, &j) in set.iter().enumerate() {
            for &r in &c.emp_rows[j as usize] {
                let r = r as usize;
                if row_map[r] == u32::MAX {
                    row_map[r] = rows.len() as u32;
                    used.push(r);
                    let row = &c.rows[r];
                    rows.push(crate::comp::Row {
                        cov: row.cov,
                        bound: row.bound,
                        days: row.days,
                        members: Vec::new(),
                    });
                }
                let lr = row_map[r];
                rows[lr as usize].members.push(q as u32);
                emp_rows[q].push(lr);
            }
        }
        // Others' contribution: current counts minus the set's own.
        for (lr, &r) in used.iter().enumerate() {
            for p in bits_of(c.rows[r].days) {
                rows[lr].bound[p] -= self.cnt[r * 5 + p];
            }
        }
        for (q, &j) in set.iter().enumerate() {
            let m = self.mask(j as usize);
            for &lr in &emp_rows[q] {
                let r = used[lr as usize];
                for p in bits_of(c.rows[r].days & m) {
                    rows[lr as usize].bound[p] += 1;
                }
            }
        }
        for &r in &used {
            row_map[r] = u32::MAX;
        }
        // Cohorts: others onsite block the other cohorts' patterns.
        let mut slots: Vec<u32> = Vec::new();
        let mut coh = vec![None; k];
        let mut pats = Vec::with_capacity(k);
        let mut back = Vec::with_capacity(k);
        for (q, &j) in set.iter().enumerate() {
            let j = j as usize;
            let mut blocked = 0u8;
            if let Some((s, co)) = c.coh[j] {
                let mine = self.mask(j);
                for p in bits_of(c.slot_days[s as usize]) {
                    for o in 0..c.slot_ncoh[s as usize] {
                        let mut v = self.coh[c.coh_idx(s, o, p)];
                        if o == co && mine & (1 << p) != 0 {
                            v -= 1;
                        }
                        // Members of the set in cohort o also count in v;
                        // subtract them below.
                        if o != co {
                            for &x in set {
                                let x = x as usize;
                                if c.coh[x] == Some((s, o)) && self.mask(x) & (1 << p) != 0 {
                                    v -= 1;
                                }
                            }
                            if v > 0 {
                                blocked |= 1 << p;
                            }
                        }
                    }
                }
                let ls = match slots.iter().position(|&x| x == s) {
                    Some(v) => v,
                    None => {
                        slots.push(s);
                        slots.len() - 1
                    }
                };
                coh[q] = Some((ls as u32, co));
            }
            let mut ps = Vec::new();
            let mut bk = Vec::new();
            for (pi, p) in c.pats[j].iter().enumerate() {
                if p.mask & blocked == 0 {
                    ps.push(*p);
                    bk.push(pi as u16);
                }
            }
            pats.push(ps);
            back.push(bk);
        }
        let any = pats
            .iter()
            .map(|v: &Vec<crate::comp::Pat>| v.iter().fold(0u8, |a, p| a | p.mask))
            .collect();
        let all = pats
            .iter()
            .map(|v: &Vec<crate::comp::Pat>| {
                if v.is_empty() {
                    0
                } else {
                    v.iter().fold(0xffu8, |a, p| a & p.mask)
                }
            })
            .collect();
        let mut slot_base = Vec::new();
        let mut slot_ncoh = Vec::new();
        let mut slot_days = Vec::new();
        let mut slot_unit = Vec::new();
        let mut len = 0;
        for &s in &slots {
            slot_base.push(len);
            slot_ncoh.push(c.slot_ncoh[s as usize]);
            slot_days.push(c.slot_days[s as usize]);
            slot_unit.push(c.slot_unit[s as usize]);
            len += c.slot_ncoh[s as usize] as usize * 5;
        }
        let mini = Comp {
            emps: set.iter().map(|&j| c.emps[j as usize]).collect(),
            pats,
            any,
            all,
            rows,
            emp_rows,
            coh,
            unit: set.iter().map(|&j| c.unit[j as usize]).collect(),
            slot_unit,
            slot_ncoh,
            slot_base,
            slot_days,
            coh_len: len,
        };
        (mini, back)
    }

    /// Whether employee `i` takes part in a violated row or cohort slot.
    fn in_violation(&self, i: usize) -> bool {
        let c = self.c;
        for &r in &c.emp_rows[i] {
            let r = r as usize;
            for p in bits_of(c.rows[r].days) {
                if self.row_viol(r, p, self.cnt[r * 5 + p]) > 0 {
                    return true;
                }
            }
        }
        if let Some((s, _)) = c.coh[i] {
            for p in bits_of(c.slot_days[s as usize]) {
                if self.slot_viol(s, p, 0, 0) > 0 {
                    return true;
                }
            }
        }
        false
    }
}

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
    let c = sol.c;
    let n = c.emps.len();
    if n == 0 {
        return;
    }
    // Employees grouped by cohort slot (units with cohorts).
    let mut slot_members: Vec<Vec<u32>> = vec![Vec::new(); c.slot_unit.len()];
    for i in 0..n {
        if let Some((s, _)) = c.coh[i] {
            slot_members[s as usize].push(i as u32);
        }
    }
    let big_k = k;
    let mut stale = 0;
    let mut in_set = vec![false; n];
    let mut row_map: Vec<u32> = vec![u32::MAX; c.rows.len()];
    for it in 0..max_iters {
        if sol.cost <= lb || stale >= max_stale {
            break;
        }
        if it % 16 == 0 && (deadline.is_some_and(|d| Instant::now() >= d) || cancel()) {
            break;
        }
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
                let mem = &slot_members[s as usize];
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
                            let mem = &slot_members[s as usize];
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
        set.sort_by_key(|&j| (c.pats[j as usize].len(), j));
        let cur_cost: i64 = set
            .iter()
            .map(|&j| c.pats[j as usize][sol.cur[j as usize] as usize].cost)
            .sum();
        let (mini, back) = sol.restrict(&set, &mut row_map);
        let free: Vec<u32> = (0..set.len() as u32).collect();
        let zeros = vec![0u16; set.len()];
        // Equal cost is accepted too (a sideways move): it changes the plan
        // and so the next neighbourhoods, which leads off plateaus; only a
        // strict improvement resets the stale count.
        let res = search(&mini, &zeros, &free, cur_cost + 1, nodes, false);
        match res.best {
            Some((bc, assign)) => {
                for (q, &j) in set.iter().enumerate() {
                    let k = back[q][assign[q] as usize];
                    if k != sol.cur[j as usize] {
                        sol.apply(j as usize, k);
                    }
                }
                if bc < cur_cost {
                    stale = 0;
                } else {
                    stale += 1;
                }
            }
            None => stale += 1,
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
/// improvements; keeps feasibility.
pub(crate) fn slot_moves(sol: &mut Sol, tries: usize, limit: u64, deadline: Option<Instant>) {
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
    for (s, mem) in members.iter().enumerate() {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return;
        }
        let ncoh = c.slot_ncoh[s] as usize;
        let base = ncoh + 1;
        let sd = c.slot_days[s];
        let days: Vec<usize> = bits_of(sd).collect();
        let Some(total) = base.checked_pow(days.len() as u32).filter(|&t| t <= 3 * 81) else {
            continue;
        };
        let wi: Vec<crate::cohort::Within> = mem
            .iter()
            .map(|&i| crate::cohort::within(c, i as usize))
            .collect();
        let open = !sd & 31;
        let mut cands: Vec<(i64, Vec<u8>)> = Vec::new();
        let mut digits = vec![0usize; days.len()];
        let mut cm = vec![0u8; ncoh];
        for _ in 0..total {
            cm.iter_mut().for_each(|m| *m = 0);
            for (j, &d) in digits.iter().enumerate() {
                if d < ncoh {
                    cm[d] |= 1 << days[j];
                }
            }
            let mut sum = 0i64;
            let mut ok = true;
            for (k, &i) in mem.iter().enumerate() {
                let co = c.coh[i as usize].map_or(0, |x| x.1) as usize;
                let b = wi[k].best[(cm[co] | open) as usize & 31];
                if b == i64::MAX {
                    ok = false;
                    break;
                }
                sum += b;
            }
            if ok {
                cands.push((sum, cm.clone()));
            }
            for d in digits.iter_mut() {
                *d += 1;
                if *d < base {
                    break;
                }
                *d = 0;
            }
        }
        cands.sort();
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
                return;
            }
            let now = cur_cost(sol, set);
            if est + free_min >= now {
                break;
            }
            let (mut mini, back) = sol.restrict(set, &mut row_map);
            let mut backs = Vec::with_capacity(set.len());
            for (q, &i) in set.iter().enumerate() {
                let allowed = match c.coh[i as usize] {
                    Some((_, co)) => cm[co as usize] | open,
                    None => 0xff,
                };
                let mut ps = Vec::new();
                let mut bk = Vec::new();
                for (k, p) in mini.pats[q].iter().enumerate() {
                    if p.mask & !allowed == 0 {
                        ps.push(*p);
                        bk.push(back[q][k]);
                    }
                }
                mini.any[q] = ps.iter().fold(0, |a, p| a | p.mask);
                mini.all[q] = if ps.is_empty() {
                    0
                } else {
                    ps.iter().fold(0xff, |a, p| a & p.mask)
                };
                mini.pats[q] = ps;
                backs.push(bk);
            }
            let free: Vec<u32> = (0..set.len() as u32).collect();
            let zeros = vec![0u16; set.len()];
            let res = search(&mini, &zeros, &free, now, limit, false);
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
}
