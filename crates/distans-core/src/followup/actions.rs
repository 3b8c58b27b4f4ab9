//! Actions from risky answers, followed to closure, and reminders.

use crate::kernel::ids::PersonId;
use crate::kernel::FollowUpActionId;
use time::Date;

use crate::access::{self, Action};
use crate::followup::model::*;
use crate::followup::rules::*;
use crate::followup::service::FollowUpService;
use crate::kernel::dates::plus_days_clamped;
use crate::kernel::Work;
use crate::kernel::{
    Actor, CoreError, CoreResult, Link, Message, MessageKey, NewAuditEntry, Page, Paging, PersonRef,
};
use crate::org::model::notice;

impl FollowUpService {
    // Actions.

    /// Actions the actor may see: of their own follow-ups, those they own,
    /// their units' people's; HR all.
    #[tracing::instrument(skip_all)]
    pub async fn actions(
        &self,
        actor: &Actor,
        state: Option<ActionState>,
        paging: Paging,
    ) -> CoreResult<Page<FollowUpAction>> {
        self.port
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

    /// An action the actor may see (404 otherwise).
    #[tracing::instrument(skip_all)]
    pub async fn visible_action(
        &self,
        actor: &Actor,
        id: FollowUpActionId,
    ) -> CoreResult<FollowUpAction> {
        let x = self
            .port
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
        access::can(actor, x.handle_action())
    }

    /// An action `actor` may handle that is still open.
    async fn open_action_to_handle(
        &self,
        actor: &Actor,
        id: FollowUpActionId,
    ) -> CoreResult<FollowUpAction> {
        let x = self.visible_action(actor, id).await?;
        access::authorize(actor, x.handle_action())?;
        if x.state == ActionState::Closed {
            return Err(CoreError::Conflict("the action is already closed".into()));
        }
        Ok(x)
    }

    /// Saves a changed action with its unit of work; reads it back.
    async fn save_action(
        &self,
        actor: &Actor,
        next: &FollowUpAction,
        version: i64,
        work: &Work,
    ) -> CoreResult<FollowUpAction> {
        self.port
            .update_followup_action(next, version, work)
            .await?;
        self.visible_action(actor, next.id).await
    }

    /// The owner (or a manager of the person, or HR) closes an action with
    /// a note of what was done.
    #[tracing::instrument(skip_all)]
    pub async fn close_action(
        &self,
        actor: &Actor,
        id: FollowUpActionId,
        note: &str,
    ) -> CoreResult<FollowUpAction> {
        let x = self.open_action_to_handle(actor, id).await?;
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
        next.closed_at = Some(self.env.now());
        let mut notices = vec![];
        if x.person.id != actor.person_id {
            let p = self.org.record(x.person.id).await?;
            notices.push(notice(
                &p,
                "followup_action_closed",
                Message::new(
                    MessageKey::FollowupActionClosed,
                    Link::FollowUp(x.followup_id),
                )
                .arg("by", &actor.name)
                .arg("action", &x.description)
                .arg("note", note),
            ));
        }
        let mut a = NewAuditEntry::by(actor, "followup_action.close", "followup_action", x.id);
        a.after = Some(serde_json::json!({"note": note}));
        let work = Work::new(self.env.now(), a).notify(notices);
        self.save_action(actor, &next, x.version, &work).await
    }

    /// Changes an action's owner and due date (its managers, HR or the owner).
    #[tracing::instrument(skip_all)]
    pub async fn update_action(
        &self,
        actor: &Actor,
        id: FollowUpActionId,
        owner: Option<PersonId>,
        due: Option<Date>,
    ) -> CoreResult<FollowUpAction> {
        let x = self.open_action_to_handle(actor, id).await?;
        let mut next = x.clone();
        let mut notices = vec![];
        if let Some(o) = owner.filter(|o| *o != x.owner.id) {
            let rec = self
                .org
                .find_record(o)
                .await?
                .ok_or_else(|| CoreError::invalid("owner", "no such person"))?;
            next.owner = PersonRef {
                id: o,
                name: rec.person.name(),
            };
            notices.push(notice(
                &rec,
                "followup_action",
                Message::new(
                    MessageKey::FollowupActionAssigned,
                    Link::FollowUp(x.followup_id),
                )
                .arg("by", &actor.name)
                .arg("person", &x.person.name)
                .arg("action", &x.description)
                .arg("due", due.unwrap_or(x.due)),
            ));
        }
        if let Some(d) = due {
            if d < self.env.today() {
                return Err(CoreError::invalid("due", "must not be in the past"));
            }
            next.due = d;
        }
        let mut a = NewAuditEntry::by(actor, "followup_action.update", "followup_action", x.id);
        a.before = Some(serde_json::json!({"owner": x.owner.id, "due": x.due.to_string()}));
        a.after = Some(serde_json::json!({"owner": next.owner.id, "due": next.due.to_string()}));
        let work = Work::new(self.env.now(), a).notify(notices);
        self.save_action(actor, &next, x.version, &work).await
    }

    // Reminders (the job worker; time from the core's clock).

    /// Tells the employee and their manager, once, when a follow-up is due
    /// within [`REMIND_DAYS_AHEAD`] days, and once more when it is overdue;
    /// tells an action's owner once when it is overdue. Each reminder is
    /// marked by the first server to send it. Returns how many were sent.
    #[tracing::instrument(skip_all)]
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
    #[tracing::instrument(skip_all)]
    async fn remind_batch(&self, limit: i64) -> CoreResult<(usize, bool)> {
        let today = self.env.today();
        let mut told = 0;
        let due = self
            .port
            .followups_to_remind(today, plus_days_clamped(today, REMIND_DAYS_AHEAD), limit)
            .await?;
        let mut full = due.len() as i64 == limit;
        for f in due {
            let overdue = f.due < today;
            let mut notices = vec![];
            let Some(employee) = self.org.find_record(f.person.id).await? else {
                continue;
            };
            let manager = match &employee.manager {
                Some(m) => self.org.find_record(m.id).await?,
                None => None,
            };
            let (kind, key) = if overdue {
                ("followup_overdue", MessageKey::FollowupOverdue)
            } else {
                ("followup_due", MessageKey::FollowupDue)
            };
            let message = Message::new(key, Link::FollowUp(f.id))
                .arg("kind", f.kind.as_str())
                .arg("person", &f.person.name)
                .arg("due", f.due);
            for p in std::iter::once(&employee).chain(manager.as_ref()) {
                notices.push(notice(p, kind, message.clone()));
            }
            let mut a = NewAuditEntry::system(
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
                .port
                .mark_followup_reminded(
                    f.id,
                    overdue,
                    &Work::new(self.env.now(), a).notify(notices.clone()),
                )
                .await?
            {
                told += 1;
            }
        }
        let late = self.port.actions_to_remind(today, limit).await?;
        full |= late.len() as i64 == limit;
        for x in late {
            let Some(owner) = self.org.find_record(x.owner.id).await? else {
                continue;
            };
            let notices = vec![notice(
                &owner,
                "followup_action_overdue",
                Message::new(
                    MessageKey::FollowupActionOverdue,
                    Link::FollowUp(x.followup_id),
                )
                .arg("person", &x.person.name)
                .arg("action", &x.description)
                .arg("due", x.due),
            )];
            let a =
                NewAuditEntry::system("followup_action.overdue_reminder", "followup_action", x.id);
            if self
                .port
                .mark_action_reminded(x.id, &Work::new(self.env.now(), a).notify(notices.clone()))
                .await?
            {
                told += 1;
            }
        }
        Ok((told, full))
    }
}
