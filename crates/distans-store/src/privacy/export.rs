//! A person's data, section by section: each query bounded, another
//! person shown only by role (see `distans_core::privacy::rules`).

use serde::Serialize;
use serde_json::{json, Value};
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::kernel::PersonId;
use distans_core::privacy::rules::{audit_actor, audit_payload_shown, party};
use distans_core::privacy::{Record, Section};
use distans_core::CoreResult;

use crate::db::fetch;
use crate::store::SqlStore;

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
    /// The version of the privacy notice the person has seen, and when.
    notice_seen_version: Option<i64>,
    #[serde(with = "time::serde::rfc3339::option")]
    notice_seen_at: Option<Ts>,
    /// Whether colleagues see the person's days on site (none: the policy's default).
    share_presence: Option<bool>,
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

/// A web session, by its times and how the person signed in; never its
/// id (the cookie's secret).
#[derive(sqlx::FromRow, Serialize)]
struct SessionRow {
    #[serde(with = "time::serde::rfc3339::option")]
    created_at: Option<Ts>,
    #[serde(with = "time::serde::rfc3339::option")]
    last_used_at: Option<Ts>,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: Ts,
    signed_in_by: Option<String>,
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
    pub(super) async fn read_personal_data(
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
                    p.departure_reason, p.commute_km, p.commute_mode,
                    p.notice_seen_version, p.notice_seen_at, p.share_presence
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

        // A role with where it comes from: the organisation's lists
        // (`local`) or an identity-provider group (`scim`).
        let roles: Vec<(String, String)> = rows!(
            self,
            (String, String),
            me,
            limit,
            "SELECT role, source FROM person_roles WHERE person_id = $1 ORDER BY role, source LIMIT $2"
        );
        out.push(sec(
            "roles",
            roles
                .into_iter()
                .map(|(r, source)| json_record(json!({ "role": r, "source": source })))
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
        let sessions = rows!(
            self,
            SessionRow,
            me,
            limit,
            "SELECT created_at, last_used_at, expiry_date AS expires_at, signed_in_by FROM sessions
             WHERE person_id = $1 ORDER BY expiry_date DESC LIMIT $2"
        );
        out.push(sec("sessions", records(sessions, |_, _| {})));
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
                    COALESCE(audit_log.payload_hash, s.payload_hash) AS payload_hash, p.salt AS salt
             FROM audit_log LEFT JOIN audit_payloads p ON p.entry_seq = audit_log.seq
             LEFT JOIN audit_sealed s ON s.entry_seq = audit_log.seq
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
