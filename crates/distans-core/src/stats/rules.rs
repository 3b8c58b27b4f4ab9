//! The statistics' pure rules: cutting a period into buckets, adding up the
//! store's counts into days, and deciding which cells to suppress.
//!
//! **Counting.** The plan gives each person and workday a state: an
//! absence, else an occasional day, else a published rotation day, else
//! the agreement's weekday (remote), else the workplace. The store counts
//! people (every workday at the workplace), the agreements' remote weekdays,
//! and each exception with the state it overrides; [`day_sums`] starts from
//! "everyone at the workplace", adds the agreements' remote days, and
//! replaces the overridden state by the exception's for each counted
//! exception. A half day counts half its state and half the other.
//!
//! **Suppression.** Cells are groups of people: a unit with everything
//! below it (its *total*) and a unit's own people (its *own* cell). A total
//! is the sum of its own cell and its children's totals. A cell of fewer
//! than the minimum is hidden; then, so that no hidden cell can be worked
//! out by subtracting visible ones from a visible total, every visible
//! total must have no hidden part, or at least two whose people together
//! reach the minimum — else the smallest visible part is hidden as well
//! (a child's total with everything below it). Decided once over the whole
//! tree, so every question gets the same cells hidden.

use std::collections::{HashMap, HashSet};

use time::{Date, Month};

use crate::kernel::calendar::iso_week;
use crate::kernel::dates::Weekday;
use crate::kernel::gap::RuleKind;
use crate::kernel::{CoreError, CoreResult, UnitId};
use crate::plan::model::DayState;
use crate::stats::model::*;

/// Workplace/remote/other/absent as (counted, remote) half-days of a whole
/// day, and whether it is a day on site.
fn value(state: DayState) -> (i64, i64, i64) {
    match state {
        DayState::Workplace => (2, 0, 1),
        DayState::Remote => (2, 2, 0),
        DayState::Other => (2, 0, 0),
        DayState::Absent => (0, 0, 0),
    }
}

/// A day whose half is `state` and the other half `rest`.
fn half_value(state: DayState, rest: DayState) -> (i64, i64, i64) {
    let (c1, r1, _) = value(state);
    let (c2, r2, _) = value(rest);
    let on_site = i64::from(state == DayState::Workplace || rest == DayState::Workplace);
    ((c1 + c2) / 2, (r1 + r2) / 2, on_site)
}

/// The period's buckets and its workdays (each with its bucket). For
/// `daily`, each workday is its own bucket (occupancy).
pub fn cut(workdays: &[Date], by: Grouping, daily: bool) -> (Vec<Bucket>, Vec<StatsDay>) {
    let mut buckets: Vec<Bucket> = vec![];
    let mut days = vec![];
    for d in workdays {
        let Some(weekday) = Weekday::of(*d) else {
            continue;
        };
        let key = if daily {
            d.to_string()
        } else {
            match by {
                Grouping::Week => {
                    let (y, w) = iso_week(*d);
                    format!("{y}-W{w:02}")
                }
                Grouping::Month => format!("{}-{:02}", d.year(), u8::from(d.month())),
            }
        };
        match buckets.last_mut() {
            Some(b) if b.key == key => b.last = *d,
            _ => buckets.push(Bucket {
                key,
                first: *d,
                last: *d,
            }),
        }
        days.push(StatsDay {
            day: *d,
            weekday,
            bucket: buckets.len() - 1,
        });
    }
    (buckets, days)
}

/// The whole buckets of a period with no workday in them are still
/// buckets: this gives every week or month touching the period.
pub fn all_buckets(from: Date, to: Date, by: Grouping) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    let mut d = from;
    loop {
        let key = match by {
            Grouping::Week => {
                let (y, w) = iso_week(d);
                format!("{y}-W{w:02}")
            }
            Grouping::Month => format!("{}-{:02}", d.year(), u8::from(d.month())),
        };
        if out.last() != Some(&key) {
            out.push(key);
        }
        match d.next_day() {
            Some(n) if n <= to => d = n,
            _ => break,
        }
    }
    out
}

/// A period statistics may be asked for: `from` ≤ `to`, at most
/// [`MAX_STATS_DAYS`] days.
pub fn check_period(from: Date, to: Date) -> CoreResult<()> {
    if to < from {
        return Err(CoreError::invalid("to", "must not be before from"));
    }
    if (to - from).whole_days() + 1 > MAX_STATS_DAYS {
        return Err(CoreError::invalid(
            "to",
            format!("statistics cover at most {MAX_STATS_DAYS} days"),
        ));
    }
    Ok(())
}

/// The first day of the month `months` before the one of `d`.
pub fn months_back(d: Date, months: i32) -> Date {
    let total = d.year() * 12 + i32::from(u8::from(d.month())) - 1 - months;
    let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let month = Month::try_from(m as u8).unwrap_or(Month::January);
    Date::from_calendar_date(y, month, 1).unwrap_or(d)
}

/// Adds up the store's counts into half-day sums per key and bucket.
pub fn day_sums(counts: &PlanCounts, days: &[StatsDay]) -> HashMap<(Key, usize), DaySums> {
    // Each key's buckets side by side: a day adds to an array, and a row
    // of counts looks its key up once, not once per day.
    let buckets = days.iter().map(|d| d.bucket + 1).max().unwrap_or(0);
    let mut per: HashMap<Key, Vec<Option<DaySums>>> = HashMap::new();
    fn sums_of(
        per: &mut HashMap<Key, Vec<Option<DaySums>>>,
        key: Key,
        buckets: usize,
    ) -> &mut Vec<Option<DaySums>> {
        per.entry(key).or_insert_with(|| vec![None; buckets])
    }
    let commute = |k: &Key| k.mode.is_some();
    // Everyone at the workplace every workday they had not left.
    for p in &counts.people {
        let sums = sums_of(&mut per, p.key, buckets);
        for d in days {
            if p.last_day.is_some_and(|l| d.day > l) {
                break;
            }
            let s = sums[d.bucket].get_or_insert_with(DaySums::default);
            s.counted += 2 * p.people;
            s.on_site += p.people;
        }
    }
    // The agreements' remote weekdays instead.
    for a in &counts.spans {
        let sums = sums_of(&mut per, a.key, buckets);
        let first = days.partition_point(|d| d.day < a.start);
        for d in &days[first..] {
            if a.last.is_some_and(|l| d.day > l) || a.leaves.is_some_and(|l| d.day > l) {
                break;
            }
            if !a.weekdays.contains(&d.weekday) {
                continue;
            }
            let s = sums[d.bucket].get_or_insert_with(DaySums::default);
            s.remote += 2 * a.count;
            s.on_site -= a.count;
            if commute(&a.key) {
                s.remote_km += 2.0 * a.km;
                s.remote_with_commute += 2 * a.count;
            }
        }
    }
    // Each exception instead of what it overrides.
    for e in &counts.exceptions {
        let new = match e.exception {
            Exception::Occasional { half: true } => half_value(e.state, e.base),
            Exception::Absence => value(DayState::Absent),
            _ => value(e.state),
        };
        let old = value(e.base);
        let Some(slot) = sums_of(&mut per, e.key, buckets).get_mut(e.bucket) else {
            continue;
        };
        let s = slot.get_or_insert_with(DaySums::default);
        s.counted += (new.0 - old.0) * e.count;
        let remote = new.1 - old.1;
        s.remote += remote * e.count;
        s.on_site += (new.2 - old.2) * e.count;
        if commute(&e.key) {
            s.remote_km += remote as f64 * e.km;
            s.remote_with_commute += remote * e.count;
        }
    }
    per.into_iter()
        .flat_map(|(key, sums)| {
            sums.into_iter()
                .enumerate()
                .filter_map(move |(b, s)| s.map(|s| ((key, b), s)))
        })
        .collect()
}

/// A tree of cells for suppression: node 0 may be a virtual root (the
/// organisation over several top units).
#[derive(Debug, Clone)]
pub struct CellTree {
    pub parent: Vec<Option<usize>>,
    /// People directly in each node.
    pub own: Vec<i64>,
}

/// Which cells are hidden: each node's total and its own cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    pub total: Vec<bool>,
    pub own: Vec<bool>,
}

impl CellTree {
    pub fn children(&self) -> Vec<Vec<usize>> {
        let mut c = vec![vec![]; self.parent.len()];
        for (i, p) in self.parent.iter().enumerate() {
            if let Some(p) = p {
                c[*p].push(i);
            }
        }
        c
    }

    /// The people of each node with everything below it.
    pub fn totals(&self) -> Vec<i64> {
        let n = self.parent.len();
        let mut t = self.own.clone();
        // Deepest first: a node's depth by walking up (trees are shallow).
        let mut order: Vec<(usize, usize)> = (0..n)
            .map(|i| {
                let mut d = 0;
                let mut p = self.parent[i];
                while let Some(q) = p {
                    d += 1;
                    p = self.parent[q];
                    if d > n {
                        break;
                    }
                }
                (d, i)
            })
            .collect();
        order.sort_by(|a, b| b.cmp(a));
        for (_, i) in order {
            if let Some(p) = self.parent[i] {
                t[p] += t[i];
            }
        }
        t
    }
}

/// Decides which cells of the tree are hidden (see the module).
pub fn suppress(tree: &CellTree, min: i64) -> Hidden {
    let n = tree.parent.len();
    let totals = tree.totals();
    let children = tree.children();
    let small = |s: i64| s > 0 && s < min;
    let mut h = Hidden {
        total: totals.iter().map(|s| small(*s)).collect(),
        own: tree.own.iter().map(|s| small(*s)).collect(),
    };
    fn hide_below(i: usize, children: &[Vec<usize>], h: &mut Hidden) {
        h.total[i] = true;
        h.own[i] = true;
        for c in &children[i] {
            hide_below(*c, children, h);
        }
    }
    // A hidden total hides everything below it.
    for i in 0..n {
        if h.total[i] {
            hide_below(i, &children, &mut h);
        }
    }
    loop {
        let mut changed = false;
        for u in 0..n {
            if h.total[u] {
                continue;
            }
            loop {
                // The parts of u: its own cell (None) and its children.
                let parts: Vec<(Option<usize>, i64, bool)> =
                    std::iter::once((None, tree.own[u], h.own[u]))
                        .chain(
                            children[u]
                                .iter()
                                .map(|c| (Some(*c), totals[*c], h.total[*c])),
                        )
                        .filter(|(_, s, _)| *s > 0)
                        .collect();
                let hidden: Vec<_> = parts.iter().filter(|p| p.2).collect();
                let sum: i64 = hidden.iter().map(|p| p.1).sum();
                if hidden.is_empty() || (hidden.len() >= 2 && sum >= min) {
                    break;
                }
                changed = true;
                match parts.iter().filter(|p| !p.2).min_by_key(|p| (p.1, p.0)) {
                    Some((None, _, _)) => h.own[u] = true,
                    Some((Some(c), _, _)) => hide_below(*c, &children, &mut h),
                    None => {
                        hide_below(u, &children, &mut h);
                        break;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    h
}

/// The organisation's units as a cell tree: node 0 is the organisation
/// (owning nobody), then the units in the order given.
pub fn unit_tree(units: &[TreeUnit]) -> (CellTree, HashMap<UnitId, usize>) {
    let index: HashMap<UnitId, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id, i + 1))
        .collect();
    let mut parent = vec![None];
    let mut own = vec![0];
    for u in units {
        parent.push(Some(
            u.parent.and_then(|p| index.get(&p).copied()).unwrap_or(0),
        ));
        own.push(u.people);
    }
    (CellTree { parent, own }, index)
}

/// The median of counted values (`(value, count)`, any order).
pub fn median(values: &[(i64, i64)]) -> Option<f64> {
    let mut v: Vec<(i64, i64)> = values.iter().copied().filter(|x| x.1 > 0).collect();
    v.sort();
    let n: i64 = v.iter().map(|x| x.1).sum();
    if n == 0 {
        return None;
    }
    let at = |k: i64| {
        let mut seen = 0;
        for (val, c) in &v {
            seen += c;
            if k < seen {
                return *val as f64;
            }
        }
        0.0
    };
    Some(if n % 2 == 1 {
        at(n / 2)
    } else {
        (at(n / 2 - 1) + at(n / 2)) / 2.0
    })
}

/// The units a node stands for: itself and everything below it.
pub fn below(children: &[Vec<usize>], i: usize) -> HashSet<usize> {
    let mut out = HashSet::new();
    let mut stack = vec![i];
    while let Some(x) = stack.pop() {
        if out.insert(x) {
            stack.extend(children[x].iter().copied());
        }
    }
    out
}

/// A commute as recorded: both or neither, a distance from 0 to 1,000 km.
pub fn check_commute(
    km: Option<f64>,
    mode: Option<crate::org::model::CommuteMode>,
) -> CoreResult<()> {
    match (km, mode) {
        (Some(k), Some(_)) if !(0.0..=1000.0).contains(&k) || !k.is_finite() => Err(
            CoreError::invalid("distance_km", "must be between 0 and 1000 km"),
        ),
        (Some(_), None) => Err(CoreError::invalid("mode", "is needed with a distance")),
        (None, Some(_)) => Err(CoreError::invalid("distance_km", "is needed with a mode")),
        _ => Ok(()),
    }
}

/// A new version of the factors: every mode once, from 0 to 1 kg per km;
/// a home-office factor from 0 to 20 kg a day; a named source.
pub fn check_factors(
    input: FactorsInput,
    current: &EmissionFactors,
    today: Date,
) -> CoreResult<EmissionFactors> {
    if input.version != current.version {
        return Err(CoreError::Conflict(
            "the emission factors were changed meanwhile: reload and try again".into(),
        ));
    }
    let mut seen = HashSet::new();
    for f in &input.factors {
        if !seen.insert(f.mode) {
            return Err(CoreError::invalid(
                "factors",
                format!("{} is given twice", f.mode.as_str()),
            ));
        }
        if !f.kg_per_km.is_finite() || !(0.0..=1.0).contains(&f.kg_per_km) {
            return Err(CoreError::invalid(
                "factors",
                format!("{}: must be between 0 and 1 kg per km", f.mode.as_str()),
            ));
        }
    }
    if let Some(h) = input.home_office_kg_per_day {
        if !h.is_finite() || !(0.0..=20.0).contains(&h) {
            return Err(CoreError::invalid(
                "home_office_kg_per_day",
                "must be between 0 and 20 kg a day",
            ));
        }
    }
    let source = input.source.trim().to_string();
    if source.is_empty() || source.chars().count() > 1000 {
        return Err(CoreError::invalid(
            "source",
            "name the source of the figures (at most 1000 characters)",
        ));
    }
    Ok(EmissionFactors {
        version: current.version + 1,
        factors: input.factors,
        home_office_kg_per_day: input.home_office_kg_per_day,
        source,
        valid_from: today,
    })
}

/// A period the coverage figure may be asked for: `from` ≤ `to`, at most
/// [`MAX_GAP_DAYS`] days.
pub fn check_gap_period(from: Date, to: Date) -> CoreResult<()> {
    check_period(from, to)?;
    if (to - from).whole_days() + 1 > MAX_GAP_DAYS {
        return Err(CoreError::invalid(
            "to",
            format!("coverage gaps cover at most {MAX_GAP_DAYS} days from `from`"),
        ));
    }
    Ok(())
}

/// Is a day of this state (a half day: with `rest` the other half) at the
/// workplace for at least half the day, as `PlanDay::on_site` says?
fn on_site_of(e: &KeyException) -> i64 {
    let new = match e.exception {
        Exception::Absence => false,
        Exception::Occasional { half: true } => {
            e.state == DayState::Workplace || e.base == DayState::Workplace
        }
        _ => e.state == DayState::Workplace,
    };
    i64::from(new) - i64::from(e.base == DayState::Workplace)
}

/// The people on site per key and workday (`days` one bucket a day, as
/// [`cut`] gives them with `daily`): everyone at the workplace until their
/// last day, less the agreements' remote weekdays, with each exception
/// instead of what it overrides.
pub fn on_site_days(counts: &OnSiteCounts, days: &[StatsDay]) -> Vec<Vec<i64>> {
    let mut out = vec![vec![0i64; days.len()]; counts.keys.len()];
    for p in &counts.people {
        let Some(row) = out.get_mut(p.key) else {
            continue;
        };
        for (i, d) in days.iter().enumerate() {
            if p.last_day.is_some_and(|l| d.day > l) {
                break;
            }
            row[i] += p.people;
        }
    }
    for a in &counts.spans {
        let Some(row) = out.get_mut(a.key) else {
            continue;
        };
        let first = days.partition_point(|d| d.day < a.start);
        for (i, d) in days.iter().enumerate().skip(first) {
            if a.last.is_some_and(|l| d.day > l) || a.leaves.is_some_and(|l| d.day > l) {
                break;
            }
            if a.weekdays.contains(&d.weekday) {
                row[i] -= a.count;
            }
        }
    }
    for e in &counts.exceptions {
        if let Some(v) = out.get_mut(e.key).and_then(|row| row.get_mut(e.day)) {
            *v += on_site_of(e) * e.count;
        }
    }
    out
}

/// Each unit's coverage per bucket: a unit-day counts when some rule of
/// the unit applies that workday (its weekdays; a desk maximum only when
/// the unit has a site), and is a gap day when at least one of them has a
/// gap — a minimum with fewer of the unit's people (it and everything
/// below it, with the rule's skill if any) on site than it asks, or more
/// people on site at the unit's site than it has desks.
///
/// `units` is the open tree, `keys`/`on_site` the people on site per unit
/// (own people), skill and workday, `sites` the people on site per site and
/// workday, `days` the workdays with their buckets. Rules of units not in
/// the tree are not counted; nor are people of such units.
pub fn unit_gaps(
    units: &[TreeUnit],
    rules: &[GapRule],
    keys: &[OnSiteKey],
    on_site: &[Vec<i64>],
    sites: &HashMap<uuid::Uuid, Vec<i64>>,
    days: &[StatsDay],
    buckets: usize,
) -> HashMap<UnitId, Vec<GapCount>> {
    let index: HashMap<UnitId, usize> = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
    // The (unit, skill) pairs a minimum asks about, each with its people
    // on site per day: the unit's own and everything below it.
    let mut wanted: HashMap<(UnitId, Option<&str>), Vec<i64>> = HashMap::new();
    for r in rules {
        if r.rule.kind == RuleKind::MinOnsite && index.contains_key(&r.rule.unit_id) {
            wanted
                .entry((r.rule.unit_id, r.rule.skill.as_deref()))
                .or_insert_with(|| vec![0; days.len()]);
        }
    }
    for (k, row) in keys.iter().zip(on_site) {
        let mut at = index.get(&k.unit).copied();
        let mut steps = 0;
        while let Some(i) = at {
            if let Some(sum) = wanted.get_mut(&(units[i].id, k.skill.as_deref())) {
                for (s, v) in sum.iter_mut().zip(row) {
                    *s += v;
                }
            }
            at = units[i].parent.and_then(|p| index.get(&p).copied());
            steps += 1;
            if steps > units.len() {
                break;
            }
        }
    }
    let mut by_unit: HashMap<UnitId, Vec<&GapRule>> = HashMap::new();
    for r in rules {
        if index.contains_key(&r.rule.unit_id) {
            by_unit.entry(r.rule.unit_id).or_default().push(r);
        }
    }
    let mut out = HashMap::new();
    for (unit, rules) in by_unit {
        let mut counts = vec![GapCount::default(); buckets];
        for (i, d) in days.iter().enumerate() {
            let mut applies = false;
            let mut gap = false;
            for r in &rules {
                if !r.rule.applies_on(d.day) {
                    continue;
                }
                match r.rule.kind {
                    RuleKind::MinOnsite => {
                        applies = true;
                        let here = wanted
                            .get(&(unit, r.rule.skill.as_deref()))
                            .map_or(0, |v| v[i]);
                        gap |= here < r.rule.min_onsite;
                    }
                    RuleKind::MaxDesks => {
                        let Some((site, desks)) = r.site else {
                            continue;
                        };
                        applies = true;
                        let here = sites
                            .get(&site)
                            .and_then(|v| v.get(i))
                            .copied()
                            .unwrap_or(0);
                        gap |= here > desks;
                    }
                }
            }
            if let Some(c) = counts.get_mut(d.bucket) {
                c.rule_days += i64::from(applies);
                c.gap_days += i64::from(applies && gap);
            }
        }
        out.insert(unit, counts);
    }
    out
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
