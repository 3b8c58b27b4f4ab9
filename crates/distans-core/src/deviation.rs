//! Deviations ("avvikelser", product.md part 11): anyone reports one (work
//! environment, information security, presence not kept, equipment); the
//! responsible manager — the personnel manager ("personalansvarig chef") of
//! the unit of the person it concerns — is told at once and handles it to
//! closure: acknowledged, then closed with the action taken, with a trail.
//!
//! A reporter may ask to be anonymous to the unit when the policy allows it
//! (`deviation_reporter_anonymity`): the manager and the unit see "anonym
//! rapportör", but who reported is stored and visible to HR and in the audit
//! log. Hiding is done here, in one function ([`Deviation::redact_for`]), so
//! the API and the pages cannot differ.

use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{self, Action};
use crate::audit::NewAuditEntry;
use crate::error::{CoreError, CoreResult};
use crate::model::{Actor, Page, Paging, PersonRef, Role, UnitRef};
use crate::policy::parse_date;
use crate::request::Notice;
use crate::store::PersonRecord;
use crate::Core;

/// The longest description or action, in characters.
pub const MAX_TEXT: usize = 4000;

/// What kind of deviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeviationKind {
    /// Arbetsmiljö.
    WorkEnvironment,
    /// Informationssäkerhet.
    InformationSecurity,
    /// Närvaro som inte hölls.
    Presence,
    /// Utrustning.
    Equipment,
    Other,
}

impl DeviationKind {
    pub const ALL: [DeviationKind; 5] = [
        DeviationKind::WorkEnvironment,
        DeviationKind::InformationSecurity,
        DeviationKind::Presence,
        DeviationKind::Equipment,
        DeviationKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeviationKind::WorkEnvironment => "work_environment",
            DeviationKind::InformationSecurity => "information_security",
            DeviationKind::Presence => "presence",
            DeviationKind::Equipment => "equipment",
            DeviationKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<DeviationKind> {
        DeviationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    /// The Swedish name, for notices.
    pub fn swedish(self) -> &'static str {
        match self {
            DeviationKind::WorkEnvironment => "arbetsmiljö",
            DeviationKind::InformationSecurity => "informationssäkerhet",
            DeviationKind::Presence => "närvaro",
            DeviationKind::Equipment => "utrustning",
            DeviationKind::Other => "övrigt",
        }
    }
}

/// Where a deviation is: `reported` → `acknowledged` → `closed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeviationState {
    Reported,
    Acknowledged,
    Closed,
}

impl DeviationState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviationState::Reported => "reported",
            DeviationState::Acknowledged => "acknowledged",
            DeviationState::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<DeviationState> {
        match s {
            "reported" => Some(DeviationState::Reported),
            "acknowledged" => Some(DeviationState::Acknowledged),
            "closed" => Some(DeviationState::Closed),
            _ => None,
        }
    }
}

/// Which states a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    /// Not yet closed (reported or acknowledged).
    Open,
    Only(DeviationState),
}

impl StateFilter {
    /// `open`, `reported`, `acknowledged` or `closed`.
    pub fn parse(s: &str) -> CoreResult<StateFilter> {
        match s.trim() {
            "open" => Ok(StateFilter::Open),
            other => DeviationState::parse(other)
                .map(StateFilter::Only)
                .ok_or_else(|| {
                    CoreError::invalid(
                        "state",
                        format!(
                            "\"{other}\" is not a state (open, reported, acknowledged, closed)"
                        ),
                    )
                }),
        }
    }
}

/// One step of a deviation's trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviationEvent {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// Who; missing for the report of an anonymous reporter, to those who may not see them.
    pub actor: Option<PersonRef>,
    /// `reported`, `acknowledged`, `closed`.
    pub kind: String,
    /// The action taken (closed), or a note (e.g. acknowledged on closing).
    pub text: Option<String>,
}

/// A deviation (avvikelse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Deviation {
    pub id: Uuid,
    pub kind: DeviationKind,
    pub description: String,
    /// The day it happened.
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub serious: bool,
    /// The reporter asked to be anonymous to the unit.
    pub anonymous: bool,
    /// Who it concerns; missing when that is the anonymous reporter.
    pub person: Option<PersonRef>,
    /// The concerned person's unit when it was reported.
    pub unit: UnitRef,
    /// Who reported it; missing ("anonym rapportör") to those who may not see it.
    pub reporter: Option<PersonRef>,
    /// The manager who handles it; missing when HR does (no manager above).
    pub responsible: Option<PersonRef>,
    pub state: DeviationState,
    /// What was done (when closed).
    pub action: Option<String>,
    pub policy_version: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    pub version: i64,
    /// The trail, oldest first (empty in lists).
    pub events: Vec<DeviationEvent>,
    #[serde(skip)]
    pub reporter_id: Uuid,
    #[serde(skip)]
    pub person_id: Uuid,
    #[serde(skip)]
    pub unit_path: String,
}

impl Deviation {
    /// Is this a serious information-security deviation (told to the policy's roles)?
    pub fn is_serious_security(&self) -> bool {
        self.serious && self.kind == DeviationKind::InformationSecurity
    }

    /// May `actor` see who reported it?
    pub fn reporter_visible_to(&self, actor: &Actor) -> bool {
        !self.anonymous
            || access::authorize(
                actor,
                Action::SeeDeviationReporter {
                    reporter: self.reporter_id,
                },
            )
            .is_ok()
    }

    /// Cuts out who reported an anonymous deviation for those who may not
    /// see it: the reporter, the concerned person when that is the reporter,
    /// and the actor of the report in the trail.
    pub fn redact_for(mut self, actor: &Actor) -> Deviation {
        if !self.reporter_visible_to(actor) {
            self.reporter = None;
            if self.person_id == self.reporter_id {
                self.person = None;
            }
            for e in &mut self.events {
                if e.actor.as_ref().is_some_and(|a| a.id == self.reporter_id) {
                    e.actor = None;
                }
            }
        }
        self
    }

    fn read_action(&self, security_role: bool) -> Action<'_> {
        Action::ReadDeviation {
            reporter: self.reporter_id,
            person_id: self.person_id,
            responsible: self.responsible.as_ref().map(|r| r.id),
            unit_path: &self.unit_path,
            security_role: security_role && self.is_serious_security(),
        }
    }

    fn handle_action(&self) -> Action<'_> {
        Action::HandleDeviation {
            reporter: self.reporter_id,
            person_id: self.person_id,
            responsible: self.responsible.as_ref().map(|r| r.id),
            unit_path: &self.unit_path,
        }
    }
}

/// A deviation as reported (`POST /api/v1/deviations`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct DeviationInput {
    /// `work_environment`, `information_security`, `presence`, `equipment` or `other`.
    pub kind: String,
    pub description: String,
    /// The day it happened, YYYY-MM-DD; not in the future.
    pub date: String,
    #[serde(default)]
    pub serious: bool,
    /// Anonymous to the unit (if the policy allows it).
    #[serde(default)]
    pub anonymous: bool,
    /// The id of the person it concerns (default: you).
    #[serde(default)]
    pub person: Option<String>,
}

/// A report after parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDeviation {
    pub kind: DeviationKind,
    pub description: String,
    pub date: Date,
    pub serious: bool,
    pub anonymous: bool,
    pub person: Option<Uuid>,
}

/// A text that must be given and not too long.
pub fn required_text(field: &str, s: &str) -> CoreResult<String> {
    let t = s.trim().replace("\r\n", "\n");
    if t.is_empty() {
        return Err(CoreError::invalid(field, "is required"));
    }
    if t.chars().count() > MAX_TEXT {
        return Err(CoreError::invalid(
            field,
            format!("must be at most {MAX_TEXT} characters"),
        ));
    }
    Ok(t)
}

impl DeviationInput {
    /// Checks the shape; the error names the field.
    pub fn parse(&self, today: Date) -> CoreResult<NewDeviation> {
        let kind = DeviationKind::parse(&self.kind).ok_or_else(|| {
            CoreError::invalid(
                "kind",
                format!(
                    "\"{}\" is not a kind (work_environment, information_security, presence, equipment, other)",
                    self.kind
                ),
            )
        })?;
        let date = parse_date("date", &self.date)?;
        if date > today {
            return Err(CoreError::invalid("date", "must not be in the future"));
        }
        let description = required_text("description", &self.description)?;
        let person = match self.person.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(
                Uuid::parse_str(s)
                    .map_err(|_| CoreError::invalid("person", format!("\"{s}\" is not an id")))?,
            ),
        };
        Ok(NewDeviation {
            kind,
            description,
            date,
            serious: self.serious,
            anonymous: self.anonymous,
            person,
        })
    }
}

/// Which deviations a list covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviationScope {
    /// Every deviation (HR).
    All,
    /// Those the person reported, is responsible for, that concern people at
    /// or below these unit paths (except themselves), and — with
    /// `security` — every serious information-security deviation.
    Of {
        person: Uuid,
        under: Vec<String>,
        security: bool,
    },
    /// Only those this person must handle now: responsible for, or of
    /// people at or below these paths (not reported by or about them).
    ToHandle { person: Uuid, under: Vec<String> },
    /// Only those this person reported.
    ReportedBy(Uuid),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviationFilter {
    pub scope: DeviationScope,
    pub state: Option<StateFilter>,
}

fn audit(actor: &Actor, action: &str, id: Uuid, after: serde_json::Value) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: Some(actor.person_id),
        actor: actor.name.clone(),
        action: action.into(),
        entity: "deviation".into(),
        entity_id: id.to_string(),
        before: None,
        after: Some(after),
    }
}

fn unit_chain(path: &str) -> Vec<Uuid> {
    path.split('/')
        .filter_map(|s| Uuid::parse_str(s).ok())
        .collect()
}

fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(300).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

impl Core {
    async fn deviation_policy(&self) -> CoreResult<crate::policy::PolicyVersion> {
        self.store
            .policy_on(self.today())
            .await?
            .ok_or_else(|| CoreError::Internal("no policy version in force".into()))
    }

    /// The personnel manager responsible for deviations about `person`: the
    /// manager of the nearest unit upwards who is neither the person nor the
    /// reporter. `None`: nobody above, so HR handles it.
    pub async fn deviation_manager(
        &self,
        person: &PersonRecord,
        reporter: Uuid,
    ) -> CoreResult<Option<PersonRef>> {
        for unit in unit_chain(&person.unit_path).into_iter().rev() {
            let Some(u) = self.store.unit(unit).await? else {
                continue;
            };
            if let Some(m) = u.unit.manager {
                if m.id != person.person.id && m.id != reporter {
                    return Ok(Some(m));
                }
            }
        }
        Ok(None)
    }

    /// Whether `actor` holds one of the roles the policy tells of serious
    /// information-security deviations.
    async fn holds_security_role(&self, actor: &Actor) -> CoreResult<bool> {
        let policy = self.deviation_policy().await?;
        Ok(policy
            .rules
            .security_deviation_roles
            .iter()
            .any(|r| actor.roles.iter().any(|a| a.as_str() == r)))
    }

    /// Reports a deviation. It goes at once to the responsible manager (or
    /// HR), and a serious information-security one also to the holders of
    /// the policy's roles, in the same transaction as the report.
    pub async fn report_deviation(
        &self,
        actor: &Actor,
        input: &DeviationInput,
    ) -> CoreResult<Deviation> {
        let today = self.today();
        let n = input.parse(today)?;
        let policy = self.deviation_policy().await?;
        if n.anonymous && !policy.rules.deviation_reporter_anonymity {
            return Err(CoreError::Rule {
                field: Some("anonymous".into()),
                message: "the policy does not allow anonymous reports: report it in your own name"
                    .into(),
            });
        }
        let person_id = n.person.unwrap_or(actor.person_id);
        let person = self
            .store
            .person(person_id)
            .await?
            .ok_or_else(|| CoreError::invalid("person", "no such person"))?;
        if access::person_visibility(actor, person_id, &person.unit_path)
            == access::Visibility::None
        {
            return Err(CoreError::invalid("person", "no such person"));
        }
        let responsible = self.deviation_manager(&person, actor.person_id).await?;
        let now = self.now();
        let me = PersonRef {
            id: actor.person_id,
            name: actor.name.clone(),
        };
        let d = Deviation {
            id: Uuid::now_v7(),
            kind: n.kind,
            description: n.description,
            date: n.date,
            serious: n.serious,
            anonymous: n.anonymous,
            person: Some(PersonRef {
                id: person_id,
                name: person.person.name(),
            }),
            unit: person.unit.clone(),
            reporter: Some(me.clone()),
            responsible: responsible.clone(),
            state: DeviationState::Reported,
            action: None,
            policy_version: policy.version,
            created_at: now,
            version: 1,
            events: vec![DeviationEvent {
                at: now,
                actor: Some(me),
                kind: "reported".into(),
                text: None,
            }],
            reporter_id: actor.person_id,
            person_id,
            unit_path: person.unit_path.clone(),
        };

        // Who is told: the responsible manager (or HR), and for a serious
        // information-security deviation the holders of the policy's roles.
        let reporter_shown = if d.anonymous {
            "anonym rapportör".to_string()
        } else {
            actor.name.clone()
        };
        let concerns = if d.anonymous && person_id == actor.person_id {
            String::new()
        } else {
            format!(" Den gäller {}.", person.person.name())
        };
        let subject = format!(
            "{}Avvikelse ({}) i {}",
            if d.serious { "Allvarlig: " } else { "" },
            d.kind.swedish(),
            d.unit.name
        );
        let body = format!(
            "En avvikelse ({}) har rapporterats av {} den {}, inträffad {}.{}\n\n{}\n\nÖppna avvikelsen: /avvikelser/{}",
            d.kind.swedish(),
            reporter_shown,
            now.date(),
            d.date,
            concerns,
            excerpt(&d.description),
            d.id
        );
        let link = format!("/avvikelser/{}", d.id);
        let mut notices: Vec<Notice> = vec![];
        let mut told: Vec<Uuid> = vec![actor.person_id];
        let mut tell = |id: Uuid, email: Option<String>, kind: &str, told: &mut Vec<Uuid>| {
            if !told.contains(&id) {
                told.push(id);
                notices.push(Notice {
                    person_id: id,
                    email,
                    kind: kind.into(),
                    subject: subject.clone(),
                    body: body.clone(),
                    link: link.clone(),
                });
            }
        };
        match &responsible {
            Some(m) => {
                let email = self.store.person(m.id).await?.and_then(|r| r.person.email);
                tell(m.id, email, "deviation_reported", &mut told);
            }
            None => {
                for (p, email) in self.store.people_with_role(Role::Hr.as_str()).await? {
                    if p.id != person_id {
                        tell(p.id, email, "deviation_reported", &mut told);
                    }
                }
            }
        }
        if d.is_serious_security() {
            for role in &policy.rules.security_deviation_roles {
                for (p, email) in self.store.people_with_role(role).await? {
                    tell(p.id, email, "deviation_security", &mut told);
                }
            }
        }
        let a = audit(
            actor,
            "deviation.report",
            d.id,
            json!({
                "kind": d.kind, "date": d.date.to_string(), "serious": d.serious,
                "anonymous": d.anonymous, "person": person_id, "reporter": actor.person_id,
                "responsible": responsible.as_ref().map(|r| r.id), "policy_version": policy.version,
                "notified": told.len() - 1,
            }),
        );
        self.store.insert_deviation(&d, &notices, a).await?;
        Ok(d)
    }

    /// A deviation as `actor` may see it; 404 for those who may not.
    pub async fn deviation(&self, actor: &Actor, id: Uuid) -> CoreResult<Deviation> {
        let d = self.deviation_for(actor, id).await?;
        Ok(d.redact_for(actor))
    }

    async fn deviation_for(&self, actor: &Actor, id: Uuid) -> CoreResult<Deviation> {
        let d = self
            .store
            .deviation(id)
            .await?
            .ok_or(CoreError::NotFound("deviation"))?;
        let security = d.is_serious_security() && self.holds_security_role(actor).await?;
        access::authorize(actor, d.read_action(security))
            .map_err(|_| CoreError::NotFound("deviation"))?;
        Ok(d)
    }

    /// May `actor` acknowledge and close this deviation?
    pub fn may_handle_deviation(&self, actor: &Actor, d: &Deviation) -> bool {
        d.state != DeviationState::Closed && access::authorize(actor, d.handle_action()).is_ok()
    }

    /// Deviations `actor` may see (HR: all), newest first.
    pub async fn deviations(
        &self,
        actor: &Actor,
        state: Option<StateFilter>,
        paging: Paging,
    ) -> CoreResult<Page<Deviation>> {
        let scope = if actor.has(Role::Hr) {
            DeviationScope::All
        } else {
            DeviationScope::Of {
                person: actor.person_id,
                under: actor.manages.iter().map(|m| m.path.clone()).collect(),
                security: self.holds_security_role(actor).await?,
            }
        };
        let page = self
            .store
            .deviations(&DeviationFilter { scope, state }, paging)
            .await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|d| d.redact_for(actor))
                .collect(),
            total: page.total,
            next: page.next,
        })
    }

    /// Deviations `actor` handles as a manager (responsible, or of their
    /// units, not reported by or about them); HR: all.
    pub async fn deviations_to_handle(
        &self,
        actor: &Actor,
        state: Option<StateFilter>,
        paging: Paging,
    ) -> CoreResult<Page<Deviation>> {
        let scope = if actor.has(Role::Hr) {
            DeviationScope::All
        } else {
            DeviationScope::ToHandle {
                person: actor.person_id,
                under: actor.manages.iter().map(|m| m.path.clone()).collect(),
            }
        };
        let page = self
            .store
            .deviations(&DeviationFilter { scope, state }, paging)
            .await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|d| d.redact_for(actor))
                .collect(),
            total: page.total,
            next: page.next,
        })
    }

    /// The deviations `actor` reported.
    pub async fn my_deviation_reports(
        &self,
        actor: &Actor,
        state: Option<StateFilter>,
        paging: Paging,
    ) -> CoreResult<Page<Deviation>> {
        let page = self
            .store
            .deviations(
                &DeviationFilter {
                    scope: DeviationScope::ReportedBy(actor.person_id),
                    state,
                },
                paging,
            )
            .await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|d| d.redact_for(actor))
                .collect(),
            total: page.total,
            next: page.next,
        })
    }

    /// How many deviations wait for `actor`'s acknowledgement (0 for those
    /// who handle none).
    pub async fn deviations_awaiting(&self, actor: &Actor) -> CoreResult<i64> {
        if actor.manages.is_empty() && !actor.has(Role::Hr) {
            return Ok(0);
        }
        let scope = if actor.has(Role::Hr) {
            DeviationScope::All
        } else {
            DeviationScope::ToHandle {
                person: actor.person_id,
                under: actor.manages.iter().map(|m| m.path.clone()).collect(),
            }
        };
        Ok(self
            .store
            .deviations(
                &DeviationFilter {
                    scope,
                    state: Some(StateFilter::Only(DeviationState::Reported)),
                },
                Paging {
                    limit: 1,
                    offset: 0,
                },
            )
            .await?
            .total)
    }

    /// The reporter's notice of a change.
    async fn reporter_notice(&self, d: &Deviation, kind: &str, what: &str) -> CoreResult<Notice> {
        let email = self
            .store
            .person(d.reporter_id)
            .await?
            .and_then(|r| r.person.email);
        let mut body = format!(
            "Avvikelsen ({}) som du rapporterade {} har {}.",
            d.kind.swedish(),
            d.created_at.date(),
            what
        );
        if let Some(a) = &d.action {
            body.push_str(&format!("\n\nÅtgärd: {}", excerpt(a)));
        }
        body.push_str(&format!("\n\nÖppna avvikelsen: /avvikelser/{}", d.id));
        Ok(Notice {
            person_id: d.reporter_id,
            email,
            kind: kind.into(),
            subject: format!("Din avvikelse har {what}"),
            body,
            link: format!("/avvikelser/{}", d.id),
        })
    }

    /// The responsible manager (or one above, or HR) acknowledges it.
    /// `expected`: the version the caller saw (409 if it changed since).
    pub async fn acknowledge_deviation(
        &self,
        actor: &Actor,
        id: Uuid,
        expected: Option<i64>,
    ) -> CoreResult<Deviation> {
        let d = self.deviation_for(actor, id).await?;
        access::authorize(actor, d.handle_action())?;
        if let Some(v) = expected {
            if v != d.version {
                return Err(CoreError::Conflict(
                    "the deviation was changed by someone else meanwhile; reload it".into(),
                ));
            }
        }
        if d.state != DeviationState::Reported {
            return Err(CoreError::Conflict(format!(
                "the deviation is already {}",
                d.state.as_str()
            )));
        }
        let now = self.now();
        let me = PersonRef {
            id: actor.person_id,
            name: actor.name.clone(),
        };
        let mut next = d.clone();
        next.state = DeviationState::Acknowledged;
        let event = DeviationEvent {
            at: now,
            actor: Some(me),
            kind: "acknowledged".into(),
            text: None,
        };
        next.events.push(event.clone());
        let notices = if d.reporter_id == actor.person_id {
            vec![]
        } else {
            vec![
                self.reporter_notice(&next, "deviation_acknowledged", "tagits emot")
                    .await?,
            ]
        };
        let a = audit(
            actor,
            "deviation.acknowledge",
            d.id,
            json!({"state": "acknowledged"}),
        );
        self.store
            .update_deviation(&next, d.version, &[event], &notices, a)
            .await?;
        next.version = d.version + 1;
        Ok(next.redact_for(actor))
    }

    /// Closes it with the action taken; an unacknowledged one is
    /// acknowledged at the same moment (both in the trail).
    pub async fn close_deviation(
        &self,
        actor: &Actor,
        id: Uuid,
        action: &str,
        expected: Option<i64>,
    ) -> CoreResult<Deviation> {
        let d = self.deviation_for(actor, id).await?;
        access::authorize(actor, d.handle_action())?;
        let action = required_text("action", action)?;
        if let Some(v) = expected {
            if v != d.version {
                return Err(CoreError::Conflict(
                    "the deviation was changed by someone else meanwhile; reload it".into(),
                ));
            }
        }
        if d.state == DeviationState::Closed {
            return Err(CoreError::Conflict(
                "the deviation is already closed".into(),
            ));
        }
        let now = self.now();
        let me = PersonRef {
            id: actor.person_id,
            name: actor.name.clone(),
        };
        let mut events = vec![];
        if d.state == DeviationState::Reported {
            events.push(DeviationEvent {
                at: now,
                actor: Some(me.clone()),
                kind: "acknowledged".into(),
                text: Some("vid avslut".into()),
            });
        }
        events.push(DeviationEvent {
            at: now,
            actor: Some(me),
            kind: "closed".into(),
            text: Some(action.clone()),
        });
        let mut next = d.clone();
        next.state = DeviationState::Closed;
        next.action = Some(action.clone());
        next.events.extend(events.iter().cloned());
        let notices = if d.reporter_id == actor.person_id {
            vec![]
        } else {
            vec![
                self.reporter_notice(&next, "deviation_closed", "avslutats")
                    .await?,
            ]
        };
        let a = audit(
            actor,
            "deviation.close",
            d.id,
            json!({"state": "closed", "action": action, "acknowledged_implicitly": d.state == DeviationState::Reported}),
        );
        self.store
            .update_deviation(&next, d.version, &events, &notices, a)
            .await?;
        next.version = d.version + 1;
        Ok(next.redact_for(actor))
    }

    /// Whether the policy in force lets reporters be anonymous (for the form).
    pub async fn deviation_anonymity_allowed(&self) -> CoreResult<bool> {
        Ok(self
            .deviation_policy()
            .await?
            .rules
            .deviation_reporter_anonymity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyRules;
    use time::macros::date;

    fn input(kind: &str, description: &str, day: &str) -> DeviationInput {
        DeviationInput {
            kind: kind.into(),
            description: description.into(),
            date: day.into(),
            ..Default::default()
        }
    }

    #[test]
    fn bad_input_names_the_field() {
        let today = date!(2026 - 03 - 10);
        let ok = input("presence", " Kom inte till APT ", "2026-03-10")
            .parse(today)
            .unwrap();
        assert_eq!(ok.kind, DeviationKind::Presence);
        assert_eq!(ok.description, "Kom inte till APT");
        let field = |i: DeviationInput| i.parse(today).unwrap_err().field().map(String::from);
        assert_eq!(
            field(input("fire", "x", "2026-03-01")).as_deref(),
            Some("kind")
        );
        assert_eq!(
            field(input("other", "  ", "2026-03-01")).as_deref(),
            Some("description")
        );
        assert_eq!(
            field(input("other", &"x".repeat(MAX_TEXT + 1), "2026-03-01")).as_deref(),
            Some("description")
        );
        assert_eq!(
            field(input("other", "x", "2026-03-11")).as_deref(),
            Some("date")
        );
        assert_eq!(field(input("other", "x", "igår")).as_deref(), Some("date"));
        let mut i = input("other", "x", "2026-03-01");
        i.person = Some("nobody".into());
        assert_eq!(field(i).as_deref(), Some("person"));
        assert!(StateFilter::parse("open").is_ok());
        assert_eq!(
            StateFilter::parse("done").unwrap_err().field(),
            Some("state")
        );
    }

    #[test]
    fn policy_fields_default_and_validate() {
        // A version stored before these fields existed still reads, with the defaults.
        let mut v = serde_json::to_value(PolicyRules::default()).unwrap();
        let o = v.as_object_mut().unwrap();
        o.remove("security_deviation_roles");
        o.remove("deviation_reporter_anonymity");
        let r: PolicyRules = serde_json::from_value(v).unwrap();
        assert_eq!(r.security_deviation_roles, vec!["admin".to_string()]);
        assert!(r.deviation_reporter_anonymity);
        let mut r = PolicyRules::default();
        r.security_deviation_roles = vec!["hr".into(), "admin".into()];
        assert!(r.validate().is_ok());
        r.security_deviation_roles = vec!["hr".into(), "janitor".into()];
        assert_eq!(
            r.validate().unwrap_err().field(),
            Some("security_deviation_roles[1]")
        );
        r.security_deviation_roles = vec!["hr".into(), "hr".into()];
        assert!(r.validate().is_err());
    }
}
