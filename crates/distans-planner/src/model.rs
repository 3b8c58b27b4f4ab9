//! Validation of an [`Input`] into the solver's internal [`Model`]: indices
//! instead of strings, weekday bitmasks instead of lists, the workdays of the
//! horizon laid out. Every bad-input case of `rotation-planning.md` is
//! rejected here with an [`InputError`] that names the field.

use crate::date::{
    format_date, in_bounds, parse_date, weekday, weekday_index, LAST_DAY, WEEKDAY_KEYS,
    WEEKDAY_NAMES,
};
use crate::{Input, InputError, Locked, FIRST_YEAR, LAST_YEAR, MAX_WEEKS};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One employee, validated.
#[derive(Debug, Clone)]
pub(crate) struct MEmp {
    pub id: String,
    pub unit: usize,
    pub cohort: Option<usize>,
    /// `remote_target_per_week`, capped at 7 (a week has at most 5 workdays).
    pub r: u8,
    /// Weekday masks (bit 0 = Monday).
    pub fixed_remote: u8,
    pub fixed_onsite: u8,
    pub prefer_remote: u8,
    pub prefer_onsite: u8,
    /// Workday indices on which the employee is absent, sorted.
    pub absent: Vec<usize>,
    /// Workday indices locked onsite / remote (the `locked` extension),
    /// sorted, without absent days.
    pub lock_on: Vec<usize>,
    pub lock_rem: Vec<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct MCov {
    pub unit: Option<usize>,
    pub skill: Option<String>,
    pub min: i64,
    /// Weekdays on which the rule applies.
    pub weekdays: u8,
    pub members: Vec<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct MCap {
    pub units: Option<Vec<usize>>,
    pub max: i64,
    pub members: Vec<usize>,
}

/// The validated problem.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    /// Workday dates (days since 1970-01-01), ascending.
    pub days: Vec<i64>,
    pub day_label: Vec<String>,
    pub day_week: Vec<usize>,
    /// Weekday 0..5 of each workday.
    pub day_wd: Vec<u8>,
    /// Workday indices of each week (at most 5, possibly none).
    pub weeks: Vec<Vec<usize>>,
    pub week_start: Vec<String>,
    pub emps: Vec<MEmp>,
    pub units: Vec<String>,
    pub cohorts: Vec<String>,
    pub coverage: Vec<MCov>,
    pub capacity: Vec<MCap>,
    pub separate_cohorts: bool,
}

fn err(path: impl Into<String>, message: impl Into<String>) -> InputError {
    InputError {
        path: path.into(),
        message: message.into(),
    }
}

fn weekday_mask(list: &[String], path: &str) -> Result<u8, InputError> {
    let mut m = 0u8;
    for (i, s) in list.iter().enumerate() {
        match weekday_index(s) {
            Some(k) => m |= 1 << k,
            None => {
                return Err(err(
                    format!("{path}[{i}]"),
                    format!(
                        "unknown weekday {s:?} (expected one of {})",
                        WEEKDAY_KEYS.join(", ")
                    ),
                ))
            }
        }
    }
    Ok(m)
}

/// The first weekday in both masks, reported at its position in `list_b`.
fn overlap(a: u8, b_list: &[String], b_path: &str, a_name: &str) -> Result<(), InputError> {
    for (i, s) in b_list.iter().enumerate() {
        if let Some(k) = weekday_index(s) {
            if a & (1 << k) != 0 {
                return Err(err(
                    format!("{b_path}[{i}]"),
                    format!("weekday {s:?} is also in {a_name}"),
                ));
            }
        }
    }
    Ok(())
}

fn date(s: &str, path: &str) -> Result<i64, InputError> {
    let z = parse_date(s)
        .ok_or_else(|| err(path, format!("invalid date {s:?} (expected YYYY-MM-DD)")))?;
    if !in_bounds(z) {
        return Err(err(
            path,
            format!("{s:?} is outside the years accepted ({FIRST_YEAR}–{LAST_YEAR})"),
        ));
    }
    Ok(z)
}

fn non_negative(v: i64, path: &str) -> Result<i64, InputError> {
    if v < 0 {
        Err(err(path, format!("must not be negative, got {v}")))
    } else {
        Ok(v)
    }
}

impl Model {
    pub(crate) fn build(input: &Input) -> Result<Model, InputError> {
        let start_s = input
            .horizon
            .start
            .as_deref()
            .ok_or_else(|| err("horizon.start", "missing (expected a Monday, YYYY-MM-DD)"))?;
        let start = date(start_s, "horizon.start")?;
        let wd = weekday(start);
        if wd != 0 {
            let names = [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ];
            let name = names.get(wd as usize).copied().unwrap_or("?");
            return Err(err(
                "horizon.start",
                format!("{start_s:?} is a {name}, not a Monday"),
            ));
        }
        let weeks = input.horizon.weeks;
        if !(1..=MAX_WEEKS).contains(&weeks) {
            return Err(err(
                "horizon.weeks",
                format!("must be between 1 and {MAX_WEEKS}, got {weeks}"),
            ));
        }
        // The last workday of the horizon, which the plan will name.
        if !in_bounds(start + 7 * (weeks - 1) + 4) {
            return Err(err(
                "horizon.weeks",
                format!(
                    "{weeks} weeks from {start_s} end after {}, the last day accepted",
                    format_date(LAST_DAY)
                ),
            ));
        }
        let weeks = usize::try_from(weeks).unwrap_or(1);
        let mut holidays = BTreeSet::new();
        for (i, h) in input.horizon.holidays.iter().enumerate() {
            holidays.insert(date(h, &format!("horizon.holidays[{i}]"))?);
        }
        let mut m = Model {
            days: Vec::new(),
            day_label: Vec::new(),
            day_week: Vec::new(),
            day_wd: Vec::new(),
            weeks: vec![Vec::new(); weeks],
            week_start: Vec::new(),
            emps: Vec::with_capacity(input.employees.len()),
            units: Vec::new(),
            cohorts: Vec::new(),
            coverage: Vec::new(),
            capacity: Vec::new(),
            separate_cohorts: input.rules.separate_cohorts,
        };
        let mut day_index: HashMap<i64, usize> = HashMap::new();
        for (w, week) in m.weeks.iter_mut().enumerate() {
            let monday = start + 7 * w as i64;
            m.week_start.push(format_date(monday));
            for k in 0..5u8 {
                let d = monday + i64::from(k);
                if holidays.contains(&d) {
                    continue;
                }
                day_index.insert(d, m.days.len());
                week.push(m.days.len());
                m.days.push(d);
                m.day_label.push(format_date(d));
                m.day_week.push(w);
                m.day_wd.push(k);
            }
        }

        let mut unit_index: HashMap<&str, usize> = HashMap::new();
        let mut cohort_index: HashMap<&str, usize> = HashMap::new();
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for (i, e) in input.employees.iter().enumerate() {
            let p = format!("employees[{i}]");
            if e.id.is_empty() {
                return Err(err(format!("{p}.id"), "must not be empty"));
            }
            if let Some(j) = ids.insert(e.id.as_str(), i) {
                return Err(err(
                    format!("{p}.id"),
                    format!("duplicate id {:?} (also employees[{j}].id)", e.id),
                ));
            }
            if e.unit.is_empty() {
                return Err(err(format!("{p}.unit"), "must not be empty"));
            }
            let next = unit_index.len();
            let unit = *unit_index.entry(e.unit.as_str()).or_insert(next);
            if unit == m.units.len() {
                m.units.push(e.unit.clone());
            }
            let cohort = match e.cohort.as_deref() {
                None | Some("") => None,
                Some(c) => {
                    let next = cohort_index.len();
                    let k = *cohort_index.entry(c).or_insert(next);
                    if k == m.cohorts.len() {
                        m.cohorts.push(c.to_string());
                    }
                    Some(k)
                }
            };
            let r = non_negative(
                e.remote_target_per_week,
                &format!("{p}.remote_target_per_week"),
            )?;
            let fixed_remote = weekday_mask(&e.fixed_remote, &format!("{p}.fixed_remote"))?;
            let fixed_onsite = weekday_mask(&e.fixed_onsite, &format!("{p}.fixed_onsite"))?;
            overlap(
                fixed_remote,
                &e.fixed_onsite,
                &format!("{p}.fixed_onsite"),
                "fixed_remote",
            )?;
            let prefer_remote = weekday_mask(&e.prefer_remote, &format!("{p}.prefer_remote"))?;
            let prefer_onsite = weekday_mask(&e.prefer_onsite, &format!("{p}.prefer_onsite"))?;
            overlap(
                prefer_remote,
                &e.prefer_onsite,
                &format!("{p}.prefer_onsite"),
                "prefer_remote",
            )?;
            let mut absent = Vec::new();
            for (j, a) in e.absent.iter().enumerate() {
                let d = date(a, &format!("{p}.absent[{j}]"))?;
                if let Some(&k) = day_index.get(&d) {
                    absent.push(k);
                }
            }
            absent.sort_unstable();
            absent.dedup();
            let mut lock_on = Vec::new();
            let mut lock_rem = Vec::new();
            for (key, state) in &e.locked {
                let d = date(key, &format!("{p}.locked.{key}"))?;
                let Some(&k) = day_index.get(&d) else {
                    continue;
                };
                if absent.binary_search(&k).is_ok() {
                    continue;
                }
                match state {
                    Locked::Onsite => lock_on.push(k),
                    Locked::Remote => lock_rem.push(k),
                }
            }
            // Keys are distinct valid dates, so the days are distinct.
            lock_on.sort_unstable();
            lock_rem.sort_unstable();
            m.emps.push(MEmp {
                id: e.id.clone(),
                unit,
                cohort,
                r: u8::try_from(r.min(7)).unwrap_or(7),
                fixed_remote,
                fixed_onsite,
                prefer_remote,
                prefer_onsite,
                absent,
                lock_on,
                lock_rem,
            });
        }

        let mut skill_holders: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, e) in input.employees.iter().enumerate() {
            let mut seen = BTreeSet::new();
            for s in &e.skills {
                if seen.insert(s.as_str()) {
                    skill_holders.entry(s.as_str()).or_default().push(i);
                }
            }
        }
        for (i, c) in input.rules.coverage.iter().enumerate() {
            let p = format!("rules.coverage[{i}]");
            let unit = match c.unit.as_deref() {
                None => None,
                Some(u) => Some(*unit_index.get(u).ok_or_else(|| {
                    err(
                        format!("{p}.unit"),
                        format!("unknown unit {u:?} (no employee belongs to it)"),
                    )
                })?),
            };
            let min = non_negative(c.min_onsite, &format!("{p}.min_onsite"))?;
            let weekdays = match &c.weekdays {
                None => 0b11111,
                Some(list) => weekday_mask(list, &format!("{p}.weekdays"))?,
            };
            let candidates: Vec<usize> = match c.skill.as_deref() {
                None => (0..m.emps.len()).collect(),
                Some(s) => skill_holders.get(s).cloned().unwrap_or_default(),
            };
            let members = candidates
                .into_iter()
                .filter(|&e| unit.is_none_or(|u| m.emps[e].unit == u))
                .collect();
            m.coverage.push(MCov {
                unit,
                skill: c.skill.clone(),
                min,
                weekdays,
                members,
            });
        }
        for (i, c) in input.rules.capacity.iter().enumerate() {
            let p = format!("rules.capacity[{i}]");
            let units = match &c.units {
                None => None,
                Some(list) => {
                    let mut v = Vec::new();
                    for (j, u) in list.iter().enumerate() {
                        v.push(*unit_index.get(u.as_str()).ok_or_else(|| {
                            err(
                                format!("{p}.units[{j}]"),
                                format!("unknown unit {u:?} (no employee belongs to it)"),
                            )
                        })?);
                    }
                    v.sort_unstable();
                    v.dedup();
                    Some(v)
                }
            };
            let max = non_negative(c.max_onsite, &format!("{p}.max_onsite"))?;
            let members = (0..m.emps.len())
                .filter(|&e| {
                    units
                        .as_ref()
                        .is_none_or(|us| us.binary_search(&m.emps[e].unit).is_ok())
                })
                .collect();
            m.capacity.push(MCap {
                units,
                max,
                members,
            });
        }
        Ok(m)
    }

    pub(crate) fn day_name(&self, d: usize) -> String {
        let wd = self.day_wd.get(d).copied().unwrap_or(0) as usize;
        format!(
            "{} {}",
            WEEKDAY_NAMES.get(wd).copied().unwrap_or("?"),
            self.day_label.get(d).map(String::as_str).unwrap_or("?")
        )
    }

    pub(crate) fn coverage_name(&self, r: usize) -> String {
        let Some(c) = self.coverage.get(r) else {
            return String::from("?");
        };
        match c.unit {
            Some(u) => self.units.get(u).cloned().unwrap_or_default(),
            None => String::from("all units"),
        }
    }

    pub(crate) fn capacity_name(&self, r: usize) -> String {
        let Some(c) = self.capacity.get(r) else {
            return String::from("?");
        };
        match &c.units {
            Some(us) => {
                let names: Vec<&str> = us
                    .iter()
                    .filter_map(|&u| self.units.get(u).map(String::as_str))
                    .collect();
                format!("desk limit for {}", names.join(" + "))
            }
            None => String::from("desk limit for all units"),
        }
    }
}
