//! An independent checker of plans, written apart from the solver: it reads
//! the [`Input`] as the document states it (strings, lists, straightforward
//! loops) and shares no code with the solver except date arithmetic.
//!
//! [`check`] verifies that a plan holds exactly the workdays of every
//! employee, the absent days, every hard constraint (with the `locked`
//! cells of the extension), and that the reported cost is the cost; it
//! returns that cost or every violation found.

use crate::date::{format_date, in_bounds, parse_date, weekday, WEEKDAY_KEYS};
use crate::{Input, Output, Plan, State, Status};
use std::collections::{BTreeMap, BTreeSet};

struct Day {
    label: String,
    week: usize,
    key: &'static str,
}

fn workdays(input: &Input) -> Result<Vec<Day>, String> {
    let start = input
        .horizon
        .start
        .as_deref()
        .and_then(parse_date)
        .filter(|z| in_bounds(*z))
        .ok_or_else(|| String::from("horizon.start is not a date accepted"))?;
    if weekday(start) != 0 {
        return Err(String::from("horizon.start is not a Monday"));
    }
    let weeks = input.horizon.weeks.clamp(0, crate::MAX_WEEKS);
    if !in_bounds(start + 7 * weeks.max(1) - 3) {
        return Err(String::from("the horizon ends after the last day accepted"));
    }
    let holidays: BTreeSet<&str> = input.horizon.holidays.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for w in 0..weeks {
        for (k, key) in WEEKDAY_KEYS.iter().enumerate() {
            let label = format_date(start + 7 * w + k as i64);
            if holidays.contains(label.as_str()) {
                continue;
            }
            out.push(Day {
                label,
                week: usize::try_from(w).unwrap_or(0),
                key,
            });
        }
    }
    Ok(out)
}

fn has(list: &[String], key: &str) -> bool {
    list.iter().any(|s| s == key)
}

/// The state `e` is locked to on the workday `label` (the `locked`
/// extension), if any; a lock on an absent day does not count.
fn lock_of(e: &crate::Employee, label: &str) -> Option<State> {
    if has(&e.absent, label) {
        return None;
    }
    e.locked.get(label).map(|&l| State::from(l))
}

/// The cost of `plan` by the formula of the document (missing days count as
/// neither remote nor onsite).
pub fn cost_of(input: &Input, plan: &Plan) -> i64 {
    let Ok(days) = workdays(input) else {
        return 0;
    };
    let weeks = usize::try_from(input.horizon.weeks.clamp(0, crate::MAX_WEEKS)).unwrap_or(0);
    let empty = BTreeMap::new();
    let mut cost = 0i64;
    for e in &input.employees {
        let states = plan.get(&e.id).unwrap_or(&empty);
        let r = e.remote_target_per_week.max(0);
        for w in 0..weeks {
            let mut available = 0i64;
            let mut remote = 0i64;
            for d in days.iter().filter(|d| d.week == w) {
                let absent = has(&e.absent, &d.label);
                // A day locked onsite is not available, like a fixed one.
                let locked_onsite = lock_of(e, &d.label) == Some(State::Onsite);
                if !absent && !has(&e.fixed_onsite, d.key) && !locked_onsite {
                    available += 1;
                }
                match states.get(&d.label) {
                    Some(State::Remote) => {
                        remote += 1;
                        if has(&e.prefer_onsite, d.key) {
                            cost += 1;
                        }
                    }
                    Some(State::Onsite) if has(&e.prefer_remote, d.key) => cost += 1,
                    _ => {}
                }
            }
            let deficit = r.min(available) - remote;
            cost += 10 * deficit * deficit;
        }
    }
    cost
}

/// Verifies `output` against `input`: the plan's shape, every hard
/// constraint and the reported cost. Returns the cost or all violations.
pub fn check(input: &Input, output: &Output) -> Result<i64, Vec<String>> {
    if output.status == Status::Infeasible {
        return Err(vec![String::from(
            "status is infeasible: there is no plan to check",
        )]);
    }
    let days = workdays(input).map_err(|e| vec![e])?;
    let plan = &output.plan;
    let mut v: Vec<String> = Vec::new();
    let weeks = usize::try_from(input.horizon.weeks.clamp(0, crate::MAX_WEEKS)).unwrap_or(0);

    // Shape: exactly the employees and their workdays.
    let ids: BTreeSet<&str> = input.employees.iter().map(|e| e.id.as_str()).collect();
    for id in plan.keys() {
        if !ids.contains(id.as_str()) {
            v.push(format!("plan has unknown employee {id}"));
        }
    }
    let labels: BTreeSet<&str> = days.iter().map(|d| d.label.as_str()).collect();
    let empty = BTreeMap::new();
    for e in &input.employees {
        let Some(states) = plan.get(&e.id) else {
            v.push(format!("plan lacks employee {}", e.id));
            continue;
        };
        for date in states.keys() {
            if !labels.contains(date.as_str()) {
                v.push(format!("{}: {date} is not a workday", e.id));
            }
        }
        for d in &days {
            let absent = has(&e.absent, &d.label);
            match states.get(&d.label) {
                None => v.push(format!("{}: no state on {}", e.id, d.label)),
                Some(State::Absent) if !absent => v.push(format!(
                    "{}: absent on {} but not listed absent",
                    e.id, d.label
                )),
                Some(s) if absent && *s != State::Absent => {
                    v.push(format!("{}: must be absent on {}", e.id, d.label))
                }
                Some(State::Onsite) if has(&e.fixed_remote, d.key) => {
                    v.push(format!("{}: fixed remote on {} but onsite", e.id, d.label))
                }
                Some(State::Remote) if has(&e.fixed_onsite, d.key) => {
                    v.push(format!("{}: fixed onsite on {} but remote", e.id, d.label))
                }
                _ => {}
            }
            if let (Some(want), Some(got)) = (lock_of(e, &d.label), states.get(&d.label)) {
                if want != *got {
                    let name = |s: State| match s {
                        State::Onsite => "onsite",
                        State::Remote => "remote",
                        State::Absent => "absent",
                    };
                    v.push(format!(
                        "{}: locked {} on {} but {}",
                        e.id,
                        name(want),
                        d.label,
                        name(*got)
                    ));
                }
            }
        }
        for w in 0..weeks {
            let remote = days
                .iter()
                .filter(|d| d.week == w && states.get(&d.label) == Some(&State::Remote))
                .count() as i64;
            if remote > e.remote_target_per_week {
                v.push(format!(
                    "{}: {remote} remote days in week {} (limit {})",
                    e.id,
                    w + 1,
                    e.remote_target_per_week
                ));
            }
        }
    }

    let onsite = |e: &crate::Employee, d: &Day| -> bool {
        plan.get(&e.id).unwrap_or(&empty).get(&d.label) == Some(&State::Onsite)
    };
    for (i, rule) in input.rules.coverage.iter().enumerate() {
        for d in &days {
            if let Some(wd) = &rule.weekdays {
                if !has(wd, d.key) {
                    continue;
                }
            }
            let n = input
                .employees
                .iter()
                .filter(|e| rule.unit.as_ref().is_none_or(|u| *u == e.unit))
                .filter(|e| rule.skill.as_ref().is_none_or(|s| e.skills.contains(s)))
                .filter(|e| onsite(e, d))
                .count() as i64;
            if n < rule.min_onsite {
                v.push(format!(
                    "coverage[{i}] on {}: {n} onsite, needs {}",
                    d.label, rule.min_onsite
                ));
            }
        }
    }
    for (i, rule) in input.rules.capacity.iter().enumerate() {
        for d in &days {
            let n = input
                .employees
                .iter()
                .filter(|e| rule.units.as_ref().is_none_or(|us| us.contains(&e.unit)))
                .filter(|e| onsite(e, d))
                .count() as i64;
            if n > rule.max_onsite {
                v.push(format!(
                    "capacity[{i}] on {}: {n} onsite, max {}",
                    d.label, rule.max_onsite
                ));
            }
        }
    }
    if input.rules.separate_cohorts {
        for d in &days {
            let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
            for e in &input.employees {
                let Some(c) = e.cohort.as_deref().filter(|c| !c.is_empty()) else {
                    continue;
                };
                if !onsite(e, d) {
                    continue;
                }
                match seen.get(e.unit.as_str()) {
                    Some(&other) if other != c => v.push(format!(
                        "{} on {}: cohorts {other} and {c} both onsite",
                        e.unit, d.label
                    )),
                    Some(_) => {}
                    None => {
                        seen.insert(e.unit.as_str(), c);
                    }
                }
            }
        }
    }

    let cost = cost_of(input, plan);
    if cost != output.cost {
        v.push(format!(
            "reported cost {} but the plan costs {cost}",
            output.cost
        ));
    }
    if let Some(lb) = output.lower_bound {
        if lb > cost {
            v.push(format!("lower bound {lb} is above the cost {cost}"));
        }
        if output.status == Status::Optimal && lb != cost {
            v.push(format!(
                "status optimal but lower bound {lb} differs from cost {cost}"
            ));
        }
    }
    if v.is_empty() {
        Ok(cost)
    } else {
        Err(v)
    }
}
