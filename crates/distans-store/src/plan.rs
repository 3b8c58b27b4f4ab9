//! The plan's rules and exceptions: occasional days, absences, the active
//! agreements' weekdays, closed days. Called from the `Store` impl.

use std::collections::HashMap;

use sqlx::types::Json;
use sqlx::QueryBuilder;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::audit::NewAuditEntry;
use distans_core::error::CoreResult;
use distans_core::plan::{AgreementSpan, DayState, Occasional, Part, PersonRules};
use distans_core::policy::Weekday;

use crate::impl_store::{append_audit_rows, BeginWrite, SqlStore};
use crate::{db_err, on_db};

fn state_of(s: &str) -> DayState {
    match s {
        "remote" => DayState::Remote,
        "other" => DayState::Other,
        "absent" => DayState::Absent,
        _ => DayState::Workplace,
    }
}

fn state_str(s: DayState) -> &'static str {
    match s {
        DayState::Workplace => "workplace",
        DayState::Remote => "remote",
        DayState::Other => "other",
        DayState::Absent => "absent",
    }
}

fn part_of(s: Option<&str>) -> Option<Part> {
    match s {
        Some("am") => Some(Part::Am),
        Some("pm") => Some(Part::Pm),
        _ => None,
    }
}

/// person, day, state, part
type OccasionalRow = (Uuid, Date, String, Option<String>);
/// person, start, end, ends on, weekdays
type SpanRow = (Uuid, Date, Option<Date>, Option<Date>, Json<Vec<Weekday>>);
/// Occasional days, absences (person, first, last) and agreement spans.
type RulesRows = (Vec<OccasionalRow>, Vec<(Uuid, Date, Date)>, Vec<SpanRow>);

impl SqlStore {
    pub(crate) async fn plan_rules_impl(
        &self,
        people: &[Uuid],
        from: Date,
        to: Date,
    ) -> CoreResult<HashMap<Uuid, PersonRules>> {
        let mut out: HashMap<Uuid, PersonRules> = people
            .iter()
            .map(|p| (*p, PersonRules::default()))
            .collect();
        for chunk in people.chunks(500) {
            let rows: RulesRows = on_db!(self.db(), p => {
                let mut q = QueryBuilder::new("SELECT person_id, day, state, part FROM occasional_days WHERE day >= ");
                q.push_bind(from).push(" AND day <= ").push_bind(to).push(" AND person_id IN (");
                let mut sep = q.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                q.push(")");
                let occ: Vec<OccasionalRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
                let mut q = QueryBuilder::new("SELECT person_id, first_day, last_day FROM absences WHERE last_day >= ");
                q.push_bind(from).push(" AND first_day <= ").push_bind(to).push(" AND person_id IN (");
                let mut sep = q.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                q.push(")");
                let abs: Vec<(Uuid, Date, Date)> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
                let mut q = QueryBuilder::new("SELECT person_id, start_date, end_date, ends_on, weekdays FROM agreements WHERE state = 'active' AND start_date <= ");
                q.push_bind(to).push(" AND person_id IN (");
                let mut sep = q.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                q.push(")");
                let spans: Vec<SpanRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
                (occ, abs, spans)
            });
            let (occ, abs, spans) = rows;
            for (person, day, state, part) in occ {
                if let Some(r) = out.get_mut(&person) {
                    r.occasional.insert(
                        day,
                        Occasional {
                            state: state_of(&state),
                            part: part_of(part.as_deref()),
                        },
                    );
                }
            }
            for (person, a, b) in abs {
                if let Some(r) = out.get_mut(&person) {
                    r.absences.push((a, b));
                }
            }
            for (person, start, end, ends_on, weekdays) in spans {
                let last = match (end, ends_on) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                if last.is_some_and(|l| l < from) {
                    continue;
                }
                if let Some(r) = out.get_mut(&person) {
                    r.agreements.push(AgreementSpan {
                        start,
                        last,
                        weekdays: weekdays.0,
                    });
                }
            }
        }
        Ok(out)
    }

    pub(crate) async fn closed_days_impl(&self, from: Date, to: Date) -> CoreResult<Vec<Date>> {
        let rows: Vec<(Date,)> = on_db!(self.db(), p => sqlx::query_as("SELECT day FROM closed_days WHERE day >= $1 AND day <= $2 ORDER BY day")
            .bind(from).bind(to).fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    pub(crate) async fn closed_days_named_impl(
        &self,
        from: Date,
        to: Date,
    ) -> CoreResult<Vec<(Date, String)>> {
        on_db!(self.db(), p => sqlx::query_as("SELECT day, name FROM closed_days WHERE day >= $1 AND day <= $2 ORDER BY day")
            .bind(from).bind(to).fetch_all(p).await.map_err(db_err))
    }

    pub(crate) async fn insert_closed_day_impl(
        &self,
        day: Date,
        name: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<()> {
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            sqlx::query("INSERT INTO closed_days (day, name) VALUES ($1, $2)")
                .bind(day).bind(name).execute(&mut *tx).await.map_err(db_err)?;
            append_audit_rows!(tx, at, &[audit]);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn delete_closed_day_impl(
        &self,
        day: Date,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<bool> {
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let n = sqlx::query("DELETE FROM closed_days WHERE day = $1")
                .bind(day).execute(&mut *tx).await.map_err(db_err)?
                .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            append_audit_rows!(tx, at, &[audit]);
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }

    pub(crate) async fn set_occasional_impl(
        &self,
        person: Uuid,
        day: Date,
        value: Option<Occasional>,
        by: Uuid,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<()> {
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            match value {
                Some(o) => {
                    sqlx::query(
                        "INSERT INTO occasional_days (person_id, day, state, part, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (person_id, day) DO UPDATE SET state = excluded.state, part = excluded.part,
                            set_by = excluded.set_by, set_at = excluded.set_at")
                        .bind(person).bind(day).bind(state_str(o.state))
                        .bind(o.part.map(|p| if p == Part::Am { "am" } else { "pm" }))
                        .bind(by).bind(at)
                        .execute(&mut *tx).await.map_err(db_err)?;
                }
                None => {
                    sqlx::query("DELETE FROM occasional_days WHERE person_id = $1 AND day = $2")
                        .bind(person).bind(day).execute(&mut *tx).await.map_err(db_err)?;
                }
            }
            append_audit_rows!(tx, at, &[audit]);
            tx.commit().await.map_err(db_err)
        })
    }
}
