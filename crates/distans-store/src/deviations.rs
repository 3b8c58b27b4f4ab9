//! Deviations (avvikelser): reported by anyone about a person's remote
//! work, handled by the personnel manager of the person's unit (or HR),
//! with their trail of events.

use async_trait::async_trait;
use distans_core::kernel::DeviationId;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::deviations::{
    Deviation, DeviationEvent, DeviationFilter, DeviationKind, DeviationScope, DeviationState,
    StateFilter,
};
use distans_core::kernel::{Page, Paging, UnitRef, Work};
use distans_core::store::DeviationsPort;
use distans_core::CoreResult;

use crate::sql::{push_about, Sql};
use crate::store::{maybe_person, must_change, person, read_page, row, write_work, List, SqlStore};
use crate::stored::Stored;

const DEVIATION_SELECT: &str =
    "SELECT d.id, d.kind, d.description, d.occurred_on, d.serious, d.anonymous,
        d.person_id, p.given_name AS p_given, p.family_name AS p_family,
        d.unit_id, u.name AS unit_name, u.path AS unit_path,
        d.reporter_id, r.given_name AS r_given, r.family_name AS r_family,
        d.responsible_id, m.given_name AS m_given, m.family_name AS m_family,
        d.state, d.action, d.policy_version, d.created_at, d.version
    FROM deviations d JOIN people p ON p.id = d.person_id JOIN units u ON u.id = d.unit_id
    JOIN people r ON r.id = d.reporter_id LEFT JOIN people m ON m.id = d.responsible_id";

row! {
    struct DeviationRow => Deviation {
        id: Uuid,
        description: String,
        serious: bool,
        anonymous: bool,
        person_id: Uuid,
        unit_path: String,
        reporter_id: Uuid,
        action: Option<String>,
        policy_version: i64,
        created_at: OffsetDateTime,
        version: i64,
    }
    with {
        kind: String,
        occurred_on: Date,
        p_given: String,
        p_family: String,
        unit_id: Uuid,
        unit_name: String,
        r_given: String,
        r_family: String,
        responsible_id: Option<Uuid>,
        m_given: Option<String>,
        m_family: Option<String>,
        state: String,
    }
    |r| {
        kind: DeviationKind::read("deviations.kind", &r.kind)?,
        date: r.occurred_on,
        person: Some(person(r.person_id, &r.p_given, &r.p_family)),
        unit: UnitRef { id: r.unit_id.into(), name: r.unit_name },
        reporter: Some(person(r.reporter_id, &r.r_given, &r.r_family)),
        responsible: maybe_person(r.responsible_id, r.m_given, r.m_family),
        state: DeviationState::read("deviations.state", &r.state)?,
        events: vec![],
    }
}

row! {
    struct EventRow => DeviationEvent {
        at: OffsetDateTime,
        kind: String,
        text: Option<String>,
    }
    // An inner join: every stored event has its actor.
    maybe_person {
        actor: actor_id, given_name, family_name;
    }
    |r| {}
}

/// Appends the scope and state of a list (each ` AND …`) to a query
/// joining the unit as `u`.
fn push_filter(q: &mut impl Sql, f: &DeviationFilter) {
    match &f.scope {
        DeviationScope::All => {}
        DeviationScope::ReportedBy(p) => {
            q.push(" AND d.reporter_id = ").push_bind((*p).uuid());
        }
        DeviationScope::Of {
            person,
            under,
            security,
        } => {
            push_about(
                q,
                " AND (d.reporter_id = {person} OR d.responsible_id = {person}
                    OR (d.person_id <> {person} AND {below})",
                (*person).into(),
                under,
            );
            if *security {
                q.push(" OR (d.serious = TRUE AND d.kind = 'information_security')");
            }
            q.push(")");
        }
        DeviationScope::ToHandle { person, under } => {
            push_about(
                q,
                " AND d.reporter_id <> {person} AND d.person_id <> {person}
                  AND (d.responsible_id = {person} OR {below})",
                (*person).into(),
                under,
            );
        }
    }
    match f.state {
        None => {}
        Some(StateFilter::Open) => {
            q.push(" AND d.state IN ('reported', 'acknowledged')");
        }
        Some(StateFilter::Only(s)) => {
            q.push(" AND d.state = ").push_bind(s.stored().to_string());
        }
    }
}

/// Adds `$events` to the trail of the deviation `$deviation`, each by its
/// actor or else `$reporter`, in `$tx`.
macro_rules! insert_events {
    ($tx:expr, $deviation:expr, $reporter:expr, $events:expr) => {
        for e in $events {
            sqlx::query(
                "INSERT INTO deviation_events (id, deviation_id, at, actor_id, kind, text) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(Uuid::now_v7())
            .bind($deviation)
            .bind(e.at)
            .bind((e.actor.as_ref().map_or($reporter, |a| a.id)).uuid())
            .bind(&e.kind)
            .bind(&e.text)
            .execute(&mut *$tx)
            .await?;
        }
    };
}

#[async_trait]
impl DeviationsPort for SqlStore {
    #[tracing::instrument(skip_all, fields(id = %d.id))]
    async fn insert_deviation(&self, d: &Deviation, work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            sqlx::query(
                "INSERT INTO deviations (id, kind, description, occurred_on, serious, anonymous, person_id, unit_id,
                    reporter_id, responsible_id, state, action, policy_version, created_at, updated_at, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, $13, $13, 1)",
            )
            .bind(d.id.uuid())
            .bind(d.kind.stored())
            .bind(&d.description)
            .bind(d.date)
            .bind(d.serious)
            .bind(d.anonymous)
            .bind(d.person_id.uuid())
            .bind(d.unit.id.uuid())
            .bind(d.reporter_id.uuid())
            .bind((d.responsible.as_ref().map(|r| r.id)).map(|i| i.uuid()))
            .bind(d.state.stored())
            .bind(d.policy_version)
            .bind(work.at)
            .execute(&mut *tx)
            .await?;
            insert_events!(tx, d.id.uuid(), d.reporter_id, &d.events);
        })
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn deviation(&self, id: DeviationId) -> CoreResult<Option<Deviation>> {
        self.with_trail::<DeviationRow, EventRow, _, _>(
            &format!("{DEVIATION_SELECT} WHERE d.id = $1"),
            "SELECT e.at, e.actor_id, p.given_name, p.family_name, e.kind, e.text
             FROM deviation_events e JOIN people p ON p.id = e.actor_id WHERE e.deviation_id = $1
             ORDER BY e.at, e.id",
            id.into(),
            |d: &mut Deviation, events| d.events = events,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn deviations(
        &self,
        filter: &DeviationFilter,
        paging: Paging,
    ) -> CoreResult<Page<Deviation>> {
        // Deviations, newest first.
        const DEVIATIONS: List = List {
            count: "deviations d JOIN units u ON u.id = d.unit_id",
            about: None,
            select: DEVIATION_SELECT,
            order: "d.created_at DESC, d.id DESC",
        };
        read_page!(self.db(), DeviationRow, &DEVIATIONS, paging, |q| {
            push_filter(q, filter)
        })
    }

    #[tracing::instrument(skip_all, fields(id = %d.id))]
    async fn update_deviation(
        &self,
        d: &Deviation,
        expected: i64,
        events: &[DeviationEvent],
        work: &Work,
    ) -> CoreResult<()> {
        if events.iter().any(|e| e.actor.is_none()) {
            return Err(distans_core::CoreError::Internal(
                "a deviation event without its actor".into(),
            ));
        }
        write_work!(self, work, |tx| {
            must_change!(
                tx,
                "the deviation was changed by someone else meanwhile; reload it",
                at_version(d.id.uuid(), expected),
                sqlx::query(
                    "UPDATE deviations SET state = $1, action = $2, updated_at = $3, version = version + 1
                     WHERE id = $4 AND version = $5",
                )
                .bind(d.state.stored())
                .bind(&d.action)
                .bind(work.at)
            );
            insert_events!(tx, d.id.uuid(), d.reporter_id, events);
        })
    }
}
