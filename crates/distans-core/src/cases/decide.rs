//! Deciding a request: approve (writing the draft agreement), decline or
//! ask for changes. One decider wins; an approval that would open a
//! coverage gap is refused unless the decider may and does allow it.

use crate::kernel::AgreementId;
use crate::kernel::RequestId;
use serde_json::json;

use crate::access::{self, Action};
use crate::agreements::model::Agreement;
use crate::cases::model::*;
use crate::cases::rules::{
    check_decidable, decided_state, decision_kind, decision_reason, draft_agreement, event,
    gap_window, overlaps_any, Approval,
};
use crate::cases::service::CasesService;
use crate::kernel::gap::GapWarning;
use crate::kernel::Work;
use crate::kernel::{
    Actor, CoreError, CoreResult, Link, Message, MessageKey, NewAuditEntry, Notice, PersonRef,
};
use crate::org::model::{notice, unit_chain, PersonRecord};
use crate::plan::model::AgreementSpan;
use crate::policy::model::{Decider, PolicyVersion};

/// What an approval adds to the decision: the agreement and the gaps the
/// decider allowed.
struct Approved {
    agreement: Agreement,
    gaps: Vec<GapWarning>,
}

impl CasesService {
    /// Approve, decline (reason required) or ask for changes. `expected`
    /// is the version the decider saw; someone faster wins, the other gets
    /// 409. An approval whose fixed weekdays would open a coverage gap in
    /// the first four weeks is refused with the gaps (`CoverageGap`) unless
    /// the verdict allows them, and then recorded.
    #[tracing::instrument(skip_all)]
    pub async fn decide(
        &self,
        actor: &Actor,
        id: RequestId,
        verdict: Verdict<'_>,
    ) -> CoreResult<RemoteRequest> {
        let r = self.request(actor, id).await?;
        access::authorize(
            actor,
            Action::DecideRequest {
                hr_level: r.decider == Decider::Hr,
                person_id: r.person.id,
                unit_path: &r.unit_path,
            },
        )?;
        let Verdict {
            decision,
            reason,
            expected,
            allow_gap,
        } = verdict;
        check_decidable(&r, expected)?;
        let reason = decision_reason(decision, reason)?;
        let policy = self.d.policy.in_force(self.env.today()).await?;
        let employee = self.d.org.record(r.person.id).await?;
        let approved = match decision {
            Decision::Approve => Some(
                self.approve(actor, &r, &employee, &policy, allow_gap)
                    .await?,
            ),
            _ => None,
        };
        let mut next = r.clone();
        next.state = decided_state(decision);
        next.decided_by = Some(PersonRef {
            id: actor.person_id,
            name: actor.name.clone(),
        });
        next.decision_reason = reason.clone();
        next.agreement_id = approved.as_ref().map(|a| a.agreement.id);
        let notices = self
            .decision_notices(
                actor,
                &r,
                &employee,
                decision,
                reason.as_deref(),
                approved.as_ref(),
            )
            .await?;
        let kind = decision_kind(decision);
        let mut step = event(actor, self.env.now(), kind, policy.version);
        step.reason = reason.clone();
        let mut after = json!({"state": next.state, "reason": reason, "policy_version": r.policy_version,
            "decided_under_policy_version": policy.version, "agreement_id": next.agreement_id});
        if let Some(a) = approved.as_ref().filter(|a| !a.gaps.is_empty()) {
            after["allowed_gaps"] = a.gaps.iter().map(|g| g.describe()).collect();
        }
        let audit = NewAuditEntry::by(actor, &format!("request.{kind}"), "request", r.id)
            .before(json!({"state": r.state}))
            .after(after);
        self.port
            .update_request(
                &next,
                r.version,
                &step,
                approved.as_ref().map(|a| &a.agreement),
                &Work::new(self.env.now(), audit).notify(notices.clone()),
            )
            .await?;
        self.request(actor, id).await
    }

    /// An approval: the period must still be free, fixed weekdays must not
    /// leave the unit short on site (unless allowed), and the draft
    /// agreement is written from the template.
    #[tracing::instrument(skip_all)]
    async fn approve(
        &self,
        actor: &Actor,
        r: &RemoteRequest,
        employee: &PersonRecord,
        policy: &PolicyVersion,
        allow_gap: bool,
    ) -> CoreResult<Approved> {
        let today = self.env.today();
        let busy = self
            .port
            .busy_periods(r.person.id, today, Some(r.id))
            .await?;
        let a = &r.arrangement;
        if overlaps_any(a, &busy) {
            return Err(CoreError::Conflict(
                "the employee has another arrangement in this period".into(),
            ));
        }
        let mut gaps = vec![];
        if let Some(window) = gap_window(a, today) {
            let span = AgreementSpan {
                start: a.terms.start(),
                last: a.terms.end(),
                weekdays: a.terms.weekdays().to_vec(),
                days_per_week: i64::from(a.terms.days_per_week()),
            };
            gaps = self
                .d
                .coverage
                .gaps_opened(employee, window, |rules| {
                    rules.agreements.push(span.clone())
                })
                .await?;
            self.d
                .coverage
                .check_gaps(actor, employee, &gaps, allow_gap)?;
        }
        let (_, template) = self.d.agreements.template().await?;
        let effective = policy.rules.for_unit(&unit_chain(&employee.unit_path));
        let approval = Approval {
            request: r,
            employee,
            decider: actor,
            policy,
            effective: &effective,
            organisation: self.d.org.organisation_name().await?,
            template: &template,
        };
        Ok(Approved {
            agreement: draft_agreement(&approval, AgreementId::new()),
            gaps,
        })
    }

    /// The employee is told of the decision; on approval the decider is
    /// asked to review the draft agreement.
    #[tracing::instrument(skip_all)]
    async fn decision_notices(
        &self,
        actor: &Actor,
        r: &RemoteRequest,
        employee: &PersonRecord,
        decision: Decision,
        reason: Option<&str>,
        approved: Option<&Approved>,
    ) -> CoreResult<Vec<Notice>> {
        let reason = reason.unwrap_or_default();
        let to_request = Link::Request(r.id);
        Ok(match (decision, approved) {
            (Decision::Approve, Some(ap)) => {
                let to_agreement = Link::Agreement(ap.agreement.id);
                let me = self.d.org.record(actor.person_id).await?;
                vec![
                    notice(
                        employee,
                        "request_decided",
                        Message::new(MessageKey::RequestApproved, to_agreement.clone())
                            .arg("by", &actor.name),
                    ),
                    notice(
                        &me,
                        "agreement_draft",
                        Message::new(MessageKey::AgreementDraft, to_agreement)
                            .arg("person", &r.person.name),
                    ),
                ]
            }
            (Decision::Decline, _) => vec![notice(
                employee,
                "request_decided",
                Message::new(MessageKey::RequestDeclined, to_request)
                    .arg("by", &actor.name)
                    .arg("reason", reason),
            )],
            _ => vec![notice(
                employee,
                "request_decided",
                Message::new(MessageKey::RequestChanges, to_request)
                    .arg("by", &actor.name)
                    .arg("reason", reason),
            )],
        })
    }
}
