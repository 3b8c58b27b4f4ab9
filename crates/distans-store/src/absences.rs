//! Absences: entered one at a time or imported. Called from the `Store` impl.

use std::collections::HashMap;

use sqlx::QueryBuilder;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::absences::rules::resolve_absences;
use distans_core::absences::{Absence, AbsenceImportReport, AbsenceRow};
use distans_core::kernel::csv::ImportError;
use distans_core::kernel::Work;
use distans_core::CoreError;
use distans_core::CoreResult;

use crate::impl_store::{append_audit_rows, BeginWrite, SqlStore};
use crate::{db_err, on_db_old as on_db};

/// id, person, first day, last day, source, created at
type AbsenceRowDb = (Uuid, Uuid, Date, Date, String, OffsetDateTime);

fn absence_of(r: AbsenceRowDb) -> Absence {
    Absence {
        id: r.0,
        person: r.1,
        first_day: r.2,
        last_day: r.3,
        source: r.4,
        created_at: r.5,
    }
}

const ABSENCE_SELECT: &str =
    "SELECT id, person_id, first_day, last_day, source, created_at FROM absences";

/// Rows per multi-row statement (4–6 parameters a row).
const BATCH: usize = 400;

impl SqlStore {
    pub(crate) async fn absences_impl(
        &self,
        person: Uuid,
        from: Date,
        to: Date,
    ) -> CoreResult<Vec<Absence>> {
        let rows: Vec<AbsenceRowDb> = on_db!(self.db(), p => sqlx::query_as(&format!(
            "{ABSENCE_SELECT} WHERE person_id = $1 AND last_day >= $2 AND first_day <= $3 ORDER BY first_day LIMIT 1000"))
            .bind(person).bind(from).bind(to).fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(absence_of).collect())
    }

    pub(crate) async fn absence_impl(&self, id: Uuid) -> CoreResult<Option<Absence>> {
        let row: Option<AbsenceRowDb> = on_db!(self.db(), p => sqlx::query_as(&format!("{ABSENCE_SELECT} WHERE id = $1"))
            .bind(id).fetch_optional(p).await.map_err(db_err)?);
        Ok(row.map(absence_of))
    }

    pub(crate) async fn insert_absence_impl(
        &self,
        a: &Absence,
        by: Option<Uuid>,
        work: &Work,
    ) -> CoreResult<()> {
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let overlap: Option<(Date, Date)> = sqlx::query_as(
                "SELECT first_day, last_day FROM absences WHERE person_id = $1 AND last_day >= $2 AND first_day <= $3
                 ORDER BY first_day LIMIT 1")
                .bind(a.person).bind(a.first_day).bind(a.last_day)
                .fetch_optional(&mut *tx).await.map_err(db_err)?;
            if let Some((f, l)) = overlap {
                return Err(CoreError::Conflict(format!(
                    "the person is already absent {f} – {l}; remove or change that absence first"
                )));
            }
            sqlx::query(
                "INSERT INTO absences (id, person_id, first_day, last_day, created_at, source, created_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(a.id).bind(a.person).bind(a.first_day).bind(a.last_day)
                .bind(a.created_at).bind(&a.source).bind(by)
                .execute(&mut *tx).await.map_err(db_err)?;
            append_audit_rows!(tx, a.created_at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn delete_absence_impl(&self, id: Uuid, work: &Work) -> CoreResult<bool> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let n = sqlx::query("DELETE FROM absences WHERE id = $1")
                .bind(id).execute(&mut *tx).await.map_err(db_err)?
                .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }

    pub(crate) async fn import_absences_impl(
        &self,
        rows: &[AbsenceRow],
        actor_id: Option<Uuid>,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<AbsenceImportReport, ImportError> {
        let mut numbers: Vec<&str> = rows.iter().map(|r| r.employee_number.as_str()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            // The people of the file, then their stored absences.
            let mut people: HashMap<String, Uuid> = HashMap::new();
            for chunk in numbers.chunks(BATCH) {
                let mut q = QueryBuilder::new("SELECT employee_number, id FROM people WHERE employee_number IN (");
                let mut sep = q.separated(", ");
                for n in chunk {
                    sep.push_bind(n.to_string());
                }
                q.push(")");
                let found: Vec<(String, Uuid)> = q.build_query_as().fetch_all(&mut *tx).await.map_err(db_err)?;
                people.extend(found);
            }
            let mut ids: Vec<Uuid> = people.values().copied().collect();
            ids.sort_unstable();
            let mut stored: HashMap<(Uuid, Date), (Uuid, Date)> = HashMap::new();
            for chunk in ids.chunks(BATCH) {
                let mut q = QueryBuilder::new("SELECT person_id, first_day, id, last_day FROM absences WHERE person_id IN (");
                let mut sep = q.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                q.push(")");
                let found: Vec<(Uuid, Date, Uuid, Date)> = q.build_query_as().fetch_all(&mut *tx).await.map_err(db_err)?;
                stored.extend(found.into_iter().map(|(p, f, id, l)| ((p, f), (id, l))));
            }
            let ch = resolve_absences(rows, &people, &stored, actor_id, actor, at, &mut Uuid::now_v7)
                .map_err(ImportError::Rows)?;
            for chunk in ch.insert.chunks(BATCH / 2) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO absences (id, person_id, first_day, last_day, created_at, source, created_by) ");
                q.push_values(chunk, |mut b, a| {
                    b.push_bind(a.id).push_bind(a.person).push_bind(a.first_day).push_bind(a.last_day)
                        .push_bind(a.created_at).push_bind(a.source.clone()).push_bind(actor_id);
                });
                q.build().execute(&mut *tx).await.map_err(db_err)?;
            }
            for (id, last) in &ch.update {
                sqlx::query("UPDATE absences SET last_day = $1 WHERE id = $2")
                    .bind(*last).bind(*id).execute(&mut *tx).await.map_err(db_err)?;
            }
            append_audit_rows!(tx, at, &ch.audit);
            tx.commit().await.map_err(db_err)?;
            Ok(ch.report)
        })
    }
}
