//! Development talks: the manager (or HR) sets the employee's development
//! talk on the agreement, where the remote work is followed up too.

use crate::kernel::ids::PersonId;
use crate::kernel::AgreementId;
use serde_json::json;
use time::Date;

use crate::access::{self, Action};
use crate::agreements::model::{Agreement, AgreementState};
use crate::agreements::service::AgreementsService;
use crate::followup::model::{FollowUp, FollowUpKind};
use crate::followup::rules::new_followup;
use crate::kernel::dates::plus_days_clamped;
use crate::kernel::{
    Actor, CoreError, CoreResult, Link, Message, MessageKey, NewAuditEntry, PersonRef,
};
use crate::org::model::{notice, PersonRecord};

impl AgreementsService {
    /// Whether the actor may set a development talk for this agreement's employee.
    #[tracing::instrument(skip_all)]
    pub async fn may_schedule_talk_for(&self, actor: &Actor, g: &Agreement) -> bool {
        match self.org.find_record(g.person_id).await {
            Ok(Some(p)) => {
                g.state == AgreementState::Active
                    && self.may_schedule_talk(actor, g.person_id, &p.unit_path)
            }
            _ => false,
        }
    }

    pub fn may_schedule_talk(&self, actor: &Actor, person_id: PersonId, unit_path: &str) -> bool {
        access::can(
            actor,
            Action::ScheduleDevelopmentTalk {
                person_id,
                unit_path,
            },
        )
    }

    /// The agreement (404 unless visible) and its employee, if the actor may
    /// set a development talk for it (else 403): checked before a form's
    /// input is.
    #[tracing::instrument(skip_all)]
    pub async fn check_development_talk(
        &self,
        actor: &Actor,
        agreement_id: AgreementId,
    ) -> CoreResult<(Agreement, PersonRecord)> {
        let g = self.agreement(actor, agreement_id).await?;
        let rec = self.org.record(g.person_id).await?;
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
    #[tracing::instrument(skip_all)]
    pub async fn schedule_development_talk(
        &self,
        actor: &Actor,
        agreement_id: AgreementId,
        date: Date,
    ) -> CoreResult<FollowUp> {
        let (g, rec) = self.check_development_talk(actor, agreement_id).await?;
        if g.state != AgreementState::Active {
            return Err(CoreError::Conflict(format!(
                "the agreement is {}; development talks are set for active agreements",
                g.state.as_str()
            )));
        }
        let today = self.env.today();
        if date < today || date > plus_days_clamped(today, 730) {
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
        let notices = vec![notice(
            &rec,
            "followup_scheduled",
            Message::new(MessageKey::DevelopmentTalkSet, Link::FollowUp(f.id))
                .arg("by", &actor.name)
                .arg("date", date),
        )];
        let a = NewAuditEntry::by(actor, "followup.schedule", "followup", f.id)
            .after(json!({"kind": f.kind, "agreement": g.id, "due": date.to_string()}));
        self.followup
            .insert(std::slice::from_ref(&f), &notices, a)
            .await?;
        self.followup.visible_followup(actor, f.id).await
    }
}
