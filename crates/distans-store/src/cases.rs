//! Requests for regular remote work: the arrangement applied for, its
//! state and decider, and its history of events; approving one writes its
//! agreement in the same transaction.

use async_trait::async_trait;
use distans_core::kernel::PersonId;
use distans_core::kernel::RequestId;
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::agreements::Agreement;
use distans_core::cases::{RemoteRequest, RequestEvent, RequestFilter, RequestState};
use distans_core::kernel::{Page, Paging, UnitRef, Work};
use distans_core::policy::{Arrangement, Decider};
use distans_core::store::CasesPort;
use distans_core::CoreResult;

use crate::db::on_db;
use crate::sql::push_below;
use crate::store::{must_change, read_page, row, write_work, List, SqlStore};
use crate::stored::{json, terms, Stored};

const REQUEST_SELECT: &str = "SELECT r.id, r.person_id, p.given_name, p.family_name, p.unit_id,
        u.name AS unit_name, u.path AS unit_path, r.state, r.decider, r.assigned_to,
        a.given_name AS a_given, a.family_name AS a_family, r.days_per_week,
        CAST(r.weekdays AS TEXT) AS weekdays, r.start_date, r.end_date, r.place, r.place_address,
        r.reason, CAST(r.confirmations AS TEXT) AS confirmations, r.policy_version, r.decided_by,
        d.given_name AS d_given, d.family_name AS d_family, r.decision_reason, r.agreement_id,
        r.created_at, r.version
    FROM requests r JOIN people p ON p.id = r.person_id JOIN units u ON u.id = p.unit_id
    LEFT JOIN people a ON a.id = r.assigned_to LEFT JOIN people d ON d.id = r.decided_by";

row! {
    struct RequestRow => RemoteRequest {
        id: Uuid,
        unit_path: String,
        policy_version: i64,
        decision_reason: Option<String>,
        agreement_id: Option<Uuid>,
        created_at: OffsetDateTime,
        version: i64,
    }
    with {
        unit_id: Uuid,
        unit_name: String,
        state: String,
        decider: String,
        days_per_week: i64,
        weekdays: String,
        start_date: Date,
        end_date: Option<Date>,
        place: String,
        place_address: Option<String>,
        reason: String,
        confirmations: String,
    }
    person {
        person: person_id, given_name, family_name;
    }
    maybe_person {
        assigned_to: assigned_to, a_given, a_family;
        decided_by: decided_by, d_given, d_family;
    }
    |r| {
        unit: UnitRef { id: r.unit_id.into(), name: r.unit_name },
        state: RequestState::read("requests.state", &r.state)?,
        decider: Decider::read("requests.decider", &r.decider)?,
        arrangement: Arrangement {
            terms: terms(
                "requests",
                r.days_per_week,
                &r.weekdays,
                &r.place,
                r.place_address,
                (r.start_date, r.end_date),
            )?,
            reason: r.reason,
            confirmations: json("requests.confirmations", &r.confirmations)?,
        },
        history: vec![],
    }
}

/// Binds what the request `$r` asks for and where it stands, from `state`
/// to `policy_version` in the order the INSERT and the UPDATE name them.
macro_rules! bind_request {
    ($query:expr, $r:expr) => {{
        let r: &RemoteRequest = $r;
        let a = &r.arrangement;
        $query
            .bind(r.state.stored())
            .bind(r.decider.stored())
            .bind((r.assigned_to.as_ref().map(|x| x.id)).map(|i| i.uuid()))
            .bind(i64::from(a.terms.days_per_week()))
            .bind(Json(&a.terms.weekdays()))
            .bind(a.terms.start())
            .bind(a.terms.end())
            .bind(a.terms.place().stored())
            .bind(&a.terms.place_address())
            .bind(&a.reason)
            .bind(Json(&a.confirmations))
            .bind(r.policy_version)
    }};
}

row! {
    struct EventRow => RequestEvent {
        at: OffsetDateTime,
        kind: String,
        reason: Option<String>,
        policy_version: i64,
    }
    person {
        actor: actor_id, given_name, family_name;
    }
    |r| {}
}

/// Adds `$events` to the history of the request `$request`, in `$tx`.
macro_rules! insert_events {
    ($tx:expr, $request:expr, $events:expr) => {
        for e in $events {
            sqlx::query(
                "INSERT INTO request_events (id, request_id, at, actor_id, kind, reason, policy_version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(Uuid::now_v7())
            .bind($request)
            .bind(e.at)
            .bind(e.actor.id.uuid())
            .bind(&e.kind)
            .bind(&e.reason)
            .bind(e.policy_version)
            .execute(&mut *$tx)
            .await?;
        }
    };
}
pub(crate) use insert_events;

#[async_trait]
impl CasesPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn busy_periods(
        &self,
        person: PersonId,
        today: Date,
        skip: Option<RequestId>,
    ) -> CoreResult<Vec<(Date, Option<Date>)>> {
        let skip = skip.map_or(Uuid::nil(), |r| r.uuid());
        let (mut out, live): (
            Vec<(Date, Option<Date>)>,
            Vec<(Date, Option<Date>, Option<Date>)>,
        ) = on_db!(self.db(), p => {
            let open = sqlx::query_as(
                "SELECT start_date, end_date FROM requests
                 WHERE person_id = $1 AND state IN ('submitted', 'changes_requested') AND id <> $2",
            )
            .bind(person.uuid())
            .bind(skip)
            .fetch_all(p)
            .await?;
            let live = sqlx::query_as(
                "SELECT start_date, end_date, ends_on FROM agreements
                 WHERE person_id = $1 AND state IN ('draft', 'awaiting_signatures', 'active') AND request_id <> $2",
            )
            .bind(person.uuid())
            .bind(skip)
            .fetch_all(p)
            .await?;
            Ok((open, live))
        })?;
        for (s, e, ends_on) in live {
            let last = match (e, ends_on) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if last.is_none_or(|l| l >= today) {
                out.push((s, last));
            }
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all, fields(id = %r.id))]
    async fn insert_request(&self, r: &RemoteRequest, work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            bind_request!(
                sqlx::query(
                    "INSERT INTO requests (id, person_id, state, decider, assigned_to, days_per_week, weekdays,
                        start_date, end_date, place, place_address, reason, confirmations, policy_version, decided_by,
                        decision_reason, agreement_id, created_at, updated_at, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, NULL, NULL, $15, $15, 1)",
                )
                .bind(r.id.uuid())
                .bind(r.person.id.uuid()),
                r
            )
            .bind(work.at)
            .execute(&mut *tx)
            .await?;
            insert_events!(tx, r.id.uuid(), &r.history);
        })
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn request(&self, id: RequestId) -> CoreResult<Option<RemoteRequest>> {
        self.with_trail::<RequestRow, EventRow, _, _>(
            &format!("{REQUEST_SELECT} WHERE r.id = $1"),
            "SELECT e.at, e.actor_id, p.given_name, p.family_name, e.kind, e.reason, e.policy_version
             FROM request_events e JOIN people p ON p.id = e.actor_id WHERE e.request_id = $1 ORDER BY e.at, e.id",
            id.into(),
            |r: &mut RemoteRequest, events| r.history = events,
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn requests(
        &self,
        filter: &RequestFilter,
        paging: Paging,
    ) -> CoreResult<Page<RemoteRequest>> {
        // Requests, newest first.
        const REQUESTS: List = List {
            count: "requests r",
            about: Some("r.person_id"),
            select: REQUEST_SELECT,
            order: "r.created_at DESC, r.id DESC",
        };
        read_page!(self.db(), RequestRow, &REQUESTS, paging, |q| {
            if let Some(s) = filter.state {
                q.push(" AND r.state = ").push_bind(s.stored());
            }
            if let Some(person) = filter.person {
                q.push(" AND r.person_id = ").push_bind(person.uuid());
            }
            if let Some(d) = filter.decider {
                q.push(" AND r.decider = ").push_bind(d.stored());
            }
            if let Some(paths) = &filter.under {
                q.push(" AND ");
                push_below(q, "u.path", paths);
            }
        })
    }

    #[tracing::instrument(skip_all, fields(id = %r.id))]
    async fn update_request(
        &self,
        r: &RemoteRequest,
        expected: i64,
        event: &RequestEvent,
        agreement: Option<&Agreement>,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            must_change!(
                tx,
                "the request was changed by someone else meanwhile; reload it",
                at_version(r.id.uuid(), expected),
                bind_request!(
                    sqlx::query(
                        "UPDATE requests SET state = $1, decider = $2, assigned_to = $3, days_per_week = $4,
                            weekdays = $5, start_date = $6, end_date = $7, place = $8, place_address = $9,
                            reason = $10, confirmations = $11, policy_version = $12, decided_by = $13,
                            decision_reason = $14, agreement_id = $15, updated_at = $16, version = version + 1
                         WHERE id = $17 AND version = $18",
                    ),
                    r
                )
                .bind((r.decided_by.as_ref().map(|x| x.id)).map(|i| i.uuid()))
                .bind(&r.decision_reason)
                .bind(r.agreement_id.map(|i| i.uuid()))
                .bind(work.at)
            );
            insert_events!(tx, r.id.uuid(), std::iter::once(event));
            if let Some(g) = agreement {
                crate::agreements::insert_agreement!(tx, g, work.at);
            }
        })
    }
}
