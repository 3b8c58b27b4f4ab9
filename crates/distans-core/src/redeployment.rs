//! The redeployment view (product.md part 13): for a crisis staffing group,
//! people across units by skill, with their availability in a period and
//! their plan, so that someone can be asked to serve elsewhere for a while.
//! HR and directors only.
//!
//! Bounded: at most 8 weeks, at most 200 people a page; the store picks
//! the people by skill and unit in SQL (indexed), in name order from a
//! cursor, and the plan of each page is computed by the plan's own rules.
//! A minimum of available days is applied after the plan is computed, so a
//! page scans at most [`MAX_SCAN`] people and may hold fewer than asked,
//! with `next` to go on.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{self, Action};
use crate::error::{CoreError, CoreResult};
use crate::model::{Actor, PersonRef, UnitRef};
use crate::plan::{DayState, PlanDay};
use crate::Core;

/// The longest period, in days.
pub const MAX_REDEPLOY_DAYS: i64 = 56;
/// The most people a page holds.
pub const MAX_REDEPLOY_LIMIT: i64 = 200;
/// The most people one page looks at (when a minimum of available days
/// leaves many out).
pub const MAX_SCAN: usize = 2000;
/// The most rows of a CSV export.
pub const MAX_CSV_ROWS: usize = 10_000;

/// What the people are picked by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedeployFilter {
    pub skill: Option<String>,
    /// The unit's path: people whose home unit is at or below it.
    pub unit_path: Option<String>,
}

/// A person the store found, before their plan is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedeployPerson {
    pub person: PersonRef,
    pub unit: UnitRef,
    pub skills: Vec<String>,
}

/// A request of the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedeployQuery {
    pub from: Date,
    pub to: Date,
    pub skill: Option<String>,
    pub unit: Option<Uuid>,
    pub available_days_min: Option<i64>,
    pub limit: i64,
    /// The last person of the page before.
    pub after: Option<Uuid>,
}

/// One person's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RedeployRow {
    pub person: PersonRef,
    pub unit: UnitRef,
    pub skills: Vec<String>,
    /// Workdays in the period.
    pub workdays: i64,
    /// Workdays not absent.
    pub available_days: i64,
    pub remote_days: i64,
    pub workplace_days: i64,
    /// At another place of work.
    pub other_days: i64,
    pub absent_days: i64,
    /// The plan, workday by workday.
    pub days: Vec<PlanDay>,
}

/// A page of the view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RedeployPage {
    pub items: Vec<RedeployRow>,
    /// Pass as `after` for the next page, when there may be more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Uuid>,
}

/// Counts a person's days (pure). A half day counts by the state of its
/// half that differs (the occasional one).
pub fn row_of(p: RedeployPerson, days: Vec<PlanDay>) -> RedeployRow {
    let count = |s: DayState| days.iter().filter(|d| d.state == s).count() as i64;
    let workdays = days.len() as i64;
    let absent = count(DayState::Absent);
    RedeployRow {
        person: p.person,
        unit: p.unit,
        skills: p.skills,
        workdays,
        available_days: workdays - absent,
        remote_days: count(DayState::Remote),
        workplace_days: count(DayState::Workplace),
        other_days: count(DayState::Other),
        absent_days: absent,
        days,
    }
}

/// The API name of a day's state.
pub fn state_name(s: DayState) -> &'static str {
    match s {
        DayState::Workplace => "workplace",
        DayState::Remote => "remote",
        DayState::Other => "other",
        DayState::Absent => "absent",
    }
}

/// A day as one CSV cell: the state, with `/am` or `/pm` for a half day.
fn day_cell(d: &PlanDay) -> String {
    match d.part {
        Some(crate::plan::Part::Am) => format!("{}/am", state_name(d.state)),
        Some(crate::plan::Part::Pm) => format!("{}/pm", state_name(d.state)),
        None => state_name(d.state).to_string(),
    }
}

/// The rows as CSV (UTF-8 with a byte-order mark, so that spreadsheet
/// programs read å, ä and ö right): a header row, then one row a person
/// with their counts and a column per workday of the period.
pub fn to_csv(rows: &[RedeployRow], workdays: &[Date]) -> CoreResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut header: Vec<String> = [
        "person_id",
        "name",
        "unit",
        "skills",
        "workdays",
        "available_days",
        "remote_days",
        "workplace_days",
        "other_days",
        "absent_days",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(workdays.iter().map(|d| d.to_string()));
    w.write_record(&header).map_err(CoreError::internal)?;
    for r in rows {
        let mut rec = vec![
            r.person.id.to_string(),
            r.person.name.clone(),
            r.unit.name.clone(),
            r.skills.join("; "),
            r.workdays.to_string(),
            r.available_days.to_string(),
            r.remote_days.to_string(),
            r.workplace_days.to_string(),
            r.other_days.to_string(),
            r.absent_days.to_string(),
        ];
        for d in workdays {
            rec.push(
                r.days
                    .iter()
                    .find(|x| x.date == *d)
                    .map(day_cell)
                    .unwrap_or_default(),
            );
        }
        w.write_record(&rec).map_err(CoreError::internal)?;
    }
    w.into_inner().map_err(CoreError::internal)
}

impl Core {
    /// The CSV of every row of the view (at most [`MAX_CSV_ROWS`]); true
    /// in the second place when there were more.
    pub async fn redeployment_csv(
        &self,
        actor: &Actor,
        q: &RedeployQuery,
    ) -> CoreResult<(Vec<u8>, bool)> {
        let (rows, more) = self.redeployment_all(actor, q).await?;
        let workdays = self
            .work_calendar(q.from, q.to)
            .await?
            .workdays(q.from, q.to);
        Ok((to_csv(&rows, &workdays)?, more))
    }

    /// May the actor use the redeployment view (HR, directors)?
    pub fn may_read_redeployment(&self, actor: &Actor) -> bool {
        access::authorize(actor, Action::ReadRedeployment).is_ok()
    }

    /// Every skill someone has, for the view's filter.
    pub async fn known_skills(&self, actor: &Actor) -> CoreResult<Vec<String>> {
        access::authorize(actor, Action::ReadRedeployment)?;
        self.store.known_skills(500).await
    }

    fn check_redeploy(q: &RedeployQuery) -> CoreResult<()> {
        if q.to < q.from {
            return Err(CoreError::invalid("to", "must not be before from"));
        }
        if (q.to - q.from).whole_days() >= MAX_REDEPLOY_DAYS {
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
    pub async fn redeployment(&self, actor: &Actor, q: &RedeployQuery) -> CoreResult<RedeployPage> {
        access::authorize(actor, Action::ReadRedeployment)?;
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
                    self.store
                        .unit(u)
                        .await?
                        .ok_or_else(|| CoreError::invalid("unit", "no such unit"))?
                        .path,
                ),
                None => None,
            },
        };
        let cal = self.work_calendar(q.from, q.to).await?;
        let workdays = cal.workdays(q.from, q.to);
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
                .store
                .redeployment_people(&filter, after, batch as i64)
                .await?;
            let full = people.len() == batch;
            scanned += people.len();
            let ids: Vec<Uuid> = people.iter().map(|p| p.person.id).collect();
            let rules = self.store.plan_rules(&ids, q.from, q.to).await?;
            for p in people {
                after = Some(p.person.id);
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
