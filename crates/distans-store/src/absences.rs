//! Absences: a person's days away (leave, illness; no reason is kept),
//! entered one at a time or imported from the HR system's file, known by
//! person and first day so that a re-import updates instead of adding.

use distans_core::kernel::AbsenceId;
use distans_core::kernel::PersonId;
use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::QueryBuilder;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::absences::rules::resolve_absences;
use distans_core::absences::{Absence, AbsenceFile, AbsenceImportReport};
use distans_core::kernel::csv::ImportError;
use distans_core::kernel::Work;
use distans_core::store::AbsencesPort;
use distans_core::CoreResult;

use crate::db::{read_all, read_one};
use crate::error::conflict;
use crate::sql::push_list;
use crate::store::{row, write_if_changed, write_import, write_work, SqlStore, BATCH};

row! {
    struct AbsenceDb => Absence {
        id: Uuid,
        first_day: Date,
        last_day: Date,
        source: String,
        created_at: OffsetDateTime,
    }
    with {
        person_id: Uuid,
    }
    |r| {
        person: r.person_id.into(),
    }
}

const ABSENCE_SELECT: &str =
    "SELECT id, person_id, first_day, last_day, source, created_at FROM absences";

/// Inserts `$absences` (`&[Absence]`) entered by `$by`, `$rows` a
/// statement, in `$tx`.
macro_rules! insert_absences {
    ($tx:expr, $absences:expr, $by:expr, $rows:expr) => {
        $crate::sql::insert_rows!(
            $tx,
            "INSERT INTO absences (id, person_id, first_day, last_day, created_at, source, created_by) ",
            $absences,
            $rows,
            |b, a| b.push_bind(a.id.uuid())
                    .push_bind(a.person.uuid())
                    .push_bind(a.first_day)
                    .push_bind(a.last_day)
                    .push_bind(a.created_at)
                    .push_bind(a.source.clone())
                    .push_bind($by),
        );
    };
}
pub(crate) use insert_absences;

#[async_trait]
impl AbsencesPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn absences(&self, person: PersonId, from: Date, to: Date) -> CoreResult<Vec<Absence>> {
        read_all!(
            self.db(),
            AbsenceDb,
            &format!(
                "{ABSENCE_SELECT} WHERE person_id = $1 AND last_day >= $2 AND first_day <= $3
                 ORDER BY first_day LIMIT 1000"
            ),
            person.uuid(),
            from,
            to
        )
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn absence(&self, id: AbsenceId) -> CoreResult<Option<Absence>> {
        read_one!(
            self.db(),
            AbsenceDb,
            &format!("{ABSENCE_SELECT} WHERE id = $1"),
            id.uuid()
        )
    }

    #[tracing::instrument(skip_all, fields(id = %a.id))]
    async fn insert_absence(
        &self,
        a: &Absence,
        by: Option<PersonId>,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            let overlap: Option<(Date, Date)> = sqlx::query_as(
                "SELECT first_day, last_day FROM absences WHERE person_id = $1 AND last_day >= $2 AND first_day <= $3
                 ORDER BY first_day LIMIT 1",
            )
            .bind(a.person.uuid())
            .bind(a.first_day)
            .bind(a.last_day)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((f, l)) = overlap {
                return Err(conflict(format!(
                    "the person is already absent {f} – {l}; remove or change that absence first"
                )));
            }
            insert_absences!(tx, std::slice::from_ref(a), by.map(|i| i.uuid()), 1);
        })
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn delete_absence(&self, id: AbsenceId, work: &Work) -> CoreResult<bool> {
        write_if_changed!(self, work, "DELETE FROM absences WHERE id = $1", id.uuid())
    }

    #[tracing::instrument(skip_all, fields(rows = file.rows.len()))]
    async fn import_absences(
        &self,
        file: &AbsenceFile,
        actor_id: Option<PersonId>,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<AbsenceImportReport, ImportError> {
        let mut numbers: Vec<&str> = file
            .rows
            .iter()
            .map(|r| r.employee_number.as_str())
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        write_import!(
            self,
            at,
            |tx| {
                // The people of the file, then their stored absences.
                let mut people: HashMap<String, PersonId> = HashMap::new();
                for chunk in numbers.chunks(BATCH) {
                    let mut q = QueryBuilder::new(
                        "SELECT employee_number, id FROM people WHERE employee_number IN ",
                    );
                    push_list(&mut q, chunk.iter().map(|n| n.to_string()));
                    let found: Vec<(String, Uuid)> = q.build_query_as().fetch_all(&mut *tx).await?;
                    people.extend(found.into_iter().map(|(n, id)| (n, id.into())));
                }
                let mut ids: Vec<Uuid> = people.values().map(|p| p.uuid()).collect();
                ids.sort_unstable();
                let mut stored: HashMap<(PersonId, Date), (AbsenceId, Date)> = HashMap::new();
                for chunk in ids.chunks(BATCH) {
                    let mut q = QueryBuilder::new("SELECT person_id, first_day, id, last_day FROM absences WHERE person_id IN ");
                    push_list(&mut q, chunk.iter().copied());
                    let found: Vec<(Uuid, Date, Uuid, Date)> =
                        q.build_query_as().fetch_all(&mut *tx).await?;
                    stored.extend(
                        found
                            .into_iter()
                            .map(|(p, f, id, l)| ((p.into(), f), (id.into(), l))),
                    );
                }
                resolve_absences(
                    file,
                    &people,
                    &stored,
                    actor_id,
                    actor,
                    at,
                    &mut Uuid::now_v7,
                )
            },
            |ch| {
                insert_absences!(tx, ch.insert, actor_id.map(|i| i.uuid()), BATCH / 2);
                for (id, last) in &ch.update {
                    sqlx::query("UPDATE absences SET last_day = $1 WHERE id = $2")
                        .bind(*last)
                        .bind(id.uuid())
                        .execute(&mut *tx)
                        .await?;
                }
            }
        )
    }
}
