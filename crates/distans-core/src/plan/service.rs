//! Reading who works where: a person's plan, a unit's people's plans, and
//! the rules the plan follows from, for the slices that build on it.

use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::SiteId;

use std::collections::HashMap;
use std::sync::Arc;

use time::Date;

use crate::access::{self, Action};
use crate::kernel::dates::DateRange;
use crate::kernel::{Actor, CoreError, CoreResult};
use crate::org::service::OrgService;
use crate::plan::model::*;
use crate::plan::port::PlanPort;
use crate::plan::rules::check_period;
use crate::workdays::service::WorkdaysService;

/// Who works where each workday.
#[derive(Clone)]
pub struct PlanService {
    port: Arc<dyn PlanPort>,
    org: OrgService,
    workdays: WorkdaysService,
}

impl PlanService {
    pub(crate) fn new(port: Arc<dyn PlanPort>, org: OrgService, workdays: WorkdaysService) -> Self {
        PlanService {
            port,
            org,
            workdays,
        }
    }

    /// The plan of one person, or of a unit's people, for a period.
    #[tracing::instrument(skip_all)]
    pub async fn plan(
        &self,
        actor: &Actor,
        person: Option<PersonId>,
        unit: Option<UnitId>,
        period: DateRange,
    ) -> CoreResult<Vec<PersonDay>> {
        check_period(period)?;
        let people: Vec<PersonId> = match (person, unit) {
            (Some(p), _) => {
                let unit_path = self.org.person_unit_path(p).await?;
                let may = access::can(
                    actor,
                    Action::ReadCase {
                        person_id: p,
                        unit_path: &unit_path,
                    },
                );
                if !may {
                    return Err(CoreError::NotFound("person"));
                }
                vec![p]
            }
            (None, Some(u)) => self.org.unit_people_ids(actor, u, 500).await?,
            (None, None) => vec![actor.person_id],
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
        Ok(out)
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
