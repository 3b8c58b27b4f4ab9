//! The demo's plan data, written in bulk: multi-row inserts in one
//! transaction, so 50,000 people's year of requests, agreements,
//! occasional days and absences takes seconds; and the active agreements
//! the demo schedules follow-ups for.

use async_trait::async_trait;
use sqlx::types::Json;
use sqlx::QueryBuilder;
use uuid::Uuid;

use distans_core::agreements::{Agreement, AgreementState};
use distans_core::cases::RequestState;
use distans_core::demo::DemoPlan;
use distans_core::kernel::Work;
use distans_core::policy::{Decider, Place};
use distans_core::store::DemoPort;
use distans_core::CoreResult;

use crate::absences::insert_absences;
use crate::agreements::{AgreementRow, AGREEMENT_SELECT};
use crate::db::read_all;
use crate::sql::insert_rows;
use crate::store::{write_work, SqlStore};
use crate::stored::Stored;

/// Rows per statement for wide tables (about 20 parameters a row) and
/// narrow ones (up to 7): well under both engines' parameter limits.
const WIDE: usize = 400;
const NARROW: usize = 2000;

#[async_trait]
impl DemoPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn insert_demo_plan(&self, plan: &DemoPlan, work: &Work) -> CoreResult<bool> {
        write_work!(self, work, |tx| {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM agreements) + (SELECT COUNT(*) FROM occasional_days)
                    + (SELECT COUNT(*) FROM absences)",
            )
            .fetch_one(&mut *tx)
            .await?;
            if n > 0 {
                return Ok(false);
            }
            for chunk in plan.agreements.chunks(WIDE) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO requests (id, person_id, state, decider, assigned_to, days_per_week, weekdays,
                     start_date, end_date, place, place_address, reason, confirmations, policy_version, decided_by,
                     decision_reason, agreement_id, created_at, updated_at, version) ",
                );
                q.push_values(chunk, |mut b, g| {
                    b.push_bind(g.request_id.uuid())
                        .push_bind(g.person.uuid())
                        .push_bind(RequestState::Approved.stored())
                        .push_bind(Decider::Manager.stored())
                        .push_bind(g.decider.uuid())
                        .push_bind(g.weekdays.len() as i64)
                        .push_bind(Json(g.weekdays.clone()))
                        .push_bind(g.start)
                        .push_bind(g.end)
                        .push_bind(Place::Home.stored())
                        .push_bind(None::<String>)
                        .push_bind(g.reason.clone())
                        .push_bind(Json(g.confirmations.clone()))
                        .push_bind(g.policy_version)
                        .push_bind(g.decider.uuid())
                        .push_bind(None::<String>)
                        .push_bind(g.agreement_id.uuid())
                        .push_bind(g.applied_at)
                        .push_bind(g.decided_at)
                        .push_bind(2i64);
                });
                q.build().execute(&mut *tx).await?;
                let mut q = QueryBuilder::new(
                    "INSERT INTO request_events (id, request_id, at, actor_id, kind, reason, policy_version) ",
                );
                q.push_values(
                    chunk.iter().flat_map(|g| [(g, true), (g, false)]),
                    |mut b, (g, submitted)| {
                        b.push_bind(Uuid::now_v7())
                            .push_bind(g.request_id.uuid())
                            .push_bind(if submitted {
                                g.applied_at
                            } else {
                                g.decided_at
                            })
                            .push_bind((if submitted { g.person } else { g.decider }).uuid())
                            .push_bind(if submitted { "submitted" } else { "approved" })
                            .push_bind(None::<String>)
                            .push_bind(g.policy_version);
                    },
                );
                q.build().execute(&mut *tx).await?;
                let mut q = QueryBuilder::new(
                    "INSERT INTO agreements (id, request_id, person_id, decider_id, state, days_per_week, weekdays,
                     place, place_address, start_date, end_date, policy_version, notice_days, text, text_sha256,
                     employee_signed_at, decider_signed_at, ends_on, ended_by, end_reason, created_at, version) ",
                );
                q.push_values(chunk, |mut b, g| {
                    b.push_bind(g.agreement_id.uuid())
                        .push_bind(g.request_id.uuid())
                        .push_bind(g.person.uuid())
                        .push_bind(g.decider.uuid())
                        .push_bind(AgreementState::Active.stored())
                        .push_bind(g.weekdays.len() as i64)
                        .push_bind(Json(g.weekdays.clone()))
                        .push_bind(Place::Home.stored())
                        .push_bind(None::<String>)
                        .push_bind(g.start)
                        .push_bind(g.end)
                        .push_bind(g.policy_version)
                        .push_bind(g.notice_days)
                        .push_bind(g.text.clone())
                        .push_bind(g.text_sha256.clone())
                        .push_bind(g.signed_at)
                        .push_bind(g.signed_at)
                        .push_bind(None::<time::Date>)
                        .push_bind(None::<String>)
                        .push_bind(None::<String>)
                        .push_bind(g.decided_at)
                        .push_bind(3i64);
                });
                q.build().execute(&mut *tx).await?;
            }
            insert_rows!(
                tx,
                "INSERT INTO occasional_days (person_id, day, state, part, set_by, set_at) ",
                plan.occasional,
                NARROW,
                |b, o| b
                    .push_bind(o.person.uuid())
                    .push_bind(o.day)
                    .push_bind(o.state.stored())
                    .push_bind(o.part.map(Stored::stored))
                    .push_bind(o.person.uuid())
                    .push_bind(o.set_at),
            );
            insert_absences!(tx, plan.absences, None::<Uuid>, NARROW);
            // Each agreement is made for its person's unit.
            sqlx::query(
                "UPDATE agreements SET unit_id = (SELECT p.unit_id FROM people p WHERE p.id = agreements.person_id)
                 WHERE unit_id IS NULL",
            )
            .execute(&mut *tx)
            .await?;
            true
        })
    }

    #[tracing::instrument(skip_all)]
    async fn agreements_without_followups(&self, limit: i64) -> CoreResult<Vec<Agreement>> {
        read_all!(
            self.db(),
            AgreementRow,
            &format!(
                "{AGREEMENT_SELECT} WHERE g.state = 'active'
                   AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.agreement_id = g.id)
                 ORDER BY g.start_date, g.id LIMIT $1"
            ),
            limit
        )
    }
}
