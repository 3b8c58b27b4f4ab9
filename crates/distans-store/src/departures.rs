//! People who leave: the departure columns of `people`, and winding up a
//! person's open matters in one transaction.

use async_trait::async_trait;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::departures::{Departure, DepartureChange, OpenMatters};
use distans_core::kernel::{PersonId, Work};
use distans_core::org::edit::PersonUpdate;
use distans_core::store::{AgreementsPort, CasesPort, DeparturesPort, EquipmentPort};
use distans_core::{CoreError, CoreResult};

use crate::cases::insert_events;
use crate::db::{fetch, on_db};
use crate::people::write_update;
use crate::store::{must_change, write_if_changed, write_work, SqlStore};
use crate::stored::Stored;

/// The most open requests or loans one person is expected to have; a
/// departure refuses rather than leave some behind.
const MAX_OPEN: i64 = 200;

#[async_trait]
impl DeparturesPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn departure(&self, person: PersonId) -> CoreResult<Option<Departure>> {
        let row: Option<(Option<OffsetDateTime>, Option<Date>, Option<String>)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT deactivated_at, last_day, departure_reason FROM people WHERE id = $1",
            person.uuid()
        )?;
        Ok(match row {
            Some((Some(deactivated_at), Some(last_day), reason)) => Some(Departure {
                deactivated_at,
                last_day,
                reason,
            }),
            _ => None,
        })
    }

    #[tracing::instrument(skip_all)]
    async fn active_people(&self) -> CoreResult<Vec<(String, PersonId)>> {
        let rows: Vec<(String, Uuid)> = fetch!(
            self.db(),
            fetch_all,
            "SELECT employee_number, id FROM people WHERE deactivated_at IS NULL AND external_id IS NULL
             ORDER BY employee_number"
        )?;
        Ok(rows.into_iter().map(|(n, id)| (n, id.into())).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn open_matters(&self, person: PersonId) -> CoreResult<OpenMatters> {
        let (requests, loans): (Vec<(Uuid,)>, Vec<(Uuid,)>) = on_db!(self.db(), p => {
            let requests = sqlx::query_as(
                "SELECT id FROM requests WHERE person_id = $1 AND state IN ('submitted', 'changes_requested')
                 ORDER BY created_at LIMIT $2",
            )
            .bind(person.uuid())
            .bind(MAX_OPEN + 1)
            .fetch_all(p)
            .await?;
            let loans = sqlx::query_as(
                "SELECT id FROM equipment_loans WHERE person_id = $1 AND returned_at IS NULL
                 ORDER BY lent_at LIMIT $2",
            )
            .bind(person.uuid())
            .bind(MAX_OPEN + 1)
            .fetch_all(p)
            .await?;
            Ok((requests, loans))
        })?;
        if requests.len() as i64 > MAX_OPEN || loans.len() as i64 > MAX_OPEN {
            return Err(CoreError::Conflict(format!(
                "the person has more than {MAX_OPEN} open requests or loans; wind them up first"
            )));
        }
        let mut open = OpenMatters::default();
        for (id,) in requests {
            if let Some(r) = CasesPort::request(self, id.into()).await? {
                open.requests.push(r);
            }
        }
        for (id,) in loans {
            if let Some(l) = EquipmentPort::loan(self, id.into()).await? {
                open.loans.push(l);
            }
        }
        open.agreements = AgreementsPort::agreements_of(self, person).await?;
        Ok(open)
    }

    #[tracing::instrument(skip_all, fields(person = %change.person))]
    async fn depart(
        &self,
        change: &DepartureChange,
        also: Option<&PersonUpdate>,
        work: &Work,
    ) -> CoreResult<u64> {
        let person = change.person.uuid();
        let d = &change.departure;
        write_work!(self, work, |tx| {
            if let Some(u) = also {
                write_update!(tx, u, work.at);
            }
            must_change!(
                tx,
                "the person is deactivated already",
                sqlx::query(
                    "UPDATE people SET deactivated_at = $1, last_day = $2, departure_reason = $3,
                        updated_at = $1, version = version + 1
                     WHERE id = $4 AND deactivated_at IS NULL",
                )
                .bind(d.deactivated_at)
                .bind(d.last_day)
                .bind(&d.reason)
                .bind(person)
            );
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE person_id = $2 AND revoked_at IS NULL",
            )
            .bind(work.at)
            .bind(person)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM calendar_feeds WHERE person_id = $1")
                .bind(person)
                .execute(&mut *tx)
                .await?;
            for (r, expected, event) in &change.withdraw {
                must_change!(
                    tx,
                    "a request of the person was changed meanwhile; try again",
                    at_version(r.id.uuid(), *expected),
                    sqlx::query(
                        "UPDATE requests SET state = $1, updated_at = $2, version = version + 1
                         WHERE id = $3 AND version = $4",
                    )
                    .bind(r.state.stored())
                    .bind(work.at)
                );
                insert_events!(tx, r.id.uuid(), std::iter::once(event));
            }
            for (g, expected) in &change.end {
                must_change!(
                    tx,
                    "an agreement of the person was changed meanwhile; try again",
                    at_version(g.id.uuid(), *expected),
                    sqlx::query(
                        "UPDATE agreements SET state = $1, ends_on = $2, ended_by = $3, end_reason = $4,
                            version = version + 1
                         WHERE id = $5 AND version = $6",
                    )
                    .bind(g.state.stored())
                    .bind(g.ends_on)
                    .bind(&g.ended_by)
                    .bind(&g.end_reason)
                );
            }
            let closed = sqlx::query(
                "UPDATE followups SET state = 'cancelled', updated_at = $1, version = version + 1
                 WHERE person_id = $2 AND state = 'open'",
            )
            .bind(work.at)
            .bind(person)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            closed
        })
    }

    #[tracing::instrument(skip_all)]
    async fn reactivate(
        &self,
        person: PersonId,
        also: Option<&PersonUpdate>,
        work: &Work,
    ) -> CoreResult<bool> {
        let Some(u) = also else {
            return write_if_changed!(
                self,
                work,
                "UPDATE people SET deactivated_at = NULL, last_day = NULL, departure_reason = NULL,
                    updated_at = $1, version = version + 1
                 WHERE id = $2 AND deactivated_at IS NOT NULL",
                work.at,
                person.uuid()
            );
        };
        write_work!(self, work, |tx| {
            write_update!(tx, u, work.at);
            must_change!(
                tx,
                "the person is not deactivated",
                sqlx::query(
                    "UPDATE people SET deactivated_at = NULL, last_day = NULL, departure_reason = NULL,
                        updated_at = $1, version = version + 1
                     WHERE id = $2 AND deactivated_at IS NOT NULL",
                )
                .bind(work.at)
                .bind(person.uuid())
            );
            true
        })
    }
}
