//! The rotation planner on stored data: the planner's input built from a
//! unit's people, agreements, absences, temporary decisions, coverage rules
//! and desks; the plan explained; a plan published into everyone's plan
//! (the `rotation` step of the plan's precedence).

use std::collections::{BTreeMap, HashMap};

use distans_planner as planner;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, Weekday as TimeWeekday};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{self, Action};
use crate::audit::NewAuditEntry;
use crate::calendar::iso_week;
use crate::coverage::RuleKind;
use crate::error::{CoreError, CoreResult};
use crate::model::{Actor, Paging};
use crate::plan::DayState;
use crate::staffing::MAX_UNIT_MEMBERS;
use crate::store::UnitDetail;
use crate::Core;

/// The most weeks planned from stored data at once.
pub const MAX_ROTATION_WEEKS: i64 = 8;

/// A cell the manager locked: this person has this state that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Lock {
    pub person: Uuid,
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    /// `onsite` or `remote`.
    pub remote: bool,
}

/// A planning problem built from stored data.
#[derive(Debug, Clone)]
pub struct RotationProblem {
    pub unit: UnitDetail,
    pub start: Date,
    pub weeks: i64,
    pub input: planner::Input,
    /// Employee id (the person's id) → name.
    pub names: BTreeMap<String, String>,
    /// Rules that could not be expressed in the planner's terms.
    pub notes: Vec<String>,
}

/// Someone who gets fewer remote days than their target in a week, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Shortfall {
    pub person: String,
    pub name: String,
    pub week: u8,
    pub target: i64,
    pub remote: i64,
    /// Its share of the cost (10 · deficit²).
    pub cost: i64,
    /// The days they are on site and the rules that needed them there.
    pub reasons: Vec<String>,
}

fn weekday_key(d: Date) -> Option<&'static str> {
    match d.weekday() {
        TimeWeekday::Monday => Some("mon"),
        TimeWeekday::Tuesday => Some("tue"),
        TimeWeekday::Wednesday => Some("wed"),
        TimeWeekday::Thursday => Some("thu"),
        TimeWeekday::Friday => Some("fri"),
        _ => None,
    }
}

impl Core {
    /// Builds the planner's input for `unit` and the units below it, for
    /// `weeks` ISO weeks from the Monday `start`.
    pub async fn rotation_problem(
        &self,
        actor: &Actor,
        unit: Uuid,
        start: Date,
        weeks: i64,
        locks: &[Lock],
    ) -> CoreResult<RotationProblem> {
        let detail = self
            .store
            .unit(unit)
            .await?
            .ok_or(CoreError::NotFound("unit"))?;
        access::authorize(
            actor,
            Action::ReadUnitPlan {
                unit_path: &detail.path,
            },
        )?;
        if start.weekday() != TimeWeekday::Monday {
            return Err(CoreError::invalid("from", "must be a Monday"));
        }
        if !(1..=MAX_ROTATION_WEEKS).contains(&weeks) {
            return Err(CoreError::invalid(
                "weeks",
                format!("must be from 1 to {MAX_ROTATION_WEEKS}"),
            ));
        }
        let end = start + Duration::days(7 * weeks - 3);
        let cal = self.work_calendar(start, end).await?;
        let workdays = cal.workdays(start, end);
        let members = self
            .store
            .members_under(&detail.path, MAX_UNIT_MEMBERS)
            .await?;
        // The units below, for codes and for which rules the planner can hold.
        let mut units = vec![];
        let mut offset = 0;
        loop {
            let page = self
                .store
                .units(Some(unit), None, Paging { limit: 500, offset })
                .await?;
            offset += page.items.len() as i64;
            let done = page.items.is_empty() || offset >= page.total;
            units.extend(page.items);
            if done {
                break;
            }
        }
        let code_of: HashMap<Uuid, String> = units.iter().map(|u| (u.id, u.code.clone())).collect();
        let unit_ids: Vec<Uuid> = units.iter().map(|u| u.id).collect();
        let rules = self.store.coverage_rules(&unit_ids).await?;
        let ids: Vec<Uuid> = members.iter().map(|m| m.id).collect();
        let person_rules = self.store.plan_rules(&ids, start, end).await?;
        let policy = self
            .store
            .policy_on(start)
            .await?
            .ok_or_else(|| CoreError::Internal("no policy".into()))?;
        let decisions: Vec<_> = self
            .store
            .temporary_decisions(
                None,
                Paging {
                    limit: 200,
                    offset: 0,
                },
            )
            .await?
            .items
            .into_iter()
            .filter(|d| d.start <= end && start <= d.end)
            .collect();

        let mut employees = vec![];
        let mut names = BTreeMap::new();
        for m in &members {
            let r = person_rules.get(&m.id).cloned().unwrap_or_default();
            let secrecy = m
                .skills
                .iter()
                .any(|s| policy.rules.secrecy_tasks.contains(s));
            let spans: Vec<_> = r
                .agreements
                .iter()
                .filter(|a| a.start <= end && a.last.is_none_or(|l| start <= l))
                .collect();
            let mut target = spans.iter().map(|a| a.days_per_week).max().unwrap_or(0);
            for d in &decisions {
                let may = d.covers_path(&m.unit_path)
                    && (d.without_agreement || !spans.is_empty())
                    && !(d.tasks_must_allow && secrecy);
                if may {
                    target = target.max(i64::from(d.max_remote_days));
                }
            }
            if secrecy {
                target = 0;
            }
            let mut prefer_remote: Vec<String> = spans
                .iter()
                .flat_map(|a| a.weekdays.iter().map(|w| w.as_str().to_string()))
                .collect();
            prefer_remote.sort();
            prefer_remote.dedup();
            let absent: Vec<String> = workdays
                .iter()
                .filter(|d| r.absences.iter().any(|(a, b)| a <= *d && *d <= b))
                .map(|d| d.to_string())
                .collect();
            let locked: BTreeMap<String, planner::Locked> = locks
                .iter()
                .filter(|l| l.person == m.id)
                .map(|l| {
                    (
                        l.date.to_string(),
                        if l.remote {
                            planner::Locked::Remote
                        } else {
                            planner::Locked::Onsite
                        },
                    )
                })
                .collect();
            names.insert(m.id.to_string(), m.name.clone());
            employees.push(planner::Employee {
                id: m.id.to_string(),
                unit: code_of.get(&m.unit_id).cloned().unwrap_or_default(),
                skills: m.skills.clone(),
                cohort: None,
                remote_target_per_week: target.min(5),
                fixed_remote: vec![],
                fixed_onsite: vec![],
                absent,
                prefer_remote,
                prefer_onsite: vec![],
                locked,
            });
        }

        let mut coverage = vec![];
        let mut capacity = vec![];
        let mut notes = vec![];
        let has_people: std::collections::HashSet<&str> =
            employees.iter().map(|e| e.unit.as_str()).collect();
        for rule in &rules {
            let weekdays = rule
                .weekdays
                .as_ref()
                .map(|ws| ws.iter().map(|w| w.as_str().to_string()).collect());
            let in_root = rule.unit_id == unit;
            let leaf = units
                .iter()
                .find(|u| u.id == rule.unit_id)
                .map(|u| u.children == 0)
                .unwrap_or(false);
            match rule.kind {
                RuleKind::MinOnsite if in_root => coverage.push(planner::CoverageRule {
                    unit: None,
                    skill: rule.skill.clone(),
                    min_onsite: rule.min_onsite,
                    weekdays,
                }),
                RuleKind::MinOnsite if leaf => {
                    let code = code_of.get(&rule.unit_id).cloned().unwrap_or_default();
                    if has_people.contains(code.as_str()) {
                        coverage.push(planner::CoverageRule {
                            unit: Some(code),
                            skill: rule.skill.clone(),
                            min_onsite: rule.min_onsite,
                            weekdays,
                        });
                    } else {
                        notes.push(format!("{code}: a rule for a unit without people is left out"));
                    }
                }
                RuleKind::MinOnsite => notes.push(format!(
                    "{}: rules of units between the planned unit and its teams are left out; plan that unit instead",
                    code_of.get(&rule.unit_id).cloned().unwrap_or_default()
                )),
                RuleKind::MaxDesks => {
                    let Some(site) = units
                        .iter()
                        .find(|u| u.id == rule.unit_id)
                        .and(detail.site.as_ref())
                    else {
                        continue;
                    };
                    // The desks left after everyone else at the site, on their busiest day.
                    let counts = self.site_counts(site.id, &cal, start, end).await?;
                    let mut worst_others = 0;
                    for d in &workdays {
                        let ours = members
                            .iter()
                            .filter(|m| m.site_id == Some(site.id))
                            .filter(|m| person_rules.get(&m.id).is_none_or(|r| r.day(*d).on_site()))
                            .count() as i64;
                        worst_others = worst_others.max(counts.get(d).copied().unwrap_or(0) - ours);
                    }
                    capacity.push(planner::CapacityRule {
                        units: None,
                        max_onsite: (site.desks - worst_others).max(0),
                    });
                }
            }
        }
        let holidays: Vec<String> = (0..weeks * 7)
            .map(|i| start + Duration::days(i))
            .filter(|d| weekday_key(*d).is_some() && !cal.is_workday(*d))
            .map(|d| d.to_string())
            .collect();
        let input = planner::Input {
            horizon: planner::Horizon {
                start: Some(start.to_string()),
                weeks,
                holidays,
            },
            employees,
            rules: planner::Rules {
                coverage,
                capacity,
                separate_cohorts: false,
            },
        };
        planner::validate(&input)
            .map_err(|e| CoreError::Internal(format!("built an invalid planner input: {e:?}")))?;
        Ok(RotationProblem {
            unit: detail,
            start,
            weeks,
            input,
            names,
            notes,
        })
    }

    /// Publishes a plan for the problem: checked against the input built
    /// now (so a plan made before an absence was entered is refused), it
    /// becomes the `rotation` of everyone's plan for its days, replacing
    /// earlier rotations of the unit on those days.
    pub async fn publish_rotation(
        &self,
        actor: &Actor,
        problem: &RotationProblem,
        output: &planner::Output,
    ) -> CoreResult<Uuid> {
        access::authorize(
            actor,
            Action::PublishRotation {
                unit_path: &problem.unit.path,
            },
        )?;
        if output.status == planner::Status::Infeasible {
            return Err(CoreError::Conflict(
                "an infeasible plan cannot be published".into(),
            ));
        }
        let cost = planner::check::check(&problem.input, output).map_err(|errors| {
            CoreError::Conflict(format!(
                "the plan no longer fits the unit's data (plan again): {}",
                errors.into_iter().take(3).collect::<Vec<_>>().join("; ")
            ))
        })?;
        let mut days = vec![];
        for (person, cells) in &output.plan {
            let id = Uuid::parse_str(person)
                .map_err(|_| CoreError::invalid("plan", format!("{person} is not a person id")))?;
            for (date, state) in cells {
                let d = crate::policy::parse_date("plan", date)?;
                let st = match state {
                    planner::State::Onsite => DayState::Workplace,
                    planner::State::Remote => DayState::Remote,
                    planner::State::Absent => continue,
                };
                days.push((id, d, st));
            }
        }
        let id = Uuid::now_v7();
        let first = problem.start;
        let last = problem.start + Duration::days(7 * problem.weeks - 3);
        let audit = NewAuditEntry {
            actor_id: Some(actor.person_id),
            actor: actor.name.clone(),
            action: "rotation.publish".into(),
            entity: "unit".into(),
            entity_id: problem.unit.unit.id.to_string(),
            before: None,
            after: Some(serde_json::json!({
                "rotation": id, "from": first.to_string(), "to": last.to_string(),
                "people": output.plan.len(), "cost": cost, "status": output.status,
            })),
        };
        self.store
            .publish_rotation(
                id,
                problem.unit.unit.id,
                first,
                last,
                cost,
                &days,
                actor.person_id,
                self.now(),
                audit,
            )
            .await?;
        Ok(id)
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
        .and_then(|s| crate::policy::parse_date("from", s).ok())
    else {
        return vec![];
    };
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
        for w in 0..input.horizon.weeks {
            let monday = start + Duration::days(7 * w);
            let days: Vec<Date> = (0..5)
                .map(|i| monday + Duration::days(i))
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
}

/// A planner run as stored in the database, so that every app server can
/// show, cancel and publish a run that another server is computing.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannerJobRow {
    pub id: Uuid,
    pub owner: Uuid,
    /// JSON of a [`StoredProblem`].
    pub problem: String,
    pub time_limit: f64,
    pub finished: bool,
    pub cancel_requested: bool,
    pub done: i64,
    pub total: i64,
    pub best_cost: Option<i64>,
    /// JSON of the planner's output, once finished.
    pub result: Option<String>,
    pub elapsed_ms: Option<i64>,
    pub published: Option<Uuid>,
    /// When the server computing it last reported; a run whose server
    /// stopped reporting is shown as lost.
    pub heartbeat_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
}

/// What a stored run keeps of its problem: enough to show the plan and to
/// check it again before publishing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredProblem {
    pub unit: Uuid,
    pub unit_name: String,
    pub start: Date,
    pub weeks: i64,
    pub input: planner::Input,
    pub names: BTreeMap<String, String>,
    pub notes: Vec<String>,
    pub locks: Vec<Lock>,
}

impl StoredProblem {
    pub fn of(p: &RotationProblem, locks: &[Lock]) -> Self {
        StoredProblem {
            unit: p.unit.unit.id,
            unit_name: p.unit.unit.name.clone(),
            start: p.start,
            weeks: p.weeks,
            input: p.input.clone(),
            names: p.names.clone(),
            notes: p.notes.clone(),
            locks: locks.to_vec(),
        }
    }
}
