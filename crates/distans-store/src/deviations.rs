//! Deviations and their trails. Called from the `Store` impl.

use crate::notices_in_old_body as write_notices;
use sqlx::QueryBuilder;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::deviations::{
    Deviation, DeviationEvent, DeviationFilter, DeviationKind, DeviationScope, DeviationState,
    StateFilter,
};
use distans_core::kernel::Work;
use distans_core::kernel::{Page, Paging, PersonRef, UnitRef};
use distans_core::CoreError;
use distans_core::CoreResult;

use crate::impl_store::{append_audit_rows, BeginWrite, SqlStore};
use crate::{db_err, on_db_old as on_db};

const DEVIATION_SELECT: &str =
    "SELECT d.id, d.kind, d.description, d.occurred_on, d.serious, d.anonymous,
        d.person_id, p.given_name AS p_given, p.family_name AS p_family,
        d.unit_id, u.name AS unit_name, u.path AS unit_path,
        d.reporter_id, r.given_name AS r_given, r.family_name AS r_family,
        d.responsible_id, m.given_name AS m_given, m.family_name AS m_family,
        d.state, d.action, d.policy_version, d.created_at, d.version
    FROM deviations d JOIN people p ON p.id = d.person_id JOIN units u ON u.id = d.unit_id
    JOIN people r ON r.id = d.reporter_id LEFT JOIN people m ON m.id = d.responsible_id";

const DEVIATION_COUNT: &str = "SELECT COUNT(*) FROM deviations d JOIN units u ON u.id = d.unit_id";

#[derive(sqlx::FromRow)]
struct DeviationRow {
    id: Uuid,
    kind: String,
    description: String,
    occurred_on: Date,
    serious: bool,
    anonymous: bool,
    person_id: Uuid,
    p_given: String,
    p_family: String,
    unit_id: Uuid,
    unit_name: String,
    unit_path: String,
    reporter_id: Uuid,
    r_given: String,
    r_family: String,
    responsible_id: Option<Uuid>,
    m_given: Option<String>,
    m_family: Option<String>,
    state: String,
    action: Option<String>,
    policy_version: i64,
    created_at: OffsetDateTime,
    version: i64,
}

impl From<DeviationRow> for Deviation {
    fn from(r: DeviationRow) -> Self {
        Deviation {
            id: r.id,
            kind: DeviationKind::parse(&r.kind).unwrap_or(DeviationKind::Other),
            description: r.description,
            date: r.occurred_on,
            serious: r.serious,
            anonymous: r.anonymous,
            person: Some(PersonRef {
                id: r.person_id,
                name: format!("{} {}", r.p_given, r.p_family),
            }),
            unit: UnitRef {
                id: r.unit_id,
                name: r.unit_name,
            },
            reporter: Some(PersonRef {
                id: r.reporter_id,
                name: format!("{} {}", r.r_given, r.r_family),
            }),
            responsible: r.responsible_id.map(|id| PersonRef {
                id,
                name: format!(
                    "{} {}",
                    r.m_given.unwrap_or_default(),
                    r.m_family.unwrap_or_default()
                ),
            }),
            state: DeviationState::parse(&r.state).unwrap_or(DeviationState::Reported),
            action: r.action,
            policy_version: r.policy_version,
            created_at: r.created_at,
            version: r.version,
            events: vec![],
            reporter_id: r.reporter_id,
            person_id: r.person_id,
            unit_path: r.unit_path,
        }
    }
}

/// at, actor id, given name, family name, kind, text
type EventRow = (OffsetDateTime, Uuid, String, String, String, Option<String>);

/// Adds the scope and state of a list to a query ending in `FROM … u`
/// (a macro: the query builder's type differs per engine).
macro_rules! apply_filter {
    ($q:expr, $f:expr) => {{
        let q = &mut $q;
        let f: &DeviationFilter = $f;
        q.push(" WHERE 1 = 1");
        match &f.scope {
            DeviationScope::All => {}
            DeviationScope::ReportedBy(p) => {
                q.push(" AND d.reporter_id = ").push_bind(*p);
            }
            DeviationScope::Of {
                person,
                under,
                security,
            } => {
                q.push(" AND (d.reporter_id = ").push_bind(*person);
                q.push(" OR d.responsible_id = ").push_bind(*person);
                q.push(" OR (d.person_id <> ").push_bind(*person);
                q.push(" AND (1 = 0");
                for path in under {
                    q.push(" OR (u.path >= ").push_bind(path.clone());
                    q.push(" AND u.path < ").push_bind(format!("{path}~"));
                    q.push(")");
                }
                q.push("))");
                if *security {
                    q.push(" OR (d.serious = ").push_bind(true);
                    q.push(" AND d.kind = 'information_security')");
                }
                q.push(")");
            }
            DeviationScope::ToHandle { person, under } => {
                q.push(" AND d.reporter_id <> ").push_bind(*person);
                q.push(" AND d.person_id <> ").push_bind(*person);
                q.push(" AND (d.responsible_id = ").push_bind(*person);
                q.push(" OR (1 = 0");
                for path in under {
                    q.push(" OR (u.path >= ").push_bind(path.clone());
                    q.push(" AND u.path < ").push_bind(format!("{path}~"));
                    q.push(")");
                }
                q.push("))");
            }
        }
        match f.state {
            None => {}
            Some(StateFilter::Open) => {
                q.push(" AND d.state IN ('reported', 'acknowledged')");
            }
            Some(StateFilter::Only(s)) => {
                q.push(" AND d.state = ").push_bind(s.as_str());
            }
        }
    }};
}

impl SqlStore {
    pub(crate) async fn insert_deviation_impl(&self, d: &Deviation, work: &Work) -> CoreResult<()> {
        let at = work.at;
        let notices: &[distans_core::kernel::Notice] = &work.notices;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            sqlx::query(
                "INSERT INTO deviations (id, kind, description, occurred_on, serious, anonymous, person_id, unit_id,
                    reporter_id, responsible_id, state, action, policy_version, created_at, updated_at, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, $13, $13, 1)")
                .bind(d.id).bind(d.kind.as_str()).bind(&d.description).bind(d.date).bind(d.serious).bind(d.anonymous)
                .bind(d.person_id).bind(d.unit.id).bind(d.reporter_id).bind(d.responsible.as_ref().map(|r| r.id))
                .bind(d.state.as_str()).bind(d.policy_version).bind(at)
                .execute(&mut *tx).await.map_err(db_err)?;
            for e in &d.events {
                sqlx::query("INSERT INTO deviation_events (id, deviation_id, at, actor_id, kind, text) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(Uuid::now_v7()).bind(d.id).bind(e.at).bind(e.actor.as_ref().map(|a| a.id).unwrap_or(d.reporter_id))
                    .bind(&e.kind).bind(&e.text)
                    .execute(&mut *tx).await.map_err(db_err)?;
            }
            write_notices!(tx, at, notices);
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn deviation_impl(&self, id: Uuid) -> CoreResult<Option<Deviation>> {
        on_db!(self.db(), p => {
            let row: Option<DeviationRow> = sqlx::query_as(&format!("{DEVIATION_SELECT} WHERE d.id = $1"))
                .bind(id).fetch_optional(p).await.map_err(db_err)?;
            let Some(row) = row else { return Ok(None) };
            let mut d = Deviation::from(row);
            let events: Vec<EventRow> = sqlx::query_as(
                "SELECT e.at, e.actor_id, p.given_name, p.family_name, e.kind, e.text
                 FROM deviation_events e JOIN people p ON p.id = e.actor_id WHERE e.deviation_id = $1 ORDER BY e.at, e.id")
                .bind(id).fetch_all(p).await.map_err(db_err)?;
            d.events = events.into_iter().map(|(at, aid, g, f, kind, text)| DeviationEvent {
                at, actor: Some(PersonRef { id: aid, name: format!("{g} {f}") }), kind, text,
            }).collect();
            Ok(Some(d))
        })
    }

    pub(crate) async fn deviations_impl(
        &self,
        filter: &DeviationFilter,
        paging: Paging,
    ) -> CoreResult<Page<Deviation>> {
        on_db!(self.db(), p => {
            let mut count = QueryBuilder::new(DEVIATION_COUNT);
            apply_filter!(count, filter);
            let (total,): (i64,) = count.build_query_as().fetch_one(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new(DEVIATION_SELECT);
            apply_filter!(q, filter);
            q.push(" ORDER BY d.created_at DESC, d.id DESC LIMIT ").push_bind(paging.limit);
            q.push(" OFFSET ").push_bind(paging.offset);
            let rows: Vec<DeviationRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
            Ok(Page::new(rows.into_iter().map(Into::into).collect(), total, paging.offset))
        })
    }

    pub(crate) async fn update_deviation_impl(
        &self,
        d: &Deviation,
        expected: i64,
        events: &[DeviationEvent],
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        let notices: &[distans_core::kernel::Notice] = &work.notices;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let n = sqlx::query(
                "UPDATE deviations SET state = $1, action = $2, updated_at = $3, version = version + 1
                 WHERE id = $4 AND version = $5")
                .bind(d.state.as_str()).bind(&d.action).bind(at).bind(d.id).bind(expected)
                .execute(&mut *tx).await.map_err(db_err)?.rows_affected();
            if n == 0 {
                return Err(CoreError::Conflict(
                    "the deviation was changed by someone else meanwhile; reload it".into(),
                ));
            }
            for e in events {
                let Some(actor) = &e.actor else {
                    return Err(CoreError::Internal("a deviation event without its actor".into()));
                };
                sqlx::query("INSERT INTO deviation_events (id, deviation_id, at, actor_id, kind, text) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(Uuid::now_v7()).bind(d.id).bind(e.at).bind(actor.id).bind(&e.kind).bind(&e.text)
                    .execute(&mut *tx).await.map_err(db_err)?;
            }
            write_notices!(tx, at, notices);
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }
}
