//! Occasional days: a person's day (or half day) set to another state than
//! the plan gives it, or set back.

use async_trait::async_trait;
use distans_core::kernel::PersonId;
use time::Date;

use distans_core::kernel::Work;
use distans_core::plan::Occasional;
use distans_core::store::OccasionalPort;
use distans_core::CoreResult;

use crate::store::{write_work, SqlStore};
use crate::stored::Stored;

#[async_trait]
impl OccasionalPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn set_occasional(
        &self,
        person: PersonId,
        day: Date,
        value: Option<Occasional>,
        by: PersonId,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            match value {
                Some(o) => sqlx::query(
                    "INSERT INTO occasional_days (person_id, day, state, part, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (person_id, day) DO UPDATE SET state = excluded.state, part = excluded.part,
                        set_by = excluded.set_by, set_at = excluded.set_at",
                )
                .bind(person.uuid())
                .bind(day)
                .bind(o.state.stored())
                .bind(o.part.map(Stored::stored))
                .bind(by.uuid())
                .bind(work.at),
                None => sqlx::query("DELETE FROM occasional_days WHERE person_id = $1 AND day = $2")
                    .bind(person.uuid())
                    .bind(day),
            }
            .execute(&mut *tx)
            .await?;
        })
    }
}
