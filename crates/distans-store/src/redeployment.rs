//! The redeployment view's people: everyone (or those with a skill, at or
//! below a unit) in name order, a page at a time after a given person, with
//! their skills.

use async_trait::async_trait;
use distans_core::kernel::PersonId;
use sqlx::QueryBuilder;
use uuid::Uuid;

use distans_core::kernel::UnitRef;
use distans_core::redeployment::{RedeployFilter, RedeployPerson};
use distans_core::store::RedeploymentPort;
use distans_core::{CoreError, CoreResult};

use crate::coverage::skills_of;
use crate::db::{fetch, on_db};
use crate::sql::push_below;
use crate::store::{person, SqlStore};

/// (id, given, family, unit id, unit name)
type Row = (Uuid, String, String, Uuid, String);

#[async_trait]
impl RedeploymentPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn redeployment_people(
        &self,
        f: &RedeployFilter,
        after: Option<Uuid>,
        limit: i64,
    ) -> CoreResult<Vec<RedeployPerson>> {
        let after: Option<(String, Uuid)> = match after {
            Some(id) => Some(
                fetch!(
                    self.db(),
                    fetch_optional,
                    "SELECT sort_name, id FROM people WHERE id = $1",
                    id
                )?
                .ok_or_else(|| CoreError::invalid("after", "is not a person of the list"))?,
            ),
            None => None,
        };
        let rows: Vec<Row> = on_db!(self.db(), p => {
            let mut q = QueryBuilder::new(
                "SELECT p.id, p.given_name, p.family_name, u.id, u.name FROM people p JOIN units u ON u.id = p.unit_id
                 WHERE 1 = 1",
            );
            if let Some(s) = &f.skill {
                q.push(" AND p.id IN (SELECT s.person_id FROM person_skills s WHERE s.skill = ")
                    .push_bind(s.clone())
                    .push(")");
            }
            if let Some(path) = &f.unit_path {
                q.push(" AND ");
                push_below(&mut q, "u.path", std::slice::from_ref(path));
            }
            if let Some((sort_name, id)) = &after {
                q.push(" AND (p.sort_name > ").push_bind(sort_name.clone());
                q.push(" OR (p.sort_name = ").push_bind(sort_name.clone());
                q.push(" AND p.id > ").push_bind(*id).push("))");
            }
            q.push(" ORDER BY p.sort_name, p.id LIMIT ").push_bind(limit);
            Ok(q.build_query_as().fetch_all(p).await?)
        })?;
        let ids: Vec<PersonId> = rows.iter().map(|r| r.0.into()).collect();
        let mut skills = skills_of(self, &ids).await?;
        Ok(rows
            .into_iter()
            .map(|(id, given, family, unit, unit_name)| RedeployPerson {
                person: person(id, &given, &family),
                unit: UnitRef {
                    id: unit.into(),
                    name: unit_name,
                },
                skills: skills.remove(&id).unwrap_or_default(),
            })
            .collect())
    }
}
