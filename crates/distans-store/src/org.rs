//! The organisation: sites, units and people with their skills, granted
//! roles and accounts, read for lists and pages and written by the import
//! of the HR system's file (all or nothing, in one transaction).

use distans_core::kernel::{PersonId, UnitId};
use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::QueryBuilder;
use time::OffsetDateTime;
use uuid::Uuid;

use distans_core::kernel::{Page, Paging, PersonRef, Role, UnitRef, Work};
use distans_core::org::edit::{PersonDraft, Provisioned};
use distans_core::org::{
    CommuteMode, Departure, OrgCounts, PeopleFilter, Person, PersonRecord, PersonSummary, Site,
    Unit, UnitDetail, UnitKind, UnitSummary,
};
use distans_core::store::OrgPort;
use distans_core::CoreResult;

use crate::db::{fetch, on_db, read_all, read_one};
use crate::error::StoreResult;
use crate::sql::{push_below, push_list, Sql};
use crate::store::{like_escape, name, read_page, row, List, SqlStore};
use crate::stored::{path_ids, Stored};

pub(crate) const SITE_SELECT: &str = "SELECT id, name, address, desks FROM sites";

row! {
    pub(crate) struct SiteRow => Site {
        id: Uuid,
        name: String,
        address: String,
        desks: i64,
    }
    |r| {}
}

row! {
    pub(crate) struct UnitRow => Unit {
        id: Uuid,
        code: String,
        name: String,
        parent_id: Option<Uuid>,
        path: String,
        depth: i64,
        manager_id: Option<Uuid>,
        site_id: Option<Uuid>,
    }
    with {
        kind: String,
    }
    |r| {
        kind: UnitKind::read("units.kind", &r.kind)?,
    }
}

row! {
    /// A unit with its manager's name and counts, for lists.
    struct UnitSummaryRow => UnitSummary {
        id: Uuid,
        code: String,
        name: String,
        parent_id: Option<Uuid>,
        depth: i64,
        people: i64,
        children: i64,
        version: i64,
    }
    with {
        kind: String,
        path: String,
        site_id: Option<Uuid>,
        deputy_id: Option<Uuid>,
        closed_at: Option<OffsetDateTime>,
    }
    maybe_person {
        manager: manager_id, manager_given, manager_family;
    }
    |r| {
        kind: UnitKind::read("units.kind", &r.kind)?,
    }
}

const UNIT_SUMMARY_SELECT: &str =
    "SELECT u.id, u.code, u.name, u.kind, u.parent_id, u.depth, u.path, u.manager_id,
        m.given_name AS manager_given, m.family_name AS manager_family, u.site_id, u.version,
        u.deputy_id, u.closed_at,
        (SELECT COUNT(*) FROM people p WHERE p.unit_id = u.id AND p.deactivated_at IS NULL) AS people,
        (SELECT COUNT(*) FROM units c WHERE c.parent_id = u.id AND c.closed_at IS NULL) AS children
    FROM units u LEFT JOIN people m ON m.id = u.manager_id";

#[derive(sqlx::FromRow)]
pub(crate) struct PersonRow {
    pub(crate) id: Uuid,
    employee_number: String,
    given_name: String,
    family_name: String,
    email: Option<String>,
    title: Option<String>,
    unit_id: Uuid,
    site_id: Option<Uuid>,
    commute_km: Option<f64>,
    commute_mode: Option<String>,
    version: i64,
    username: Option<String>,
    deactivated_at: Option<time::OffsetDateTime>,
    last_day: Option<time::Date>,
    departure_reason: Option<String>,
}

pub(crate) const PERSON_SELECT: &str =
    "SELECT p.id, p.employee_number, p.given_name, p.family_name, p.email, p.title,
        p.unit_id, p.site_id, p.commute_km, p.commute_mode, p.version, a.username,
        p.deactivated_at, p.last_day, p.departure_reason
    FROM people p LEFT JOIN accounts a ON a.person_id = p.id";

impl PersonRow {
    pub(crate) fn into_person(self, skills: Vec<String>, roles: Vec<Role>) -> StoreResult<Person> {
        Ok(Person {
            commute_mode: CommuteMode::read_opt(
                "people.commute_mode",
                self.commute_mode.as_deref(),
            )?,
            id: self.id.into(),
            employee_number: self.employee_number,
            given_name: self.given_name,
            family_name: self.family_name,
            email: self.email,
            title: self.title,
            unit_id: self.unit_id.into(),
            site_id: self.site_id.map(Into::into),
            commute_km: self.commute_km,
            skills,
            granted_roles: roles,
            username: self.username,
            departure: match (self.deactivated_at, self.last_day) {
                (Some(deactivated_at), Some(last_day)) => Some(Departure {
                    deactivated_at,
                    last_day,
                    reason: self.departure_reason,
                }),
                _ => None,
            },
            version: self.version,
        })
    }
}

row! {
    struct PersonSummaryRow => PersonSummary {
        id: Uuid,
        employee_number: String,
        title: Option<String>,
    }
    with {
        given_name: String,
        family_name: String,
        unit_id: Uuid,
        unit_name: String,
    }
    |r| {
        name: name(&r.given_name, &r.family_name),
        unit: UnitRef { id: r.unit_id.into(), name: r.unit_name },
        manages: vec![],
    }
}

/// Granted roles as stored.
pub(crate) fn granted_roles(rows: Vec<(String,)>) -> StoreResult<Vec<Role>> {
    rows.iter()
        .map(|(r,)| Role::read("person_roles.role", r))
        .collect()
}

fn unit_ref((id, name): (Uuid, String)) -> UnitRef {
    UnitRef {
        id: id.into(),
        name,
    }
}

impl SqlStore {
    /// A site, if the id names one.
    async fn site(&self, id: Option<Uuid>) -> CoreResult<Option<Site>> {
        let Some(id) = id else { return Ok(None) };
        read_one!(
            self.db(),
            SiteRow,
            &format!("{SITE_SELECT} WHERE id = $1"),
            id
        )
    }
}

#[async_trait]
impl OrgPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn units(
        &self,
        under: Option<UnitId>,
        max_depth: Option<i64>,
        paging: Paging,
    ) -> CoreResult<Page<UnitSummary>> {
        let under: Option<(String,)> = match under {
            Some(u) => fetch!(
                self.db(),
                fetch_optional,
                "SELECT path FROM units WHERE id = $1",
                u.uuid()
            )?,
            None => None,
        };
        let under: Vec<String> = under.into_iter().map(|(p,)| p).collect();
        // Units, in tree order.
        const UNITS: List = List {
            count: "units u",
            about: None,
            select: UNIT_SUMMARY_SELECT,
            order: "u.path",
        };
        read_page!(self.db(), UnitSummaryRow, &UNITS, paging, |q| {
            q.push(" AND u.closed_at IS NULL");
            if !under.is_empty() {
                q.push(" AND ");
                push_below(q, "u.path", &under);
            }
            if let Some(d) = max_depth {
                q.push(" AND u.depth <= ").push_bind(d);
            }
        })
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn unit_path(&self, id: UnitId) -> CoreResult<Option<String>> {
        let row: Option<(String,)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT path FROM units WHERE id = $1",
            id.uuid()
        )?;
        Ok(row.map(|r| r.0))
    }

    #[tracing::instrument(skip_all)]
    async fn unit(&self, id: UnitId) -> CoreResult<Option<UnitDetail>> {
        let row: Option<UnitSummaryRow> = fetch!(
            self.db(),
            fetch_optional,
            &format!("{UNIT_SUMMARY_SELECT} WHERE u.id = $1"),
            id.uuid()
        )?;
        let Some(row) = row else { return Ok(None) };
        let path = row.path.clone();
        let site = self.site(row.site_id).await?;
        let (deputy_id, closed_at) = (row.deputy_id, row.closed_at);
        let deputy: Option<(Uuid, String, String)> = match deputy_id {
            Some(d) => fetch!(
                self.db(),
                fetch_optional,
                "SELECT id, given_name, family_name FROM people WHERE id = $1",
                d
            )?,
            None => None,
        };
        let above: Vec<Uuid> = path_ids("units.path", &path)?
            .into_iter()
            .filter(|a| *a != id.uuid())
            .collect();
        let ancestors: Vec<(Uuid, String)> = if above.is_empty() {
            vec![]
        } else {
            on_db!(self.db(), p => {
                let mut q = QueryBuilder::new("SELECT id, name FROM units WHERE id IN ");
                push_list(&mut q, above.iter().copied());
                q.push(" ORDER BY depth");
                Ok(q.build_query_as().fetch_all(p).await?)
            })?
        };
        let children = read_all!(
            self.db(),
            UnitSummaryRow,
            &format!("{UNIT_SUMMARY_SELECT} WHERE u.parent_id = $1 AND u.closed_at IS NULL ORDER BY u.name LIMIT 1000"),
            id.uuid()
        )?;
        Ok(Some(UnitDetail {
            unit: row.try_into()?,
            ancestors: ancestors.into_iter().map(unit_ref).collect(),
            children,
            site,
            deputy: deputy.map(|(id, g, f)| PersonRef {
                id: id.into(),
                name: name(&g, &f),
            }),
            closed_at,
            path,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn people(
        &self,
        which: &PeopleFilter,
        search: Option<&str>,
        paging: Paging,
    ) -> CoreResult<Page<PersonSummary>> {
        // People, in Swedish name order.
        const PEOPLE: List = List {
            count: "people p JOIN units u ON u.id = p.unit_id",
            about: None,
            select:
                "SELECT p.id, p.given_name, p.family_name, p.employee_number, p.title, p.unit_id,
                u.name AS unit_name
             FROM people p JOIN units u ON u.id = p.unit_id",
            order: "p.sort_name, p.id",
        };
        let mut page: Page<PersonSummary> =
            read_page!(self.db(), PersonSummaryRow, &PEOPLE, paging, |q| {
                push_people_filter(q, which);
                if let Some(s) = search {
                    q.push(" AND (p.sort_name LIKE ").push_bind(like_escape(s));
                    q.push(" ESCAPE '\\' OR p.employee_number = ")
                        .push_bind(s.to_string());
                    q.push(")");
                }
            })?;
        if page.items.is_empty() {
            return Ok(page);
        }
        let managed: Vec<(Uuid, Uuid)> = on_db!(self.db(), p => {
            let mut q = QueryBuilder::new("SELECT manager_id, id FROM units WHERE manager_id IN ");
            push_list(&mut q, page.items.iter().map(|r| r.id.uuid()));
            Ok(q.build_query_as().fetch_all(p).await?)
        })?;
        let mut manages: HashMap<PersonId, Vec<UnitId>> = HashMap::new();
        for (person, unit) in managed {
            manages.entry(person.into()).or_default().push(unit.into());
        }
        for s in &mut page.items {
            s.manages = manages.remove(&s.id).unwrap_or_default();
        }
        Ok(page)
    }

    #[tracing::instrument(skip_all)]
    async fn people_ids(&self, which: &PeopleFilter, limit: i64) -> CoreResult<Vec<PersonId>> {
        let ids: Vec<(Uuid,)> = on_db!(self.db(), p => {
            let mut q = QueryBuilder::new(
                "SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id WHERE 1 = 1",
            );
            push_people_filter(&mut q, which);
            q.push(" ORDER BY p.sort_name, p.id LIMIT ").push_bind(limit);
            Ok(q.build_query_as().fetch_all(p).await?)
        })?;
        Ok(ids.into_iter().map(|(id,)| id.into()).collect())
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn person_unit_path(&self, id: PersonId) -> CoreResult<Option<String>> {
        let row: Option<(String,)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1",
            id.uuid()
        )?;
        Ok(row.map(|r| r.0))
    }

    #[tracing::instrument(skip_all)]
    async fn person(&self, id: PersonId) -> CoreResult<Option<PersonRecord>> {
        let row: Option<PersonRow> = fetch!(
            self.db(),
            fetch_optional,
            &format!("{PERSON_SELECT} WHERE p.id = $1"),
            id.uuid()
        )?;
        let Some(row) = row else { return Ok(None) };
        let site = self.site(row.site_id).await?;
        let (skills, roles, (unit_name, unit_path), manages, manager) = on_db!(self.db(), p => {
            let skills: Vec<(String,)> =
                sqlx::query_as("SELECT skill FROM person_skills WHERE person_id = $1 ORDER BY skill")
                    .bind(id.uuid())
                    .fetch_all(p)
                    .await?;
            let roles: Vec<(String,)> =
                sqlx::query_as("SELECT DISTINCT role FROM person_roles WHERE person_id = $1 ORDER BY role")
                    .bind(id.uuid())
                    .fetch_all(p)
                    .await?;
            let unit: (String, String) = sqlx::query_as("SELECT name, path FROM units WHERE id = $1")
                .bind(row.unit_id)
                .fetch_one(p)
                .await?;
            let manages: Vec<(Uuid, String)> =
                sqlx::query_as("SELECT id, name FROM units WHERE manager_id = $1 ORDER BY path")
                    .bind(id.uuid())
                    .fetch_all(p)
                    .await?;
            // The person's manager: the nearest unit upwards managed by someone else.
            let mut q = QueryBuilder::new(
                "SELECT u.depth, m.id, m.given_name, m.family_name
                 FROM units u JOIN people m ON m.id = u.manager_id WHERE u.id IN ",
            );
            push_list(&mut q, path_ids("units.path", &unit.1)?);
            q.push(" AND m.id <> ").push_bind(id.uuid());
            q.push(" ORDER BY u.depth DESC LIMIT 1");
            let manager: Option<(i64, Uuid, String, String)> = q.build_query_as().fetch_optional(p).await?;
            Ok((skills, roles, unit, manages, manager))
        })?;
        let unit_id = row.unit_id;
        let person = row.into_person(
            skills.into_iter().map(|(s,)| s).collect(),
            granted_roles(roles)?,
        )?;
        Ok(Some(PersonRecord {
            person,
            unit: UnitRef {
                id: unit_id.into(),
                name: unit_name,
            },
            unit_path,
            manages: manages.into_iter().map(unit_ref).collect(),
            manager: manager.map(|(_, id, g, f)| PersonRef {
                id: id.into(),
                name: name(&g, &f),
            }),
            site,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn counts(&self) -> CoreResult<OrgCounts> {
        let (units, people, sites, desks, accounts, audit_entries): (i64, i64, i64, i64, i64, i64) =
            fetch!(
                self.db(),
                fetch_one,
                "SELECT (SELECT COUNT(*) FROM units), (SELECT COUNT(*) FROM people), (SELECT COUNT(*) FROM sites),
                    (SELECT CAST(COALESCE(SUM(desks), 0) AS BIGINT) FROM sites), (SELECT COUNT(*) FROM accounts),
                    (SELECT seq FROM audit_head WHERE id = 1)"
            )?;
        Ok(OrgCounts {
            units,
            people,
            sites,
            desks,
            accounts,
            audit_entries,
        })
    }

    #[tracing::instrument(skip_all)]
    async fn sites(&self) -> CoreResult<Vec<Site>> {
        read_all!(
            self.db(),
            SiteRow,
            &format!("{SITE_SELECT} ORDER BY name LIMIT 10000")
        )
    }

    #[tracing::instrument(skip_all)]
    async fn people_with_role(&self, role: &str) -> CoreResult<Vec<(PersonRef, Option<String>)>> {
        let rows: Vec<(Uuid, String, String, Option<String>)> = fetch!(
            self.db(),
            fetch_all,
            "SELECT p.id, p.given_name, p.family_name, p.email FROM people p
             WHERE p.id IN (SELECT r.person_id FROM person_roles r WHERE r.role = $1) ORDER BY p.sort_name LIMIT 100",
            role
        )?;
        Ok(rows
            .into_iter()
            .map(|(id, g, f, email)| {
                (
                    PersonRef {
                        id: id.into(),
                        name: name(&g, &f),
                    },
                    email,
                )
            })
            .collect())
    }

    #[tracing::instrument(skip_all)]
    async fn known_skills(&self, limit: i64) -> CoreResult<Vec<String>> {
        let rows: Vec<(String,)> = fetch!(
            self.db(),
            fetch_all,
            "SELECT DISTINCT skill FROM person_skills ORDER BY skill LIMIT $1",
            limit
        )?;
        Ok(rows.into_iter().map(|(s,)| s).collect())
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn create_person(
        &self,
        id: PersonId,
        draft: &PersonDraft,
        provisioned: Option<&Provisioned>,
        work: &Work,
    ) -> CoreResult<()> {
        crate::people::create_person(self, id, draft, provisioned, work).await
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn update_person(
        &self,
        id: PersonId,
        version: i64,
        draft: &PersonDraft,
        provisioned: Option<&Provisioned>,
        work: &Work,
    ) -> CoreResult<i64> {
        crate::people::update_person(self, id, version, draft, provisioned, work).await
    }

    #[tracing::instrument(skip_all)]
    async fn employee_ids(&self) -> CoreResult<Vec<(String, PersonId)>> {
        let rows: Vec<(String, Uuid)> = fetch!(
            self.db(),
            fetch_all,
            "SELECT employee_number, id FROM people"
        )?;
        Ok(rows.into_iter().map(|(n, id)| (n, id.into())).collect())
    }
}

/// Appends ` AND …` for the people `which` selects (`p` people, `u` their units).
fn push_people_filter(q: &mut impl Sql, which: &PeopleFilter) {
    match which {
        PeopleFilter::All => {}
        PeopleFilter::Unit(unit) => {
            q.push(" AND p.unit_id = ").push_bind((*unit).uuid());
        }
        PeopleFilter::Under(paths) => {
            q.push(" AND ");
            push_below(q, "u.path", paths);
        }
    }
}
