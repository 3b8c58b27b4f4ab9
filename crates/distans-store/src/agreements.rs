//! Policy versions, requests, agreements and temporary decisions. Called from
//! the `Store` impl in `impl_store.rs`.

use sqlx::types::Json;
use sqlx::QueryBuilder;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::agreements::{Agreement, AgreementState};
use distans_core::cases::{RemoteRequest, RequestEvent, RequestFilter, RequestState};
use distans_core::kernel::dates::Weekday;
use distans_core::kernel::Work;
use distans_core::kernel::{Page, Paging, PersonRef, UnitRef};
use distans_core::policy::{Arrangement, Decider, Place, PolicyRules, PolicyVersion};
use distans_core::temporary::TemporaryDecision;
use distans_core::CoreError;
use distans_core::CoreResult;

use crate::impl_store::{append_audit_rows, BeginWrite, SqlStore};
use crate::notices_in_old_body as write_notices;
use crate::{db_err, on_db_old as on_db};

/// at, actor id, given name, family name, kind, reason, policy version
type EventRow = (
    OffsetDateTime,
    Uuid,
    String,
    String,
    String,
    Option<String>,
    i64,
);
fn person_ref(
    id: Option<Uuid>,
    given: Option<String>,
    family: Option<String>,
) -> Option<PersonRef> {
    match (id, given, family) {
        (Some(id), Some(g), Some(f)) => Some(PersonRef {
            id,
            name: format!("{g} {f}"),
        }),
        _ => None,
    }
}

fn place_str(p: Place) -> &'static str {
    match p {
        Place::Home => "home",
        Place::Other => "other",
    }
}

fn place_of(s: &str) -> Place {
    if s == "other" {
        Place::Other
    } else {
        Place::Home
    }
}

#[derive(sqlx::FromRow)]
struct PolicyRow {
    id: Uuid,
    version: i64,
    valid_from: Date,
    rules: Json<PolicyRules>,
    created_by: String,
}

impl From<PolicyRow> for PolicyVersion {
    fn from(r: PolicyRow) -> Self {
        PolicyVersion {
            id: r.id,
            version: r.version,
            valid_from: r.valid_from,
            rules: r.rules.0,
            created_by: r.created_by,
        }
    }
}

const REQUEST_SELECT: &str = "SELECT r.id, r.person_id, p.given_name, p.family_name, p.unit_id, u.name AS unit_name, u.path AS unit_path,
        r.state, r.decider, r.assigned_to, a.given_name AS a_given, a.family_name AS a_family,
        r.days_per_week, r.weekdays, r.start_date, r.end_date, r.place, r.place_address, r.reason, r.confirmations,
        r.policy_version, r.decided_by, d.given_name AS d_given, d.family_name AS d_family, r.decision_reason,
        r.agreement_id, r.created_at, r.version
    FROM requests r JOIN people p ON p.id = r.person_id JOIN units u ON u.id = p.unit_id
    LEFT JOIN people a ON a.id = r.assigned_to LEFT JOIN people d ON d.id = r.decided_by";

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: Uuid,
    person_id: Uuid,
    given_name: String,
    family_name: String,
    unit_id: Uuid,
    unit_name: String,
    unit_path: String,
    state: String,
    decider: String,
    assigned_to: Option<Uuid>,
    a_given: Option<String>,
    a_family: Option<String>,
    days_per_week: i64,
    weekdays: Json<Vec<Weekday>>,
    start_date: Date,
    end_date: Option<Date>,
    place: String,
    place_address: Option<String>,
    reason: String,
    confirmations: Json<Vec<String>>,
    policy_version: i64,
    decided_by: Option<Uuid>,
    d_given: Option<String>,
    d_family: Option<String>,
    decision_reason: Option<String>,
    agreement_id: Option<Uuid>,
    created_at: OffsetDateTime,
    version: i64,
}

impl From<RequestRow> for RemoteRequest {
    fn from(r: RequestRow) -> Self {
        RemoteRequest {
            id: r.id,
            person: PersonRef {
                id: r.person_id,
                name: format!("{} {}", r.given_name, r.family_name),
            },
            unit: UnitRef {
                id: r.unit_id,
                name: r.unit_name,
            },
            state: RequestState::parse(&r.state).unwrap_or(RequestState::Submitted),
            decider: if r.decider == "hr" {
                Decider::Hr
            } else {
                Decider::Manager
            },
            assigned_to: person_ref(r.assigned_to, r.a_given, r.a_family),
            arrangement: Arrangement {
                days_per_week: r.days_per_week.clamp(0, 5) as u8,
                weekdays: r.weekdays.0,
                start: r.start_date,
                end: r.end_date,
                place: place_of(&r.place),
                place_address: r.place_address,
                reason: r.reason,
                confirmations: r.confirmations.0,
            },
            policy_version: r.policy_version,
            decided_by: person_ref(r.decided_by, r.d_given, r.d_family),
            decision_reason: r.decision_reason,
            agreement_id: r.agreement_id,
            created_at: r.created_at,
            version: r.version,
            unit_path: r.unit_path,
            history: vec![],
        }
    }
}

const AGREEMENT_SELECT: &str = "SELECT g.id, g.request_id, g.person_id, p.given_name, p.family_name, g.decider_id,
        d.given_name AS d_given, d.family_name AS d_family, g.state, g.days_per_week, g.weekdays, g.place, g.place_address,
        g.start_date, g.end_date, g.policy_version, g.notice_days, g.text, g.text_sha256, g.employee_signed_at,
        g.decider_signed_at, g.ends_on, g.ended_by, g.end_reason, g.version
    FROM agreements g JOIN people p ON p.id = g.person_id JOIN people d ON d.id = g.decider_id";

#[derive(sqlx::FromRow)]
struct AgreementRow {
    id: Uuid,
    request_id: Uuid,
    person_id: Uuid,
    given_name: String,
    family_name: String,
    decider_id: Uuid,
    d_given: String,
    d_family: String,
    state: String,
    days_per_week: i64,
    weekdays: Json<Vec<Weekday>>,
    place: String,
    place_address: Option<String>,
    start_date: Date,
    end_date: Option<Date>,
    policy_version: i64,
    notice_days: i64,
    text: String,
    text_sha256: Option<String>,
    employee_signed_at: Option<OffsetDateTime>,
    decider_signed_at: Option<OffsetDateTime>,
    ends_on: Option<Date>,
    ended_by: Option<String>,
    end_reason: Option<String>,
    version: i64,
}

impl From<AgreementRow> for Agreement {
    fn from(r: AgreementRow) -> Self {
        Agreement {
            id: r.id,
            request_id: r.request_id,
            person_id: r.person_id,
            person_name: format!("{} {}", r.given_name, r.family_name),
            decider_id: r.decider_id,
            decider_name: format!("{} {}", r.d_given, r.d_family),
            state: AgreementState::parse(&r.state),
            days_per_week: r.days_per_week.clamp(0, 5) as u8,
            weekdays: r.weekdays.0,
            place: place_of(&r.place),
            place_address: r.place_address,
            start: r.start_date,
            end: r.end_date,
            policy_version: r.policy_version,
            notice_days: r.notice_days,
            text: r.text,
            text_sha256: r.text_sha256,
            employee_signed_at: r.employee_signed_at,
            decider_signed_at: r.decider_signed_at,
            ends_on: r.ends_on,
            ended_by: r.ended_by,
            end_reason: r.end_reason,
            version: r.version,
        }
    }
}

#[derive(sqlx::FromRow)]
struct TempRow {
    id: Uuid,
    title: String,
    description: String,
    start_date: Date,
    end_date: Date,
    units: Json<Vec<UnitRef>>,
    unit_paths: Json<Vec<String>>,
    max_remote_days: i64,
    without_agreement: bool,
    tasks_must_allow: bool,
    delegates: Json<Vec<PersonRef>>,
    checklist: Json<Vec<String>>,
    issued_by: Uuid,
    given_name: String,
    family_name: String,
    created_at: OffsetDateTime,
}

impl From<TempRow> for TemporaryDecision {
    fn from(r: TempRow) -> Self {
        TemporaryDecision {
            id: r.id,
            title: r.title,
            description: r.description,
            start: r.start_date,
            end: r.end_date,
            units: r.units.0,
            unit_paths: r.unit_paths.0,
            max_remote_days: r.max_remote_days.clamp(0, 5) as u8,
            without_agreement: r.without_agreement,
            tasks_must_allow: r.tasks_must_allow,
            delegates: r.delegates.0,
            checklist: r.checklist.0,
            issued_by: PersonRef {
                id: r.issued_by,
                name: format!("{} {}", r.given_name, r.family_name),
            },
            created_at: r.created_at,
        }
    }
}

impl SqlStore {
    pub(crate) async fn policy_versions_impl(&self) -> CoreResult<Vec<PolicyVersion>> {
        let rows: Vec<PolicyRow> = on_db!(self.db(), p => sqlx::query_as(
            "SELECT id, version, valid_from, rules, created_by FROM policy_versions ORDER BY version DESC LIMIT 500")
            .fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub(crate) async fn policy_on_impl(&self, day: Date) -> CoreResult<Option<PolicyVersion>> {
        let row: Option<PolicyRow> = on_db!(self.db(), p => sqlx::query_as(
            "SELECT id, version, valid_from, rules, created_by FROM policy_versions WHERE valid_from <= $1
             ORDER BY valid_from DESC, version DESC LIMIT 1")
            .bind(day).fetch_optional(p).await.map_err(db_err)?);
        Ok(row.map(Into::into))
    }

    pub(crate) async fn add_policy_version_impl(
        &self,
        rules: &PolicyRules,
        valid_from: Date,
        created_by: &str,
        work: &Work,
    ) -> CoreResult<PolicyVersion> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let (max,): (Option<i64>,) = sqlx::query_as("SELECT MAX(version) FROM policy_versions")
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let v = PolicyVersion {
                id: Uuid::now_v7(),
                version: max.unwrap_or(0) + 1,
                valid_from,
                rules: rules.clone(),
                created_by: created_by.to_string(),
            };
            sqlx::query("INSERT INTO policy_versions (id, version, valid_from, rules, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(v.id).bind(v.version).bind(v.valid_from).bind(Json(&v.rules)).bind(at).bind(created_by)
                .execute(&mut *tx).await.map_err(db_err)?;
            // The version is known only now: the entry is about it.
            let mut audit = work.audit.clone();
            for a in &mut audit {
                a.entity_id = v.version.to_string();
                a.after = serde_json::to_value(&v).ok();
            }
            append_audit_rows!(tx, at, &audit);
            tx.commit().await.map_err(db_err)?;
            Ok(v)
        })
    }

    pub(crate) async fn agreement_template_impl(&self) -> CoreResult<Option<(i64, String)>> {
        on_db!(self.db(), p => sqlx::query_as("SELECT version, text FROM agreement_templates ORDER BY version DESC LIMIT 1")
            .fetch_optional(p).await.map_err(db_err))
    }

    pub(crate) async fn set_agreement_template_impl(
        &self,
        text: &str,
        expected: i64,
        created_by: &str,
        work: &Work,
    ) -> CoreResult<i64> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let (max,): (Option<i64>,) = sqlx::query_as("SELECT MAX(version) FROM agreement_templates")
                .fetch_one(&mut *tx).await.map_err(db_err)?;
            let current = max.unwrap_or(0);
            if current != expected {
                return Err(CoreError::Conflict(format!(
                    "the template was changed meanwhile (version {current}, you edited {expected})"
                )));
            }
            // The primary key makes two simultaneous saves of the same version collide.
            sqlx::query("INSERT INTO agreement_templates (version, text, created_at, created_by) VALUES ($1, $2, $3, $4)")
                .bind(current + 1).bind(text).bind(at).bind(created_by)
                .execute(&mut *tx).await.map_err(db_err)?;
            let mut audit = work.audit.clone();
            for a in &mut audit {
                a.entity_id = (current + 1).to_string();
            }
            append_audit_rows!(tx, at, &audit);
            tx.commit().await.map_err(db_err)?;
            Ok(current + 1)
        })
    }

    pub(crate) async fn busy_periods_impl(
        &self,
        person: Uuid,
        today: Date,
        skip: Option<Uuid>,
    ) -> CoreResult<Vec<(Date, Option<Date>)>> {
        let skip = skip.unwrap_or(Uuid::nil());
        on_db!(self.db(), p => {
            let mut out: Vec<(Date, Option<Date>)> = sqlx::query_as(
                "SELECT start_date, end_date FROM requests WHERE person_id = $1 AND state IN ('submitted', 'changes_requested') AND id <> $2")
                .bind(person).bind(skip).fetch_all(p).await.map_err(db_err)?;
            let live: Vec<(Date, Option<Date>, Option<Date>)> = sqlx::query_as(
                "SELECT start_date, end_date, ends_on FROM agreements WHERE person_id = $1 AND state IN ('draft', 'awaiting_signatures', 'active') AND request_id <> $2")
                .bind(person).bind(skip).fetch_all(p).await.map_err(db_err)?;
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
        })
    }

    pub(crate) async fn insert_request_impl(
        &self,
        r: &RemoteRequest,
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        let notices: &[distans_core::kernel::Notice] = &work.notices;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let a = &r.arrangement;
            sqlx::query(
                "INSERT INTO requests (id, person_id, state, decider, assigned_to, days_per_week, weekdays, start_date, end_date,
                    place, place_address, reason, confirmations, policy_version, decided_by, decision_reason, agreement_id,
                    created_at, updated_at, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, NULL, NULL, $15, $15, 1)")
                .bind(r.id).bind(r.person.id).bind(r.state.as_str()).bind(r.decider.as_str()).bind(r.assigned_to.as_ref().map(|x| x.id))
                .bind(a.days_per_week as i64).bind(Json(&a.weekdays)).bind(a.start).bind(a.end).bind(place_str(a.place))
                .bind(&a.place_address).bind(&a.reason).bind(Json(&a.confirmations)).bind(r.policy_version).bind(at)
                .execute(&mut *tx).await.map_err(db_err)?;
            for e in &r.history {
                sqlx::query("INSERT INTO request_events (id, request_id, at, actor_id, kind, reason, policy_version) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .bind(Uuid::now_v7()).bind(r.id).bind(e.at).bind(e.actor.id).bind(&e.kind).bind(&e.reason).bind(e.policy_version)
                    .execute(&mut *tx).await.map_err(db_err)?;
            }
            write_notices!(tx, at, notices);
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn request_impl(&self, id: Uuid) -> CoreResult<Option<RemoteRequest>> {
        on_db!(self.db(), p => {
            let row: Option<RequestRow> = sqlx::query_as(&format!("{REQUEST_SELECT} WHERE r.id = $1"))
                .bind(id).fetch_optional(p).await.map_err(db_err)?;
            let Some(row) = row else { return Ok(None) };
            let mut r = RemoteRequest::from(row);
            let events: Vec<EventRow> = sqlx::query_as(
                "SELECT e.at, e.actor_id, p.given_name, p.family_name, e.kind, e.reason, e.policy_version
                 FROM request_events e JOIN people p ON p.id = e.actor_id WHERE e.request_id = $1 ORDER BY e.at, e.id")
                .bind(id).fetch_all(p).await.map_err(db_err)?;
            r.history = events.into_iter().map(|(at, aid, g, f, kind, reason, pv)| RequestEvent {
                at, actor: PersonRef { id: aid, name: format!("{g} {f}") }, kind, reason, policy_version: pv,
            }).collect();
            Ok(Some(r))
        })
    }

    pub(crate) async fn requests_impl(
        &self,
        filter: &RequestFilter,
        paging: Paging,
    ) -> CoreResult<Page<RemoteRequest>> {
        on_db!(self.db(), p => {
            let apply = |qb: &mut QueryBuilder<'_, _>| {
                qb.push(" WHERE 1 = 1");
                if let Some(s) = filter.state {
                    qb.push(" AND r.state = ").push_bind(s.as_str());
                }
                if let Some(person) = filter.person {
                    qb.push(" AND r.person_id = ").push_bind(person);
                }
                if let Some(d) = filter.decider {
                    qb.push(" AND r.decider = ").push_bind(d.as_str());
                }
                if let Some(paths) = &filter.under {
                    qb.push(" AND (1 = 0");
                    for path in paths {
                        qb.push(" OR (u.path >= ").push_bind(path.clone());
                        qb.push(" AND u.path < ").push_bind(format!("{path}~"));
                        qb.push(")");
                    }
                    qb.push(")");
                }
            };
            let mut count = QueryBuilder::new("SELECT COUNT(*) FROM requests r JOIN people p ON p.id = r.person_id JOIN units u ON u.id = p.unit_id");
            apply(&mut count);
            let (total,): (i64,) = count.build_query_as().fetch_one(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new(REQUEST_SELECT);
            apply(&mut q);
            q.push(" ORDER BY r.created_at DESC, r.id DESC LIMIT ").push_bind(paging.limit);
            q.push(" OFFSET ").push_bind(paging.offset);
            let rows: Vec<RequestRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
            Ok(Page::new(rows.into_iter().map(Into::into).collect(), total, paging.offset))
        })
    }

    pub(crate) async fn update_request_impl(
        &self,
        r: &RemoteRequest,
        expected: i64,
        event: &RequestEvent,
        agreement: Option<&Agreement>,
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        let notices: &[distans_core::kernel::Notice] = &work.notices;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let a = &r.arrangement;
            let n = sqlx::query(
                "UPDATE requests SET state = $1, decider = $2, assigned_to = $3, days_per_week = $4, weekdays = $5,
                    start_date = $6, end_date = $7, place = $8, place_address = $9, reason = $10, confirmations = $11,
                    policy_version = $12, decided_by = $13, decision_reason = $14, agreement_id = $15, updated_at = $16,
                    version = version + 1
                 WHERE id = $17 AND version = $18")
                .bind(r.state.as_str()).bind(r.decider.as_str()).bind(r.assigned_to.as_ref().map(|x| x.id))
                .bind(a.days_per_week as i64).bind(Json(&a.weekdays)).bind(a.start).bind(a.end).bind(place_str(a.place))
                .bind(&a.place_address).bind(&a.reason).bind(Json(&a.confirmations)).bind(r.policy_version)
                .bind(r.decided_by.as_ref().map(|x| x.id)).bind(&r.decision_reason).bind(r.agreement_id).bind(at)
                .bind(r.id).bind(expected)
                .execute(&mut *tx).await.map_err(db_err)?.rows_affected();
            if n == 0 {
                return Err(CoreError::Conflict("the request was changed by someone else meanwhile; reload it".into()));
            }
            sqlx::query("INSERT INTO request_events (id, request_id, at, actor_id, kind, reason, policy_version) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(Uuid::now_v7()).bind(r.id).bind(event.at).bind(event.actor.id).bind(&event.kind).bind(&event.reason).bind(event.policy_version)
                .execute(&mut *tx).await.map_err(db_err)?;
            if let Some(g) = agreement {
                sqlx::query(
                    "INSERT INTO agreements (id, request_id, person_id, decider_id, state, days_per_week, weekdays, place, place_address,
                        start_date, end_date, policy_version, notice_days, text, text_sha256, employee_signed_at, decider_signed_at,
                        ends_on, ended_by, end_reason, created_at, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, NULL, NULL, NULL, NULL, NULL, $15, 1)")
                    .bind(g.id).bind(g.request_id).bind(g.person_id).bind(g.decider_id).bind(g.state.as_str())
                    .bind(g.days_per_week as i64).bind(Json(&g.weekdays)).bind(place_str(g.place)).bind(&g.place_address)
                    .bind(g.start).bind(g.end).bind(g.policy_version).bind(g.notice_days).bind(&g.text).bind(at)
                    .execute(&mut *tx).await.map_err(db_err)?;
            }
            write_notices!(tx, at, notices);
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn agreement_impl(&self, id: Uuid) -> CoreResult<Option<Agreement>> {
        let row: Option<AgreementRow> = on_db!(self.db(), p => sqlx::query_as(&format!("{AGREEMENT_SELECT} WHERE g.id = $1"))
            .bind(id).fetch_optional(p).await.map_err(db_err)?);
        Ok(row.map(Into::into))
    }

    pub(crate) async fn agreements_of_impl(&self, person: Uuid) -> CoreResult<Vec<Agreement>> {
        let rows: Vec<AgreementRow> = on_db!(self.db(), p => sqlx::query_as(&format!("{AGREEMENT_SELECT} WHERE g.person_id = $1 ORDER BY g.start_date DESC LIMIT 100"))
            .bind(person).fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub(crate) async fn agreements_drafted_by_impl(
        &self,
        person: Uuid,
    ) -> CoreResult<Vec<Agreement>> {
        let rows: Vec<AgreementRow> = on_db!(self.db(), p => sqlx::query_as(&format!(
            "{AGREEMENT_SELECT} WHERE g.decider_id = $1 AND g.state = 'draft' ORDER BY g.created_at LIMIT 100"))
            .bind(person).fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub(crate) async fn agreements_to_sign_impl(&self, person: Uuid) -> CoreResult<Vec<Agreement>> {
        let rows: Vec<AgreementRow> = on_db!(self.db(), p => sqlx::query_as(&format!(
            "{AGREEMENT_SELECT} WHERE g.decider_id = $1 AND g.state = 'awaiting_signatures' AND g.decider_signed_at IS NULL ORDER BY g.created_at LIMIT 100"))
            .bind(person).fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub(crate) async fn update_agreement_impl(
        &self,
        g: &Agreement,
        expected: i64,
        work: &Work,
    ) -> CoreResult<()> {
        self.update_agreement_scheduling_impl(g, expected, work, &Default::default())
            .await
    }

    /// Also adds and cancels follow-ups, in the same transaction.
    pub(crate) async fn update_agreement_scheduling_impl(
        &self,
        g: &Agreement,
        expected: i64,
        work: &Work,
        schedule: &distans_core::followup::FollowUpSchedule,
    ) -> CoreResult<()> {
        let at = work.at;
        let notices: &[distans_core::kernel::Notice] = &work.notices;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let n = sqlx::query(
                "UPDATE agreements SET state = $1, text_sha256 = $2, employee_signed_at = $3, decider_signed_at = $4,
                    ends_on = $5, ended_by = $6, end_reason = $7, text = $8, version = version + 1
                 WHERE id = $9 AND version = $10 AND (text_sha256 IS NULL OR text = $8)")
                .bind(g.state.as_str()).bind(&g.text_sha256).bind(g.employee_signed_at).bind(g.decider_signed_at)
                .bind(g.ends_on).bind(&g.ended_by).bind(&g.end_reason).bind(&g.text).bind(g.id).bind(expected)
                .execute(&mut *tx).await.map_err(db_err)?.rows_affected();
            if n == 0 {
                return Err(CoreError::Conflict("the agreement was changed by someone else meanwhile; reload it".into()));
            }
            crate::followups::write_schedule!(tx, at, schedule);
            write_notices!(tx, at, notices);
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn agreements_ending_impl(
        &self,
        until: Date,
        limit: i64,
    ) -> CoreResult<Vec<Agreement>> {
        let rows: Vec<AgreementRow> = on_db!(self.db(), p => sqlx::query_as(&format!(
            "{AGREEMENT_SELECT} WHERE g.state = 'active' AND g.ending_notified_at IS NULL
               AND COALESCE(g.ends_on, g.end_date) IS NOT NULL AND COALESCE(g.ends_on, g.end_date) <= $1
             ORDER BY COALESCE(g.ends_on, g.end_date) LIMIT $2"))
            .bind(until).bind(limit).fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub(crate) async fn mark_agreement_ending_notified_impl(
        &self,
        id: Uuid,
        work: &Work,
    ) -> CoreResult<bool> {
        let at = work.at;
        let notices: &[distans_core::kernel::Notice] = &work.notices;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            // Only the first worker to get here tells anyone.
            let n = sqlx::query("UPDATE agreements SET ending_notified_at = $1 WHERE id = $2 AND ending_notified_at IS NULL")
                .bind(at).bind(id).execute(&mut *tx).await.map_err(db_err)?.rows_affected();
            if n == 0 {
                return Ok(false);
            }
            write_notices!(tx, at, notices);
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }

    pub(crate) async fn insert_temporary_decision_impl(
        &self,
        d: &TemporaryDecision,
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        let notices: &[distans_core::kernel::Notice] = &work.notices;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            sqlx::query(
                "INSERT INTO temporary_decisions (id, title, description, start_date, end_date, units, unit_paths, max_remote_days,
                    without_agreement, tasks_must_allow, delegates, checklist, issued_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
                .bind(d.id).bind(&d.title).bind(&d.description).bind(d.start).bind(d.end).bind(Json(&d.units))
                .bind(Json(&d.unit_paths)).bind(d.max_remote_days as i64).bind(d.without_agreement).bind(d.tasks_must_allow)
                .bind(Json(&d.delegates)).bind(Json(&d.checklist)).bind(d.issued_by.id).bind(at)
                .execute(&mut *tx).await.map_err(db_err)?;
            write_notices!(tx, at, notices);
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn temporary_decisions_impl(
        &self,
        on: Option<Date>,
        paging: Paging,
    ) -> CoreResult<Page<TemporaryDecision>> {
        on_db!(self.db(), p => {
            let apply = |qb: &mut QueryBuilder<'_, _>| {
                if let Some(d) = on {
                    qb.push(" WHERE t.start_date <= ").push_bind(d);
                    qb.push(" AND t.end_date >= ").push_bind(d);
                }
            };
            let mut count = QueryBuilder::new("SELECT COUNT(*) FROM temporary_decisions t");
            apply(&mut count);
            let (total,): (i64,) = count.build_query_as().fetch_one(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new(
                "SELECT t.id, t.title, t.description, t.start_date, t.end_date, t.units, t.unit_paths, t.max_remote_days,
                    t.without_agreement, t.tasks_must_allow, t.delegates, t.checklist, t.issued_by, p.given_name, p.family_name, t.created_at
                 FROM temporary_decisions t JOIN people p ON p.id = t.issued_by");
            apply(&mut q);
            q.push(" ORDER BY t.start_date DESC, t.id DESC LIMIT ").push_bind(paging.limit);
            q.push(" OFFSET ").push_bind(paging.offset);
            let rows: Vec<TempRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
            Ok(Page::new(rows.into_iter().map(Into::into).collect(), total, paging.offset))
        })
    }

    pub(crate) async fn people_with_role_impl(
        &self,
        role: &str,
    ) -> CoreResult<Vec<(PersonRef, Option<String>)>> {
        let rows: Vec<(Uuid, String, String, Option<String>)> = on_db!(self.db(), p => sqlx::query_as(
            "SELECT p.id, p.given_name, p.family_name, p.email FROM person_roles r JOIN people p ON p.id = r.person_id
             WHERE r.role = $1 ORDER BY p.sort_name LIMIT 100")
            .bind(role).fetch_all(p).await.map_err(db_err)?);
        Ok(rows
            .into_iter()
            .map(|(id, g, f, e)| {
                (
                    PersonRef {
                        id,
                        name: format!("{g} {f}"),
                    },
                    e,
                )
            })
            .collect())
    }
}

// Follow-ups.
impl SqlStore {
    pub(crate) async fn agreements_without_followups_impl(
        &self,
        limit: i64,
    ) -> CoreResult<Vec<Agreement>> {
        let rows: Vec<AgreementRow> = on_db!(self.db(), p => sqlx::query_as(&format!(
            "{AGREEMENT_SELECT} WHERE g.state = 'active'
               AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.agreement_id = g.id)
             ORDER BY g.start_date, g.id LIMIT $1"))
            .bind(limit).fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(Into::into).collect())
    }
}
