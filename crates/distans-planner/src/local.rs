//! Heuristic search for components too large to solve exhaustively:
//! a penalty-based repair to reach feasibility, then large-neighbourhood
//! search whose repair step is the exact branch and bound of [`crate::exact`]
//! on a small subset of employees (everyone else fixed). Every accepted move
//! keeps all hard constraints, so the result is always a valid plan; only its
//! optimality is unproven.

use crate::comp::Comp;
use crate::exact::bits_of;

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
    pub(crate) fn in_violation(&self, i: usize) -> bool {
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
