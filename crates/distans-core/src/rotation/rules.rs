//! Explaining a plan: who gets fewer remote days than their target, and
//! why; conflicts written with people's names. Pure.

use std::collections::{BTreeMap, HashMap};

use distans_planner as planner;
use time::{Date, Weekday as TimeWeekday};

use crate::kernel::calendar::iso_week;
use crate::kernel::dates::{add_days, check_date, parse_date, plus_days, DateRange};
use crate::kernel::PersonId;
use crate::kernel::{CoreError, CoreResult};
use crate::plan::model::{DayState, PersonRules};
use crate::rotation::model::*;

/// The days a rotation plans: from the Monday `start` to the Friday of its
/// last week, 1 to [`MAX_ROTATION_WEEKS`] weeks, within the years accepted.
pub fn horizon(start: Date, weeks: i64) -> CoreResult<DateRange> {
    check_date("from", start)?;
    if start.weekday() != TimeWeekday::Monday {
        return Err(CoreError::invalid("from", "must be a Monday"));
    }
    if !(1..=MAX_ROTATION_WEEKS).contains(&weeks) {
        return Err(CoreError::invalid(
            "weeks",
            format!("must be from 1 to {MAX_ROTATION_WEEKS}"),
        ));
    }
    let last_friday = add_days("weeks", start, 7 * weeks - 3)?;
    DateRange::new(("from", "weeks"), start, last_friday)
}

/// The workdays on which a person may not work remotely: those in none of
/// `allowed`, the periods (first day, last day or none) of their agreements
/// and of the temporary decisions that let them. The planner keeps them
/// onsite, so an agreement gives remote days only while it applies.
pub fn onsite_only(workdays: &[Date], allowed: &[(Date, Option<Date>)]) -> Vec<Date> {
    workdays
        .iter()
        .copied()
        .filter(|d| {
            !allowed
                .iter()
                .any(|(from, to)| from <= d && to.is_none_or(|t| *d <= t))
        })
        .collect()
}

/// The days of `proposal` (person, day, state) that the plan would show
/// otherwise once published over the people's `rules`: a rotation comes
/// after absences and the person's own occasional days (see the plan's
/// order of precedence), so those days differ. `names` names the people.
pub fn publish_differences(
    proposal: &[(PersonId, Date, DayState)],
    rules: &HashMap<PersonId, PersonRules>,
    names: &BTreeMap<String, String>,
) -> Vec<PublishDifference> {
    let mut after: HashMap<PersonId, PersonRules> = HashMap::new();
    for (person, date, state) in proposal {
        after
            .entry(*person)
            .or_insert_with(|| rules.get(person).cloned().unwrap_or_default())
            .rotation
            .insert(*date, *state);
    }
    proposal
        .iter()
        .filter_map(|(person, date, state)| {
            let shown = after.get(person)?.day(*date);
            (shown.state != *state || shown.part.is_some()).then(|| PublishDifference {
                person: *person,
                name: names.get(&person.to_string()).cloned().unwrap_or_default(),
                date: *date,
                proposed: *state,
                shown,
            })
        })
        .collect()
}

pub(crate) fn weekday_key(d: Date) -> Option<&'static str> {
    match d.weekday() {
        TimeWeekday::Monday => Some("mon"),
        TimeWeekday::Tuesday => Some("tue"),
        TimeWeekday::Wednesday => Some("wed"),
        TimeWeekday::Thursday => Some("thu"),
        TimeWeekday::Friday => Some("fri"),
        _ => None,
    }
}

/// Who gets fewer remote days than their target, week by week, and why:
/// the days they are on site and the coverage rules that were tight then.
pub fn explain(
    input: &planner::Input,
    output: &planner::Output,
    names: &BTreeMap<String, String>,
) -> Vec<Shortfall> {
    let Some(start) = input
        .horizon
        .start
        .as_deref()
        .and_then(|s| parse_date("from", s).ok())
    else {
        return vec![];
    };
    // A stored input may say anything: as many weeks as the planner takes.
    let weeks = input.horizon.weeks.clamp(0, planner::MAX_WEEKS);
    // On site per day, per rule.
    let onsite = |e: &planner::Employee, d: &str| {
        output
            .plan
            .get(&e.id)
            .and_then(|p| p.get(d))
            .is_some_and(|s| *s == planner::State::Onsite)
    };
    let mut out = vec![];
    for e in &input.employees {
        for w in 0..weeks {
            let Some(monday) = plus_days(start, 7 * w) else {
                break;
            };
            let days: Vec<Date> = (0..5)
                .filter_map(|i| plus_days(monday, i))
                .filter(|d| !input.horizon.holidays.contains(&d.to_string()))
                .collect();
            let available = days
                .iter()
                .filter(|d| !e.absent.contains(&d.to_string()))
                .filter(|d| {
                    e.locked.get(&d.to_string()) != Some(&planner::Locked::Onsite)
                        && weekday_key(**d).is_none_or(|k| !e.fixed_onsite.iter().any(|f| f == k))
                })
                .count() as i64;
            let target = e.remote_target_per_week.min(available);
            let remote = days
                .iter()
                .filter(|d| {
                    output
                        .plan
                        .get(&e.id)
                        .and_then(|p| p.get(&d.to_string()))
                        .is_some_and(|s| *s == planner::State::Remote)
                })
                .count() as i64;
            if remote >= target {
                continue;
            }
            let mut reasons = vec![];
            let absent = days
                .iter()
                .filter(|d| e.absent.contains(&d.to_string()))
                .count();
            if absent > 0 {
                reasons.push(format!("absent {absent} day(s)"));
            }
            for d in days.iter().filter(|d| onsite(e, &d.to_string())) {
                let ds = d.to_string();
                let wd = weekday_key(*d).unwrap_or("");
                for r in &input.rules.coverage {
                    let applies = r
                        .weekdays
                        .as_ref()
                        .is_none_or(|ws| ws.iter().any(|x| x == wd));
                    let counts_e = r.unit.as_ref().is_none_or(|u| *u == e.unit)
                        && r.skill.as_ref().is_none_or(|s| e.skills.contains(s));
                    if !applies || !counts_e {
                        continue;
                    }
                    let planned = input
                        .employees
                        .iter()
                        .filter(|x| r.unit.as_ref().is_none_or(|u| *u == x.unit))
                        .filter(|x| r.skill.as_ref().is_none_or(|s| x.skills.contains(s)))
                        .filter(|x| onsite(x, &ds))
                        .count() as i64;
                    if planned <= r.min_onsite {
                        reasons.push(format!(
                            "{ds}: needed on site (at least {}{}{} on site)",
                            r.min_onsite,
                            r.unit
                                .as_ref()
                                .map(|u| format!(" in {u}"))
                                .unwrap_or_default(),
                            r.skill
                                .as_ref()
                                .map(|s| format!(" with {s}"))
                                .unwrap_or_default()
                        ));
                    }
                }
                if e.locked.get(&ds) == Some(&planner::Locked::Onsite) {
                    reasons.push(format!("{ds}: locked on site"));
                }
            }
            if reasons.is_empty() {
                reasons.push("the desks or the coverage of the week as a whole".into());
            }
            let deficit = target - remote;
            out.push(Shortfall {
                person: e.id.clone(),
                name: names.get(&e.id).cloned().unwrap_or_else(|| e.id.clone()),
                week: iso_week(monday).1,
                target,
                remote,
                cost: 10 * deficit * deficit,
                reasons,
            });
        }
    }
    out
}

/// The planner's conflicts name employees by id (here, person ids): say
/// their names instead, for people to read.
pub fn named_conflicts(conflicts: &[String], names: &BTreeMap<String, String>) -> Vec<String> {
    conflicts
        .iter()
        .map(|c| {
            let mut c = c.clone();
            for (id, name) in names {
                if c.contains(id.as_str()) {
                    c = c.replace(id.as_str(), name);
                }
            }
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn only_days_in_an_allowed_period_may_be_remote() {
        let days: Vec<Date> = (0..10)
            .map(|i| date!(2026 - 03 - 02) + time::Duration::days(i))
            .collect();
        let agreement = (date!(2026 - 03 - 05), None);
        let decision = (date!(2026 - 03 - 02), Some(date!(2026 - 03 - 02)));
        assert_eq!(
            onsite_only(&days, &[agreement, decision]),
            vec![date!(2026 - 03 - 03), date!(2026 - 03 - 04)]
        );
        assert_eq!(
            onsite_only(&days, &[]),
            days,
            "no agreement: every day onsite"
        );
        let ended = (date!(2026 - 01 - 01), Some(date!(2026 - 03 - 09)));
        assert_eq!(
            onsite_only(&days, &[ended]),
            vec![date!(2026 - 03 - 10), date!(2026 - 03 - 11)]
        );
    }

    proptest! {
        /// A day is kept onsite exactly when no allowed period holds it.
        #[test]
        fn onsite_only_is_the_days_outside_every_period(
            periods in proptest::collection::vec((0i64..60, proptest::option::of(0i64..60)), 0..4),
        ) {
            let base = date!(2026 - 01 - 05);
            let day = |n: i64| base + time::Duration::days(n);
            let days: Vec<Date> = (0..60).map(day).collect();
            let allowed: Vec<(Date, Option<Date>)> = periods.iter().map(|(a, b)| (day(*a), b.map(|b| day(a + b)))).collect();
            let out = onsite_only(&days, &allowed);
            for d in &days {
                let inside = allowed.iter().any(|(f, t)| f <= d && t.is_none_or(|t| *d <= t));
                prop_assert_eq!(out.contains(d), !inside);
            }
        }
    }

    #[test]
    fn conflicts_get_names() {
        let names: BTreeMap<String, String> = [("0a1b".to_string(), "Anna Lindqvist".to_string())]
            .into_iter()
            .collect();
        assert_eq!(
            named_conflicts(&["0a1b is absent on 2026-01-07".into()], &names),
            vec!["Anna Lindqvist is absent on 2026-01-07".to_string()]
        );
    }

    #[test]
    fn shortfalls_say_why() {
        let input: planner::Input = serde_json::from_value(serde_json::json!({
            "horizon": {"start": "2026-01-05", "weeks": 1},
            "employees": [
                {"id": "a", "unit": "u", "remote_target_per_week": 2},
                {"id": "b", "unit": "u", "remote_target_per_week": 2}
            ],
            "rules": {"coverage": [{"unit": null, "skill": null, "min_onsite": 2, "weekdays": ["mon", "tue", "wed", "thu"]}]}
        }))
        .unwrap();
        let out = planner::solve(&input, &planner::SolveOptions::default());
        assert_eq!(out.status, planner::Status::Optimal);
        let names: BTreeMap<String, String> =
            [("a".to_string(), "A".to_string())].into_iter().collect();
        let s = explain(&input, &out, &names);
        // Only Friday is free: one of them gets 1 of 2, the other 0 or 1.
        assert!(!s.is_empty());
        assert!(s.iter().all(|x| x.remote < x.target));
        assert!(
            s[0].reasons.iter().any(|r| r.contains("needed on site")),
            "{s:?}"
        );
        assert_eq!(s.iter().map(|x| x.cost).sum::<i64>(), out.cost);
    }

    #[test]
    fn every_id_in_a_conflict_is_named_and_unknown_ids_are_kept() {
        let names: BTreeMap<String, String> = [
            ("p1".to_string(), "Anna".to_string()),
            ("p2".to_string(), "Bo".to_string()),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            named_conflicts(
                &["p1 and p2 both locked; p1 absent; p9 unknown".into()],
                &names
            ),
            vec!["Anna and Bo both locked; Anna absent; p9 unknown".to_string()]
        );
        assert!(named_conflicts(&[], &names).is_empty());
        assert_eq!(
            weekday_key(time::macros::date!(2026 - 01 - 10)),
            None,
            "a Saturday"
        );
        assert_eq!(
            weekday_key(time::macros::date!(2026 - 01 - 09)),
            Some("fri")
        );
    }

    #[test]
    fn nobody_is_short_when_every_target_is_met_and_absence_is_a_reason() {
        let input: planner::Input = serde_json::from_value(serde_json::json!({
            "horizon": {"start": "2026-01-05", "weeks": 2},
            "employees": [
                {"id": "a", "unit": "u", "remote_target_per_week": 1},
                {"id": "b", "unit": "u", "remote_target_per_week": 5, "absent": ["2026-01-05"]}
            ],
            "rules": {"coverage": []}
        }))
        .unwrap();
        let out = planner::solve(&input, &planner::SolveOptions::default());
        let s = explain(&input, &out, &BTreeMap::new());
        assert!(s.iter().all(|x| x.person != "a"), "{s:?}");
        assert!(s
            .iter()
            .all(|x| x.remote < x.target && x.cost == 10 * (x.target - x.remote).pow(2)));
        let no_start: planner::Input = serde_json::from_value(serde_json::json!({
            "horizon": {"weeks": 1}, "employees": [], "rules": {"coverage": []}
        }))
        .unwrap();
        assert!(explain(&no_start, &out, &BTreeMap::new()).is_empty());
    }
}
