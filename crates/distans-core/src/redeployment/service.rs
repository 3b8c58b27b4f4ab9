//! Bounded: at most 8 weeks, at most 200 people a page; the store picks
//! the people by skill and unit in SQL (indexed), in name order from a
//! cursor, and the plan of each page is computed by the plan's own rules.
//! A minimum of available days is applied after the plan is computed, so a
//! page scans at most [`MAX_SCAN`] people and may hold fewer than asked,
//! with `next` to go on.

use crate::kernel::ids::PersonId;

use std::sync::Arc;

use crate::access::{self, Action, Kind};
use crate::kernel::{Actor, CoreError, CoreResult};
use crate::org::service::OrgService;
use crate::plan::service::PlanService;
use crate::redeployment::model::*;
use crate::redeployment::port::RedeploymentPort;
use crate::redeployment::rules::*;
use crate::workdays::service::WorkdaysService;

/// The redeployment view.
#[derive(Clone)]
pub struct RedeploymentService {
    port: Arc<dyn RedeploymentPort>,
    org: OrgService,
    workdays: WorkdaysService,
    plan: PlanService,
}

impl RedeploymentService {
    pub(crate) fn new(
        port: Arc<dyn RedeploymentPort>,
        org: OrgService,
        workdays: WorkdaysService,
        plan: PlanService,
    ) -> Self {
        RedeploymentService {
            port,
            org,
            workdays,
            plan,
        }
    }
}

impl RedeploymentService {
    /// The CSV of every row of the view (at most [`MAX_CSV_ROWS`]); true
    /// in the second place when there were more.
    #[tracing::instrument(skip_all)]
    pub async fn redeployment_csv(
        &self,
        actor: &Actor,
        q: &RedeployQuery,
        words: &CsvWords<'_>,
    ) -> CoreResult<(Vec<u8>, bool)> {
        let (rows, more) = self.redeployment_all(actor, q).await?;
        let workdays = self.workdays.calendar(q.period).await?.workdays(q.period);
        Ok((to_csv(&rows, &workdays, words)?, more))
    }

    /// May the actor use the redeployment view (HR, directors)?
    pub fn may_read_redeployment(&self, actor: &Actor) -> bool {
        access::authorize(actor, Action::Plain(Kind::ReadRedeployment)).is_ok()
    }

    /// Every skill someone has, for the view's filter.
    #[tracing::instrument(skip_all)]
    pub async fn known_skills(&self, actor: &Actor) -> CoreResult<Vec<String>> {
        access::authorize(actor, Action::Plain(Kind::ReadRedeployment))?;
        self.org.known_skills(500).await
    }

    fn check_redeploy(q: &RedeployQuery) -> CoreResult<()> {
        if q.period.len_days() > MAX_REDEPLOY_DAYS {
            return Err(CoreError::invalid(
                "to",
                format!("the period is at most {MAX_REDEPLOY_DAYS} days (8 weeks)"),
            ));
        }
        if !(1..=MAX_REDEPLOY_LIMIT).contains(&q.limit) {
            return Err(CoreError::invalid(
                "limit",
                format!("must be between 1 and {MAX_REDEPLOY_LIMIT}"),
            ));
        }
        if let Some(m) = q.available_days_min {
            if !(0..=MAX_REDEPLOY_DAYS).contains(&m) {
                return Err(CoreError::invalid(
                    "available_days_min",
                    format!("must be between 0 and {MAX_REDEPLOY_DAYS}"),
                ));
            }
        }
        if let Some(s) = &q.skill {
            if s.chars().count() > 100 {
                return Err(CoreError::invalid(
                    "skill",
                    "must be at most 100 characters",
                ));
            }
        }
        Ok(())
    }

    /// A page of the view: people in name order after `after`, with their
    /// availability and plan in the period.
    #[tracing::instrument(skip_all)]
    pub async fn redeployment(&self, actor: &Actor, q: &RedeployQuery) -> CoreResult<RedeployPage> {
        access::authorize(actor, Action::Plain(Kind::ReadRedeployment))?;
        Self::check_redeploy(q)?;
        let filter = RedeployFilter {
            skill: q
                .skill
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            unit_path: match q.unit {
                Some(u) => Some(
                    self.org
                        .find_unit(u)
                        .await?
                        .ok_or_else(|| CoreError::invalid("unit", "no such unit"))?
                        .path,
                ),
                None => None,
            },
        };
        let cal = self.workdays.calendar(q.period).await?;
        let workdays = cal.workdays(q.period);
        let limit = q.limit as usize;
        let mut items = vec![];
        let mut after = q.after;
        let mut scanned = 0usize;
        // Without a minimum every person found is a row: one batch.
        let batch = if q.available_days_min.is_some() {
            500
        } else {
            limit
        };
        loop {
            let people = self
                .port
                .redeployment_people(&filter, after, batch as i64)
                .await?;
            let full = people.len() == batch;
            scanned += people.len();
            let ids: Vec<PersonId> = people.iter().map(|p| p.person.id).collect();
            let rules = self.plan.rules(&ids, q.period).await?;
            for p in people {
                after = Some(p.person.id.into());
                let days = rules
                    .get(&p.person.id)
                    .map(|r| r.days_on(&workdays))
                    .unwrap_or_default();
                let row = row_of(p, days);
                if q.available_days_min.is_some_and(|m| row.available_days < m) {
                    continue;
                }
                items.push(row);
                if items.len() == limit {
                    break;
                }
            }
            if items.len() == limit {
                return Ok(RedeployPage { items, next: after });
            }
            if !full {
                return Ok(RedeployPage { items, next: None });
            }
            if scanned >= MAX_SCAN {
                return Ok(RedeployPage { items, next: after });
            }
        }
    }

    /// Every row of the view (up to [`MAX_CSV_ROWS`]), for the CSV export;
    /// true in the second place when there were more.
    #[tracing::instrument(skip_all)]
    pub async fn redeployment_all(
        &self,
        actor: &Actor,
        q: &RedeployQuery,
    ) -> CoreResult<(Vec<RedeployRow>, bool)> {
        let mut q = q.clone();
        q.limit = MAX_REDEPLOY_LIMIT;
        q.after = None;
        let mut out = vec![];
        loop {
            let page = self.redeployment(actor, &q).await?;
            out.extend(page.items);
            if out.len() >= MAX_CSV_ROWS {
                let more = out.len() > MAX_CSV_ROWS || page.next.is_some();
                out.truncate(MAX_CSV_ROWS);
                return Ok((out, more));
            }
            match page.next {
                Some(n) => q.after = Some(n),
                None => return Ok((out, false)),
            }
        }
    }
}
