//! Provisioning: clients' tokens (kept as hashes), people as SCIM users,
//! groups and their members, and the roles mapped groups grant — changed
//! in the same transaction as the membership.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use distans_core::kernel::{PersonId, Role, ScimGroupId, Work};
use distans_core::scim::model::{GroupDraft, Member, ScimGroup, ScimToken, ScimUser};
use distans_core::scim::rules::roles_of;
use distans_core::store::ScimPort;
use distans_core::CoreResult;
use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{execute, fetch, on_db};
use crate::sql::push_list;
use crate::store::{must_change, name, write_if_changed, write_work, SqlStore};

type UserRow = (
    Uuid,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<OffsetDateTime>,
    i64,
    OffsetDateTime,
    OffsetDateTime,
);

const USER_SELECT: &str =
    "SELECT p.id, a.username, p.given_name, p.family_name, p.email, p.employee_number,
    p.external_id, p.provisioned, p.deactivated_at, p.version, p.created_at, p.updated_at
    FROM people p LEFT JOIN accounts a ON a.person_id = p.id";

fn user(r: UserRow) -> ScimUser {
    let (
        id,
        user_name,
        given,
        family,
        email,
        number,
        external_id,
        provisioned,
        gone,
        version,
        created,
        updated,
    ) = r;
    let attributes: serde_json::Value = provisioned
        .and_then(|p| serde_json::from_str(&p).ok())
        .unwrap_or_else(|| serde_json::json!({}));
    ScimUser {
        deleted: attributes.get("deleted") == Some(&serde_json::Value::Bool(true)),
        id: id.into(),
        user_name,
        given_name: given,
        family_name: family,
        email,
        employee_number: number,
        external_id,
        attributes,
        active: gone.is_none(),
        version,
        created_at: created,
        updated_at: updated,
    }
}

/// `%"value"%` for `LIKE … ESCAPE '\'` on stored JSON: the value as JSON
/// writes it, in lower case, with LIKE's own characters escaped.
fn json_like(v: &str) -> String {
    crate::search::pattern(&serde_json::Value::String(v.to_lowercase()).to_string())
}

type GroupRow = (
    Uuid,
    String,
    Option<String>,
    i64,
    OffsetDateTime,
    OffsetDateTime,
);

/// The names of the groups a person is in, within a transaction.
macro_rules! groups_of {
    ($tx:ident, $person:expr) => {{
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT g.display_name FROM scim_group_members m JOIN scim_groups g ON g.id = m.group_id
             WHERE m.person_id = $1",
        )
        .bind($person)
        .fetch_all(&mut *$tx)
        .await?;
        rows.into_iter().map(|(n,)| n).collect::<Vec<String>>()
    }};
}

/// Grants and revokes what `mapping` ties to groups, for these people
/// whose groups were `before` (name lists, by person) and are now stored.
macro_rules! regrant {
    ($tx:ident, $before:expr, $mapping:expr) => {{
        let before: HashMap<Uuid, Vec<String>> = $before;
        for (person, was) in before {
            let now = groups_of!($tx, person);
            let had: BTreeSet<Role> = roles_of(&was, $mapping).into_iter().collect();
            let has: BTreeSet<Role> = roles_of(&now, $mapping).into_iter().collect();
            for r in has.difference(&had) {
                sqlx::query("INSERT INTO person_roles (person_id, role, source) VALUES ($1, $2, 'scim') ON CONFLICT DO NOTHING")
                    .bind(person)
                    .bind(r.as_str())
                    .execute(&mut *$tx)
                    .await?;
            }
            for r in had.difference(&has) {
                sqlx::query("DELETE FROM person_roles WHERE person_id = $1 AND role = $2 AND source = 'scim'")
                    .bind(person)
                    .bind(r.as_str())
                    .execute(&mut *$tx)
                    .await?;
            }
        }
    }};
}

impl SqlStore {
    async fn members(&self, groups: &[Uuid]) -> CoreResult<HashMap<Uuid, Vec<Member>>> {
        let mut out: HashMap<Uuid, Vec<Member>> = HashMap::new();
        if groups.is_empty() {
            return Ok(out);
        }
        type Row = (Uuid, String, Option<Uuid>, Option<String>, Option<String>);
        let rows: Vec<Row> = on_db!(self.db(), p => {
            let mut q = QueryBuilder::new(
                "SELECT m.group_id, m.value, p.id, p.given_name, p.family_name FROM scim_group_members m
                 LEFT JOIN people p ON p.id = m.person_id WHERE m.group_id IN ",
            );
            push_list(&mut q, groups.iter().copied());
            q.push(" ORDER BY m.value");
            Ok(q.build_query_as().fetch_all(p).await?)
        })?;
        for (g, value, id, given, family) in rows {
            out.entry(g).or_default().push(Member {
                value,
                person: id.map(|id| {
                    let n = name(&given.unwrap_or_default(), &family.unwrap_or_default());
                    (id.into(), n.trim().to_string())
                }),
            });
        }
        Ok(out)
    }

    async fn with_members(&self, rows: Vec<GroupRow>) -> CoreResult<Vec<ScimGroup>> {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
        let mut members = self.members(&ids).await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, display_name, external_id, version, created_at, updated_at)| ScimGroup {
                    id: id.into(),
                    display_name,
                    external_id,
                    members: members.remove(&id).unwrap_or_default(),
                    version,
                    created_at,
                    updated_at,
                },
            )
            .collect())
    }
}

#[async_trait]
impl ScimPort for SqlStore {
    async fn create_scim_token(&self, t: &ScimToken, hash: &str, work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            sqlx::query(
                "INSERT INTO scim_tokens (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(t.id.uuid())
            .bind(&t.name)
            .bind(hash)
            .bind(t.created_at)
            .execute(&mut *tx)
            .await?;
        })
    }

    async fn revoke_scim_token(&self, token_name: &str, work: &Work) -> CoreResult<bool> {
        write_if_changed!(
            self,
            work,
            "UPDATE scim_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL",
            work.at,
            token_name
        )
    }

    async fn scim_tokens(&self) -> CoreResult<Vec<ScimToken>> {
        let rows: Vec<(Uuid, String, OffsetDateTime, Option<OffsetDateTime>)> = fetch!(
            self.db(),
            fetch_all,
            "SELECT id, name, created_at, last_used_at FROM scim_tokens WHERE revoked_at IS NULL ORDER BY name LIMIT 1000"
        )?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at, last_used_at)| ScimToken {
                id: id.into(),
                name,
                created_at,
                last_used_at,
            })
            .collect())
    }

    async fn scim_token_by_hash(
        &self,
        hash: &str,
        now: OffsetDateTime,
    ) -> CoreResult<Option<ScimToken>> {
        let row: Option<(Uuid, String, OffsetDateTime, Option<OffsetDateTime>)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT id, name, created_at, last_used_at FROM scim_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
            hash
        )?;
        let Some((id, name, created_at, last_used_at)) = row else {
            return Ok(None);
        };
        if last_used_at.is_none_or(|l| now - l > time::Duration::minutes(1)) {
            execute!(
                self.db(),
                "UPDATE scim_tokens SET last_used_at = $1 WHERE id = $2",
                now,
                id
            )?;
        }
        Ok(Some(ScimToken {
            id: id.into(),
            name,
            created_at,
            last_used_at,
        }))
    }

    async fn scim_user(&self, id: PersonId) -> CoreResult<Option<ScimUser>> {
        let row: Option<UserRow> = fetch!(
            self.db(),
            fetch_optional,
            &format!("{USER_SELECT} WHERE p.id = $1"),
            id.uuid()
        )?;
        Ok(row.map(user))
    }

    async fn scim_users(
        &self,
        narrow: Option<(&str, &str)>,
        limit: i64,
    ) -> CoreResult<Vec<ScimUser>> {
        let rows: Vec<UserRow> = on_db!(self.db(), p => {
            let mut q = QueryBuilder::new(USER_SELECT);
            match narrow {
                Some(("userName", v)) => {
                    q.push(" WHERE a.username = ").push_bind(v.trim().to_lowercase());
                }
                Some(("externalId", v)) => {
                    q.push(" WHERE LOWER(p.external_id) = ").push_bind(v.to_lowercase());
                }
                Some(("emails.value", v)) => {
                    q.push(" WHERE (LOWER(p.email) = ").push_bind(v.to_lowercase());
                    q.push(" OR LOWER(p.provisioned) LIKE ").push_bind(json_like(v));
                    q.push(" ESCAPE '\\'");
                    q.push(")");
                }
                _ => {}
            }
            q.push(" ORDER BY p.created_at, p.id LIMIT ").push_bind(limit);
            Ok(q.build_query_as().fetch_all(p).await?)
        })?;
        Ok(rows.into_iter().map(user).collect())
    }

    async fn person_by_username(&self, username: &str) -> CoreResult<Option<PersonId>> {
        let row: Option<(Uuid,)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT person_id FROM accounts WHERE username = $1",
            username.trim().to_lowercase()
        )?;
        Ok(row.map(|(p,)| p.into()))
    }

    async fn scim_group(&self, id: ScimGroupId) -> CoreResult<Option<ScimGroup>> {
        let row: Option<GroupRow> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT id, display_name, external_id, version, created_at, updated_at FROM scim_groups WHERE id = $1",
            id.uuid()
        )?;
        Ok(self.with_members(row.into_iter().collect()).await?.pop())
    }

    async fn scim_groups(
        &self,
        narrow: Option<(&str, &str)>,
        limit: i64,
    ) -> CoreResult<Vec<ScimGroup>> {
        let rows: Vec<GroupRow> = on_db!(self.db(), p => {
            let mut q = QueryBuilder::new("SELECT id, display_name, external_id, version, created_at, updated_at FROM scim_groups");
            match narrow {
                Some(("displayName", v)) => {
                    q.push(" WHERE LOWER(display_name) = ").push_bind(v.to_lowercase());
                }
                Some(("externalId", v)) => {
                    q.push(" WHERE LOWER(external_id) = ").push_bind(v.to_lowercase());
                }
                _ => {}
            }
            q.push(" ORDER BY created_at, id LIMIT ").push_bind(limit);
            Ok(q.build_query_as().fetch_all(p).await?)
        })?;
        self.with_members(rows).await
    }

    async fn save_scim_group(
        &self,
        g: &GroupDraft,
        version: Option<i64>,
        mapping: &[(String, Role)],
        work: &Work,
    ) -> CoreResult<i64> {
        write_work!(self, work, |tx| {
            let old: Vec<(Uuid,)> =
                sqlx::query_as("SELECT person_id FROM scim_group_members WHERE group_id = $1 AND person_id IS NOT NULL")
                    .bind(g.id.uuid())
                    .fetch_all(&mut *tx)
                    .await?;
            let mut before: HashMap<Uuid, Vec<String>> = HashMap::new();
            for p in old
                .iter()
                .map(|(p,)| *p)
                .chain(g.members.iter().filter_map(|(_, p)| p.map(|p| p.uuid())))
            {
                if let std::collections::hash_map::Entry::Vacant(e) = before.entry(p) {
                    e.insert(groups_of!(tx, p));
                }
            }
            let next = match version {
                None => {
                    sqlx::query(
                        "INSERT INTO scim_groups (id, display_name, external_id, version, created_at, updated_at)
                         VALUES ($1, $2, $3, 1, $4, $4)",
                    )
                    .bind(g.id.uuid())
                    .bind(&g.display_name)
                    .bind(&g.external_id)
                    .bind(work.at)
                    .execute(&mut *tx)
                    .await?;
                    1
                }
                Some(v) => {
                    must_change!(
                        tx,
                        "the group was changed meanwhile",
                        at_version(g.id.uuid(), v),
                        sqlx::query(
                            "UPDATE scim_groups SET display_name = $1, external_id = $2, updated_at = $3,
                             version = version + 1 WHERE id = $4 AND version = $5",
                        )
                        .bind(&g.display_name)
                        .bind(&g.external_id)
                        .bind(work.at)
                    );
                    v + 1
                }
            };
            sqlx::query("DELETE FROM scim_group_members WHERE group_id = $1")
                .bind(g.id.uuid())
                .execute(&mut *tx)
                .await?;
            for (value, person) in &g.members {
                sqlx::query("INSERT INTO scim_group_members (group_id, value, person_id) VALUES ($1, $2, $3)")
                    .bind(g.id.uuid())
                    .bind(value)
                    .bind(person.map(|p| p.uuid()))
                    .execute(&mut *tx)
                    .await?;
            }
            regrant!(tx, before, mapping);
            next
        })
    }

    async fn delete_scim_group(
        &self,
        id: ScimGroupId,
        mapping: &[(String, Role)],
        work: &Work,
    ) -> CoreResult<bool> {
        write_work!(self, work, |tx| {
            let old: Vec<(Uuid,)> =
                sqlx::query_as("SELECT person_id FROM scim_group_members WHERE group_id = $1 AND person_id IS NOT NULL")
                    .bind(id.uuid())
                    .fetch_all(&mut *tx)
                    .await?;
            let mut before: HashMap<Uuid, Vec<String>> = HashMap::new();
            for (p,) in old {
                let was = groups_of!(tx, p);
                before.insert(p, was);
            }
            let n = sqlx::query("DELETE FROM scim_groups WHERE id = $1")
                .bind(id.uuid())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            regrant!(tx, before, mapping);
            true
        })
    }
}
