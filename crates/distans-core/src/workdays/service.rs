//! HR and administrators keep the closed days; everyone signed in sees them.

use serde_json::json;
use std::sync::Arc;
use time::Date;

use crate::access::{self, Action, Kind};
use crate::kernel::calendar::{swedish_holidays, WorkCalendar};
use crate::kernel::counters::Remembered;
use crate::kernel::dates::DateRange;
use crate::kernel::Env;
use crate::kernel::Work;
use crate::kernel::{Actor, CoreError, CoreResult, NewAuditEntry};
use crate::workdays::model::*;
use crate::workdays::port::WorkdaysPort;
use crate::workdays::rules::{check_year, year_bounds};

/// The organisation's closed days.
#[derive(Clone)]
pub struct WorkdaysService {
    port: Arc<dyn WorkdaysPort>,
    env: Env,
    /// The closed days of a period, while the calendar counter stands still.
    closed: Arc<Remembered<(Date, Date), Vec<Date>>>,
}

/// Periods whose closed days an app server remembers at most.
const REMEMBERED_PERIODS: usize = 2_000;

impl WorkdaysService {
    pub(crate) fn new(port: Arc<dyn WorkdaysPort>, env: Env) -> Self {
        WorkdaysService {
            port,
            env,
            closed: Arc::new(Remembered::new(REMEMBERED_PERIODS)),
        }
    }
}

impl WorkdaysService {
    /// Whether the actor may add and remove closed days (for showing forms).
    pub fn may_edit_closed_days(&self, actor: &Actor) -> bool {
        access::authorize(actor, Action::Plain(Kind::EditClosedDays)).is_ok()
    }

    /// The organisation's closed days in a year.
    #[tracing::instrument(skip_all)]
    pub async fn closed_days(&self, actor: &Actor, year: i32) -> CoreResult<Vec<ClosedDay>> {
        access::authorize(actor, Action::Plain(Kind::ReadUnits))?;
        check_year(year)?;
        let (first, last) = year_bounds(year)?;
        Ok(self
            .port
            .closed_days_named(first, last)
            .await?
            .into_iter()
            .map(|(date, name)| ClosedDay { date, name })
            .collect())
    }

    /// A year's public holidays and closed days.
    #[tracing::instrument(skip_all)]
    pub async fn days_off(&self, actor: &Actor, year: i32) -> CoreResult<YearDaysOff> {
        let closed = self.closed_days(actor, year).await?;
        Ok(YearDaysOff {
            year,
            holidays: swedish_holidays(year),
            closed,
        })
    }

    /// Closes the organisation on a workday. Not a weekend or a public
    /// holiday (they are days off already: 422); not twice (409).
    #[tracing::instrument(skip_all)]
    pub async fn add_closed_day(
        &self,
        actor: &Actor,
        date: Date,
        name: &str,
    ) -> CoreResult<ClosedDay> {
        access::authorize(actor, Action::Plain(Kind::EditClosedDays))?;
        check_year(date.year()).map_err(|_| {
            CoreError::invalid(
                "date",
                format!("must be between {} and {}", YEARS.start(), YEARS.end()),
            )
        })?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(CoreError::invalid("name", "must be 1 to 100 characters"));
        }
        if let Some(h) = swedish_holidays(date.year())
            .into_iter()
            .find(|h| h.date == date)
        {
            return Err(CoreError::Rule {
                field: Some("date".into()),
                message: format!("{date} is a public holiday already ({})", h.name),
            });
        }
        if matches!(
            date.weekday(),
            time::Weekday::Saturday | time::Weekday::Sunday
        ) {
            return Err(CoreError::Rule {
                field: Some("date".into()),
                message: format!(
                    "{date} is a {}; weekends are not workdays anyway",
                    date.weekday()
                ),
            });
        }
        let day = ClosedDay {
            date,
            name: name.to_string(),
        };
        let audit = NewAuditEntry {
            actor_id: Some(actor.person_id),
            actor: actor.name.clone(),
            action: "closed_day.create".into(),
            entity: "closed_day".into(),
            entity_id: date.to_string(),
            before: None,
            after: Some(json!({"date": date.to_string(), "name": day.name})),
        };
        self.port
            .insert_closed_day(date, &day.name, &Work::new(self.env.now(), audit))
            .await
            .map_err(|e| match e {
                CoreError::Conflict(_) => {
                    CoreError::Conflict(format!("{date} is a closed day already"))
                }
                e => e,
            })?;
        Ok(day)
    }

    /// Opens a closed day again.
    #[tracing::instrument(skip_all)]
    pub async fn delete_closed_day(&self, actor: &Actor, date: Date) -> CoreResult<()> {
        access::authorize(actor, Action::Plain(Kind::EditClosedDays))?;
        let Some((_, name)) = self
            .port
            .closed_days_named(date, date)
            .await?
            .into_iter()
            .next()
        else {
            return Err(CoreError::NotFound("closed day"));
        };
        let audit = NewAuditEntry {
            actor_id: Some(actor.person_id),
            actor: actor.name.clone(),
            action: "closed_day.delete".into(),
            entity: "closed_day".into(),
            entity_id: date.to_string(),
            before: Some(json!({"date": date.to_string(), "name": name})),
            after: None,
        };
        if self
            .port
            .delete_closed_day(date, &Work::new(self.env.now(), audit))
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound("closed day"))
        }
    }

    /// Workdays in a period: weekdays that are neither public holidays nor
    /// the organisation's closed days.
    #[tracing::instrument(skip_all)]
    pub async fn calendar(&self, period: DateRange) -> CoreResult<WorkCalendar> {
        let counter = self.env.counters().await?.calendar;
        let key = (period.from(), period.to());
        let closed = match self.closed.get(counter, &key) {
            Some(days) => days,
            None => {
                let days = self.port.closed_days(key.0, key.1).await?;
                self.closed.put(counter, key, days.clone());
                days
            }
        };
        Ok(WorkCalendar::new(closed))
    }
}
