//! Uppföljning: follow-ups scheduled from agreements (a risk assessment at
//! the start, then the follow-up checklist every `follow_up_interval_months`)
//! and from development talks; answered together by the employee and a
//! manager (or HR); answers that reveal a risk become actions with an owner
//! and a due date; reminders when a follow-up is due soon or late.
//!
//! Access is asked of [`crate::access`]; every change is one store call
//! (one transaction) with its audit entry and notices.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{Date, Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{self, Action};
use crate::agreement::{Agreement, AgreementState};
use crate::audit::NewAuditEntry;
use crate::checklist::{self, ChecklistInput, ChecklistTemplate};
use crate::error::{CoreError, CoreResult};
use crate::model::{Actor, Page, Paging, PersonRef, Role};
use crate::request::Notice;
use crate::store::PersonRecord;
use crate::Core;

/// Open-ended agreements get follow-ups for this many months from the start.
pub const OPEN_ENDED_MONTHS: u32 = 24;
/// Days before the due date that the parties are reminded.
pub const REMIND_DAYS_AHEAD: i64 = 7;
/// An action's default time to be done, in days.
pub const ACTION_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    /// The work-environment risk assessment of the remote workplace, at the start.
    RiskAssessment,
    /// The regular follow-up ("Distansarbete uppföljning").
    FollowUp,
    /// A follow-up held at the development talk (medarbetarsamtal).
    DevelopmentTalk,
}

impl FollowUpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpKind::RiskAssessment => "risk_assessment",
            FollowUpKind::FollowUp => "follow_up",
            FollowUpKind::DevelopmentTalk => "development_talk",
        }
    }
    pub fn parse(s: &str) -> FollowUpKind {
        match s {
            "risk_assessment" => FollowUpKind::RiskAssessment,
            "development_talk" => FollowUpKind::DevelopmentTalk,
            _ => FollowUpKind::FollowUp,
        }
    }
    /// The checklist it is answered with.
    pub fn template_key(self) -> &'static str {
        match self {
            FollowUpKind::RiskAssessment => checklist::RISK_ASSESSMENT,
            _ => checklist::FOLLOW_UP,
        }
    }
}

/// Stored: `open`, `done`, `cancelled`; shown: an open one is `due` or,
/// after its due date, `overdue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpState {
    Due,
    Overdue,
    Done,
    Cancelled,
}

impl FollowUpState {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpState::Due => "due",
            FollowUpState::Overdue => "overdue",
            FollowUpState::Done => "done",
            FollowUpState::Cancelled => "cancelled",
        }
    }
    /// The stored value (`open` for due and overdue).
    pub fn stored(self) -> &'static str {
        match self {
            FollowUpState::Due | FollowUpState::Overdue => "open",
            FollowUpState::Done => "done",
            FollowUpState::Cancelled => "cancelled",
        }
    }
    /// From the stored value and the due date, on `today`.
    pub fn of(stored: &str, due: Date, today: Date) -> FollowUpState {
        match stored {
            "done" => FollowUpState::Done,
            "cancelled" => FollowUpState::Cancelled,
            _ if due < today => FollowUpState::Overdue,
            _ => FollowUpState::Due,
        }
    }
    pub fn is_open(self) -> bool {
        matches!(self, FollowUpState::Due | FollowUpState::Overdue)
    }
}

/// A party's confirmation of the answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Confirmation {
    pub by: PersonRef,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
}

/// A follow-up of a person (uppföljning, riskbedömning or development talk).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FollowUp {
    pub id: Uuid,
    pub kind: FollowUpKind,
    pub person: PersonRef,
    #[serde(skip)]
    pub unit_path: String,
    pub agreement_id: Option<Uuid>,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    pub state: FollowUpState,
    /// The checklist it is answered with.
    pub template_key: String,
    /// The version answered (set by the first save of answers).
    pub template_version: Option<i64>,
    /// Question id → answer ("yes"/"no", 1–5 or text).
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, Value>,
    /// Question id → a comment.
    pub comments: BTreeMap<String, String>,
    /// The employee's confirmation of the answers as stored.
    pub employee_confirmed: Option<Confirmation>,
    /// A manager's (or HR's) confirmation of the answers as stored.
    pub manager_confirmed: Option<Confirmation>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<OffsetDateTime>,
    /// Open actions from this follow-up.
    pub open_actions: i64,
    pub version: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionState {
    Open,
    Closed,
}

impl ActionState {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionState::Open => "open",
            ActionState::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> ActionState {
        if s == "closed" {
            ActionState::Closed
        } else {
            ActionState::Open
        }
    }
}

/// An action to remove a risk a follow-up revealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FollowUpAction {
    pub id: Uuid,
    pub followup_id: Uuid,
    /// Whose follow-up it came from.
    pub person: PersonRef,
    #[serde(skip)]
    pub unit_path: String,
    pub question_id: String,
    pub description: String,
    pub owner: PersonRef,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    pub state: ActionState,
    /// What was done (when closed).
    pub note: Option<String>,
    pub closed_by: Option<PersonRef>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    pub version: i64,
}

/// Follow-ups an agreement's change adds and cancels, written by the same
/// transaction as the change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FollowUpSchedule {
    pub add: Vec<FollowUp>,
    /// Cancel this agreement's open follow-ups due after this day.
    pub cancel_after: Option<(Uuid, Date)>,
}

/// Whose follow-ups a list covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUpScope {
    /// Everyone (HR).
    All,
    /// This person's own, those of people at or below these unit paths,
    /// and (for actions) those this person owns.
    Mine { person: Uuid, under: Vec<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    /// Due or overdue.
    Open,
    Due,
    Overdue,
    Done,
    Cancelled,
}

impl StateFilter {
    pub fn parse(s: &str) -> CoreResult<StateFilter> {
        Ok(match s {
            "open" => StateFilter::Open,
            "due" => StateFilter::Due,
            "overdue" => StateFilter::Overdue,
            "done" => StateFilter::Done,
            "cancelled" => StateFilter::Cancelled,
            _ => {
                return Err(CoreError::invalid(
                    "state",
                    "must be open, due, overdue, done or cancelled",
                ))
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpFilter {
    pub scope: FollowUpScope,
    pub person: Option<Uuid>,
    pub agreement: Option<Uuid>,
    /// Due on or before this day.
    pub due_before: Option<Date>,
    pub state: Option<StateFilter>,
    /// For `due`/`overdue`.
    pub today: Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionFilter {
    pub scope: FollowUpScope,
    pub state: Option<ActionState>,
    pub followup: Option<Uuid>,
}

/// Answers sent by a party (`POST /api/v1/followups/{id}/answers`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct AnswersInput {
    /// Question id → answer: "yes"/"no" (or true/false), 1–5, or text.
    /// Replaces the stored answers; a missing or empty one is unanswered.
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, Value>,
    /// Question id → a comment (for an action: what the risk is about).
    #[serde(default)]
    pub comments: BTreeMap<String, String>,
    /// Confirm these answers as your party's. The follow-up is done when the
    /// employee and a manager (or HR) have both confirmed the same answers.
    #[serde(default)]
    pub complete: bool,
    /// The follow-up's version you edited: 409 if someone saved meanwhile.
    pub version: Option<i64>,
}

/// A follow-up with what its page shows.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FollowUpDetail {
    #[serde(flatten)]
    pub followup: FollowUp,
    /// The checklist version answered, or the current one if none yet.
    pub template: ChecklistTemplate,
    pub actions: Vec<FollowUpAction>,
    /// `employee`, `manager` or null: the caller's party.
    pub party: Option<String>,
}

/// Which side of a follow-up someone takes part as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Employee,
    Manager,
}

impl Party {
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Employee => "employee",
            Party::Manager => "manager",
        }
    }
}

/// `d` plus `months`, the day clamped to the month's length (31 Jan + 1 = 28/29 Feb).
pub fn add_months(d: Date, months: u32) -> Date {
    let total = d.year() * 12 + (d.month() as i32 - 1) + months as i32;
    let (y, m) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
    let month = time::Month::try_from(m).unwrap_or(time::Month::January);
    let last = month.length(y);
    Date::from_calendar_date(y, month, d.day().min(last)).unwrap_or(d)
}

fn new_followup(
    kind: FollowUpKind,
    person: PersonRef,
    unit_path: &str,
    agreement: Option<Uuid>,
    due: Date,
) -> FollowUp {
    FollowUp {
        id: Uuid::now_v7(),
        kind,
        person,
        unit_path: unit_path.to_string(),
        agreement_id: agreement,
        due,
        state: FollowUpState::Due,
        template_key: kind.template_key().to_string(),
        template_version: None,
        answers: BTreeMap::new(),
        comments: BTreeMap::new(),
        employee_confirmed: None,
        manager_confirmed: None,
        completed_at: None,
        open_actions: 0,
        version: 1,
    }
}

/// The follow-ups of an agreement that has just become active: a risk
/// assessment due on its first day, then a follow-up every
/// `interval_months` from the start up to its last day (open-ended: for
/// [`OPEN_ENDED_MONTHS`]); a period shorter than the interval gets one
/// follow-up on its last day.
pub fn schedule(g: &Agreement, unit_path: &str, interval_months: u8) -> Vec<FollowUp> {
    let person = PersonRef {
        id: g.person_id,
        name: g.person_name.clone(),
    };
    let mut out = vec![new_followup(
        FollowUpKind::RiskAssessment,
        person.clone(),
        unit_path,
        Some(g.id),
        g.start,
    )];
    let interval = u32::from(interval_months.max(1));
    let until = g
        .last_day()
        .unwrap_or_else(|| add_months(g.start, OPEN_ENDED_MONTHS));
    let mut k = 1;
    loop {
        let due = add_months(g.start, interval * k);
        if due > until {
            break;
        }
        out.push(new_followup(
            FollowUpKind::FollowUp,
            person.clone(),
            unit_path,
            Some(g.id),
            due,
        ));
        k += 1;
    }
    if out.len() == 1 && until > g.start {
        out.push(new_followup(
            FollowUpKind::FollowUp,
            person,
            unit_path,
            Some(g.id),
            until,
        ));
    }
    out
}

fn audit(actor: &Actor, action: &str, entity: &str, id: impl ToString) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: Some(actor.person_id),
        actor: actor.name.clone(),
        action: action.into(),
        entity: entity.into(),
        entity_id: id.to_string(),
        before: None,
        after: None,
    }
}

fn system_audit(action: &str, entity: &str, id: impl ToString) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: None,
        actor: "system".into(),
        action: action.into(),
        entity: entity.into(),
        entity_id: id.to_string(),
        before: None,
        after: None,
    }
}

fn notice(to: &PersonRecord, kind: &str, subject: String, body: String, link: String) -> Notice {
    Notice {
        person_id: to.person.id,
        email: to.person.email.clone(),
        kind: kind.into(),
        subject,
        body,
        link,
    }
}

/// The kind's name in the Swedish notices.
fn kind_sv(k: FollowUpKind) -> &'static str {
    match k {
        FollowUpKind::RiskAssessment => "Riskbedömning av distansarbetsplatsen",
        FollowUpKind::FollowUp => "Uppföljning av distansarbetet",
        FollowUpKind::DevelopmentTalk => "Uppföljning vid medarbetarsamtalet",
    }
}

fn scope_of(actor: &Actor) -> FollowUpScope {
    if actor.has(Role::Hr) {
        FollowUpScope::All
    } else {
        FollowUpScope::Mine {
            person: actor.person_id,
            under: actor.manages.iter().map(|m| m.path.clone()).collect(),
        }
    }
}

/// What a list of follow-ups asks for (the API's query).
#[derive(Debug, Clone, Default)]
pub struct FollowUpQuery {
    pub due_before: Option<Date>,
    pub state: Option<StateFilter>,
    pub person: Option<Uuid>,
    pub agreement: Option<Uuid>,
}

impl Core {
    // Checklists.

    /// Makes sure every checklist has a version (first start).
    pub async fn ensure_checklist_defaults(&self) -> CoreResult<()> {
        for key in checklist::KEYS {
            if self.store.checklist(key, None).await?.is_none() {
                if let Some((title, questions)) = checklist::default_template(key) {
                    let t = ChecklistTemplate {
                        key: (*key).to_string(),
                        version: 1,
                        title,
                        questions,
                        created_at: self.now(),
                        created_by: "system".into(),
                    };
                    let mut a = system_audit("checklist.create", "checklist", key);
                    a.after = Some(serde_json::json!({"version": 1}));
                    match self.store.save_checklist(&t, 0, a).await {
                        // Another server made it first.
                        Ok(_) | Err(CoreError::Conflict(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        Ok(())
    }

    /// The current version of each checklist.
    pub async fn checklists(&self, _actor: &Actor) -> CoreResult<Vec<ChecklistTemplate>> {
        self.store.checklists().await
    }

    pub fn may_edit_checklists(&self, actor: &Actor) -> bool {
        access::authorize(actor, Action::EditChecklists).is_ok()
    }

    /// A checklist's current version (or `version`).
    pub async fn checklist(
        &self,
        _actor: &Actor,
        key: &str,
        version: Option<i64>,
    ) -> CoreResult<ChecklistTemplate> {
        self.store
            .checklist(key, version)
            .await?
            .ok_or(CoreError::NotFound("checklist"))
    }

    /// Every version of a checklist, newest first.
    pub async fn checklist_versions(
        &self,
        _actor: &Actor,
        key: &str,
    ) -> CoreResult<Vec<ChecklistTemplate>> {
        let v = self.store.checklist_versions(key).await?;
        if v.is_empty() {
            return Err(CoreError::NotFound("checklist"));
        }
        Ok(v)
    }

    /// HR saves a checklist: a new version; the old ones are kept.
    pub async fn save_checklist(
        &self,
        actor: &Actor,
        key: &str,
        input: &ChecklistInput,
    ) -> CoreResult<ChecklistTemplate> {
        access::authorize(actor, Action::EditChecklists)?;
        let current = self
            .store
            .checklist(key, None)
            .await?
            .ok_or(CoreError::NotFound("checklist"))?;
        let expected = input.version.unwrap_or(current.version);
        let (title, questions) = checklist::validate(&input.title, &input.questions)?;
        let t = ChecklistTemplate {
            key: key.to_string(),
            version: expected + 1,
            title,
            questions,
            created_at: self.now(),
            created_by: actor.name.clone(),
        };
        let mut a = audit(actor, "checklist.update", "checklist", key);
        a.before = Some(serde_json::json!({"version": current.version}));
        a.after = Some(serde_json::json!({"version": t.version, "title": t.title,
            "questions": t.questions.iter().map(|q| q.id.clone()).collect::<Vec<_>>()}));
        self.store.save_checklist(&t, expected, a).await
    }

    // Scheduling, called by the agreement use cases.

    /// The follow-ups to add when `g` becomes active.
    pub(crate) async fn schedule_for_activation(
        &self,
        g: &Agreement,
    ) -> CoreResult<FollowUpSchedule> {
        let rec = self
            .store
            .person(g.person_id)
            .await?
            .ok_or(CoreError::NotFound("person"))?;
        let versions = self.store.policy_versions().await?;
        let months = match versions.iter().find(|v| v.version == g.policy_version) {
            Some(v) => v.rules.follow_up_interval_months,
            None => self
                .store
                .policy_on(self.today())
                .await?
                .map(|v| v.rules.follow_up_interval_months)
                .unwrap_or(6),
        };
        Ok(FollowUpSchedule {
            add: schedule(g, &rec.unit_path, months),
            cancel_after: None,
        })
    }

    // Follow-ups.

    fn party(&self, actor: &Actor, f: &FollowUp) -> Option<Party> {
        if actor.person_id == f.person.id {
            Some(Party::Employee)
        } else if access::authorize(
            actor,
            Action::AnswerFollowUp {
                person_id: f.person.id,
                unit_path: &f.unit_path,
            },
        )
        .is_ok()
        {
            Some(Party::Manager)
        } else {
            None
        }
    }

    async fn visible_followup(&self, actor: &Actor, id: Uuid) -> CoreResult<FollowUp> {
        let mut f = self
            .store
            .followup(id)
            .await?
            .ok_or(CoreError::NotFound("follow-up"))?;
        if access::authorize(
            actor,
            Action::ReadFollowUp {
                person_id: f.person.id,
                unit_path: &f.unit_path,
            },
        )
        .is_err()
        {
            return Err(CoreError::NotFound("follow-up"));
        }
        f.state = FollowUpState::of(f.state.stored(), f.due, self.today());
        Ok(f)
    }

    /// Follow-ups the actor may see: their own; as a manager, their units'
    /// people's; as HR, everyone's.
    pub async fn followups(
        &self,
        actor: &Actor,
        q: &FollowUpQuery,
        paging: Paging,
    ) -> CoreResult<Page<FollowUp>> {
        let today = self.today();
        let filter = FollowUpFilter {
            scope: scope_of(actor),
            person: q.person,
            agreement: q.agreement,
            due_before: q.due_before,
            // "Due before" asks for what is still to be done: open ones
            // (due or overdue) unless a state is named.
            state: q
                .state
                .or(q.due_before.map(|_| crate::followup::StateFilter::Open)),
            today,
        };
        let mut page = self.store.followups(&filter, paging).await?;
        for f in &mut page.items {
            f.state = FollowUpState::of(f.state.stored(), f.due, today);
        }
        Ok(page)
    }

    /// A follow-up with its checklist and actions.
    pub async fn followup(&self, actor: &Actor, id: Uuid) -> CoreResult<FollowUpDetail> {
        let f = self.visible_followup(actor, id).await?;
        let template = self
            .store
            .checklist(&f.template_key, f.template_version)
            .await?
            .ok_or(CoreError::NotFound("checklist"))?;
        let actions = self
            .store
            .followup_actions(
                &ActionFilter {
                    scope: FollowUpScope::All,
                    state: None,
                    followup: Some(f.id),
                },
                Paging {
                    limit: 100,
                    offset: 0,
                },
            )
            .await?
            .items;
        Ok(FollowUpDetail {
            party: self.party(actor, &f).map(|p| p.as_str().to_string()),
            followup: f,
            template,
            actions,
        })
    }

    /// A party saves answers and, with `complete`, confirms them. A change
    /// of answers clears the confirmations given before, so that both
    /// parties confirm what is stored; when the employee and a manager (or
    /// HR) have both confirmed, the follow-up is done and every answer that
    /// reveals a risk becomes an action owned by the manager who took part.
    pub async fn answer_followup(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &AnswersInput,
    ) -> CoreResult<FollowUp> {
        let f = self.visible_followup(actor, id).await?;
        let party = self.party(actor, &f).ok_or_else(|| {
            CoreError::forbidden("only the employee, their managers and HR answer a follow-up")
        })?;
        if !f.state.is_open() {
            return Err(CoreError::Conflict(format!(
                "the follow-up is {} and can no longer be answered",
                f.state.as_str()
            )));
        }
        if let Some(v) = input.version {
            if v != f.version {
                return Err(CoreError::Conflict(
                    "the follow-up was saved by someone else meanwhile; reload it".into(),
                ));
            }
        }
        let template = self
            .store
            .checklist(&f.template_key, f.template_version)
            .await?
            .ok_or(CoreError::NotFound("checklist"))?;
        let answers = checklist::normalise_answers(&template.questions, &input.answers)?;
        let mut comments = BTreeMap::new();
        for (k, v) in &input.comments {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            if !template.questions.iter().any(|q| &q.id == k) {
                return Err(CoreError::invalid(
                    format!("comments.{k}"),
                    "is not a question of this checklist",
                ));
            }
            if v.chars().count() > checklist::MAX_TEXT_ANSWER {
                return Err(CoreError::invalid(
                    format!("comments.{k}"),
                    "must be at most 2000 characters",
                ));
            }
            comments.insert(k.clone(), v.to_string());
        }
        if input.complete {
            if let Some(q) = checklist::missing_required(&template.questions, &answers) {
                return Err(CoreError::invalid(
                    format!("answers.{}", q.id),
                    format!("\"{}\" must be answered to complete", q.text),
                ));
            }
        }
        let now = self.now();
        let today = self.today();
        let changed = answers != f.answers || comments != f.comments;
        let mut next = f.clone();
        next.answers = answers;
        next.comments = comments;
        next.template_version = Some(template.version);
        if changed {
            next.employee_confirmed = None;
            next.manager_confirmed = None;
        }
        let me = Confirmation {
            by: PersonRef {
                id: actor.person_id,
                name: actor.name.clone(),
            },
            at: now,
        };
        if input.complete {
            match party {
                Party::Employee => next.employee_confirmed = Some(me),
                Party::Manager => next.manager_confirmed = Some(me),
            }
        }
        let employee = self.followup_person(f.person.id).await?;
        let link = format!("/uppfoljningar/{}", f.id);
        let mut notices = vec![];
        let mut actions = vec![];
        let done = next.employee_confirmed.is_some() && next.manager_confirmed.is_some();
        if done {
            next.state = FollowUpState::Done;
            next.completed_at = Some(now);
            let owner_ref = next
                .manager_confirmed
                .as_ref()
                .map(|c| c.by.clone())
                .unwrap_or_else(|| me_ref(actor));
            let owner = self.followup_person(owner_ref.id).await?;
            for q in checklist::risks(&template.questions, &next.answers) {
                let answer = next
                    .answers
                    .get(&q.id)
                    .map(checklist::answer_text)
                    .unwrap_or_default();
                let mut description = format!("{} Svar: {answer}.", q.text);
                if let Some(c) = next.comments.get(&q.id) {
                    description.push_str(&format!(" Kommentar: {c}"));
                }
                actions.push(FollowUpAction {
                    id: Uuid::now_v7(),
                    followup_id: f.id,
                    person: f.person.clone(),
                    unit_path: f.unit_path.clone(),
                    question_id: q.id.clone(),
                    description,
                    owner: owner_ref.clone(),
                    due: today + Duration::days(ACTION_DAYS),
                    state: ActionState::Open,
                    note: None,
                    closed_by: None,
                    closed_at: None,
                    created_at: now,
                    version: 1,
                });
            }
            if !actions.is_empty() {
                notices.push(notice(
                    &owner,
                    "followup_action",
                    format!("Åtgärder efter uppföljning: {}", f.person.name),
                    format!(
                        "{} för {} visade {} risk(er) som blivit åtgärder med dig som ansvarig. {link}",
                        kind_sv(f.kind),
                        f.person.name,
                        actions.len()
                    ),
                    link.clone(),
                ));
            }
        } else if input.complete {
            // Ask the other party to confirm.
            let other = match party {
                Party::Employee => match &employee.manager {
                    Some(m) => self.store.person(m.id).await?,
                    None => None,
                },
                Party::Manager => Some(employee.clone()),
            };
            if let Some(o) = other.filter(|o| o.person.id != actor.person_id) {
                notices.push(notice(
                    &o,
                    "followup_confirm",
                    format!("{}: bekräfta svaren", kind_sv(f.kind)),
                    format!(
                        "{} har bekräftat svaren i {} för {}. Gå igenom och bekräfta du också: {link}",
                        actor.name,
                        kind_sv(f.kind).to_lowercase(),
                        f.person.name
                    ),
                    link.clone(),
                ));
            }
        }
        let mut a = audit(actor, "followup.answer", "followup", f.id);
        a.after = Some(serde_json::json!({
            "party": party.as_str(),
            "complete": input.complete,
            "changed": changed,
            "template": f.template_key,
            "template_version": template.version,
            "state": next.state.stored(),
            "answers": next.answers,
            "actions": actions.iter().map(|x| x.id).collect::<Vec<_>>(),
        }));
        self.store
            .save_followup(&next, f.version, &actions, &notices, a)
            .await?;
        self.visible_followup(actor, id).await
    }

    /// May the actor set a development talk for this agreement's employee?
    pub fn may_schedule_talk(&self, actor: &Actor, person_id: Uuid, unit_path: &str) -> bool {
        access::authorize(
            actor,
            Action::ScheduleDevelopmentTalk {
                person_id,
                unit_path,
            },
        )
        .is_ok()
    }

    /// The agreement (404 unless visible) and its employee, if the actor may
    /// set a development talk for it (else 403): checked before a form's
    /// input is.
    pub async fn check_development_talk(
        &self,
        actor: &Actor,
        agreement_id: Uuid,
    ) -> CoreResult<(Agreement, PersonRecord)> {
        let g = self.agreement(actor, agreement_id).await?;
        let rec = self.followup_person(g.person_id).await?;
        access::authorize(
            actor,
            Action::ScheduleDevelopmentTalk {
                person_id: g.person_id,
                unit_path: &rec.unit_path,
            },
        )?;
        Ok((g, rec))
    }

    /// The manager (or HR) sets the development talk of an agreement's
    /// employee: a follow-up of kind `development_talk` due that day.
    pub async fn schedule_development_talk(
        &self,
        actor: &Actor,
        agreement_id: Uuid,
        date: Date,
    ) -> CoreResult<FollowUp> {
        let (g, rec) = self.check_development_talk(actor, agreement_id).await?;
        if g.state != AgreementState::Active {
            return Err(CoreError::Conflict(format!(
                "the agreement is {}; development talks are set for active agreements",
                g.state.as_str()
            )));
        }
        let today = self.today();
        if date < today || date > today + Duration::days(730) {
            return Err(CoreError::invalid(
                "date",
                "must be from today and within two years",
            ));
        }
        let f = new_followup(
            FollowUpKind::DevelopmentTalk,
            PersonRef {
                id: g.person_id,
                name: g.person_name.clone(),
            },
            &rec.unit_path,
            Some(g.id),
            date,
        );
        let link = format!("/uppfoljningar/{}", f.id);
        let notices = vec![notice(
            &rec,
            "followup_scheduled",
            "Medarbetarsamtal med uppföljning av distansarbetet".into(),
            format!(
                "{} har satt ditt medarbetarsamtal till {date}. Då följer ni också upp distansarbetet: {link}",
                actor.name
            ),
            link,
        )];
        let mut a = audit(actor, "followup.schedule", "followup", f.id);
        a.after =
            Some(serde_json::json!({"kind": f.kind, "agreement": g.id, "due": date.to_string()}));
        self.store
            .insert_followups(std::slice::from_ref(&f), &notices, a)
            .await?;
        self.visible_followup(actor, f.id).await
    }

    // Actions.

    /// Actions the actor may see: of their own follow-ups, those they own,
    /// their units' people's; HR all.
    pub async fn actions(
        &self,
        actor: &Actor,
        state: Option<ActionState>,
        paging: Paging,
    ) -> CoreResult<Page<FollowUpAction>> {
        self.store
            .followup_actions(
                &ActionFilter {
                    scope: scope_of(actor),
                    state,
                    followup: None,
                },
                paging,
            )
            .await
    }

    async fn visible_action(&self, actor: &Actor, id: Uuid) -> CoreResult<FollowUpAction> {
        let x = self
            .store
            .followup_action(id)
            .await?
            .ok_or(CoreError::NotFound("action"))?;
        let sees = x.owner.id == actor.person_id
            || access::authorize(
                actor,
                Action::ReadFollowUp {
                    person_id: x.person.id,
                    unit_path: &x.unit_path,
                },
            )
            .is_ok();
        if !sees {
            return Err(CoreError::NotFound("action"));
        }
        Ok(x)
    }

    pub fn may_handle_action(&self, actor: &Actor, x: &FollowUpAction) -> bool {
        access::authorize(
            actor,
            Action::HandleFollowUpAction {
                owner_id: x.owner.id,
                unit_path: &x.unit_path,
            },
        )
        .is_ok()
    }

    /// The owner (or a manager of the person, or HR) closes an action with
    /// a note of what was done.
    pub async fn close_action(
        &self,
        actor: &Actor,
        id: Uuid,
        note: &str,
    ) -> CoreResult<FollowUpAction> {
        let x = self.visible_action(actor, id).await?;
        access::authorize(
            actor,
            Action::HandleFollowUpAction {
                owner_id: x.owner.id,
                unit_path: &x.unit_path,
            },
        )?;
        if x.state == ActionState::Closed {
            return Err(CoreError::Conflict("the action is already closed".into()));
        }
        let note = note.trim();
        if note.is_empty() || note.chars().count() > 2000 {
            return Err(CoreError::invalid(
                "note",
                "say what was done (1 to 2000 characters)",
            ));
        }
        let mut next = x.clone();
        next.state = ActionState::Closed;
        next.note = Some(note.to_string());
        next.closed_by = Some(me_ref(actor));
        next.closed_at = Some(self.now());
        let mut notices = vec![];
        if x.person.id != actor.person_id {
            let p = self.followup_person(x.person.id).await?;
            notices.push(notice(
                &p,
                "followup_action_closed",
                "En åtgärd efter uppföljningen är klar".into(),
                format!(
                    "{} har stängt åtgärden \"{}\": {note}",
                    actor.name, x.description
                ),
                format!("/uppfoljningar/{}", x.followup_id),
            ));
        }
        let mut a = audit(actor, "followup_action.close", "followup_action", x.id);
        a.after = Some(serde_json::json!({"note": note}));
        self.store
            .update_followup_action(&next, x.version, &notices, a)
            .await?;
        self.visible_action(actor, id).await
    }

    /// Changes an action's owner and due date (its managers, HR or the owner).
    pub async fn update_action(
        &self,
        actor: &Actor,
        id: Uuid,
        owner: Option<Uuid>,
        due: Option<Date>,
    ) -> CoreResult<FollowUpAction> {
        let x = self.visible_action(actor, id).await?;
        access::authorize(
            actor,
            Action::HandleFollowUpAction {
                owner_id: x.owner.id,
                unit_path: &x.unit_path,
            },
        )?;
        if x.state == ActionState::Closed {
            return Err(CoreError::Conflict("the action is already closed".into()));
        }
        let mut next = x.clone();
        let mut notices = vec![];
        if let Some(o) = owner.filter(|o| *o != x.owner.id) {
            let rec = self
                .store
                .person(o)
                .await?
                .ok_or_else(|| CoreError::invalid("owner", "no such person"))?;
            next.owner = PersonRef {
                id: o,
                name: rec.person.name(),
            };
            notices.push(notice(
                &rec,
                "followup_action",
                format!("Åtgärd att genomföra: {}", x.person.name),
                format!(
                    "{} har gett dig ansvar för åtgärden \"{}\" (senast {}).",
                    actor.name,
                    x.description,
                    due.unwrap_or(x.due)
                ),
                format!("/uppfoljningar/{}", x.followup_id),
            ));
        }
        if let Some(d) = due {
            if d < self.today() {
                return Err(CoreError::invalid("due", "must not be in the past"));
            }
            next.due = d;
        }
        let mut a = audit(actor, "followup_action.update", "followup_action", x.id);
        a.before = Some(serde_json::json!({"owner": x.owner.id, "due": x.due.to_string()}));
        a.after = Some(serde_json::json!({"owner": next.owner.id, "due": next.due.to_string()}));
        self.store
            .update_followup_action(&next, x.version, &notices, a)
            .await?;
        self.visible_action(actor, id).await
    }

    // Reminders (the job worker; time from the core's clock).

    /// Tells the employee and their manager, once, when a follow-up is due
    /// within [`REMIND_DAYS_AHEAD`] days, and once more when it is overdue;
    /// tells an action's owner once when it is overdue. Each reminder is
    /// marked by the first server to send it. Returns how many were sent.
    pub async fn remind_followups(&self) -> CoreResult<usize> {
        let mut told = 0;
        // Batches of 200 until one is not full (bounded, in case some cannot be sent).
        for _ in 0..50 {
            let (n, full) = self.remind_batch(200).await?;
            told += n;
            if !full {
                break;
            }
        }
        Ok(told)
    }

    /// One batch of reminders: (sent, whether a batch was full).
    async fn remind_batch(&self, limit: i64) -> CoreResult<(usize, bool)> {
        let today = self.today();
        let mut told = 0;
        let due = self
            .store
            .followups_to_remind(today, today + Duration::days(REMIND_DAYS_AHEAD), limit)
            .await?;
        let mut full = due.len() as i64 == limit;
        for f in due {
            let overdue = f.due < today;
            let link = format!("/uppfoljningar/{}", f.id);
            let mut notices = vec![];
            let Some(employee) = self.store.person(f.person.id).await? else {
                continue;
            };
            let manager = match &employee.manager {
                Some(m) => self.store.person(m.id).await?,
                None => None,
            };
            let (kind, subject) = if overdue {
                (
                    "followup_overdue",
                    format!("{} är försenad", kind_sv(f.kind)),
                )
            } else {
                (
                    "followup_due",
                    format!("{} senast {}", kind_sv(f.kind), f.due),
                )
            };
            for p in std::iter::once(&employee).chain(manager.as_ref()) {
                notices.push(notice(
                    p,
                    kind,
                    subject.clone(),
                    format!(
                        "{} för {} skulle göras senast {}. Medarbetaren och chefen fyller i checklistan tillsammans: {link}",
                        kind_sv(f.kind),
                        f.person.name,
                        f.due
                    ),
                    link.clone(),
                ));
            }
            let mut a = system_audit(
                if overdue {
                    "followup.overdue_reminder"
                } else {
                    "followup.reminder"
                },
                "followup",
                f.id,
            );
            a.after = Some(serde_json::json!({"due": f.due.to_string()}));
            if self
                .store
                .mark_followup_reminded(f.id, overdue, self.now(), &notices, a)
                .await?
            {
                told += 1;
            }
        }
        let late = self.store.actions_to_remind(today, limit).await?;
        full |= late.len() as i64 == limit;
        for x in late {
            let Some(owner) = self.store.person(x.owner.id).await? else {
                continue;
            };
            let notices = vec![notice(
                &owner,
                "followup_action_overdue",
                format!("Åtgärd försenad: {}", x.person.name),
                format!(
                    "Åtgärden \"{}\" skulle vara klar {}. /uppfoljningar/{}",
                    x.description, x.due, x.followup_id
                ),
                format!("/uppfoljningar/{}", x.followup_id),
            )];
            let a = system_audit("followup_action.overdue_reminder", "followup_action", x.id);
            if self
                .store
                .mark_action_reminded(x.id, self.now(), &notices, a)
                .await?
            {
                told += 1;
            }
        }
        Ok((told, full))
    }

    // The demo.

    /// Schedules the follow-ups of the demo's active agreements (those that
    /// have none yet); those due more than two weeks ago are recorded as
    /// done, so the lists show a realistic mix.
    pub async fn load_demo_followups(&self) -> CoreResult<usize> {
        self.ensure_checklist_defaults().await?;
        let today = self.today();
        let now = self.now();
        let months: std::collections::HashMap<i64, u8> = self
            .store
            .policy_versions()
            .await?
            .into_iter()
            .map(|v| (v.version, v.rules.follow_up_interval_months))
            .collect();
        let mut all = vec![];
        for g in self.store.agreements_without_followups(20_000).await? {
            let interval = months.get(&g.policy_version).copied().unwrap_or(6);
            // The unit path is not stored with a follow-up.
            for mut f in schedule(&g, "", interval) {
                if f.due < today - Duration::days(14) {
                    f.state = FollowUpState::Done;
                    f.completed_at = Some(now);
                }
                all.push(f);
            }
        }
        if all.is_empty() {
            return Ok(0);
        }
        let mut a = system_audit("demo.followups", "organisation", "");
        a.actor = "demo".into();
        a.after = Some(serde_json::json!({"followups": all.len()}));
        self.store.insert_followups(&all, &[], a).await?;
        Ok(all.len())
    }
}

impl Core {
    async fn followup_person(&self, id: Uuid) -> CoreResult<PersonRecord> {
        self.store
            .person(id)
            .await?
            .ok_or(CoreError::NotFound("person"))
    }
}

fn me_ref(actor: &Actor) -> PersonRef {
    PersonRef {
        id: actor.person_id,
        name: actor.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Place;
    use time::macros::date;

    fn agreement(start: Date, end: Option<Date>) -> Agreement {
        Agreement {
            id: Uuid::nil(),
            request_id: Uuid::nil(),
            person_id: Uuid::from_u128(1),
            person_name: "Anna".into(),
            decider_id: Uuid::nil(),
            decider_name: String::new(),
            state: AgreementState::Active,
            days_per_week: 2,
            weekdays: vec![],
            place: Place::Home,
            place_address: None,
            start,
            end,
            policy_version: 1,
            notice_days: 30,
            text: String::new(),
            text_sha256: None,
            employee_signed_at: None,
            decider_signed_at: None,
            ends_on: None,
            ended_by: None,
            end_reason: None,
            version: 1,
        }
    }

    fn dues(v: &[FollowUp]) -> Vec<(FollowUpKind, Date)> {
        v.iter().map(|f| (f.kind, f.due)).collect()
    }

    #[test]
    fn months_are_added_with_the_day_clamped() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2028 - 01 - 31), 1), date!(2028 - 02 - 29));
        assert_eq!(add_months(date!(2026 - 11 - 15), 6), date!(2027 - 05 - 15));
        assert_eq!(add_months(date!(2026 - 12 - 01), 24), date!(2028 - 12 - 01));
    }

    #[test]
    fn an_agreement_gets_a_risk_assessment_and_follow_ups_up_to_its_end() {
        use FollowUpKind::*;
        let g = agreement(date!(2026 - 01 - 15), Some(date!(2026 - 12 - 31)));
        assert_eq!(
            dues(&schedule(&g, "/u/", 6)),
            [
                (RiskAssessment, date!(2026 - 01 - 15)),
                (FollowUp, date!(2026 - 07 - 15)),
            ]
        );
        assert_eq!(schedule(&g, "/u/", 3).len(), 4);
        // Open-ended: two years.
        let g = agreement(date!(2026 - 01 - 15), None);
        let s = schedule(&g, "/u/", 6);
        assert_eq!(s.len(), 5);
        assert_eq!(s[4].due, date!(2028 - 01 - 15));
        // Shorter than the interval: one follow-up on the last day.
        let g = agreement(date!(2026 - 01 - 15), Some(date!(2026 - 03 - 31)));
        assert_eq!(
            dues(&schedule(&g, "/u/", 6)),
            [
                (RiskAssessment, date!(2026 - 01 - 15)),
                (FollowUp, date!(2026 - 03 - 31)),
            ]
        );
        assert!(schedule(&g, "/u/", 6)
            .iter()
            .all(|f| f.agreement_id == Some(g.id) && f.unit_path == "/u/"));
    }

    #[test]
    fn state_is_computed_from_today() {
        let d = date!(2026 - 05 - 10);
        assert_eq!(
            FollowUpState::of("open", d, date!(2026 - 05 - 10)),
            FollowUpState::Due
        );
        assert_eq!(
            FollowUpState::of("open", d, date!(2026 - 05 - 11)),
            FollowUpState::Overdue
        );
        assert_eq!(
            FollowUpState::of("done", d, date!(2026 - 06 - 11)),
            FollowUpState::Done
        );
    }
}
