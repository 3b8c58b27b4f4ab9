//! Closed days: the organisation's days off (public holidays, the days
//! between), named, kept by HR.

use async_trait::async_trait;
use time::Date;

use distans_core::kernel::Work;
use distans_core::store::WorkdaysPort;
use distans_core::CoreResult;

use crate::db::fetch;
use crate::store::{write_if_changed, write_work, SqlStore};

#[async_trait]
impl WorkdaysPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn closed_days(&self, from: Date, to: Date) -> CoreResult<Vec<Date>> {
        let days = self.closed_days_named(from, to).await?;
        Ok(days.into_iter().map(|(d, _)| d).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn closed_days_named(&self, from: Date, to: Date) -> CoreResult<Vec<(Date, String)>> {
        fetch!(
            self.db(),
            fetch_all,
            "SELECT day, name FROM closed_days WHERE day >= $1 AND day <= $2 ORDER BY day",
            from,
            to
        )
    }

    #[tracing::instrument(skip_all)]
    async fn insert_closed_day(&self, day: Date, name: &str, work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            sqlx::query("INSERT INTO closed_days (day, name) VALUES ($1, $2)")
                .bind(day)
                .bind(name)
                .execute(&mut *tx)
                .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn delete_closed_day(&self, day: Date, work: &Work) -> CoreResult<bool> {
        write_if_changed!(self, work, "DELETE FROM closed_days WHERE day = $1", day)
    }
}
