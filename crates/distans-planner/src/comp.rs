//! One ISO week of the problem, split into independent components.
//!
//! Every hard constraint and every cost term is per day or per employee-week,
//! so weeks are independent. Within a week, two employees interact only if
//! they share an active coverage or capacity rule, or a unit whose cohorts
//! must be kept apart; the connected components of that relation are
//! independent subproblems ([`Comp`]). Each employee's week is reduced to the
//! list of its feasible onsite patterns (bitmask over the week's workdays,
//! at most 2⁵) with their exact cost.

use crate::model::Model;
use std::collections::{BTreeSet, HashMap};

/// An onsite pattern: bit p set = onsite on the week's p-th workday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pat {
    pub mask: u8,
    pub cost: i64,
}

/// A hard constraint, as a unit that a conflict explanation can name (and
/// that the deletion filter can switch off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Group {
    /// Coverage rule, workday.
    Cov(usize, usize),
    /// Capacity rule, workday.
    Cap(usize, usize),
    /// Cohort separation in a unit, workday.
    Cohort(usize, usize),
    /// Weekly remote limit of an employee, week.
    Limit(usize, usize),
    /// Fixed onsite of an employee, workday.
    FixedOn(usize, usize),
    /// Fixed remote of an employee, workday.
    FixedRem(usize, usize),
    /// A cell locked onsite (the `locked` extension): employee, workday.
    LockOn(usize, usize),
    /// A cell locked remote: employee, workday.
    LockRem(usize, usize),
}

/// The employee's week as bitmasks over the week's workday positions.
/// `fixed_*` come from the fixed weekdays, `lock_*` from locked cells; none
/// of them includes an absent day.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EmpWeek {
    pub full: u8,
    pub absent: u8,
    pub fixed_on: u8,
    pub fixed_rem: u8,
    pub lock_on: u8,
    pub lock_rem: u8,
    pub prefer_remote: u8,
    pub prefer_onsite: u8,
    pub target: i64,
    pub r: u8,
}

impl EmpWeek {
    /// Days that must be onsite: fixed onsite weekdays and locked cells.
    pub(crate) fn must_on(&self) -> u8 {
        self.fixed_on | self.lock_on
    }

    /// Days that must be remote: fixed remote weekdays and locked cells.
    pub(crate) fn must_rem(&self) -> u8 {
        self.fixed_rem | self.lock_rem
    }
}

/// Hard constraint 1 switched off on some days (for the deletion filter):
/// masks of week positions whose fixed weekday or lock is ignored.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Unfix {
    pub fixed_on: u8,
    pub fixed_rem: u8,
    pub lock_on: u8,
    pub lock_rem: u8,
}

pub(crate) fn emp_week(m: &Model, e: usize, w: usize) -> EmpWeek {
    let days = m.weeks.get(w).map(Vec::as_slice).unwrap_or(&[]);
    let emp = &m.emps[e];
    let mut ew = EmpWeek {
        full: 0,
        absent: 0,
        fixed_on: 0,
        fixed_rem: 0,
        lock_on: 0,
        lock_rem: 0,
        prefer_remote: 0,
        prefer_onsite: 0,
        target: 0,
        r: emp.r,
    };
    for (p, &d) in days.iter().enumerate() {
        let bit = 1u8 << p;
        let wd = 1u8 << m.day_wd[d];
        ew.full |= bit;
        if emp.absent.binary_search(&d).is_ok() {
            ew.absent |= bit;
            continue;
        }
        if emp.fixed_onsite & wd != 0 {
            ew.fixed_on |= bit;
        }
        if emp.fixed_remote & wd != 0 {
            ew.fixed_rem |= bit;
        }
        if emp.lock_on.binary_search(&d).is_ok() {
            ew.lock_on |= bit;
        }
        if emp.lock_rem.binary_search(&d).is_ok() {
            ew.lock_rem |= bit;
        }
        if emp.prefer_remote & wd != 0 {
            ew.prefer_remote |= bit;
        }
        if emp.prefer_onsite & wd != 0 {
            ew.prefer_onsite |= bit;
        }
    }
    // Days locked onsite count like fixed onsite days: not available for
    // remote work.
    let avail = (ew.full & !ew.absent & !ew.must_on()).count_ones();
    ew.target = i64::from(u32::from(ew.r).min(avail));
    ew
}

/// Cost of one employee-week with onsite mask `on` (the rest of the
/// non-absent days remote).
pub(crate) fn pattern_cost(ew: &EmpWeek, on: u8) -> i64 {
    let present = ew.full & !ew.absent;
    let remote = present & !on;
    let deficit = ew.target - i64::from(remote.count_ones());
    10 * deficit * deficit
        + i64::from((remote & ew.prefer_onsite).count_ones())
        + i64::from((on & ew.prefer_remote).count_ones())
}

/// All feasible patterns, cheapest first; none when a day must be both
/// onsite and remote (a lock against a fixed weekday). `no_limit` drops the
/// weekly remote limit; `unfix` frees fixed or locked days (both for the
/// deletion filter).
pub(crate) fn patterns(ew: &EmpWeek, no_limit: bool, unfix: Unfix) -> Vec<Pat> {
    let present = ew.full & !ew.absent;
    let fo = (ew.fixed_on & !unfix.fixed_on) | (ew.lock_on & !unfix.lock_on);
    let fr = (ew.fixed_rem & !unfix.fixed_rem) | (ew.lock_rem & !unfix.lock_rem);
    if fo & fr != 0 {
        return Vec::new();
    }
    let free = present & !fo & !fr;
    let mut out = Vec::new();
    let mut s: u8 = 0;
    loop {
        let on = fo | s;
        let remote = (present & !on).count_ones();
        if no_limit || remote <= u32::from(ew.r) {
            out.push(Pat {
                mask: on,
                cost: pattern_cost(ew, on),
            });
        }
        if s == free {
            break;
        }
        s = (s.wrapping_sub(free)) & free;
    }
    out.sort_by_key(|p| (p.cost, p.mask));
    out
}

/// A coverage (`cov`) or capacity rule restricted to one component-week.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub cov: bool,
    /// Minimum (coverage) or maximum (capacity) onsite, per week position.
    pub bound: [i64; 5],
    /// Week positions on which the row applies.
    pub days: u8,
    /// Local employee indices.
    pub members: Vec<u32>,
}

/// An independent subproblem: some employees of one week.
#[derive(Debug, Clone)]
pub(crate) struct Comp {
    pub emps: Vec<usize>,
    pub pats: Vec<Vec<Pat>>,
    /// Days the employee can / must be onsite (OR / AND of its patterns).
    pub any: Vec<u8>,
    pub all: Vec<u8>,
    pub rows: Vec<Row>,
    pub emp_rows: Vec<Vec<u32>>,
    /// (cohort slot, cohort index within the slot).
    pub coh: Vec<Option<(u32, u32)>>,
    /// Unit of each local employee.
    pub unit: Vec<usize>,
    pub slot_unit: Vec<usize>,
    pub slot_ncoh: Vec<u32>,
    pub slot_base: Vec<usize>,
    /// Positions on which the slot's separation applies.
    pub slot_days: Vec<u8>,
    pub coh_len: usize,
}

impl Comp {
    pub(crate) fn min_cost(&self) -> i64 {
        self.pats
            .iter()
            .map(|p| p.first().map_or(0, |q| q.cost))
            .sum()
    }

    /// Keeps only the patterns within `allowed[i]` (onsite days) of each
    /// employee; returns, per employee, the old indices of those kept.
    pub(crate) fn keep_within(&mut self, allowed: &[u8]) -> Vec<Vec<u16>> {
        let mut kept = Vec::with_capacity(self.pats.len());
        for (q, pats) in self.pats.iter_mut().enumerate() {
            let al = allowed.get(q).copied().unwrap_or(0xff);
            let idx: Vec<u16> = (0..pats.len() as u16)
                .filter(|&k| pats[k as usize].mask & !al == 0)
                .collect();
            *pats = idx.iter().map(|&k| pats[k as usize]).collect();
            self.any[q] = pats.iter().fold(0, |a, p| a | p.mask);
            self.all[q] = if pats.is_empty() {
                0
            } else {
                pats.iter().fold(0xff, |a, p| a & p.mask)
            };
            kept.push(idx);
        }
        kept
    }

    /// Index into the cohort count array.
    #[inline]
    pub(crate) fn coh_idx(&self, slot: u32, c: u32, p: usize) -> usize {
        self.slot_base[slot as usize] + c as usize * 5 + p
    }
}

/// A week split into components.
pub(crate) struct WeekBuild {
    pub comps: Vec<Comp>,
}

struct Dsu(Vec<u32>);
impl Dsu {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let p = self.0[x as usize];
            self.0[x as usize] = self.0[p as usize];
            x = p;
        }
        x
    }
    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            self.0[hi as usize] = lo;
        }
    }
}

/// Builds week `w` restricted to employees `scope` (all when `None`), with
/// the constraint groups in `off` switched off.
pub(crate) fn build_week(
    m: &Model,
    w: usize,
    scope: Option<&[usize]>,
    off: &BTreeSet<Group>,
) -> WeekBuild {
    let days: &[usize] = m.weeks.get(w).map(Vec::as_slice).unwrap_or(&[]);
    let all_emps: Vec<usize> = match scope {
        Some(s) => s.to_vec(),
        None => (0..m.emps.len()).collect(),
    };
    let mut local: HashMap<usize, u32> = HashMap::with_capacity(all_emps.len());
    for (i, &e) in all_emps.iter().enumerate() {
        local.insert(e, i as u32);
    }
    let n = all_emps.len();
    let mut pats = Vec::with_capacity(n);
    for &e in &all_emps {
        let ew = emp_week(m, e, w);
        let mut unfix = Unfix::default();
        if !off.is_empty() {
            for (p, &d) in days.iter().enumerate() {
                let bit = 1u8 << p;
                if off.contains(&Group::FixedOn(e, d)) {
                    unfix.fixed_on |= bit;
                }
                if off.contains(&Group::FixedRem(e, d)) {
                    unfix.fixed_rem |= bit;
                }
                if off.contains(&Group::LockOn(e, d)) {
                    unfix.lock_on |= bit;
                }
                if off.contains(&Group::LockRem(e, d)) {
                    unfix.lock_rem |= bit;
                }
            }
        }
        let no_limit = !off.is_empty() && off.contains(&Group::Limit(e, w));
        pats.push(patterns(&ew, no_limit, unfix));
    }

    // Active rows, with global-local members.
    let mut rows: Vec<(Row, Vec<u32>)> = Vec::new();
    for (ri, c) in m.coverage.iter().enumerate() {
        if c.min <= 0 {
            continue;
        }
        let mut dm = 0u8;
        for (p, &d) in days.iter().enumerate() {
            if c.weekdays & (1 << m.day_wd[d]) != 0 && !off.contains(&Group::Cov(ri, d)) {
                dm |= 1 << p;
            }
        }
        if dm == 0 {
            continue;
        }
        let members: Vec<u32> = c
            .members
            .iter()
            .filter_map(|e| local.get(e).copied())
            .collect();
        if members.is_empty() {
            continue;
        }
        rows.push((
            Row {
                cov: true,
                bound: [c.min; 5],
                days: dm,
                members: Vec::new(),
            },
            members,
        ));
    }
    for (ri, c) in m.capacity.iter().enumerate() {
        let members: Vec<u32> = c
            .members
            .iter()
            .filter_map(|e| local.get(e).copied())
            .collect();
        if members.len() as i64 <= c.max {
            continue;
        }
        let mut dm = 0u8;
        for (p, &d) in days.iter().enumerate() {
            if !off.contains(&Group::Cap(ri, d)) {
                dm |= 1 << p;
            }
        }
        if dm == 0 {
            continue;
        }
        rows.push((
            Row {
                cov: false,
                bound: [c.max; 5],
                days: dm,
                members: Vec::new(),
            },
            members,
        ));
    }
    // Cohort slots: units with at least two cohorts.
    let mut unit_coh: HashMap<usize, Vec<(u32, usize)>> = HashMap::new();
    if m.separate_cohorts {
        for (i, &e) in all_emps.iter().enumerate() {
            if let Some(c) = m.emps[e].cohort {
                unit_coh
                    .entry(m.emps[e].unit)
                    .or_default()
                    .push((i as u32, c));
            }
        }
    }
    let mut slots: Vec<(usize, Vec<(u32, usize)>)> = unit_coh
        .into_iter()
        .filter(|(_, v)| {
            let first = v.first().map(|x| x.1);
            v.iter().any(|x| Some(x.1) != first)
        })
        .collect();
    slots.sort_by_key(|s| s.0);

    let mut dsu = Dsu((0..n as u32).collect());
    for (_, mem) in &rows {
        for win in mem.windows(2) {
            dsu.union(win[0], win[1]);
        }
    }
    for (_, mem) in &slots {
        for win in mem.windows(2) {
            dsu.union(win[0].0, win[1].0);
        }
    }
    // Components in order of their smallest member.
    let mut comp_of_root: HashMap<u32, usize> = HashMap::new();
    let mut comp_members: Vec<Vec<u32>> = Vec::new();
    for i in 0..n as u32 {
        let r = dsu.find(i);
        let k = *comp_of_root.entry(r).or_insert_with(|| {
            comp_members.push(Vec::new());
            comp_members.len() - 1
        });
        comp_members[k].push(i);
    }
    // Position of each scope-local employee inside its component.
    let mut pos = vec![0u32; n];
    let mut comp_id = vec![0usize; n];
    for (k, mem) in comp_members.iter().enumerate() {
        for (j, &i) in mem.iter().enumerate() {
            pos[i as usize] = j as u32;
            comp_id[i as usize] = k;
        }
    }
    let mut pats_opt: Vec<Option<Vec<Pat>>> = pats.into_iter().map(Some).collect();
    let mut comps: Vec<Comp> = comp_members
        .iter()
        .map(|mem| {
            let ps: Vec<Vec<Pat>> = mem
                .iter()
                .map(|&i| pats_opt[i as usize].take().unwrap_or_default())
                .collect();
            let any = ps
                .iter()
                .map(|v| v.iter().fold(0u8, |a, p| a | p.mask))
                .collect();
            let all = ps
                .iter()
                .map(|v| {
                    if v.is_empty() {
                        0
                    } else {
                        v.iter().fold(0xffu8, |a, p| a & p.mask)
                    }
                })
                .collect();
            Comp {
                emps: mem.iter().map(|&i| all_emps[i as usize]).collect(),
                pats: ps,
                any,
                all,
                rows: Vec::new(),
                emp_rows: vec![Vec::new(); mem.len()],
                coh: vec![None; mem.len()],
                unit: mem
                    .iter()
                    .map(|&i| m.emps[all_emps[i as usize]].unit)
                    .collect(),
                slot_unit: Vec::new(),
                slot_ncoh: Vec::new(),
                slot_base: Vec::new(),
                slot_days: Vec::new(),
                coh_len: 0,
            }
        })
        .collect();
    for (mut row, mem) in rows {
        let Some(&first) = mem.first() else { continue };
        let k = comp_id[first as usize];
        let c = &mut comps[k];
        let ri = c.rows.len() as u32;
        row.members = mem.iter().map(|&i| pos[i as usize]).collect();
        for &j in &row.members {
            c.emp_rows[j as usize].push(ri);
        }
        c.rows.push(row);
    }
    for (unit, mem) in slots {
        let Some(&(first, _)) = mem.first() else {
            continue;
        };
        let k = comp_id[first as usize];
        let c = &mut comps[k];
        let slot = c.slot_unit.len() as u32;
        let mut cohorts: Vec<usize> = mem.iter().map(|x| x.1).collect();
        cohorts.sort_unstable();
        cohorts.dedup();
        let mut dm = 0u8;
        for (p, &d) in days.iter().enumerate() {
            if !off.contains(&Group::Cohort(unit, d)) {
                dm |= 1 << p;
            }
        }
        for &(i, coh) in &mem {
            let ci = cohorts.binary_search(&coh).unwrap_or(0) as u32;
            c.coh[pos[i as usize] as usize] = Some((slot, ci));
        }
        c.slot_unit.push(unit);
        c.slot_base.push(c.coh_len);
        c.coh_len += cohorts.len() * 5;
        c.slot_ncoh.push(cohorts.len() as u32);
        c.slot_days.push(dm);
    }
    for c in &mut comps {
        propagate(c);
    }
    WeekBuild { comps }
}

/// Removes patterns that no feasible plan can use, to a fixpoint: a coverage
/// row with exactly as many possible attendees as it needs forces them in; a
/// desk limit already filled by people who must come keeps the others out;
/// a cohort that must be onsite keeps the unit's other cohorts out. Sound
/// (only impossible patterns go); an employee left without patterns proves
/// the component infeasible.
pub(crate) fn propagate(c: &mut Comp) {
    let n = c.emps.len();
    for _round in 0..20 {
        let mut changed = false;
        // keep[i]: (must be onsite mask, must be remote mask)
        let mut must_on = vec![0u8; n];
        let mut must_off = vec![0u8; n];
        for row in &c.rows {
            for p in 0..5 {
                if row.days & (1 << p) == 0 {
                    continue;
                }
                let bit = 1u8 << p;
                if row.cov {
                    let able = row
                        .members
                        .iter()
                        .filter(|&&i| c.any[i as usize] & bit != 0)
                        .count() as i64;
                    if able < row.bound[p] {
                        // Infeasible: make it visible to every search.
                        if let Some(&i) = row.members.first() {
                            must_on[i as usize] |= bit;
                            must_off[i as usize] |= bit;
                        }
                    } else if able == row.bound[p] {
                        for &i in &row.members {
                            if c.any[i as usize] & bit != 0 && c.all[i as usize] & bit == 0 {
                                must_on[i as usize] |= bit;
                            }
                        }
                    }
                } else {
                    let forced = row
                        .members
                        .iter()
                        .filter(|&&i| c.all[i as usize] & bit != 0)
                        .count() as i64;
                    if forced >= row.bound[p] {
                        for &i in &row.members {
                            let i = i as usize;
                            if c.all[i] & bit == 0 && c.any[i] & bit != 0 {
                                must_off[i] |= bit;
                            }
                        }
                    }
                }
            }
        }
        for s in 0..c.slot_unit.len() {
            for p in 0..5 {
                let bit = 1u8 << p;
                if c.slot_days[s] & bit == 0 {
                    continue;
                }
                let mut forced: Option<u32> = None;
                let mut two = false;
                for i in 0..n {
                    if let Some((si, co)) = c.coh[i] {
                        if si as usize == s && c.all[i] & bit != 0 {
                            match forced {
                                Some(f) if f != co => two = true,
                                _ => forced = Some(co),
                            }
                        }
                    }
                }
                if let Some(f) = forced {
                    for i in 0..n {
                        if let Some((si, co)) = c.coh[i] {
                            if si as usize == s && (co != f || two) && c.any[i] & bit != 0 {
                                must_off[i] |= bit;
                            }
                        }
                    }
                }
            }
        }
        for i in 0..n {
            if must_on[i] == 0 && must_off[i] == 0 {
                continue;
            }
            let before = c.pats[i].len();
            let (on, off) = (must_on[i], must_off[i]);
            c.pats[i].retain(|p| p.mask & on == on && p.mask & off == 0);
            if c.pats[i].len() != before {
                changed = true;
                c.any[i] = c.pats[i].iter().fold(0, |a, p| a | p.mask);
                c.all[i] = if c.pats[i].is_empty() {
                    0
                } else {
                    c.pats[i].iter().fold(0xff, |a, p| a & p.mask)
                };
            }
        }
        if !changed {
            break;
        }
    }
}
