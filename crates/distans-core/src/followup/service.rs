//! Checklists, follow-ups answered together, and scheduling.

use crate::kernel::FollowUpId;
use std::collections::BTreeMap;
use std::sync::Arc;

use uuid::Uuid;

use crate::access::{self, Action, Kind};
use crate::followup::checklist::{self, ChecklistInput, ChecklistTemplate};
use crate::followup::model::*;
use crate::followup::port::FollowUpPort;
use crate::followup::rules::*;
use crate::kernel::dates::plus_days_clamped;
use crate::kernel::Env;
use crate::kernel::Work;
use crate::kernel::{
    Actor, CoreError, CoreResult, Link, Message, MessageKey, NewAuditEntry, Notice, Page, Paging,
    PersonRef,
};
use crate::org::model::notice;
use crate::org::service::OrgService;

/// Follow-ups, risk assessments, their checklists and actions.
#[derive(Clone)]
pub struct FollowUpService {
    pub(crate) port: Arc<dyn FollowUpPort>,
    pub(crate) env: Env,
    pub(crate) org: OrgService,
}

impl FollowUpService {
    // Checklists.

    /// Makes sure every checklist has a version (first start).
    #[tracing::instrument(skip_all)]
    pub(crate) async fn ensure_checklist_defaults(&self) -> CoreResult<()> {
        for key in checklist::KEYS {
            if self.port.checklist(key, None).await?.is_none() {
                if let Some((title, questions)) = checklist::default_template(key) {
                    let t = ChecklistTemplate {
                        key: (*key).to_string(),
                        version: 1,
                        title,
                        questions,
                        created_at: self.env.now(),
                        created_by: "system".into(),
                    };
                    let mut a = NewAuditEntry::system("checklist.create", "checklist", key);
                    a.after = Some(serde_json::json!({"version": 1}));
                    match self
                        .port
                        .save_checklist(&t, 0, &Work::new(self.env.now(), a))
                        .await
                    {
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
    #[tracing::instrument(skip_all)]
    pub async fn checklists(&self, _actor: &Actor) -> CoreResult<Vec<ChecklistTemplate>> {
        self.port.checklists().await
    }

    pub fn may_edit_checklists(&self, actor: &Actor) -> bool {
        access::authorize(actor, Action::Plain(Kind::EditChecklists)).is_ok()
    }

    /// A checklist's current version (or `version`).
    #[tracing::instrument(skip_all)]
    pub async fn checklist(
        &self,
        _actor: &Actor,
        key: &str,
        version: Option<i64>,
    ) -> CoreResult<ChecklistTemplate> {
        self.port
            .checklist(key, version)
            .await?
            .ok_or(CoreError::NotFound("checklist"))
    }

    /// Every version of a checklist, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn checklist_versions(
        &self,
        _actor: &Actor,
        key: &str,
    ) -> CoreResult<Vec<ChecklistTemplate>> {
        let v = self.port.checklist_versions(key).await?;
        if v.is_empty() {
            return Err(CoreError::NotFound("checklist"));
        }
        Ok(v)
    }

    /// HR saves a checklist: a new version; the old ones are kept.
    #[tracing::instrument(skip_all)]
    pub async fn save_checklist(
        &self,
        actor: &Actor,
        key: &str,
        input: &ChecklistInput,
    ) -> CoreResult<ChecklistTemplate> {
        access::authorize(actor, Action::Plain(Kind::EditChecklists))?;
        let current = self
            .port
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
            created_at: self.env.now(),
            created_by: actor.name.clone(),
        };
        let mut a = NewAuditEntry::by(actor, "checklist.update", "checklist", key);
        a.before = Some(serde_json::json!({"version": current.version}));
        a.after = Some(serde_json::json!({"version": t.version, "title": t.title,
            "questions": t.questions.iter().map(|q| q.id.clone()).collect::<Vec<_>>()}));
        self.port
            .save_checklist(&t, expected, &Work::new(self.env.now(), a))
            .await
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

    #[tracing::instrument(skip_all)]
    pub(crate) async fn visible_followup(
        &self,
        actor: &Actor,
        id: FollowUpId,
    ) -> CoreResult<FollowUp> {
        let mut f = self
            .port
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
        f.state = FollowUpState::of(f.state.stored(), f.due, self.env.today());
        Ok(f)
    }

    /// Follow-ups the actor may see: their own; as a manager, their units'
    /// people's; as HR, everyone's.
    #[tracing::instrument(skip_all)]
    pub async fn followups(
        &self,
        actor: &Actor,
        q: &FollowUpQuery,
        paging: Paging,
    ) -> CoreResult<Page<FollowUp>> {
        let today = self.env.today();
        let filter = FollowUpFilter {
            scope: scope_of(actor),
            person: q.person,
            agreement: q.agreement,
            due_before: q.due_before,
            // "Due before" asks for what is still to be done: open ones
            // (due or overdue) unless a state is named.
            state: q.state.or(q
                .due_before
                .map(|_| crate::followup::model::StateFilter::Open)),
            today,
        };
        let mut page = self.port.followups(&filter, paging).await?;
        for f in &mut page.items {
            f.state = FollowUpState::of(f.state.stored(), f.due, today);
        }
        Ok(page)
    }

    /// A follow-up with its checklist and actions.
    #[tracing::instrument(skip_all)]
    pub async fn followup(&self, actor: &Actor, id: FollowUpId) -> CoreResult<FollowUpDetail> {
        let f = self.visible_followup(actor, id).await?;
        let template = self
            .port
            .checklist(&f.template_key, f.template_version)
            .await?
            .ok_or(CoreError::NotFound("checklist"))?;
        let actions = self
            .port
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
    #[tracing::instrument(skip_all)]
    pub async fn answer_followup(
        &self,
        actor: &Actor,
        id: FollowUpId,
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
            .port
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
        let now = self.env.now();
        let today = self.env.today();
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
        let employee = self.org.record(f.person.id).await?;
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
            let owner = self.org.record(owner_ref.id).await?;
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
                    id: Uuid::now_v7().into(),
                    followup_id: f.id,
                    person: f.person.clone(),
                    unit_path: f.unit_path.clone(),
                    question_id: q.id.clone(),
                    description,
                    owner: owner_ref.clone(),
                    due: plus_days_clamped(today, ACTION_DAYS),
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
                    Message::new(MessageKey::FollowupActionsCreated, Link::FollowUp(f.id))
                        .arg("kind", f.kind.as_str())
                        .arg("person", &f.person.name)
                        .arg("count", actions.len()),
                ));
            }
        } else if input.complete {
            // Ask the other party to confirm.
            let other = match party {
                Party::Employee => match &employee.manager {
                    Some(m) => self.org.find_record(m.id).await?,
                    None => None,
                },
                Party::Manager => Some(employee.clone()),
            };
            if let Some(o) = other.filter(|o| o.person.id != actor.person_id) {
                notices.push(notice(
                    &o,
                    "followup_confirm",
                    Message::new(MessageKey::FollowupConfirm, Link::FollowUp(f.id))
                        .arg("kind", f.kind.as_str())
                        .arg("by", &actor.name)
                        .arg("person", &f.person.name),
                ));
            }
        }
        let mut a = NewAuditEntry::by(actor, "followup.answer", "followup", f.id);
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
        self.port
            .save_followup(
                &next,
                f.version,
                &actions,
                &Work::new(self.env.now(), a).notify(notices.clone()),
            )
            .await?;
        self.visible_followup(actor, id).await
    }

    // For the agreements slice, which schedules follow-ups.

    /// Stores follow-ups (a development talk) with their notices, in one
    /// transaction.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn insert(
        &self,
        items: &[FollowUp],
        notices: &[Notice],
        audit: NewAuditEntry,
    ) -> CoreResult<()> {
        self.port
            .insert_followups(
                items,
                &Work::new(self.env.now(), audit).notify(notices.to_vec()),
            )
            .await
    }
}
