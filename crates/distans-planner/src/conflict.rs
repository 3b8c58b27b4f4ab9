//! Explanations of infeasibility for a manager.
//!
//! First cheap, proven, single-rule reasons ([`prechecks`]): a coverage rule
//! that not enough people could meet even if all of them came in, a desk limit
//! that the people who must come in already exceed, two cohorts that must both
//! be onsite, fixed (or locked) remote days over the weekly limit, a locked
//! cell against a fixed weekday; then cohorts that cannot share the week by
//! counting ([`crate::counting`]). When none applies, the infeasible
//! component-week is reduced with a deletion filter ([`explain`]):
//! constraint groups (a rule on a day, a person's fixed day, locked cell or
//! weekly limit, a unit's cohort separation on a day) are dropped, in chunks
//! and then one by one, as long as the rest stays provably infeasible. What
//! remains is an irreducible set: drop any one and a plan exists.

use crate::comp::{build_week, emp_week, patterns, Group, Unfix};
use crate::counting::cohort_counting;
use crate::date::WEEKDAY_NAMES;
use crate::exact::{day_relaxations_infeasible, search};
use crate::model::Model;
use std::collections::BTreeSet;
use std::time::Instant;

const MAX_MESSAGES: usize = 20;
const MAX_NAMES: usize = 6;

fn list_names(items: &[String]) -> String {
    let mut s = items
        .iter()
        .take(MAX_NAMES)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > MAX_NAMES {
        s.push_str(&format!(" and {} more", items.len() - MAX_NAMES));
    }
    s
}

pub(crate) fn needs(m: &Model, r: usize) -> String {
    let c = &m.coverage[r];
    match &c.skill {
        Some(s) => format!("needs {} onsite with skill {s}", c.min),
        None => format!("needs {} onsite", c.min),
    }
}

/// Proven single-rule reasons, at most [`MAX_MESSAGES`] (plus a count).
pub(crate) fn prechecks(m: &Model) -> Vec<String> {
    let mut out = Vec::new();
    let n = m.emps.len();
    for (w, days) in m.weeks.iter().enumerate() {
        let mut any = vec![0u8; n];
        let mut all = vec![0u8; n];
        let mut ews = Vec::with_capacity(n);
        for e in 0..n {
            let ew = emp_week(m, e, w);
            let pats = patterns(&ew, false, Unfix::default());
            let clash = ew.must_on() & ew.must_rem();
            for p in (0..days.len()).filter(|p| clash & (1 << p) != 0) {
                // A locked cell against a fixed weekday (the fixed lists
                // themselves cannot overlap: that is bad input).
                let d = days[p];
                let plural = format!("{}s", WEEKDAY_NAMES[m.day_wd[d] as usize]);
                let msg = if ew.lock_on & (1 << p) != 0 {
                    format!("locked onsite, but fixed remote on {plural}")
                } else {
                    format!("locked remote, but fixed onsite on {plural}")
                };
                out.push(format!("{}, {}: {msg}", m.emps[e].id, m.day_name(d)));
            }
            if pats.is_empty() && clash == 0 {
                let rem = ew.must_rem();
                let fixed: Vec<String> = (0..days.len())
                    .filter(|p| rem & (1 << p) != 0)
                    .map(|p| {
                        if ew.lock_rem & (1 << p) != 0 {
                            format!("{} locked", m.day_name(days[p]))
                        } else {
                            WEEKDAY_NAMES[m.day_wd[days[p]] as usize].to_string()
                        }
                    })
                    .collect();
                let what = if ew.lock_rem == 0 {
                    "fixed remote"
                } else {
                    "fixed or locked remote"
                };
                out.push(format!(
                    "{}, week of {}: {what} on {} days ({}) but remote_target_per_week is {}",
                    m.emps[e].id,
                    m.week_start[w],
                    fixed.len(),
                    fixed.join(", "),
                    m.emps[e].r
                ));
            }
            any[e] = pats.iter().fold(0, |a, p| a | p.mask);
            all[e] = if pats.is_empty() {
                0
            } else {
                pats.iter().fold(0xff, |a, p| a & p.mask)
            };
            ews.push(ew);
        }
        for (p, &d) in days.iter().enumerate() {
            let bit = 1u8 << p;
            let why_out = |e: usize| -> &'static str {
                let ew = &ews[e];
                if ew.absent & bit != 0 {
                    "is absent"
                } else if ew.fixed_rem & bit != 0 {
                    "is fixed remote"
                } else if ew.lock_rem & bit != 0 {
                    "is locked remote"
                } else {
                    "has no valid week"
                }
            };
            let reason_out = |e: usize| -> String { format!("{} {}", m.emps[e].id, why_out(e)) };
            let reason_in = |e: usize| -> String {
                let ew = &ews[e];
                if ew.fixed_on & bit != 0 {
                    format!("{} (fixed onsite)", m.emps[e].id)
                } else if ew.lock_on & bit != 0 {
                    format!("{} (locked onsite)", m.emps[e].id)
                } else {
                    format!("{} (no remote days left that week)", m.emps[e].id)
                }
            };
            for (r, c) in m.coverage.iter().enumerate() {
                if c.min <= 0 || c.weekdays & (1 << m.day_wd[d]) == 0 {
                    continue;
                }
                let able = c.members.iter().filter(|&&e| any[e] & bit != 0).count() as i64;
                if able >= c.min {
                    continue;
                }
                let head = format!("{}, {}: {}", m.coverage_name(r), m.day_name(d), needs(m, r));
                let unable: Vec<usize> = c
                    .members
                    .iter()
                    .copied()
                    .filter(|&e| any[e] & bit == 0)
                    .collect();
                let msg = if c.members.is_empty() {
                    match (&c.skill, c.unit) {
                        (Some(s), Some(_)) => {
                            format!("{head}, but nobody in the unit has skill {s}")
                        }
                        (Some(s), None) => format!("{head}, but nobody has skill {s}"),
                        _ => format!("{head}, but there is nobody to cover it"),
                    }
                } else if c.members.len() == 1 && unable.len() == 1 {
                    format!(
                        "{head}, but the only such person, {}, {}",
                        m.emps[unable[0]].id,
                        why_out(unable[0])
                    )
                } else {
                    let reasons: Vec<String> = unable.iter().map(|&e| reason_out(e)).collect();
                    format!(
                        "{head}, but only {able} of the {} such people can be: {}",
                        c.members.len(),
                        list_names(&reasons)
                    )
                };
                out.push(msg);
            }
            for (r, c) in m.capacity.iter().enumerate() {
                let forced: Vec<usize> = c
                    .members
                    .iter()
                    .copied()
                    .filter(|&e| all[e] & bit != 0)
                    .collect();
                if forced.len() as i64 > c.max {
                    let names: Vec<String> = forced.iter().map(|&e| reason_in(e)).collect();
                    out.push(format!(
                        "{}, {}: at most {} onsite, but {} must be: {}",
                        m.capacity_name(r),
                        m.day_name(d),
                        c.max,
                        forced.len(),
                        list_names(&names)
                    ));
                }
            }
            if m.separate_cohorts {
                // unit -> first forced member per cohort
                let mut seen: std::collections::BTreeMap<(usize, usize), usize> =
                    Default::default();
                for e in 0..n {
                    if all[e] & bit == 0 {
                        continue;
                    }
                    if let Some(co) = m.emps[e].cohort {
                        seen.entry((m.emps[e].unit, co)).or_insert(e);
                    }
                }
                let mut last: Option<(usize, usize)> = None;
                let mut reported = BTreeSet::new();
                for (&(u, co), &e) in &seen {
                    if let Some((lu, le)) = last {
                        if lu == u && reported.insert(u) {
                            let lco = m.emps[le].cohort.unwrap_or(0);
                            out.push(format!(
                                "{}, {}: cohorts {} and {} must not both be onsite, but {} and {} both must be",
                                m.units[u],
                                m.day_name(d),
                                m.cohorts[lco],
                                m.cohorts[co],
                                reason_in(le),
                                reason_in(e)
                            ));
                        }
                    }
                    if last.is_none_or(|(lu, _)| lu != u) {
                        last = Some((u, e));
                    }
                }
            }
        }
    }
    // Only when no single rule explains it: the counting argument.
    if out.is_empty() {
        out = cohort_counting(m);
    }
    if out.len() > MAX_MESSAGES {
        let more = out.len() - MAX_MESSAGES;
        out.truncate(MAX_MESSAGES);
        out.push(format!("… and {more} more"));
    }
    out
}

/// Proven feasibility of week `w` for `emps` with the groups not in
/// `enabled` switched off: `Some(true)` feasible, `Some(false)` infeasible,
/// `None` unknown (search limit).
fn oracle(
    m: &Model,
    w: usize,
    emps: &[usize],
    all: &[Group],
    enabled: &BTreeSet<Group>,
    limit: u64,
) -> Option<bool> {
    let off: BTreeSet<Group> = all
        .iter()
        .copied()
        .filter(|g| !enabled.contains(g))
        .collect();
    let wb = build_week(m, w, Some(emps), &off);
    let mut unknown = false;
    for c in &wb.comps {
        if day_relaxations_infeasible(c, limit) {
            return Some(false);
        }
        let free: Vec<u32> = (0..c.emps.len() as u32).collect();
        let zeros = vec![0u16; c.emps.len()];
        let r = search(c, &zeros, &free, i64::MAX, limit, true);
        if r.best.is_none() {
            if r.complete {
                return Some(false);
            }
            unknown = true;
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

fn groups_of(m: &Model, w: usize, emps: &[usize]) -> Vec<Group> {
    let days: &[usize] = m.weeks.get(w).map(Vec::as_slice).unwrap_or(&[]);
    let set: BTreeSet<usize> = emps.iter().copied().collect();
    let mut g = Vec::new();
    // Removal is tried in this order: people's own constraints first, so
    // that rules are kept when either would explain the conflict.
    for &e in emps {
        let ew = emp_week(m, e, w);
        for (p, &d) in days.iter().enumerate() {
            if ew.fixed_on & (1 << p) != 0 {
                g.push(Group::FixedOn(e, d));
            }
            if ew.fixed_rem & (1 << p) != 0 {
                g.push(Group::FixedRem(e, d));
            }
            if ew.lock_on & (1 << p) != 0 {
                g.push(Group::LockOn(e, d));
            }
            if ew.lock_rem & (1 << p) != 0 {
                g.push(Group::LockRem(e, d));
            }
        }
    }
    for &e in emps {
        g.push(Group::Limit(e, w));
    }
    if m.separate_cohorts {
        let units: BTreeSet<usize> = emps
            .iter()
            .filter(|&&e| m.emps[e].cohort.is_some())
            .map(|&e| m.emps[e].unit)
            .collect();
        for u in units {
            for &d in days {
                g.push(Group::Cohort(u, d));
            }
        }
    }
    for (r, c) in m.capacity.iter().enumerate() {
        if c.members.iter().any(|e| set.contains(e)) {
            for &d in days {
                g.push(Group::Cap(r, d));
            }
        }
    }
    for (r, c) in m.coverage.iter().enumerate() {
        if c.min > 0 && c.members.iter().any(|e| set.contains(e)) {
            for &d in days {
                if c.weekdays & (1 << m.day_wd[d]) != 0 {
                    g.push(Group::Cov(r, d));
                }
            }
        }
    }
    g
}

fn describe(m: &Model, g: Group) -> String {
    match g {
        Group::Cov(r, d) => {
            let c = &m.coverage[r];
            let days = &m.weeks[m.day_week[d]];
            let p = days.iter().position(|&x| x == d).unwrap_or(0);
            let absent: Vec<String> = c
                .members
                .iter()
                .filter(|&&e| emp_week(m, e, m.day_week[d]).absent & (1 << p) != 0)
                .map(|&e| m.emps[e].id.clone())
                .collect();
            let mut s = format!("{}, {}: {}", m.coverage_name(r), m.day_name(d), needs(m, r));
            if c.members.len() <= 3 {
                let ids: Vec<String> = c.members.iter().map(|&e| m.emps[e].id.clone()).collect();
                let who = if ids.len() == 1 {
                    "the only such person"
                } else {
                    "such people"
                };
                s.push_str(&format!(" ({who}: {}", ids.join(", ")));
                if !absent.is_empty() {
                    s.push_str(&format!("; absent: {}", list_names(&absent)));
                }
                s.push(')');
            } else if absent.is_empty() {
                s.push_str(&format!(" ({} such people)", c.members.len()));
            } else {
                s.push_str(&format!(
                    " ({} such people; absent: {})",
                    c.members.len(),
                    list_names(&absent)
                ));
            }
            s
        }
        Group::Cap(r, d) => format!(
            "{}, {}: at most {} onsite",
            m.capacity_name(r),
            m.day_name(d),
            m.capacity[r].max
        ),
        Group::Cohort(u, d) => format!(
            "{}, {}: only one cohort may be onsite (separate_cohorts)",
            m.units[u],
            m.day_name(d)
        ),
        Group::Limit(e, w) => format!(
            "{}: at most {} remote days in the week of {}",
            m.emps[e].id, m.emps[e].r, m.week_start[w]
        ),
        Group::FixedOn(e, d) => format!("{}: fixed onsite on {}", m.emps[e].id, m.day_name(d)),
        Group::FixedRem(e, d) => format!("{}: fixed remote on {}", m.emps[e].id, m.day_name(d)),
        Group::LockOn(e, d) => format!("{}: locked onsite on {}", m.emps[e].id, m.day_name(d)),
        Group::LockRem(e, d) => format!("{}: locked remote on {}", m.emps[e].id, m.day_name(d)),
    }
}

/// A small set of constraints of week `w` among `emps` that cannot all
/// hold. `proven` is false when the search limits left it unsure.
pub(crate) fn explain(
    m: &Model,
    w: usize,
    emps: &[usize],
    deadline: Instant,
) -> (Vec<String>, bool) {
    let all = groups_of(m, w, emps);
    let mut cur: Vec<Group> = all.clone();
    // Budgets in search nodes, not time, so that the answer is
    // deterministic; `deadline` is only a safety net.
    let limit = 100_000;
    let mut calls_left: usize = 300;
    let enabled: BTreeSet<Group> = cur.iter().copied().collect();
    let proven = oracle(m, w, emps, &all, &enabled, limit * 20) == Some(false);
    if proven {
        let mut chunk = (cur.len() / 2).max(1);
        loop {
            let mut i = 0;
            while i < cur.len() {
                if Instant::now() >= deadline || calls_left == 0 {
                    break;
                }
                calls_left -= 1;
                let end = (i + chunk).min(cur.len());
                let trial: BTreeSet<Group> =
                    cur[..i].iter().chain(cur[end..].iter()).copied().collect();
                if oracle(m, w, emps, &all, &trial, limit) == Some(false) {
                    cur.drain(i..end);
                } else {
                    i = end;
                }
            }
            if chunk == 1 || Instant::now() >= deadline || calls_left == 0 {
                break;
            }
            chunk = (chunk / 2).max(1);
        }
    }
    // Rules first, then people.
    cur.sort_by_key(|g| match g {
        Group::Cov(..) => 0,
        Group::Cap(..) => 1,
        Group::Cohort(..) => 2,
        _ => 3,
    });
    let mut out: Vec<String> = Vec::new();
    if !proven {
        let ids: Vec<String> = emps.iter().map(|&e| m.emps[e].id.clone()).collect();
        out.push(format!(
            "week of {}: no plan was found that satisfies every rule for {} (the search was not exhaustive)",
            m.week_start.get(w).map(String::as_str).unwrap_or("?"),
            list_names(&ids)
        ));
        return (out, false);
    }
    out.extend(cur.iter().take(MAX_MESSAGES).map(|&g| describe(m, g)));
    if cur.len() > MAX_MESSAGES {
        out.push(format!("… and {} more", cur.len() - MAX_MESSAGES));
    }
    (out, true)
}
