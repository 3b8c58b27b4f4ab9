//! A person who moves to another unit keeps their agreement only when a
//! manager of the new unit confirms it. Until then it stays in force and
//! is that manager's task; the manager either confirms it (and signs for
//! the employer from then on) or ends it with its notice period.
//!
//! A move is whatever changes a person's home unit — the page, the API,
//! SCIM, the CSV import — so the task is read from the data (the
//! agreement's unit is not the person's), never from the path a move took.

use serde_json::json;

use crate::access::{self, Action, Listing, Scope};
use crate::agreements::model::Agreement;
use crate::agreements::rules::{decider_after_move, moved_to};
use crate::agreements::service::AgreementsService;
use crate::kernel::{
    Actor, AgreementId, CoreResult, Link, Message, MessageKey, NewAuditEntry, Notice, Page, Paging,
    Work,
};
use crate::org::model::{notice, PersonRecord};

impl AgreementsService {
    /// Agreements of people who moved into the actor's units and wait for
    /// a manager there to confirm them (HR: everyone's).
    #[tracing::instrument(skip_all)]
    pub async fn agreements_to_confirm(
        &self,
        actor: &Actor,
        paging: Paging,
    ) -> CoreResult<Page<Agreement>> {
        let under = match access::scope(actor, Listing::MovedAgreements) {
            Scope::All => None,
            Scope::Units(paths) => Some(paths),
            Scope::Own => return Ok(Page::new(vec![], 0, paging.offset)),
        };
        self.port
            .agreements_moved(under.as_deref(), self.env.today(), paging)
            .await
    }

    /// The person's record and the action of deciding about their moved
    /// agreement, checked.
    async fn moved_case(
        &self,
        actor: &Actor,
        id: AgreementId,
    ) -> CoreResult<(Agreement, PersonRecord)> {
        let g = self.agreement(actor, id).await?;
        let rec = self.org.record(g.person_id).await?;
        access::authorize(
            actor,
            Action::ConfirmMovedAgreement {
                person_id: g.person_id,
                unit_path: &rec.unit_path,
            },
        )?;
        moved_to(&g, self.env.today())?;
        Ok((g, rec))
    }

    /// A manager of the new unit (or HR) may decide whether the agreement
    /// continues after the move.
    pub async fn may_confirm_after_move(&self, actor: &Actor, g: &Agreement) -> bool {
        if g.moved_to.is_none() {
            return false;
        }
        match self.org.find_record(g.person_id).await {
            Ok(Some(rec)) => access::can(
                actor,
                Action::ConfirmMovedAgreement {
                    person_id: g.person_id,
                    unit_path: &rec.unit_path,
                },
            ),
            _ => false,
        }
    }

    /// The agreement continues in the person's new unit, as it was at
    /// `version`. The confirming manager signs for the employer from now on.
    #[tracing::instrument(skip_all)]
    pub async fn confirm_after_move(
        &self,
        actor: &Actor,
        id: AgreementId,
        version: i64,
    ) -> CoreResult<Agreement> {
        let (g, rec) = self.moved_case(actor, id).await?;
        let unit = moved_to(&g, self.env.today())?;
        let decider = decider_after_move(
            actor.person_id,
            actor.manages_path(&rec.unit_path),
            rec.manager.as_ref().map(|m| m.id),
            g.decider_id,
        );
        let mut next = g.clone();
        next.decider_id = decider;
        let audit = NewAuditEntry::by(actor, "agreement.confirm_move", "agreement", g.id)
            .before(json!({"decider_id": g.decider_id}))
            .after(json!({"unit_id": unit, "unit": rec.unit.name, "decider_id": decider}));
        let mut notices = vec![];
        let kept = Message::new(MessageKey::AgreementKeptAfterMove, Link::Agreement(g.id))
            .arg("unit", &rec.unit.name)
            .arg("by", &actor.name);
        if rec.person.id != actor.person_id {
            notices.push(notice(&rec, "agreement_kept", kept));
        }
        self.port
            .confirm_agreement_unit(
                &next,
                version,
                unit,
                &Work::new(self.env.now(), audit).notify(notices),
            )
            .await?;
        self.agreement(actor, id).await
    }

    /// The agreement does not continue after the move: notice is given on
    /// it as the new manager, with its notice period.
    #[tracing::instrument(skip_all)]
    pub async fn end_after_move(
        &self,
        actor: &Actor,
        id: AgreementId,
        reason: Option<&str>,
    ) -> CoreResult<Agreement> {
        let (g, rec) = self.moved_case(actor, id).await?;
        let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => format!("{} ({r})", rec.unit.name),
            None => rec.unit.name.clone(),
        };
        self.end_as(actor, g, Some(&reason), "agreement.end_after_move")
            .await
    }

    /// Tells the new managers of every agreement whose person moved that
    /// it waits for them (once per move). Driven by the job worker.
    #[tracing::instrument(skip_all)]
    pub async fn tell_of_moved_agreements(&self) -> CoreResult<usize> {
        let mut told = 0;
        for g in self.port.agreements_moved_untold(200).await? {
            let Some(unit) = g.moved_to else { continue };
            let Some(rec) = self.org.find_record(g.person_id).await? else {
                continue;
            };
            let detail = self.org.unit_detail(unit).await?;
            let msg = Message::new(MessageKey::AgreementToConfirm, Link::Agreement(g.id))
                .arg("person", &g.person_name)
                .arg("unit", &rec.unit.name);
            let mut notices = vec![];
            let managers = [rec.manager.as_ref(), detail.deputy.as_ref()];
            for m in managers.into_iter().flatten() {
                if m.id == g.person_id || notices.iter().any(|n: &Notice| n.person_id == m.id) {
                    continue;
                }
                if let Some(p) = self.org.find_record(m.id).await? {
                    notices.push(notice(&p, "agreement_to_confirm", msg.clone()));
                }
            }
            let a = NewAuditEntry::system("agreement.move_told", "agreement", g.id)
                .after(json!({"unit_id": unit, "told": notices.len()}));
            if self
                .port
                .mark_agreement_move_told(g.id, unit, &Work::new(self.env.now(), a).notify(notices))
                .await?
            {
                told += 1;
            }
        }
        Ok(told)
    }
}
