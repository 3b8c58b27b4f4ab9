//! Personal data and public records: a person's data read section by
//! section (each query bounded), the disposal rules, legal holds, and
//! disposal itself, one transaction per run with its record.

use async_trait::async_trait;
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::kernel::{PersonId, Work};
use distans_core::privacy::rules::{audit_actor, audit_payload_shown, party};
use distans_core::privacy::*;
use distans_core::store::PrivacyPort;
use distans_core::{CoreError, CoreResult};

use crate::db::{fetch, on_db, read_all, read_one};
use crate::store::{row, write_work, SqlStore};

mod dispose;

/// A section's rows as records: each row serialised, then `fix` puts in
/// what depends on who is asking (other people by role).
fn records<T: Serialize>(rows: Vec<T>, fix: impl Fn(&T, &mut Record)) -> Vec<Record> {
    rows.into_iter()
        .map(|r| {
            let mut rec = match serde_json::to_value(&r) {
                Ok(Value::Object(m)) => m,
                _ => Record::new(),
            };
            fix(&r, &mut rec);
            rec
        })
        .collect()
}

/// Reads the rows of `$sql` (parameters: the person's id, then the bound)
/// as `$row`s.
macro_rules! rows {
    ($store:expr, $row:ty, $me:expr, $limit:expr, $sql:expr) => {{
        let rows: Vec<$row> = crate::db::fetch!(
            $store.db(),
            fetch_all,
            $sql,
            $me.uuid(),
            ($limit + 1) as i64
        )?;
        rows
    }};
}

type Ts = OffsetDateTime;

#[derive(sqlx::FromRow, Serialize)]
struct ProfileRow {
    employee_number: String,
    given_name: String,
    family_name: String,
    email: Option<String>,
    title: Option<String>,
    unit: String,
    site: Option<String>,
    language: String,
    username: Option<String>,
    has_password: bool,
    external_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: Ts,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: Ts,
    #[serde(with = "time::serde::rfc3339::option")]
    deactivated_at: Option<Ts>,
    last_day: Option<Date>,
    departure_reason: Option<String>,
    #[serde(skip)]
    commute_km: Option<f64>,
    #[serde(skip)]
    commute_mode: Option<String>,
}

#[derive(sqlx::FromRow, Serialize)]
struct RequestRow {
    id: Uuid,
    state: String,
    decider: String,
    days_per_week: i64,
    weekdays: Json<Value>,
    start_date: Date,
    end_date: Option<Date>,
    place: String,
    place_address: Option<String>,
    reason: String,
    confirmations: Json<Value>,
    policy_version: i64,
    #[serde(skip)]
    decided_by: Option<Uuid>,
    decision_reason: Option<String>,
    agreement_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: Ts,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: Ts,
}

#[derive(sqlx::FromRow, Serialize)]
struct RequestEventRow {
    request_id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    at: Ts,
    #[serde(skip)]
    actor_id: Uuid,
    kind: String,
    reason: Option<String>,
}

#[derive(sqlx::FromRow, Serialize)]
struct AgreementRow {
    id: Uuid,
    request_id: Uuid,
    #[serde(skip)]
    decider_id: Uuid,
    state: String,
    days_per_week: i64,
    weekdays: Json<Value>,
    place: String,
    place_address: Option<String>,
    start_date: Date,
    end_date: Option<Date>,
    policy_version: i64,
    notice_days: i64,
    text: String,
    text_sha256: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    employee_signed_at: Option<Ts>,
    #[serde(with = "time::serde::rfc3339::option")]
    decider_signed_at: Option<Ts>,
    ends_on: Option<Date>,
    #[serde(skip)]
    ended_by: Option<String>,
    end_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: Ts,
}

#[derive(sqlx::FromRow, Serialize)]
struct PlanDayRow {
    day: Date,
    state: String,
    #[serde(with = "time::serde::rfc3339")]
    published_at: Ts,
    #[serde(with = "time::serde::rfc3339::option")]
    superseded_at: Option<Ts>,
}

#[derive(sqlx::FromRow, Serialize)]
struct OccasionalRow {
    day: Date,
    state: String,
    part: Option<String>,
    #[serde(skip)]
    set_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    set_at: Ts,
}

#[derive(sqlx::FromRow, Serialize)]
struct AbsenceRow {
    id: Uuid,
    first_day: Date,
    last_day: Date,
    #[serde(with = "time::serde::rfc3339")]
    created_at: Ts,
}

#[derive(sqlx::FromRow, Serialize)]
struct FollowUpRow {
    id: Uuid,
    kind: String,
    agreement_id: Option<Uuid>,
    due_date: Date,
    state: String,
    template_key: String,
    template_version: Option<i64>,
    answers: Json<Value>,
    comments: Json<Value>,
    #[serde(with = "time::serde::rfc3339::option")]
    employee_confirmed_at: Option<Ts>,
    #[serde(with = "time::serde::rfc3339::option")]
    manager_confirmed_at: Option<Ts>,
    #[serde(with = "time::serde::rfc3339::option")]
    completed_at: Option<Ts>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: Ts,
}

#[derive(sqlx::FromRow, Serialize)]
struct ActionRow {
    followup_id: Uuid,
    description: String,
    #[serde(skip)]
    owner_id: Uuid,
    due_date: Date,
    state: String,
    note: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    closed_at: Option<Ts>,
}

#[derive(sqlx::FromRow, Serialize)]
struct DeviationRow {
    id: Uuid,
    kind: String,
    description: String,
    occurred_on: Date,
    serious: bool,
    anonymous: bool,
    #[serde(skip)]
    person_id: Uuid,
    #[serde(skip)]
    reporter_id: Uuid,
    state: String,
    action: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: Ts,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: Ts,
}

#[derive(sqlx::FromRow, Serialize)]
struct LoanRow {
    kind: String,
    identifier: String,
    description: String,
    agreement_id: Option<Uuid>,
    #[serde(skip)]
    lent_by: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    lent_at: Ts,
    #[serde(with = "time::serde::rfc3339::option")]
    returned_at: Option<Ts>,
    return_state: Option<String>,
}

#[derive(sqlx::FromRow, Serialize)]
struct NotificationRow {
    kind: String,
    subject: String,
    body: String,
    link: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: Ts,
    #[serde(with = "time::serde::rfc3339::option")]
    read_at: Option<Ts>,
}

#[derive(sqlx::FromRow, Serialize)]
struct MailRow {
    recipient: String,
    subject: String,
    body: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: Ts,
    #[serde(with = "time::serde::rfc3339::option")]
    sent_at: Option<Ts>,
}

#[derive(sqlx::FromRow, Serialize)]
struct TokenRow {
    name: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: Ts,
    #[serde(with = "time::serde::rfc3339::option")]
    last_used_at: Option<Ts>,
    #[serde(with = "time::serde::rfc3339::option")]
    expires_at: Option<Ts>,
    #[serde(with = "time::serde::rfc3339::option")]
    revoked_at: Option<Ts>,
}

#[derive(sqlx::FromRow, Serialize)]
struct PasswordLinkRow {
    purpose: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: Ts,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: Ts,
    #[serde(with = "time::serde::rfc3339::option")]
    used_at: Option<Ts>,
}

#[derive(sqlx::FromRow, Serialize)]
struct FeedRow {
    #[serde(with = "time::serde::rfc3339")]
    created_at: Ts,
}

#[derive(sqlx::FromRow, Serialize)]
struct AuditRow {
    seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    at: Ts,
    #[serde(skip)]
    actor_id: Option<Uuid>,
    #[serde(skip)]
    actor: String,
    action: String,
    entity: String,
    #[serde(skip)]
    entity_id: String,
    #[serde(skip)]
    before: Option<Json<Value>>,
    #[serde(skip)]
    after: Option<Json<Value>>,
    #[serde(skip)]
    payload_hash: Option<String>,
    #[serde(skip)]
    salt: Option<String>,
}

const FOLLOWUP_COLUMNS: &str = "id, kind, agreement_id, due_date, state, template_key, template_version, \
     answers, comments, employee_confirmed_at, manager_confirmed_at, completed_at, created_at FROM followups";

const DEVIATION_COLUMNS: &str = "id, kind, description, occurred_on, serious, \
     anonymous, person_id, reporter_id, state, action, created_at, updated_at FROM deviations";

impl SqlStore {
    async fn read_personal_data(
        &self,
        me: PersonId,
        limit: usize,
    ) -> CoreResult<Option<Vec<Section>>> {
        let profile: Option<ProfileRow> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT p.employee_number, p.given_name, p.family_name, p.email, p.title, u.name AS unit,
                    s.name AS site, p.language, a.username, a.password_hash IS NOT NULL AS has_password,
                    p.external_id, p.created_at, p.updated_at, p.deactivated_at, p.last_day,
                    p.departure_reason, p.commute_km, p.commute_mode
             FROM people p JOIN units u ON u.id = p.unit_id
             LEFT JOIN sites s ON s.id = p.site_id
             LEFT JOIN accounts a ON a.person_id = p.id
             WHERE p.id = $1",
            me.uuid()
        )?;
        let Some(profile) = profile else {
            return Ok(None);
        };
        if limit == 0 {
            return Ok(Some(vec![]));
        }
        let my_name = format!("{} {}", profile.given_name, profile.family_name);
        let mut out = vec![];
        let sec = |key: &str, recs: Vec<Record>| Section::new(key, recs, limit);

        let skills: Vec<(String,)> = rows!(
            self,
            (String,),
            me,
            limit,
            "SELECT skill FROM person_skills WHERE person_id = $1 ORDER BY skill LIMIT $2"
        );
        let commute = (profile.commute_km.is_some() || profile.commute_mode.is_some()).then(|| {
            let mut r = Record::new();
            r.insert("distance_km".into(), json!(profile.commute_km));
            r.insert("mode".into(), json!(profile.commute_mode));
            r
        });
        let mut prof = records(vec![profile], |_, _| {});
        if let Some(p) = prof.first_mut() {
            p.insert(
                "skills".into(),
                json!(skills.into_iter().map(|(s,)| s).collect::<Vec<_>>()),
            );
        }
        out.push(sec("profile", prof));

        let roles: Vec<(String,)> = rows!(
            self,
            (String,),
            me,
            limit,
            "SELECT role FROM person_roles WHERE person_id = $1 ORDER BY role LIMIT $2"
        );
        out.push(sec(
            "roles",
            roles
                .into_iter()
                .map(|(r,)| json_record(json!({ "role": r })))
                .collect(),
        ));
        let units: Vec<(String, String)> = rows!(
            self,
            (String, String),
            me,
            limit,
            "SELECT code, name FROM units WHERE manager_id = $1 ORDER BY code LIMIT $2"
        );
        out.push(sec(
            "units_managed",
            units
                .into_iter()
                .map(|(c, n)| json_record(json!({ "code": c, "name": n })))
                .collect(),
        ));
        out.push(sec("commute", commute.into_iter().collect()));

        let requests = rows!(self, RequestRow, me, limit,
            "SELECT id, state, decider, days_per_week, weekdays, start_date, end_date, place, place_address,
                    reason, confirmations, policy_version, decided_by, decision_reason, agreement_id,
                    created_at, updated_at
             FROM requests WHERE person_id = $1 ORDER BY created_at DESC LIMIT $2");
        out.push(sec(
            "requests",
            records(requests, |r, rec| {
                rec.insert(
                    "decided_by".into(),
                    party(me, r.decided_by.map(Into::into), &r.decider),
                );
            }),
        ));
        let events = rows!(
            self,
            RequestEventRow,
            me,
            limit,
            "SELECT e.request_id, e.at, e.actor_id, e.kind, e.reason
             FROM request_events e JOIN requests r ON r.id = e.request_id
             WHERE r.person_id = $1 ORDER BY e.at DESC LIMIT $2"
        );
        out.push(sec(
            "request_events",
            records(events, |r, rec| {
                rec.insert(
                    "by".into(),
                    party(me, Some(r.actor_id.into()), "manager_or_hr"),
                );
            }),
        ));
        let agreements = rows!(self, AgreementRow, me, limit,
            "SELECT id, request_id, decider_id, state, days_per_week, weekdays, place, place_address,
                    start_date, end_date, policy_version, notice_days, text, text_sha256,
                    employee_signed_at, decider_signed_at, ends_on, ended_by, end_reason, created_at
             FROM agreements WHERE person_id = $1 ORDER BY created_at DESC LIMIT $2");
        out.push(sec(
            "agreements",
            records(agreements, |r, rec| {
                rec.insert(
                    "employer_party".into(),
                    party(me, Some(r.decider_id.into()), "manager_or_hr"),
                );
                let ended_by = match &r.ended_by {
                    None => Value::Null,
                    Some(n) if *n == my_name => json!("you"),
                    Some(_) => json!("manager_or_hr"),
                };
                rec.insert("ended_by".into(), ended_by);
            }),
        ));
        let plan = rows!(
            self,
            PlanDayRow,
            me,
            limit,
            "SELECT d.day, d.state, p.published_at, p.superseded_at
             FROM rotation_days d JOIN rotation_plans p ON p.id = d.plan_id
             WHERE d.person_id = $1 ORDER BY d.day DESC LIMIT $2"
        );
        out.push(sec("plan_days", records(plan, |_, _| {})));
        let occasional = rows!(
            self,
            OccasionalRow,
            me,
            limit,
            "SELECT day, state, part, set_by, set_at FROM occasional_days
             WHERE person_id = $1 ORDER BY day DESC LIMIT $2"
        );
        out.push(sec(
            "occasional_days",
            records(occasional, |r, rec| {
                rec.insert(
                    "set_by".into(),
                    party(me, Some(r.set_by.into()), "manager_or_hr"),
                );
            }),
        ));
        let absences = rows!(
            self,
            AbsenceRow,
            me,
            limit,
            "SELECT id, first_day, last_day, created_at FROM absences
             WHERE person_id = $1 ORDER BY first_day DESC LIMIT $2"
        );
        out.push(sec("absences", records(absences, |_, _| {})));
        let followups = rows!(
            self,
            FollowUpRow,
            me,
            limit,
            &format!(
                "SELECT {FOLLOWUP_COLUMNS} WHERE person_id = $1 AND kind <> 'risk_assessment'
             ORDER BY due_date DESC LIMIT $2"
            )
        );
        out.push(sec("followups", records(followups, |_, _| {})));
        let risks = rows!(
            self,
            FollowUpRow,
            me,
            limit,
            &format!(
                "SELECT {FOLLOWUP_COLUMNS} WHERE person_id = $1 AND kind = 'risk_assessment'
             ORDER BY due_date DESC LIMIT $2"
            )
        );
        out.push(sec("risk_assessments", records(risks, |_, _| {})));
        let actions = rows!(self, ActionRow, me, limit,
            "SELECT a.followup_id, a.description, a.owner_id, a.due_date, a.state, a.note, a.closed_at
             FROM followup_actions a JOIN followups f ON f.id = a.followup_id
             WHERE f.person_id = $1 ORDER BY a.due_date DESC LIMIT $2");
        out.push(sec(
            "followup_actions",
            records(actions, |r, rec| {
                rec.insert(
                    "owner".into(),
                    party(me, Some(r.owner_id.into()), "manager_or_hr"),
                );
            }),
        ));
        let reported = rows!(
            self,
            DeviationRow,
            me,
            limit,
            &format!(
            "SELECT {DEVIATION_COLUMNS} WHERE reporter_id = $1 ORDER BY created_at DESC LIMIT $2")
        );
        out.push(sec(
            "deviations_reported",
            records(reported, |r, rec| {
                rec.insert(
                    "concerns".into(),
                    party(me, Some(r.person_id.into()), "colleague"),
                );
            }),
        ));
        let concerning = rows!(
            self,
            DeviationRow,
            me,
            limit,
            &format!(
                "SELECT {DEVIATION_COLUMNS} WHERE person_id = $1 AND reporter_id <> $1
             ORDER BY created_at DESC LIMIT $2"
            )
        );
        out.push(sec(
            "deviations_concerning",
            records(concerning, |r, rec| {
                rec.insert(
                    "reported_by".into(),
                    party(me, Some(r.reporter_id.into()), "colleague"),
                );
            }),
        ));
        let loans = rows!(
            self,
            LoanRow,
            me,
            limit,
            "SELECT i.kind, i.identifier, i.description, l.agreement_id, l.lent_by, l.lent_at,
                    l.returned_at, l.return_state
             FROM equipment_loans l JOIN equipment_items i ON i.id = l.item_id
             WHERE l.person_id = $1 ORDER BY l.lent_at DESC LIMIT $2"
        );
        out.push(sec(
            "equipment_loans",
            records(loans, |r, rec| {
                rec.insert(
                    "lent_by".into(),
                    party(me, Some(r.lent_by.into()), "manager_or_hr"),
                );
            }),
        ));
        let notes = rows!(
            self,
            NotificationRow,
            me,
            limit,
            "SELECT kind, subject, body, link, created_at, read_at FROM notifications
             WHERE person_id = $1 ORDER BY created_at DESC LIMIT $2"
        );
        out.push(sec("notifications", records(notes, |_, _| {})));
        let mails = rows!(self, MailRow, me, limit,
            "SELECT o.recipient, o.subject, o.body, o.created_at, o.sent_at
             FROM outbox o JOIN people p ON p.email IS NOT NULL AND LOWER(o.recipient) = LOWER(p.email)
             WHERE p.id = $1 ORDER BY o.created_at DESC LIMIT $2");
        out.push(sec("emails", records(mails, |_, _| {})));
        let tokens = rows!(
            self,
            TokenRow,
            me,
            limit,
            "SELECT name, created_at, last_used_at, expires_at, revoked_at FROM api_tokens
             WHERE person_id = $1 ORDER BY created_at DESC LIMIT $2"
        );
        out.push(sec("tokens", records(tokens, |_, _| {})));
        let links = rows!(
            self,
            PasswordLinkRow,
            me,
            limit,
            "SELECT purpose, created_at, expires_at, used_at FROM password_links
             WHERE person_id = $1 ORDER BY created_at DESC LIMIT $2"
        );
        out.push(sec("password_links", records(links, |_, _| {})));
        let feed = rows!(
            self,
            FeedRow,
            me,
            limit,
            "SELECT created_at FROM calendar_feeds WHERE person_id = $1 LIMIT $2"
        );
        out.push(sec("calendar_feed", records(feed, |_, _| {})));

        let entries: Vec<AuditRow> = fetch!(
            self.db(),
            fetch_all,
            "SELECT seq, at, actor_id, actor, action, entity, entity_id,
                    COALESCE(p.before, audit_log.before) AS before, COALESCE(p.after, audit_log.after) AS after,
                    payload_hash, p.salt AS salt
             FROM audit_log LEFT JOIN audit_payloads p ON p.entry_seq = audit_log.seq
             WHERE (entity = 'person' AND entity_id = $1) OR actor_id = $2
             ORDER BY seq DESC LIMIT $3",
            me.to_string(),
            me.uuid(),
            (limit + 1) as i64
        )?;
        out.push(sec(
            "audit_entries",
            records(entries, |e, rec| {
                rec.insert(
                    "by".into(),
                    audit_actor(me, e.actor_id.map(Into::into), &e.actor),
                );
                if audit_payload_shown(me, &e.entity, &e.entity_id) {
                    rec.insert("before".into(), json!(e.before.as_ref().map(|j| &j.0)));
                    rec.insert("after".into(), json!(e.after.as_ref().map(|j| &j.0)));
                    rec.insert(
                        "payload_removed".into(),
                        json!(e.payload_hash.is_some() && e.salt.is_none()),
                    );
                }
            }),
        ));
        Ok(Some(out))
    }
}

fn json_record(v: Value) -> Record {
    match v {
        Value::Object(m) => m,
        _ => Record::new(),
    }
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    record_type: String,
    keep_months: i64,
    action: String,
    decision_ref: String,
    decision_date: Date,
    version: i64,
    updated_at: OffsetDateTime,
    updated_by: String,
}

impl TryFrom<RuleRow> for DisposalRule {
    type Error = crate::error::StoreError;
    fn try_from(r: RuleRow) -> Result<Self, Self::Error> {
        Ok(DisposalRule {
            record_type: RecordType::parse(&r.record_type).ok_or_else(|| {
                crate::error::invalid_stored("disposal_rules.record_type", &r.record_type)
            })?,
            keep_months: u32::try_from(r.keep_months).map_err(|_| {
                crate::error::invalid_stored("disposal_rules.keep_months", r.keep_months)
            })?,
            action: DisposalAction::parse(&r.action)
                .ok_or_else(|| crate::error::invalid_stored("disposal_rules.action", &r.action))?,
            decision_ref: r.decision_ref,
            decision_date: r.decision_date,
            version: r.version,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
        })
    }
}

const RULES_SELECT: &str = "SELECT record_type, keep_months, action, decision_ref, decision_date, \
     version, updated_at, updated_by FROM disposal_rules";

row! {
    struct HoldRow => LegalHold {
        id: Uuid,
        reason: String,
        placed_at: OffsetDateTime,
        placed_by: String,
        lifted_at: Option<OffsetDateTime>,
        lifted_by: Option<String>,
    }
    with {
        person_id: Option<Uuid>,
        record_kind: Option<String>,
        record_id: Option<Uuid>,
    }
    |r| {
        person: r.person_id.map(Into::into),
        record: match (r.record_kind, r.record_id) {
            (Some(k), Some(id)) => Some(format!("{k}:{id}")),
            _ => None,
        },
    }
}

row! {
    struct NoticeRow => PrivacyNotice {
        version: i64,
        updated_at: OffsetDateTime,
        updated_by: String,
    }
    with {
        what: String,
        why: String,
        legal_basis: String,
        how_long: String,
        rights: String,
        dpo: String,
    }
    |r| {
        text: NoticeText {
            what: r.what,
            why: r.why,
            legal_basis: r.legal_basis,
            how_long: r.how_long,
            rights: r.rights,
            dpo: r.dpo,
        },
    }
}

#[derive(sqlx::FromRow)]
struct RunRow {
    id: Uuid,
    at: OffsetDateTime,
    as_of: Date,
    by_name: String,
    counts: Json<Vec<DisposalCount>>,
}

impl TryFrom<RunRow> for DisposalRun {
    type Error = crate::error::StoreError;
    fn try_from(r: RunRow) -> Result<Self, Self::Error> {
        Ok(DisposalRun {
            id: r.id,
            at: r.at,
            as_of: r.as_of,
            by: r.by_name,
            dry_run: false,
            counts: r.counts.0,
        })
    }
}

/// The table a kind of record to hold is kept in.
fn hold_table(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "person" => "people",
        "request" => "requests",
        "agreement" => "agreements",
        "absence" => "absences",
        "followup" => "followups",
        "deviation" => "deviations",
        _ => return None,
    })
}

#[async_trait]
impl PrivacyPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn personal_data(
        &self,
        person: PersonId,
        limit: usize,
    ) -> CoreResult<Option<Vec<Section>>> {
        self.read_personal_data(person, limit).await
    }

    #[tracing::instrument(skip_all)]
    async fn append_privacy_audit(&self, work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| ())
    }

    #[tracing::instrument(skip_all)]
    async fn disposal_rules(&self) -> CoreResult<Vec<DisposalRule>> {
        let mut rules: Vec<DisposalRule> = read_all!(self.db(), RuleRow, RULES_SELECT)?;
        rules.sort_by_key(|r| {
            RecordType::ALL
                .iter()
                .position(|t| *t == r.record_type)
                .unwrap_or(usize::MAX)
        });
        Ok(rules)
    }

    #[tracing::instrument(skip_all)]
    async fn save_disposal_rule(
        &self,
        t: RecordType,
        change: &RuleChange,
        by: &str,
        work: &Work,
    ) -> CoreResult<DisposalRule> {
        write_work!(self, work, |tx| {
            let n = sqlx::query(
                "UPDATE disposal_rules SET keep_months = $1, action = $2, decision_ref = $3,
                        decision_date = $4, version = version + 1, updated_at = $5, updated_by = $6
                 WHERE record_type = $7 AND version = $8",
            )
            .bind(change.keep_months as i64)
            .bind(change.action.as_str())
            .bind(change.decision_ref.trim())
            .bind(change.decision_date)
            .bind(work.at)
            .bind(by)
            .bind(t.as_str())
            .bind(change.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(crate::error::conflict(format!(
                    "the rule for {} was changed meanwhile (you edited version {})",
                    t.as_str(),
                    change.version
                )));
            }
            let row: RuleRow = sqlx::query_as(&format!("{RULES_SELECT} WHERE record_type = $1"))
                .bind(t.as_str())
                .fetch_one(&mut *tx)
                .await?;
            DisposalRule::try_from(row)?
        })
    }

    #[tracing::instrument(skip_all)]
    async fn legal_holds(&self, limit: i64) -> CoreResult<Vec<LegalHold>> {
        read_all!(
            self.db(),
            HoldRow,
            "SELECT id, person_id, record_kind, record_id, reason, placed_at, placed_by, lifted_at, lifted_by
             FROM legal_holds ORDER BY lifted_at IS NOT NULL, placed_at DESC LIMIT $1",
            limit
        )
    }

    #[tracing::instrument(skip_all)]
    async fn place_hold(&self, hold: &LegalHold, work: &Work) -> CoreResult<()> {
        let (kind, record_id) = match hold.record.as_deref().and_then(|r| r.split_once(':')) {
            Some((k, id)) => (
                Some(k.to_string()),
                Some(Uuid::parse_str(id).map_err(|_| CoreError::invalid("record", "not an id"))?),
            ),
            None => (None, None),
        };
        let (entity, entity_id) = match (&hold.person, &kind, &record_id) {
            (Some(p), _, _) => ("person".to_string(), p.to_string()),
            (None, Some(k), Some(id)) => (k.clone(), id.to_string()),
            _ => return Err(CoreError::invalid("person", "name a person or a record")),
        };
        write_work!(self, work, |tx| {
            sqlx::query(
                "INSERT INTO legal_holds (id, person_id, record_kind, record_id, held_entity, held_entity_id,
                                          reason, placed_at, placed_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(hold.id)
            .bind(hold.person.map(|p| p.uuid()))
            .bind(kind.clone())
            .bind(record_id)
            .bind(entity.clone())
            .bind(entity_id.clone())
            .bind(&hold.reason)
            .bind(hold.placed_at)
            .bind(&hold.placed_by)
            .execute(&mut *tx)
            .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn lift_hold(&self, id: Uuid, by: &str, work: &Work) -> CoreResult<bool> {
        write_work!(self, work, |tx| {
            let n = sqlx::query(
                "UPDATE legal_holds SET lifted_at = $1, lifted_by = $2 WHERE id = $3 AND lifted_at IS NULL",
            )
            .bind(work.at)
            .bind(by)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            true
        })
    }

    #[tracing::instrument(skip_all)]
    async fn record_exists(&self, kind: &str, id: Uuid) -> CoreResult<bool> {
        let Some(table) = hold_table(kind) else {
            return Ok(false);
        };
        let (n,): (i64,) = fetch!(
            self.db(),
            fetch_one,
            &format!("SELECT COUNT(*) FROM {table} WHERE id = $1"),
            id
        )?;
        Ok(n > 0)
    }

    #[tracing::instrument(skip_all)]
    async fn dispose(
        &self,
        rules: &[(DisposalRule, Date)],
        run: &DisposalRun,
        work: &Work,
    ) -> CoreResult<Vec<DisposalCount>> {
        self.dispose_in_one(rules, run, work).await
    }

    #[tracing::instrument(skip_all)]
    async fn signed_agreements(
        &self,
        from: Date,
        to: Date,
        limit: i64,
    ) -> CoreResult<(String, Vec<distans_core::kernel::AgreementId>)> {
        let start = from.midnight().assume_utc();
        let end = to.next_day().unwrap_or(to).midnight().assume_utc();
        let (org, ids): (Option<(String,)>, Vec<(Uuid,)>) = on_db!(self.db(), p => {
            let org = sqlx::query_as(
                "SELECT name FROM units WHERE parent_id IS NULL ORDER BY depth, name LIMIT 1",
            )
            .fetch_optional(p)
            .await?;
            let ids = sqlx::query_as(
                "SELECT id FROM (
                     SELECT id, CASE WHEN employee_signed_at >= decider_signed_at
                                     THEN employee_signed_at ELSE decider_signed_at END AS signed
                     FROM agreements
                     WHERE employee_signed_at IS NOT NULL AND decider_signed_at IS NOT NULL
                 ) s WHERE signed >= $1 AND signed < $2 ORDER BY signed, id LIMIT $3",
            )
            .bind(start)
            .bind(end)
            .bind(limit)
            .fetch_all(p)
            .await?;
            Ok((org, ids))
        })?;
        Ok((
            org.map(|(n,)| n).unwrap_or_default(),
            ids.into_iter().map(|(id,)| id.into()).collect(),
        ))
    }

    #[tracing::instrument(skip_all)]
    async fn privacy_notice(&self) -> CoreResult<Option<PrivacyNotice>> {
        read_one!(
            self.db(),
            NoticeRow,
            "SELECT version, what, why, legal_basis, how_long, rights, dpo, updated_at, updated_by
             FROM privacy_notices ORDER BY version DESC LIMIT 1"
        )
    }

    #[tracing::instrument(skip_all)]
    async fn save_privacy_notice(
        &self,
        text: &NoticeText,
        expected: i64,
        by: &str,
        work: &Work,
    ) -> CoreResult<i64> {
        write_work!(self, work, |tx| {
            let version =
                crate::store::next_version!(tx, expected, "the privacy notice", "privacy_notices");
            sqlx::query(
                "INSERT INTO privacy_notices (version, what, why, legal_basis, how_long, rights, dpo, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(version)
            .bind(text.what.trim())
            .bind(text.why.trim())
            .bind(text.legal_basis.trim())
            .bind(text.how_long.trim())
            .bind(text.rights.trim())
            .bind(text.dpo.trim())
            .bind(work.at)
            .bind(by)
            .execute(&mut *tx)
            .await?;
            version
        })
    }

    #[tracing::instrument(skip_all)]
    async fn disposal_runs(&self, limit: i64) -> CoreResult<Vec<DisposalRun>> {
        read_all!(
            self.db(),
            RunRow,
            "SELECT id, at, as_of, by_name, counts FROM disposal_runs ORDER BY at DESC, id DESC LIMIT $1",
            limit
        )
    }
}

/// Binds the cut-off to a query as the target takes it.
macro_rules! bind_cut {
    ($q:expr, $t:expr, $day:expr) => {
        if $t.ts {
            $q.bind($day.midnight().assume_utc())
        } else {
            $q.bind($day)
        }
    };
}

impl SqlStore {
    /// A disposal run in one transaction: counts, and unless it is a dry
    /// run, disposes and writes the run's record and audit entry.
    async fn dispose_in_one(
        &self,
        rules: &[(DisposalRule, Date)],
        run: &DisposalRun,
        work: &Work,
    ) -> CoreResult<Vec<DisposalCount>> {
        use dispose::{acts, key, targets, ANONYMISE_BATCH};
        on_db!(self.db(), pool => {
            let mut tx = crate::db::BeginWrite::begin_write(pool).await?;
            let mut counts = vec![];
            for (rule, day) in rules {
                let mut count = 0u64;
                let mut held = 0u64;
                if acts(rule.action) {
                    for t in targets(rule.record_type) {
                        let all_sql = format!("SELECT COUNT(*) FROM {} WHERE {}", t.table, t.due);
                        let q = sqlx::query_as::<_, (i64,)>(&all_sql);
                        let (all,) = bind_cut!(q, t, *day).fetch_one(&mut *tx).await?;
                        let where_free = format!("{} AND {}", t.due, t.free);
                        let free_sql = format!("SELECT COUNT(*) FROM {} WHERE {where_free}", t.table);
                        let q = sqlx::query_as::<_, (i64,)>(&free_sql);
                        let (free,) = bind_cut!(q, t, *day).fetch_one(&mut *tx).await?;
                        held += (all - free).max(0) as u64;
                        if run.dry_run {
                            count += free as u64;
                            continue;
                        }
                        let ids = format!("SELECT {} FROM {} WHERE {where_free}", key(t.table), t.table);
                        for stmt in t.first {
                            let sql = stmt.replace("{ids}", &ids);
                            let q = sqlx::query(&sql);
                            bind_cut!(q, t, *day).execute(&mut *tx).await?;
                        }
                        match rule.action {
                            DisposalAction::Anonymise => {
                                let sql = format!("{ids} LIMIT {ANONYMISE_BATCH}");
                                let q = sqlx::query_as::<_, (Uuid,)>(&sql);
                                let people: Vec<(Uuid,)> = bind_cut!(q, t, *day).fetch_all(&mut *tx).await?;
                                for (id,) in &people {
                                    anonymise_person!(tx, *id, work.at);
                                }
                                count += people.len() as u64;
                            }
                            _ => {
                                let sql = format!("DELETE FROM {} WHERE {where_free}", t.table);
                                let q = sqlx::query(&sql);
                                count += bind_cut!(q, t, *day).execute(&mut *tx).await?.rows_affected();
                            }
                        }
                        for stmt in t.after {
                            sqlx::query(stmt).execute(&mut *tx).await?;
                        }
                    }
                }
                counts.push(DisposalCount {
                    record_type: rule.record_type,
                    action: rule.action,
                    before: *day,
                    count,
                    held,
                    rule_version: rule.version,
                    decision_ref: rule.decision_ref.clone(),
                });
            }
            if run.dry_run {
                tx.rollback().await?;
                return Ok(counts);
            }
            sqlx::query("INSERT INTO disposal_runs (id, at, as_of, by_name, counts) VALUES ($1, $2, $3, $4, $5)")
                .bind(run.id)
                .bind(run.at)
                .bind(run.as_of)
                .bind(&run.by)
                .bind(Json(&counts))
                .execute(&mut *tx)
                .await?;
            let mut audit = work.audit.clone();
            for e in &mut audit {
                e.after = Some(json!({ "as_of": run.as_of.to_string(), "counts": counts }));
            }
            crate::store::append_audit_rows!(tx, work.at, &audit);
            tx.commit().await?;
            Ok(counts)
        })
    }
}

/// Anonymises a deactivated person in the transaction `$tx`: what says
/// who they were goes (name, e-mail, title, commute, employee number,
/// sign-in, tokens, skills, roles, calendar feed); the records of their
/// matters stay, under "Anonymiserad".
macro_rules! anonymise_person {
    ($tx:expr, $id:expr, $at:expr) => {{
        let id: Uuid = $id;
        for stmt in [
            "DELETE FROM accounts WHERE person_id = $1",
            "DELETE FROM api_tokens WHERE person_id = $1",
            "DELETE FROM person_skills WHERE person_id = $1",
            "DELETE FROM person_roles WHERE person_id = $1",
            "DELETE FROM calendar_feeds WHERE person_id = $1",
            "DELETE FROM password_links WHERE person_id = $1",
            "DELETE FROM scim_group_members WHERE person_id = $1",
        ] {
            sqlx::query(stmt).bind(id).execute(&mut *$tx).await?;
        }
        sqlx::query(
            "UPDATE people SET given_name = 'Anonymiserad', family_name = '', email = NULL, title = NULL,
                    commute_km = NULL, commute_mode = NULL, external_id = NULL, departure_reason = NULL,
                    employee_number = $1, sort_name = 'anonymiserad', anonymised_at = $2, version = version + 1
             WHERE id = $3",
        )
        .bind(format!("anonymiserad-{}", id.simple()))
        .bind($at)
        .bind(id)
        .execute(&mut *$tx)
        .await?;
    }};
}
use anonymise_person;
