//! A counting pre-check for cohort conflicts, run before any search.
//!
//! With `separate_cohorts`, each workday of a unit belongs to at most one
//! of its cohorts. A cohort member must be onsite on at least
//! `present days − remote_target_per_week` days, on fixed or locked onsite
//! days, and never on fixed or locked remote days; a coverage rule of the
//! unit needs enough of its members who could come in that day. For every
//! unit and week all ways of giving each workday to one cohort are
//! enumerated (at most [`MAX_CHOICES`]); if none meets these conditions, the
//! week is infeasible — a relaxation of the problem (other units, rules
//! across units, desk limits and the cost dropped), so the proof is exact.
//! Giving a day to no cohort never helps (it only takes people away), so
//! only full assignments are enumerated.
//!
//! The reason is made short by a deletion filter over its parts (a member's
//! weekly need, a coverage rule on a day): a part is dropped when the rest
//! is still infeasible, so what remains is irreducible for this argument.

use crate::comp::emp_week;
use crate::model::Model;

/// Largest number of day-to-cohort assignments enumerated per unit-week
/// (5 cohorts over 5 days).
const MAX_CHOICES: usize = 3125;

/// One condition of the argument.
#[derive(Debug, Clone, Copy)]
enum Part {
    /// A cohort member: cohort index (local), days onsite possible, days
    /// that must be onsite, least number of onsite days.
    Member {
        e: usize,
        k: usize,
        avail: u8,
        must: u8,
        need: u32,
    },
    /// A coverage rule of the unit on week position `p`: members without a
    /// cohort who could come in, and per local cohort those who could.
    Cover { r: usize, p: usize },
}

struct UnitWeek {
    ndays: usize,
    ncoh: usize,
    parts: Vec<Part>,
    /// Per part (for `Cover`): free count, then count per local cohort.
    counts: Vec<Vec<i64>>,
    mins: Vec<i64>,
}

impl UnitWeek {
    /// Whether some assignment of days to cohorts meets every enabled part.
    fn feasible(&self, enabled: &[bool]) -> bool {
        let total = self.ncoh.pow(self.ndays as u32);
        let mut digits = vec![0usize; self.ndays];
        let mut sets = vec![0u8; self.ncoh];
        for _ in 0..total {
            sets.iter_mut().for_each(|s| *s = 0);
            for (p, &k) in digits.iter().enumerate() {
                sets[k] |= 1 << p;
            }
            let ok = self.parts.iter().enumerate().all(|(i, part)| {
                if !enabled[i] {
                    return true;
                }
                match *part {
                    Part::Member {
                        k,
                        avail,
                        must,
                        need,
                        ..
                    } => must & !sets[k] == 0 && (sets[k] & avail).count_ones() >= need,
                    Part::Cover { p, .. } => {
                        let c = &self.counts[i];
                        c[0] + c[1 + digits[p]] >= self.mins[i]
                    }
                }
            });
            if ok {
                return true;
            }
            for d in digits.iter_mut() {
                *d += 1;
                if *d < self.ncoh {
                    break;
                }
                *d = 0;
            }
        }
        false
    }
}

/// Cohort conflicts proven by counting, one message per unit and week.
pub(crate) fn cohort_counting(m: &Model) -> Vec<String> {
    let mut out = Vec::new();
    if !m.separate_cohorts {
        return out;
    }
    let mut by_unit: Vec<Vec<usize>> = vec![Vec::new(); m.units.len()];
    for (e, emp) in m.emps.iter().enumerate() {
        if let Some(u) = by_unit.get_mut(emp.unit) {
            u.push(e);
        }
    }
    for (w, days) in m.weeks.iter().enumerate() {
        if days.is_empty() {
            continue;
        }
        for (u, members) in by_unit.iter().enumerate() {
            let mut cohorts: Vec<usize> =
                members.iter().filter_map(|&e| m.emps[e].cohort).collect();
            cohorts.sort_unstable();
            cohorts.dedup();
            if cohorts.len() < 2 {
                continue;
            }
            let Some(uw) = unit_week(m, w, u, members, &cohorts) else {
                continue;
            };
            let mut enabled = vec![true; uw.parts.len()];
            if uw.feasible(&enabled) {
                continue;
            }
            for i in 0..enabled.len() {
                enabled[i] = false;
                if uw.feasible(&enabled) {
                    enabled[i] = true;
                }
            }
            out.push(describe(m, w, u, &uw, &enabled, &cohorts));
        }
    }
    out
}

fn unit_week(
    m: &Model,
    w: usize,
    u: usize,
    members: &[usize],
    cohorts: &[usize],
) -> Option<UnitWeek> {
    let days = &m.weeks[w];
    let ndays = days.len();
    let ncoh = cohorts.len();
    if ncoh
        .checked_pow(ndays as u32)
        .is_none_or(|t| t > MAX_CHOICES)
    {
        return None;
    }
    let mut parts = Vec::new();
    let mut counts = Vec::new();
    let mut mins = Vec::new();
    let mut avail_of = vec![0u8; m.emps.len()];
    for &e in members {
        let ew = emp_week(m, e, w);
        let present = ew.full & !ew.absent;
        let avail = present & !ew.must_rem();
        avail_of[e] = avail;
        let Some(k) = m.emps[e]
            .cohort
            .and_then(|c| cohorts.iter().position(|&x| x == c))
        else {
            continue;
        };
        let must = ew.must_on() & avail;
        let need = present.count_ones().saturating_sub(u32::from(ew.r));
        if need == 0 && must == 0 {
            continue;
        }
        parts.push(Part::Member {
            e,
            k,
            avail,
            must,
            need,
        });
        counts.push(Vec::new());
        mins.push(0);
    }
    for (r, rule) in m.coverage.iter().enumerate() {
        if rule.unit != Some(u) || rule.min <= 0 {
            continue;
        }
        for (p, &d) in days.iter().enumerate() {
            if rule.weekdays & (1 << m.day_wd[d]) == 0 {
                continue;
            }
            let mut c = vec![0i64; ncoh + 1];
            for &e in &rule.members {
                if avail_of.get(e).is_none_or(|a| a & (1 << p) == 0) {
                    continue;
                }
                match m.emps[e]
                    .cohort
                    .and_then(|co| cohorts.iter().position(|&x| x == co))
                {
                    Some(k) => c[1 + k] += 1,
                    None => c[0] += 1,
                }
            }
            parts.push(Part::Cover { r, p });
            counts.push(c);
            mins.push(rule.min);
        }
    }
    Some(UnitWeek {
        ndays,
        ncoh,
        parts,
        counts,
        mins,
    })
}

fn describe(
    m: &Model,
    w: usize,
    u: usize,
    uw: &UnitWeek,
    enabled: &[bool],
    cohorts: &[usize],
) -> String {
    let days = &m.weeks[w];
    let day_list = |mask: u8| -> String {
        (0..days.len())
            .filter(|p| mask & (1 << p) != 0)
            .map(|p| m.day_name(days[p]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut why = Vec::new();
    for (i, part) in uw.parts.iter().enumerate() {
        if !enabled[i] {
            continue;
        }
        match *part {
            Part::Member {
                e,
                k,
                avail,
                must,
                need,
            } => {
                let emp = &m.emps[e];
                let mut s = format!("{} (cohort {})", emp.id, m.cohorts[cohorts[k]]);
                if need > 0 {
                    s.push_str(&format!(
                        " must be onsite on at least {need} of its {} possible days (remote_target_per_week is {})",
                        avail.count_ones(),
                        emp.r
                    ));
                }
                if must != 0 {
                    let join = if need > 0 { " and" } else { " must be onsite" };
                    s.push_str(&format!("{join} on {}", day_list(must)));
                }
                why.push(s);
            }
            Part::Cover { r, p } => {
                let c = &uw.counts[i];
                let by: Vec<String> = (0..cohorts.len())
                    .filter(|&k| c[1 + k] > 0)
                    .map(|k| format!("{} of cohort {}", c[1 + k], m.cohorts[cohorts[k]]))
                    .chain((c[0] > 0).then(|| format!("{} without a cohort", c[0])))
                    .collect();
                let could = if by.is_empty() {
                    String::from("nobody")
                } else {
                    by.join(" and ")
                };
                why.push(format!(
                    "{}: {} (could come in: {could})",
                    m.day_name(days[p]),
                    crate::conflict::needs(m, r)
                ));
            }
        }
    }
    format!(
        "{}, week of {}: only one cohort may be onsite per day (separate_cohorts), but {}",
        m.units[u],
        m.week_start[w],
        why.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_input, Input};

    fn model(json: &str) -> Model {
        let inp: Input = parse_input(json).unwrap();
        Model::build(&inp).unwrap()
    }

    fn unit(emps: &str, rules: &str) -> String {
        format!(
            r#"{{"horizon": {{"start": "2026-01-12", "weeks": 1}}, "employees": [{emps}],
                "rules": {{"separate_cohorts": true{rules}}}}}"#
        )
    }

    #[test]
    fn two_cohorts_needing_three_days_each_conflict() {
        let json = unit(
            r#"{"id": "a1", "unit": "u", "cohort": "A", "remote_target_per_week": 2},
               {"id": "a2", "unit": "u", "cohort": "A", "remote_target_per_week": 4},
               {"id": "b1", "unit": "u", "cohort": "B", "remote_target_per_week": 2},
               {"id": "f", "unit": "u", "remote_target_per_week": 0}"#,
            "",
        );
        let msgs = cohort_counting(&model(&json));
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        let msg = &msgs[0];
        assert!(
            msg.starts_with("u, week of 2026-01-12: only one cohort"),
            "{msg}"
        );
        assert!(
            msg.contains("a1 (cohort A) must be onsite on at least 3"),
            "{msg}"
        );
        assert!(
            msg.contains("b1 (cohort B) must be onsite on at least 3"),
            "{msg}"
        );
        // Not needed for the argument, so left out.
        assert!(!msg.contains("a2"), "{msg}");
    }

    #[test]
    fn enough_days_for_both_cohorts_is_no_conflict() {
        // 3 + 2 = 5 days: possible.
        let json = unit(
            r#"{"id": "a1", "unit": "u", "cohort": "A", "remote_target_per_week": 2},
               {"id": "b1", "unit": "u", "cohort": "B", "remote_target_per_week": 3}"#,
            "",
        );
        assert!(cohort_counting(&model(&json)).is_empty());
        // Without separate_cohorts nothing is checked.
        let json = json.replace("\"separate_cohorts\": true", "\"separate_cohorts\": false");
        assert!(cohort_counting(&model(&json)).is_empty());
    }

    #[test]
    fn coverage_that_only_one_cohort_can_give_counts() {
        // The key skill is only in cohort A, needed Monday to Thursday, so
        // cohort B has only Friday; b1 needs 2 days onsite.
        let json = unit(
            r#"{"id": "a1", "unit": "u", "cohort": "A", "skills": ["key"], "remote_target_per_week": 5},
               {"id": "b1", "unit": "u", "cohort": "B", "remote_target_per_week": 3},
               {"id": "b2", "unit": "u", "cohort": "B", "remote_target_per_week": 5}"#,
            r#", "coverage": [{"unit": "u", "skill": "key", "min_onsite": 1,
                               "weekdays": ["mon", "tue", "wed", "thu"]}]"#,
        );
        let msgs = cohort_counting(&model(&json));
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].contains("b1 (cohort B) must be onsite on at least 2"),
            "{}",
            msgs[0]
        );
        assert!(
            msgs[0].contains("needs 1 onsite with skill key (could come in: 1 of cohort A)"),
            "{}",
            msgs[0]
        );
        assert!(!msgs[0].contains("b2"), "{}", msgs[0]);
    }
}
