//! The demo's plan data, written in bulk: multi-row inserts in one
//! transaction, so 50,000 people's year of plan data takes seconds.

use sqlx::types::Json;
use sqlx::QueryBuilder;
use uuid::Uuid;

use distans_core::demo::DemoPlan;
use distans_core::kernel::Work;
use distans_core::plan::{DayState, Part};
use distans_core::CoreResult;

use crate::impl_store::{append_audit_rows, BeginWrite, SqlStore};
use crate::{db_err, on_db_old as on_db};

/// Rows per statement for wide tables (about 20 parameters a row) and
/// narrow ones (up to 7): well under both engines' parameter limits.
const WIDE: usize = 400;
const NARROW: usize = 2000;

fn state_str(s: DayState) -> &'static str {
    match s {
        DayState::Workplace => "workplace",
        DayState::Remote => "remote",
        DayState::Other => "other",
        DayState::Absent => "absent",
    }
}

impl SqlStore {
    pub(crate) async fn employee_ids_impl(&self) -> CoreResult<Vec<(String, Uuid)>> {
        on_db!(self.db(), p => sqlx::query_as("SELECT employee_number, id FROM people")
            .fetch_all(p).await.map_err(db_err))
    }

    pub(crate) async fn insert_demo_plan_impl(
        &self,
        plan: &DemoPlan,
        work: &Work,
    ) -> CoreResult<bool> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let (n,): (i64,) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM agreements) + (SELECT COUNT(*) FROM occasional_days) + (SELECT COUNT(*) FROM absences)")
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            if n > 0 {
                return Ok(false);
            }
            for chunk in plan.agreements.chunks(WIDE) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO requests (id, person_id, state, decider, assigned_to, days_per_week, weekdays, start_date, end_date,
                     place, place_address, reason, confirmations, policy_version, decided_by, decision_reason, agreement_id,
                     created_at, updated_at, version) ");
                q.push_values(chunk, |mut b, g| {
                    b.push_bind(g.request_id).push_bind(g.person).push_bind("approved").push_bind("manager")
                        .push_bind(g.decider).push_bind(g.weekdays.len() as i64).push_bind(Json(g.weekdays.clone()))
                        .push_bind(g.start).push_bind(g.end).push_bind("home").push_bind(None::<String>)
                        .push_bind(g.reason.clone()).push_bind(Json(g.confirmations.clone())).push_bind(g.policy_version)
                        .push_bind(g.decider).push_bind(None::<String>).push_bind(g.agreement_id)
                        .push_bind(g.applied_at).push_bind(g.decided_at).push_bind(2i64);
                });
                q.build().execute(&mut *tx).await.map_err(db_err)?;
                let mut q = QueryBuilder::new(
                    "INSERT INTO request_events (id, request_id, at, actor_id, kind, reason, policy_version) ");
                q.push_values(chunk.iter().flat_map(|g| [(g, true), (g, false)]), |mut b, (g, submitted)| {
                    b.push_bind(Uuid::now_v7()).push_bind(g.request_id)
                        .push_bind(if submitted { g.applied_at } else { g.decided_at })
                        .push_bind(if submitted { g.person } else { g.decider })
                        .push_bind(if submitted { "submitted" } else { "approved" })
                        .push_bind(None::<String>).push_bind(g.policy_version);
                });
                q.build().execute(&mut *tx).await.map_err(db_err)?;
                let mut q = QueryBuilder::new(
                    "INSERT INTO agreements (id, request_id, person_id, decider_id, state, days_per_week, weekdays, place, place_address,
                     start_date, end_date, policy_version, notice_days, text, text_sha256, employee_signed_at, decider_signed_at,
                     ends_on, ended_by, end_reason, created_at, version) ");
                q.push_values(chunk, |mut b, g| {
                    b.push_bind(g.agreement_id).push_bind(g.request_id).push_bind(g.person).push_bind(g.decider)
                        .push_bind("active").push_bind(g.weekdays.len() as i64).push_bind(Json(g.weekdays.clone()))
                        .push_bind("home").push_bind(None::<String>).push_bind(g.start).push_bind(g.end)
                        .push_bind(g.policy_version).push_bind(g.notice_days).push_bind(g.text.clone())
                        .push_bind(g.text_sha256.clone()).push_bind(g.signed_at).push_bind(g.signed_at)
                        .push_bind(None::<time::Date>).push_bind(None::<String>).push_bind(None::<String>)
                        .push_bind(g.decided_at).push_bind(3i64);
                });
                q.build().execute(&mut *tx).await.map_err(db_err)?;
            }
            for chunk in plan.occasional.chunks(NARROW) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO occasional_days (person_id, day, state, part, set_by, set_at) ");
                q.push_values(chunk, |mut b, o| {
                    b.push_bind(o.person).push_bind(o.day).push_bind(state_str(o.state))
                        .push_bind(o.part.map(|p| if p == Part::Am { "am" } else { "pm" }))
                        .push_bind(o.person).push_bind(o.set_at);
                });
                q.build().execute(&mut *tx).await.map_err(db_err)?;
            }
            for chunk in plan.absences.chunks(NARROW) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO absences (id, person_id, first_day, last_day, created_at, source, created_by) ");
                q.push_values(chunk, |mut b, a| {
                    b.push_bind(a.id).push_bind(a.person).push_bind(a.first_day).push_bind(a.last_day)
                        .push_bind(a.created_at).push_bind(a.source.clone()).push_bind(None::<Uuid>);
                });
                q.build().execute(&mut *tx).await.map_err(db_err)?;
            }
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }
}
