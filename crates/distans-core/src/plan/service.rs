//! Use cases of the plan: reading who works where, and setting occasional
//! days within the policy (and any temporary decision's wider limits).

use time::Date;
use uuid::Uuid;

use crate::access::{self, Action};
use crate::kernel::calendar::{iso_week, WorkCalendar};
use crate::kernel::{Actor, CoreError, CoreResult, NewAuditEntry, Paging};
use crate::plan::model::*;
use crate::Core;

impl Core {
    pub(crate) fn check_period(from: Date, to: Date) -> CoreResult<()> {
        if to < from {
            return Err(CoreError::invalid("to", "must not be before from"));
        }
        if (to - from).whole_days() >= MAX_PLAN_DAYS {
            return Err(CoreError::invalid(
                "to",
                format!("a plan covers at most {MAX_PLAN_DAYS} days"),
            ));
        }
        Ok(())
    }

    /// One person's plan for a period of any length, without asking who
    /// wants it: for callers that have already decided that (the calendar
    /// feed). Workdays only.
    pub(crate) async fn plan_of(
        &self,
        person: Uuid,
        from: Date,
        to: Date,
    ) -> CoreResult<Vec<PlanDay>> {
        if to < from {
            return Ok(vec![]);
        }
        let cal = self.workdays.calendar(from, to).await?;
        let rules = self.store.plan_rules(&[person], from, to).await?;
        Ok(rules
            .get(&person)
            .map(|r| r.days(&cal, from, to))
            .unwrap_or_default())
    }

    /// The plan of one person, or of a unit's people, for a period.
    pub async fn plan(
        &self,
        actor: &Actor,
        person: Option<Uuid>,
        unit: Option<Uuid>,
        from: Date,
        to: Date,
    ) -> CoreResult<Vec<PersonDay>> {
        Self::check_period(from, to)?;
        let people: Vec<Uuid> = match (person, unit) {
            (Some(p), _) => {
                let rec = self
                    .store
                    .person(p)
                    .await?
                    .ok_or(CoreError::NotFound("person"))?;
                if access::authorize(
                    actor,
                    Action::ReadCase {
                        person_id: p,
                        unit_path: &rec.unit_path,
                    },
                )
                .is_err()
                {
                    return Err(CoreError::NotFound("person"));
                }
                vec![p]
            }
            (None, Some(u)) => {
                let page = self
                    .org
                    .people(
                        actor,
                        Some(u),
                        false,
                        None,
                        Paging {
                            limit: 500,
                            offset: 0,
                        },
                    )
                    .await?;
                page.items.into_iter().map(|p| p.id).collect()
            }
            (None, None) => vec![actor.person_id],
        };
        let workdays = self.workdays.calendar(from, to).await?.workdays(from, to);
        let rules = self.store.plan_rules(&people, from, to).await?;
        let mut out = vec![];
        for p in people {
            if let Some(r) = rules.get(&p) {
                out.extend(
                    r.days_on(&workdays)
                        .into_iter()
                        .map(|day| PersonDay { person: p, day }),
                );
            }
        }
        Ok(out)
    }

    /// Sets (or with `state = None` removes) an occasional day, within the
    /// policy: a workday, not locked in the past, no remote day for
    /// secrecy-classified tasks, and at most the policy's occasional days a
    /// week — or a temporary decision's wider limit where one applies.
    pub async fn set_occasional_day(
        &self,
        actor: &Actor,
        person: Uuid,
        day: Date,
        state: Option<DayState>,
        part: Option<Part>,
        allow_gap: bool,
    ) -> CoreResult<PlanDay> {
        let rec = self
            .store
            .person(person)
            .await?
            .ok_or(CoreError::NotFound("person"))?;
        let may_set = access::authorize(
            actor,
            Action::SetPlanDay {
                person_id: person,
                unit_path: &rec.unit_path,
            },
        );
        if let Err(refused) = may_set {
            if access::authorize(
                actor,
                Action::ReadCase {
                    person_id: person,
                    unit_path: &rec.unit_path,
                },
            )
            .is_err()
            {
                return Err(CoreError::NotFound("person"));
            }
            return Err(refused);
        }
        let cal = self.workdays.calendar(day, day).await?;
        if let Some(why) = cal.day_off(day) {
            return Err(CoreError::Rule {
                field: Some("date".into()),
                message: format!("{day} is not a workday ({why})"),
            });
        }
        if day < self.today() - time::Duration::days(self.config().plan_lock_days) {
            return Err(CoreError::Rule {
                field: Some("date".into()),
                message: format!("{day} has passed and can no longer be changed"),
            });
        }
        if state == Some(DayState::Absent) {
            return Err(CoreError::invalid(
                "state",
                "absences are entered or imported, not set as an occasional day",
            ));
        }
        if matches!(state, Some(DayState::Remote)) {
            let policy = self
                .store
                .policy_on(day)
                .await?
                .ok_or_else(|| CoreError::Internal("no policy".into()))?;
            if let Some(t) = rec
                .person
                .skills
                .iter()
                .find(|t| policy.rules.secrecy_tasks.contains(t))
            {
                return Err(CoreError::Rule {
                    field: Some("state".into()),
                    message: format!("the task \"{t}\" is secrecy-classified and is done on site"),
                });
            }
            // The week's limit: the policy's, or a temporary decision's wider one.
            let decisions = self.temporary_decisions_for(&rec).await?;
            let crisis = decisions
                .iter()
                .filter(|d| d.applies_on(day))
                .map(|d| d.max_remote_days)
                .max();
            let limit = match (policy.rules.occasional_days_per_week, crisis) {
                (_, Some(c)) => Some(c),
                (p, None) => p,
            };
            if let Some(limit) = limit {
                let (y, w) = iso_week(day);
                let monday = crate::kernel::calendar::week_monday(y, w).unwrap_or(day);
                let friday = monday + time::Duration::days(4);
                let rules = self.store.plan_rules(&[person], monday, friday).await?;
                let used: f64 = rules
                    .get(&person)
                    .map(|r| {
                        r.occasional
                            .iter()
                            .filter(|(d, o)| **d != day && o.state == DayState::Remote)
                            .map(|(_, o)| if o.part.is_some() { 0.5 } else { 1.0 })
                            .sum()
                    })
                    .unwrap_or(0.0);
                let this = if part.is_some() { 0.5 } else { 1.0 };
                if used + this > limit as f64 {
                    return Err(CoreError::Rule {
                        field: Some("state".into()),
                        message: format!("at most {limit} occasional remote days a week (v. {w}: {used} already)"),
                    });
                }
            }
        }
        let value = state.map(|s| Occasional { state: s, part });
        let gaps = self
            .gaps_opened(&rec, day, day, |r| match value {
                Some(o) => {
                    r.occasional.insert(day, o);
                }
                None => {
                    r.occasional.remove(&day);
                }
            })
            .await?;
        self.check_gaps(actor, &rec, &gaps, allow_gap)?;
        let audit = NewAuditEntry {
            actor_id: Some(actor.person_id),
            actor: actor.name.clone(),
            action: if value.is_some() {
                "plan.occasional.set".into()
            } else {
                "plan.occasional.clear".into()
            },
            entity: "person".into(),
            entity_id: person.to_string(),
            before: None,
            after: Some(if gaps.is_empty() {
                serde_json::json!({"date": day.to_string(), "state": state, "part": part})
            } else {
                serde_json::json!({"date": day.to_string(), "state": state, "part": part,
                    "allowed_gaps": gaps.iter().map(|g| g.describe()).collect::<Vec<_>>()})
            }),
        };
        self.store
            .set_occasional(person, day, value, actor.person_id, self.now(), audit)
            .await?;
        let rules = self.store.plan_rules(&[person], day, day).await?;
        Ok(rules.get(&person).map(|r| r.day(day)).unwrap_or(PlanDay {
            date: day,
            state: DayState::Workplace,
            source: crate::plan::model::Source::Default,
            part: None,
            rest: None,
        }))
    }
}
