//! Who is in: each person's choice whether colleagues see their days on
//! site, and a unit's people with that choice.

use async_trait::async_trait;
use distans_core::kernel::{PersonId, UnitId};
use time::Date;
use uuid::Uuid;

use distans_core::kernel::{PersonRef, Work};
use distans_core::presence::UnitPerson;
use distans_core::store::PresencePort;
use distans_core::{CoreError, CoreResult};

use crate::db::fetch;
use crate::store::{name, write_if_changed, SqlStore};

#[async_trait]
impl PresencePort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn share_choice(&self, person: PersonId) -> CoreResult<Option<bool>> {
        let row: Option<(Option<bool>,)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT share_presence FROM people WHERE id = $1",
            person.uuid()
        )?;
        Ok(row.and_then(|r| r.0))
    }

    #[tracing::instrument(skip_all)]
    async fn set_share_choice(
        &self,
        person: PersonId,
        share: Option<bool>,
        work: &Work,
    ) -> CoreResult<()> {
        let changed = write_if_changed!(
            self,
            work,
            "UPDATE people SET share_presence = $1, updated_at = $2 WHERE id = $3",
            share,
            work.at,
            person.uuid()
        )?;
        if changed {
            Ok(())
        } else {
            Err(CoreError::NotFound("person"))
        }
    }

    #[tracing::instrument(skip_all)]
    async fn share_choices_of_unit(
        &self,
        unit: UnitId,
        on: Date,
        limit: i64,
    ) -> CoreResult<Vec<UnitPerson>> {
        let rows: Vec<(Uuid, String, String, Option<bool>)> = fetch!(
            self.db(),
            fetch_all,
            "SELECT p.id, p.given_name, p.family_name, p.share_presence FROM people p
             WHERE p.unit_id = $1 AND p.deactivated_at IS NULL
               AND (p.last_day IS NULL OR p.last_day >= $2)
             ORDER BY p.sort_name, p.id LIMIT $3",
            unit.uuid(),
            on,
            limit + 1
        )?;
        if rows.len() as i64 > limit {
            return Err(CoreError::Rule {
                field: Some("unit".into()),
                message: format!(
                    "the unit has more than {limit} people: choose a unit further down"
                ),
            });
        }
        Ok(rows
            .into_iter()
            .map(|(id, g, f, chosen)| UnitPerson {
                person: PersonRef {
                    id: id.into(),
                    name: name(&g, &f),
                },
                chosen,
            })
            .collect())
    }
}
