//! Equipment (inventory and loans) and the redeployment view's people
//! query. Called from the `Store` impl.

use std::collections::HashMap;

use sqlx::QueryBuilder;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::agreements::AgreementState;
use distans_core::equipment::{
    Item, ItemFilter, ItemKind, ItemRef, ItemState, Loan, LoanAgreement, LoanScope, NewLoan,
};
use distans_core::kernel::Work;
use distans_core::kernel::{Page, Paging, PersonRef, UnitRef};
use distans_core::redeployment::{RedeployFilter, RedeployPerson};
use distans_core::CoreError;
use distans_core::CoreResult;

use crate::impl_store::{append_audit_rows, BeginWrite, SqlStore};
use crate::{db_err, on_db_old as on_db};

#[derive(sqlx::FromRow)]
struct ItemDb {
    id: Uuid,
    kind: String,
    identifier: String,
    description: String,
    state: String,
    version: i64,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

fn kind_of(s: &str) -> CoreResult<ItemKind> {
    ItemKind::parse(s).map_err(|_| CoreError::Internal(format!("stored item kind {s:?}")))
}

fn state_of(s: &str) -> CoreResult<ItemState> {
    ItemState::parse("state", s)
        .map_err(|_| CoreError::Internal(format!("stored item state {s:?}")))
}

fn item_of(r: ItemDb) -> CoreResult<Item> {
    let kind = kind_of(&r.kind)?;
    Ok(Item {
        id: r.id,
        kind,
        category: kind.category(),
        identifier: r.identifier,
        description: r.description,
        state: state_of(&r.state)?,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

const ITEM_SELECT: &str = "SELECT id, kind, identifier, description, state, version, created_at, updated_at FROM equipment_items";

#[derive(sqlx::FromRow)]
struct LoanDb {
    id: Uuid,
    item_id: Uuid,
    item_kind: String,
    item_identifier: String,
    item_description: String,
    person_id: Uuid,
    person_given: String,
    person_family: String,
    unit_id: Uuid,
    unit_name: String,
    unit_path: String,
    agreement_id: Option<Uuid>,
    agreement_days: Option<i64>,
    agreement_state: Option<String>,
    agreement_end: Option<Date>,
    agreement_ends_on: Option<Date>,
    lent_by_id: Uuid,
    lent_by_given: String,
    lent_by_family: String,
    lent_at: OffsetDateTime,
    returned_at: Option<OffsetDateTime>,
    returned_by_id: Option<Uuid>,
    returned_by_given: Option<String>,
    returned_by_family: Option<String>,
    return_state: Option<String>,
    version: i64,
}

fn loan_of(r: LoanDb) -> CoreResult<Loan> {
    let kind = kind_of(&r.item_kind)?;
    let agreement = match (r.agreement_id, r.agreement_days, r.agreement_state) {
        (Some(id), Some(days), Some(state)) => Some(LoanAgreement {
            id,
            days_per_week: u8::try_from(days).unwrap_or(0),
            state: AgreementState::parse(&state),
            last_day: match (r.agreement_end, r.agreement_ends_on) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }),
        _ => None,
    };
    Ok(Loan {
        id: r.id,
        item: ItemRef {
            id: r.item_id,
            kind,
            category: kind.category(),
            identifier: r.item_identifier,
            description: r.item_description,
        },
        person: PersonRef {
            id: r.person_id,
            name: format!("{} {}", r.person_given, r.person_family),
        },
        unit: UnitRef {
            id: r.unit_id,
            name: r.unit_name,
        },
        agreement,
        lent_by: PersonRef {
            id: r.lent_by_id,
            name: format!("{} {}", r.lent_by_given, r.lent_by_family),
        },
        lent_at: r.lent_at,
        returned_at: r.returned_at,
        returned_by: r.returned_by_id.map(|id| PersonRef {
            id,
            name: format!(
                "{} {}",
                r.returned_by_given.unwrap_or_default(),
                r.returned_by_family.unwrap_or_default()
            ),
        }),
        return_state: match r.return_state {
            Some(s) => Some(state_of(&s)?),
            None => None,
        },
        version: r.version,
        unit_path: r.unit_path,
    })
}

const LOAN_SELECT: &str = "SELECT l.id, i.id AS item_id, i.kind AS item_kind, i.identifier AS item_identifier,
    i.description AS item_description, p.id AS person_id, p.given_name AS person_given,
    p.family_name AS person_family, u.id AS unit_id, u.name AS unit_name, u.path AS unit_path,
    g.id AS agreement_id, CAST(g.days_per_week AS BIGINT) AS agreement_days, g.state AS agreement_state,
    g.end_date AS agreement_end, g.ends_on AS agreement_ends_on,
    lb.id AS lent_by_id, lb.given_name AS lent_by_given, lb.family_name AS lent_by_family,
    l.lent_at, l.returned_at, rb.id AS returned_by_id, rb.given_name AS returned_by_given,
    rb.family_name AS returned_by_family, l.return_state, l.version";

const LOAN_FROM: &str = " FROM equipment_loans l
    JOIN equipment_items i ON i.id = l.item_id
    JOIN people p ON p.id = l.person_id
    JOIN units u ON u.id = p.unit_id
    JOIN people lb ON lb.id = l.lent_by
    LEFT JOIN agreements g ON g.id = l.agreement_id
    LEFT JOIN people rb ON rb.id = l.returned_by";

/// Appends the scope's condition (after a WHERE).
fn push_scope<'a, DB>(q: &mut QueryBuilder<'a, DB>, scope: &LoanScope)
where
    DB: sqlx::Database,
    Uuid: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    match scope {
        LoanScope::Person(p) => {
            q.push(" AND l.person_id = ").push_bind(*p);
        }
        LoanScope::Under(paths) => {
            q.push(" AND (1 = 0");
            for path in paths {
                q.push(" OR (u.path >= ").push_bind(path.clone());
                q.push(" AND u.path < ").push_bind(format!("{path}~"));
                q.push(")");
            }
            q.push(")");
        }
        LoanScope::All => {}
    }
}

/// Appends the item filter's conditions (after a WHERE).
fn push_item_filter<'a, DB>(q: &mut QueryBuilder<'a, DB>, f: &ItemFilter)
where
    DB: sqlx::Database,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let Some(s) = f.state {
        q.push(" AND state = ").push_bind(s.as_str().to_string());
    }
    if let Some(k) = f.kind {
        q.push(" AND kind = ").push_bind(k.as_str().to_string());
    }
    if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let like = format!(
            "{}%",
            s.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        q.push(" AND (identifier LIKE ").push_bind(like.clone());
        q.push(" ESCAPE '\\' OR LOWER(description) LIKE ")
            .push_bind(format!("%{}", like.to_lowercase()));
        q.push(" ESCAPE '\\')");
    }
}

impl SqlStore {
    pub(crate) async fn equipment_items_impl(
        &self,
        f: &ItemFilter,
        paging: Paging,
    ) -> CoreResult<Page<Item>> {
        let (total, rows): (i64, Vec<ItemDb>) = on_db!(self.db(), p => {
            let mut q = QueryBuilder::new("SELECT COUNT(*) FROM equipment_items WHERE 1 = 1");
            push_item_filter(&mut q, f);
            let (total,): (i64,) = q.build_query_as().fetch_one(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new(format!("{ITEM_SELECT} WHERE 1 = 1"));
            push_item_filter(&mut q, f);
            q.push(" ORDER BY identifier LIMIT ").push_bind(paging.limit)
                .push(" OFFSET ").push_bind(paging.offset);
            (total, q.build_query_as().fetch_all(p).await.map_err(db_err)?)
        });
        let items = rows
            .into_iter()
            .map(item_of)
            .collect::<CoreResult<Vec<_>>>()?;
        Ok(Page::new(items, total, paging.offset))
    }

    pub(crate) async fn equipment_item_impl(&self, id: Uuid) -> CoreResult<Option<Item>> {
        let row: Option<ItemDb> = on_db!(self.db(), p => sqlx::query_as(&format!("{ITEM_SELECT} WHERE id = $1"))
            .bind(id).fetch_optional(p).await.map_err(db_err)?);
        row.map(item_of).transpose()
    }

    pub(crate) async fn equipment_item_by_identifier_impl(
        &self,
        ident: &str,
    ) -> CoreResult<Option<Item>> {
        let row: Option<ItemDb> = on_db!(self.db(), p => sqlx::query_as(&format!("{ITEM_SELECT} WHERE identifier = $1"))
            .bind(ident).fetch_optional(p).await.map_err(db_err)?);
        row.map(item_of).transpose()
    }

    pub(crate) async fn insert_equipment_item_impl(
        &self,
        it: &Item,
        work: &Work,
    ) -> CoreResult<()> {
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            sqlx::query("INSERT INTO equipment_items (id, kind, identifier, description, state, version, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(it.id).bind(it.kind.as_str()).bind(&it.identifier).bind(&it.description)
                .bind(it.state.as_str()).bind(it.version).bind(it.created_at).bind(it.updated_at)
                .execute(&mut *tx).await
                .map_err(|e| match db_err(e) {
                    CoreError::Conflict(_) => CoreError::Conflict(format!(
                        "an item with the number {} is in the inventory already", it.identifier)),
                    e => e,
                })?;
            append_audit_rows!(tx, it.created_at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn update_equipment_item_impl(
        &self,
        it: &Item,
        expected: i64,
        work: &Work,
    ) -> CoreResult<()> {
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let n = sqlx::query("UPDATE equipment_items SET state = $1, description = $2, version = version + 1, updated_at = $3
                WHERE id = $4 AND version = $5 AND state <> 'on_loan'")
                .bind(it.state.as_str()).bind(&it.description).bind(it.updated_at)
                .bind(it.id).bind(expected)
                .execute(&mut *tx).await.map_err(db_err)?.rows_affected();
            if n == 0 {
                return Err(CoreError::Conflict(
                    "the item was changed or lent meanwhile; reload it and try again".into()));
            }
            append_audit_rows!(tx, it.updated_at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn insert_loan_impl(&self, l: &NewLoan, work: &Work) -> CoreResult<()> {
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            // The item changes state only if it is still available: of two
            // lenders at once, one update matches and the other gets 409.
            let n = sqlx::query("UPDATE equipment_items SET state = 'on_loan', version = version + 1, updated_at = $1
                WHERE id = $2 AND state = 'available'")
                .bind(l.lent_at).bind(l.item)
                .execute(&mut *tx).await.map_err(db_err)?.rows_affected();
            if n == 0 {
                return Err(CoreError::Conflict(
                    "the item is not available (lent, in repair or retired meanwhile)".into()));
            }
            sqlx::query("INSERT INTO equipment_loans (id, item_id, person_id, agreement_id, lent_by, lent_at, version)
                VALUES ($1, $2, $3, $4, $5, $6, 1)")
                .bind(l.id).bind(l.item).bind(l.person).bind(l.agreement).bind(l.lent_by).bind(l.lent_at)
                .execute(&mut *tx).await.map_err(db_err)?;
            append_audit_rows!(tx, l.lent_at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn loan_impl(&self, id: Uuid) -> CoreResult<Option<Loan>> {
        let row: Option<LoanDb> = on_db!(self.db(), p => sqlx::query_as(&format!("{LOAN_SELECT}{LOAN_FROM} WHERE l.id = $1"))
            .bind(id).fetch_optional(p).await.map_err(db_err)?);
        row.map(loan_of).transpose()
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn return_loan_impl(
        &self,
        id: Uuid,
        expected: i64,
        by: Uuid,
        state: ItemState,
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let item: Option<(Uuid,)> = sqlx::query_as("UPDATE equipment_loans SET returned_at = $1, returned_by = $2, return_state = $3,
                version = version + 1 WHERE id = $4 AND version = $5 AND returned_at IS NULL RETURNING item_id")
                .bind(at).bind(by).bind(state.as_str()).bind(id).bind(expected)
                .fetch_optional(&mut *tx).await.map_err(db_err)?;
            let Some((item,)) = item else {
                return Err(CoreError::Conflict("the loan was returned or changed meanwhile".into()));
            };
            sqlx::query("UPDATE equipment_items SET state = $1, version = version + 1, updated_at = $2 WHERE id = $3")
                .bind(state.as_str()).bind(at).bind(item)
                .execute(&mut *tx).await.map_err(db_err)?;
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn loans_impl(
        &self,
        scope: &LoanScope,
        open_only: bool,
        paging: Paging,
    ) -> CoreResult<Page<Loan>> {
        let (total, rows): (i64, Vec<LoanDb>) = on_db!(self.db(), p => {
            let filter = |q: &mut QueryBuilder<'_, _>| {
                q.push(" WHERE 1 = 1");
                push_scope(q, scope);
                if open_only {
                    q.push(" AND l.returned_at IS NULL");
                }
            };
            let mut q = QueryBuilder::new("SELECT COUNT(*) FROM equipment_loans l JOIN people p ON p.id = l.person_id JOIN units u ON u.id = p.unit_id");
            filter(&mut q);
            let (total,): (i64,) = q.build_query_as().fetch_one(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new(format!("{LOAN_SELECT}{LOAN_FROM}"));
            filter(&mut q);
            q.push(" ORDER BY l.lent_at DESC, l.id DESC LIMIT ").push_bind(paging.limit)
                .push(" OFFSET ").push_bind(paging.offset);
            (total, q.build_query_as().fetch_all(p).await.map_err(db_err)?)
        });
        let items = rows
            .into_iter()
            .map(loan_of)
            .collect::<CoreResult<Vec<_>>>()?;
        Ok(Page::new(items, total, paging.offset))
    }

    pub(crate) async fn loans_to_collect_impl(
        &self,
        scope: &LoanScope,
        until: Date,
        paging: Paging,
    ) -> CoreResult<Page<Loan>> {
        let (total, rows): (i64, Vec<LoanDb>) = on_db!(self.db(), p => {
            let filter = |q: &mut QueryBuilder<'_, _>| {
                q.push(" WHERE l.returned_at IS NULL");
                push_scope(q, scope);
                q.push(" AND (g.state = 'ended' OR g.ends_on IS NOT NULL OR g.end_date <= ").push_bind(until);
                q.push(")");
            };
            let mut q = QueryBuilder::new("SELECT COUNT(*) FROM equipment_loans l JOIN agreements g ON g.id = l.agreement_id
                JOIN people p ON p.id = l.person_id JOIN units u ON u.id = p.unit_id");
            filter(&mut q);
            let (total,): (i64,) = q.build_query_as().fetch_one(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new(format!("{LOAN_SELECT}{LOAN_FROM}"));
            filter(&mut q);
            q.push(" ORDER BY COALESCE(g.ends_on, g.end_date), p.sort_name, l.id LIMIT ").push_bind(paging.limit)
                .push(" OFFSET ").push_bind(paging.offset);
            (total, q.build_query_as().fetch_all(p).await.map_err(db_err)?)
        });
        let items = rows
            .into_iter()
            .map(loan_of)
            .collect::<CoreResult<Vec<_>>>()?;
        Ok(Page::new(items, total, paging.offset))
    }

    pub(crate) async fn open_loans_of_agreement_impl(
        &self,
        agreement: Uuid,
    ) -> CoreResult<Vec<Loan>> {
        let rows: Vec<LoanDb> = on_db!(self.db(), p => sqlx::query_as(&format!(
            "{LOAN_SELECT}{LOAN_FROM} WHERE l.agreement_id = $1 AND l.returned_at IS NULL ORDER BY l.lent_at LIMIT 200"))
            .bind(agreement).fetch_all(p).await.map_err(db_err)?);
        rows.into_iter().map(loan_of).collect()
    }

    pub(crate) async fn redeployment_people_impl(
        &self,
        f: &RedeployFilter,
        after: Option<Uuid>,
        limit: i64,
    ) -> CoreResult<Vec<RedeployPerson>> {
        // (id, given, family, unit id, unit name)
        type Row = (Uuid, String, String, Uuid, String);
        let rows: Vec<Row> = on_db!(self.db(), p => {
            let after_key: Option<(String, Uuid)> = match after {
                Some(id) => Some(sqlx::query_as("SELECT sort_name, id FROM people WHERE id = $1")
                    .bind(id).fetch_optional(p).await.map_err(db_err)?
                    .ok_or_else(|| CoreError::invalid("after", "is not a person of the list"))?),
                None => None,
            };
            let mut q = QueryBuilder::new("SELECT p.id, p.given_name, p.family_name, u.id, u.name FROM people p JOIN units u ON u.id = p.unit_id WHERE 1 = 1");
            if let Some(s) = &f.skill {
                q.push(" AND p.id IN (SELECT s.person_id FROM person_skills s WHERE s.skill = ").push_bind(s.clone()).push(")");
            }
            if let Some(path) = &f.unit_path {
                q.push(" AND u.path >= ").push_bind(path.clone())
                    .push(" AND u.path < ").push_bind(format!("{path}~"));
            }
            if let Some((sn, id)) = after_key {
                q.push(" AND (p.sort_name > ").push_bind(sn.clone())
                    .push(" OR (p.sort_name = ").push_bind(sn).push(" AND p.id > ").push_bind(id).push("))");
            }
            q.push(" ORDER BY p.sort_name, p.id LIMIT ").push_bind(limit);
            q.build_query_as().fetch_all(p).await.map_err(db_err)?
        });
        let mut skills: HashMap<Uuid, Vec<String>> = HashMap::new();
        for chunk in rows.chunks(500) {
            let found: Vec<(Uuid, String)> = on_db!(self.db(), p => {
                let mut q = QueryBuilder::new("SELECT person_id, skill FROM person_skills WHERE person_id IN (");
                let mut sep = q.separated(", ");
                for r in chunk {
                    sep.push_bind(r.0);
                }
                q.push(") ORDER BY skill");
                q.build_query_as().fetch_all(p).await.map_err(db_err)?
            });
            for (id, s) in found {
                skills.entry(id).or_default().push(s);
            }
        }
        Ok(rows
            .into_iter()
            .map(|(id, given, family, unit, unit_name)| RedeployPerson {
                person: PersonRef {
                    id,
                    name: format!("{given} {family}"),
                },
                unit: UnitRef {
                    id: unit,
                    name: unit_name,
                },
                skills: skills.remove(&id).unwrap_or_default(),
            })
            .collect())
    }

    pub(crate) async fn known_skills_impl(&self, limit: i64) -> CoreResult<Vec<String>> {
        let rows: Vec<(String,)> = on_db!(self.db(), p => sqlx::query_as(
            "SELECT DISTINCT skill FROM person_skills ORDER BY skill LIMIT $1")
            .bind(limit).fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}
