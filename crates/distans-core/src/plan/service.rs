//! Reading who works where: a person's plan, a unit's people's plans, and
//! the rules the plan follows from, for the slices that build on it.

use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::SiteId;

use std::collections::HashMap;
use std::sync::Arc;

use time::Date;

use crate::access::{self, Action};
use crate::kernel::counters::Remembered;
use crate::kernel::dates::DateRange;
use crate::kernel::{Actor, CoreError, CoreResult, Env};
use crate::org::service::OrgService;
use crate::plan::model::*;
use crate::plan::port::PlanPort;
use crate::plan::rules::check_period;
use crate::workdays::service::WorkdaysService;

/// Who works where each workday.
#[derive(Clone)]
pub struct PlanService {
    port: Arc<dyn PlanPort>,
    env: Env,
    org: OrgService,
    workdays: WorkdaysService,
    /// Plans asked for, while the plan counter stands still.
    remembered: Arc<Remembered<(PlanOf, DateRange), Arc<KnownPlan>>>,
}

/// Whose plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum PlanOf {
    Person(PersonId),
    Unit(UnitId),
}

/// A plan as remembered: with the path of the unit it belongs to, which
/// decides who may see it.
struct KnownPlan {
    unit_path: String,
    days: Arc<Vec<PersonDay>>,
}

/// Plans an app server remembers at most (a unit of 20 people over four
/// weeks takes some 30 KB, a person's month 2 KB).
const REMEMBERED_PLANS: usize = 2_000;

impl PlanService {
    pub(crate) fn new(
        port: Arc<dyn PlanPort>,
        env: Env,
        org: OrgService,
        workdays: WorkdaysService,
    ) -> Self {
        PlanService {
            port,
            env,
            org,
            workdays,
            remembered: Arc::new(Remembered::new(REMEMBERED_PLANS)),
        }
    }

    /// The plan of one person, or of a unit's people, for a period. Each
    /// app server remembers it while the plan counter stands still: it is
    /// made of nothing whose change does not move that counter.
    #[tracing::instrument(skip_all)]
    pub async fn plan(
        &self,
        actor: &Actor,
        person: Option<PersonId>,
        unit: Option<UnitId>,
        period: DateRange,
    ) -> CoreResult<Arc<Vec<PersonDay>>> {
        check_period(period)?;
        let of = match (person, unit) {
            (Some(p), _) => PlanOf::Person(p),
            (None, Some(u)) => PlanOf::Unit(u),
            (None, None) => PlanOf::Person(actor.person_id),
        };
        let counter = self.env.counters().await?.plan;
        let known = self.remembered.get(counter, &(of, period));
        let unit_path = match (&known, of) {
            (Some(k), _) => k.unit_path.clone(),
            (None, PlanOf::Person(p)) => self.org.person_unit_path(p).await?,
            (None, PlanOf::Unit(u)) => self.org.unit_path(u).await?,
        };
        match of {
            PlanOf::Person(person_id) => {
                let action = Action::ReadCase {
                    person_id,
                    unit_path: &unit_path,
                };
                if !access::can(actor, action) {
                    return Err(CoreError::NotFound("person"));
                }
            }
            PlanOf::Unit(_) => access::authorize(
                actor,
                Action::ListPeople {
                    unit_path: &unit_path,
                },
            )?,
        }
        if let Some(k) = known {
            return Ok(k.days.clone());
        }
        let people = match of {
            PlanOf::Person(p) => vec![p],
            PlanOf::Unit(u) => self.org.people_ids_of(u, 500).await?,
        };
        let workdays = self.workdays.calendar(period).await?.workdays(period);
        let rules = self
            .port
            .plan_rules(&people, period.from(), period.to())
            .await?;
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
        let days = Arc::new(out);
        self.remembered.put(
            counter,
            (of, period),
            Arc::new(KnownPlan {
                unit_path,
                days: days.clone(),
            }),
        );
        Ok(days)
    }

    // For the other slices.

    /// One person's plan for a period longer than the API's limit, without
    /// asking who wants it: for callers that have already decided that (the
    /// calendar feed). Workdays only.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn plan_of(
        &self,
        person: PersonId,
        period: DateRange,
    ) -> CoreResult<Vec<PlanDay>> {
        let cal = self.workdays.calendar(period).await?;
        let rules = self
            .port
            .plan_rules(&[person], period.from(), period.to())
            .await?;
        Ok(rules
            .get(&person)
            .map(|r| r.days(&cal, period))
            .unwrap_or_default())
    }

    /// The rules and exceptions of these people for a period.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn rules(
        &self,
        people: &[PersonId],
        period: DateRange,
    ) -> CoreResult<HashMap<PersonId, PersonRules>> {
        self.port
            .plan_rules(people, period.from(), period.to())
            .await
    }

    /// Everyone sitting at `site` (or at any site), with their plan's rules.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn site_rules(
        &self,
        site: Option<SiteId>,
        period: DateRange,
    ) -> CoreResult<SitePeople> {
        self.port
            .site_plan_rules(site, period.from(), period.to())
            .await
    }

    /// One person's day as the plan gives it.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn day_of(&self, person: PersonId, day: Date) -> CoreResult<PlanDay> {
        let rules = self.port.plan_rules(&[person], day, day).await?;
        Ok(rules
            .get(&person)
            .map(|r| r.day(day))
            .unwrap_or_else(|| PlanDay::default_on(day)))
    }
}
