//! The planner's input built from a unit's people, agreements, absences,
//! temporary decisions, coverage rules and desks; a plan published into
//! everyone's plan (the `rotation` step of the plan's precedence).

use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::RotationPlanId;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use distans_planner as planner;
use time::Date;

use crate::access::{self, Action, Kind};
use crate::coverage::model::MAX_UNIT_MEMBERS;
use crate::coverage::service::CoverageService;
use crate::kernel::gap::RuleKind;
use crate::kernel::Env;
use crate::kernel::Work;
use crate::kernel::{Actor, CoreError, CoreResult, NewAuditEntry, Paging};
use crate::org::service::OrgService;
use crate::plan::model::DayState;
use crate::plan::service::PlanService;
use crate::policy::service::PolicyService;
use crate::rotation::model::*;
use crate::rotation::port::RotationPort;
use crate::rotation::rules::*;
use crate::temporary::service::TemporaryService;
use crate::workdays::service::WorkdaysService;

/// The slices a rotation is planned from.
pub(crate) struct RotationDeps {
    pub org: OrgService,
    pub workdays: WorkdaysService,
    pub plan: PlanService,
    pub coverage: CoverageService,
    pub policy: PolicyService,
    pub temporary: TemporaryService,
}

/// The rotation planner on stored data.
#[derive(Clone)]
pub struct RotationService {
    pub(super) port: Arc<dyn RotationPort>,
    pub(super) env: Env,
    pub(super) org: OrgService,
    pub(super) workdays: WorkdaysService,
    pub(super) plan: PlanService,
    pub(super) coverage: CoverageService,
    pub(super) policy: PolicyService,
    pub(super) temporary: TemporaryService,
}

impl RotationService {
    pub(crate) fn new(port: Arc<dyn RotationPort>, env: Env, d: RotationDeps) -> Self {
        RotationService {
            port,
            env,
            org: d.org,
            workdays: d.workdays,
            plan: d.plan,
            coverage: d.coverage,
            policy: d.policy,
            temporary: d.temporary,
        }
    }
}

impl RotationService {
    /// Builds the planner's input for `unit` and the units below it, for
    /// `weeks` ISO weeks from the Monday `start`.
    #[tracing::instrument(skip_all)]
    pub async fn rotation_problem(
        &self,
        actor: &Actor,
        unit: UnitId,
        start: Date,
        weeks: i64,
        locks: &[Lock],
    ) -> CoreResult<RotationProblem> {
        let detail = self
            .org
            .unit_to(actor, unit, |unit_path| Action::ReadUnitPlan { unit_path })
            .await?;
        let period = horizon(start, weeks)?;
        let end = period.to();
        let cal = self.workdays.calendar(period).await?;
        let workdays = cal.workdays(period);
        let members = self
            .coverage
            .members_under(&detail.path, period.from(), MAX_UNIT_MEMBERS)
            .await?;
        // The units below, for codes and for which rules the planner can hold.
        let mut units = vec![];
        let mut offset = 0;
        loop {
            let page = self
                .org
                .units_below(Some(unit), None, Paging { limit: 500, offset })
                .await?;
            offset += page.items.len() as i64;
            let done = page.items.is_empty() || offset >= page.total;
            units.extend(page.items);
            if done {
                break;
            }
        }
        let code_of: HashMap<UnitId, String> =
            units.iter().map(|u| (u.id, u.code.clone())).collect();
        let unit_ids: Vec<UnitId> = units.iter().map(|u| u.id).collect();
        let rules = self.coverage.rules_of(&unit_ids).await?;
        let ids: Vec<PersonId> = members.iter().map(|m| m.id).collect();
        let person_rules = self.plan.rules(&ids, period).await?;
        let policy = self.policy.in_force(start).await?;
        let decisions = self.temporary.overlapping(start, end).await?;

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
            let mut allowed_by_decisions = vec![];
            for d in &decisions {
                let may = d.covers_path(&m.unit_path)
                    && (d.without_agreement || !spans.is_empty())
                    && !(d.tasks_must_allow && secrecy);
                if may {
                    target = target.max(i64::from(d.max_remote_days));
                    allowed_by_decisions.push((d.start, Some(d.end)));
                }
            }
            if secrecy {
                target = 0;
            }
            // The periods remote work may be planned in: the agreements'
            // and those of the decisions that let this person.
            let mut allowed: Vec<(Date, Option<Date>)> =
                spans.iter().map(|a| (a.start, a.last)).collect();
            allowed.extend(allowed_by_decisions);
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
            let mut locked: BTreeMap<String, planner::Locked> = locks
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
            // Outside those periods the person is onsite (unless absent or
            // locked by the manager): an agreement that starts later, or has
            // ended, gives no remote days on those days.
            if target > 0 {
                for d in onsite_only(&workdays, &allowed) {
                    let key = d.to_string();
                    if !absent.contains(&key) {
                        locked.entry(key).or_insert(planner::Locked::Onsite);
                    }
                }
            }
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
                    let counts = self.coverage.site_counts(site.id, &cal, period).await?;
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
        let holidays: Vec<String> = period
            .days()
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

    /// Runs the planner on `input` within `options`' time, off the async
    /// threads: a manager or HR trying a plan before publishing one.
    #[tracing::instrument(skip_all)]
    pub async fn solve(
        &self,
        actor: &Actor,
        input: planner::Input,
        options: planner::SolveOptions,
    ) -> CoreResult<planner::Output> {
        access::authorize(actor, Action::Plain(Kind::PlanRotation))?;
        tokio::task::spawn_blocking(move || planner::solve(&input, &options))
            .await
            .map_err(CoreError::internal)
    }

    /// Publishes a plan for the problem: checked against the input built
    /// now (so a plan made before an absence was entered is refused), it
    /// becomes the `rotation` of everyone's plan for its days, replacing
    /// earlier rotations of the unit on those days.
    #[tracing::instrument(skip_all)]
    pub async fn publish_rotation(
        &self,
        actor: &Actor,
        problem: &RotationProblem,
        output: &planner::Output,
        confirmed: bool,
    ) -> CoreResult<RotationPlanId> {
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
        let days = proposal_days(output)?;
        let differences = self.differences(problem, &days).await?;
        if !differences.is_empty() && !confirmed {
            let some: Vec<String> = differences
                .iter()
                .take(3)
                .map(|d| format!("{} on {}", d.name, d.date))
                .collect();
            return Err(CoreError::Conflict(format!(
                "{} day(s) would show otherwise than proposed, because people's own occasional days and absences come before a rotation ({}); look at them and confirm the differences to publish",
                differences.len(),
                some.join(", ")
            )));
        }
        let id = RotationPlanId::new();
        let period = horizon(problem.start, problem.weeks)?;
        let (first, last) = (period.from(), period.to());
        let audit = NewAuditEntry::by(actor, "rotation.publish", "unit", problem.unit.unit.id)
            .after(serde_json::json!({
                "rotation": id, "from": first.to_string(), "to": last.to_string(),
                "people": output.plan.len(), "cost": cost, "status": output.status,
            }));
        let work = Work::new(self.env.now(), audit);
        self.port
            .publish_rotation(
                id,
                problem.unit.unit.id,
                first,
                last,
                cost,
                &days,
                actor.person_id,
                &work,
            )
            .await?;
        Ok(id)
    }

    /// The days the plan would show otherwise than `output` proposes once
    /// published (see [`publish_differences`]), for the manager to see
    /// before publishing.
    #[tracing::instrument(skip_all)]
    pub async fn publish_differences(
        &self,
        actor: &Actor,
        problem: &RotationProblem,
        output: &planner::Output,
    ) -> CoreResult<Vec<PublishDifference>> {
        access::authorize(
            actor,
            Action::PublishRotation {
                unit_path: &problem.unit.path,
            },
        )?;
        let days = proposal_days(output)?;
        self.differences(problem, &days).await
    }

    async fn differences(
        &self,
        problem: &RotationProblem,
        days: &[(PersonId, Date, DayState)],
    ) -> CoreResult<Vec<PublishDifference>> {
        let period = horizon(problem.start, problem.weeks)?;
        let mut people: Vec<PersonId> = days.iter().map(|d| d.0).collect();
        people.sort();
        people.dedup();
        let rules = self.plan.rules(&people, period).await?;
        Ok(publish_differences(days, &rules, &problem.names))
    }
}

/// The proposal's days as the plan keeps them: onsite and remote (absent
/// days are the absences' own).
fn proposal_days(output: &planner::Output) -> CoreResult<Vec<(PersonId, Date, DayState)>> {
    let mut days = vec![];
    for (person, cells) in &output.plan {
        let id: PersonId = person
            .parse()
            .map_err(|_| CoreError::invalid("plan", format!("{person} is not a person id")))?;
        for (date, state) in cells {
            let d = crate::kernel::dates::parse_date("plan", date)?;
            let st = match state {
                planner::State::Onsite => DayState::Workplace,
                planner::State::Remote => DayState::Remote,
                planner::State::Absent => continue,
            };
            days.push((id, d, st));
        }
    }
    Ok(days)
}
