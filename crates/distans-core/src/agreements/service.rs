//! Agreements: read, send for signatures, sign, end, remind before the end.
//! Development talks and the agreement template are in `talks` and
//! `template`.

use crate::kernel::ids::PersonId;
use crate::kernel::AgreementId;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::json;

use crate::access::{self, Action};
use crate::agreements::model::{Agreement, AgreementState};
use crate::agreements::port::AgreementsPort;
use crate::agreements::rules::{self as agreement, ending, sign, term};
use crate::followup::model::FollowUpSchedule;
use crate::followup::rules::schedule;
use crate::followup::service::FollowUpService;
use crate::kernel::dates::plus_days_clamped;
use crate::kernel::Work;
use crate::kernel::{
    Actor, CoreError, CoreResult, Env, Link, Message, MessageKey, NewAuditEntry, Notice,
};
use crate::org::model::{notice, PersonRecord};
use crate::org::service::OrgService;
use crate::policy::service::PolicyService;

/// What other slices add when an agreement ends: notices to write in the
/// same transaction (the equipment to collect).
#[async_trait]
pub trait AgreementEndingHook: Send + Sync {
    async fn notices_on_ending(
        &self,
        actor: &Actor,
        g: &Agreement,
        employee: &PersonRecord,
        last: &str,
    ) -> CoreResult<Vec<Notice>>;
    /// What the employee has on loan under the agreement and returns when
    /// it ends, described for people.
    async fn to_return(&self, g: &Agreement) -> CoreResult<Vec<String>>;
}

/// What giving notice on an agreement would do, for the check before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndingPreview {
    pub notice_days: i64,
    /// The last day it applies.
    pub last_day: time::Date,
    /// Equipment to return.
    pub to_return: Vec<String>,
}

/// Agreements.
#[derive(Clone)]
pub struct AgreementsService {
    pub(super) port: Arc<dyn AgreementsPort>,
    pub(super) env: Env,
    pub(super) org: OrgService,
    pub(super) policy: PolicyService,
    pub(super) followup: FollowUpService,
    on_ending: Arc<dyn AgreementEndingHook>,
}

impl AgreementsService {
    pub(crate) fn new(
        port: Arc<dyn AgreementsPort>,
        env: Env,
        org: OrgService,
        policy: PolicyService,
        followup: FollowUpService,
        on_ending: Arc<dyn AgreementEndingHook>,
    ) -> Self {
        AgreementsService {
            port,
            env,
            org,
            policy,
            followup,
            on_ending,
        }
    }

    /// An agreement, for its parties and those who may see the employee's
    /// cases (404 for anyone else), with its state as of today.
    #[tracing::instrument(skip_all)]
    pub async fn agreement(&self, actor: &Actor, id: AgreementId) -> CoreResult<Agreement> {
        let mut g = self
            .port
            .agreement(id)
            .await?
            .ok_or(CoreError::NotFound("agreement"))?;
        let rec = self.org.record(g.person_id).await?;
        let may = actor.person_id == g.decider_id
            || access::can(
                actor,
                Action::ReadCase {
                    person_id: g.person_id,
                    unit_path: &rec.unit_path,
                },
            );
        if !may {
            return Err(CoreError::NotFound("agreement"));
        }
        g.state = g.state_on(self.env.today());
        Ok(g)
    }

    #[tracing::instrument(skip_all)]
    pub async fn agreements_of(
        &self,
        actor: &Actor,
        person: PersonId,
    ) -> CoreResult<Vec<Agreement>> {
        let rec = self.org.record(person).await?;
        let may = access::can(
            actor,
            Action::ReadCase {
                person_id: person,
                unit_path: &rec.unit_path,
            },
        );
        if !may {
            return Err(CoreError::NotFound("person"));
        }
        let today = self.env.today();
        Ok(self
            .port
            .agreements_of(person)
            .await?
            .into_iter()
            .map(|mut g| {
                g.state = g.state_on(today);
                g
            })
            .collect())
    }

    /// What waits for the actor: agreements to sign as the employer or as
    /// the employee, and drafts they decided and have not yet sent.
    #[tracing::instrument(skip_all)]
    pub async fn agreements_to_sign(&self, actor: &Actor) -> CoreResult<Vec<Agreement>> {
        let me = actor.person_id;
        let mut out = self.port.agreements_to_sign_as_decider(me).await?;
        out.extend(self.port.agreements_of(me).await?.into_iter().filter(|g| {
            g.state == AgreementState::AwaitingSignatures && g.employee_signed_at.is_none()
        }));
        out.extend(self.port.agreements_drafted_by(me).await?);
        Ok(out)
    }

    /// The decider (or HR) sends a draft for signatures, optionally with the
    /// text adjusted for this case. Both parties are then asked to sign.
    #[tracing::instrument(skip_all)]
    pub async fn send_agreement(
        &self,
        actor: &Actor,
        id: AgreementId,
        text: Option<&str>,
    ) -> CoreResult<Agreement> {
        let g = self.agreement(actor, id).await?;
        access::authorize(actor, g.send_action())?;
        if g.state != AgreementState::Draft {
            return Err(CoreError::Conflict(format!(
                "the agreement is {} and cannot be sent again",
                g.state.as_str()
            )));
        }
        let mut next = g.clone();
        if let Some(t) = text {
            next.text = agreement::check_text(t)?;
        }
        next.state = AgreementState::AwaitingSignatures;
        let (employee, decider) = self.parties(&g).await?;
        let link = Link::Agreement(g.id);
        let notices = vec![
            notice(
                &employee,
                "agreement_to_sign",
                Message::new(MessageKey::AgreementToSign, link.clone()),
            ),
            notice(
                &decider,
                "agreement_to_sign",
                Message::new(MessageKey::AgreementToSignEmployer, link)
                    .arg("person", &g.person_name),
            ),
        ];
        let a = NewAuditEntry::by(actor, "agreement.send", "agreement", g.id).after(
            json!({"text_changed": next.text != g.text, "text_sha256": agreement::sha256_hex(&next.text)}),
        );
        self.port
            .update_agreement(
                &next,
                g.version,
                &Work::new(self.env.now(), a).notify(notices.clone()),
            )
            .await?;
        self.agreement(actor, id).await
    }

    /// The employee or the decider signs. When both have, the text is
    /// frozen: its SHA-256 is recorded, the agreement is active and its
    /// follow-ups are scheduled in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn sign_agreement(&self, actor: &Actor, id: AgreementId) -> CoreResult<Agreement> {
        let g = self.agreement(actor, id).await?;
        access::authorize(actor, g.sign_action())?;
        let (next, who) = sign(&g, actor.person_id, self.env.now())?;
        let (employee, decider) = self.parties(&g).await?;
        let link = Link::Agreement(g.id);
        let mut notices = vec![];
        if next.state == AgreementState::Active {
            let signed = Message::new(MessageKey::AgreementSigned, link)
                .arg("person", &g.person_name)
                .arg("start", g.terms.start());
            for p in [&employee, &decider] {
                notices.push(notice(p, "agreement_signed", signed.clone()));
            }
        } else {
            let other = if who == "employee" {
                &decider
            } else {
                &employee
            };
            notices.push(notice(
                other,
                "agreement_signed",
                Message::new(MessageKey::AgreementSignedByOne, link).arg("by", &actor.name),
            ));
        }
        let schedule = if next.state == AgreementState::Active {
            self.schedule_for_activation(&next, &employee).await?
        } else {
            FollowUpSchedule::default()
        };
        let a = NewAuditEntry::by(actor, "agreement.sign", "agreement", g.id).after(
            json!({"signed_by": who, "state": next.state, "text_sha256": next.text_sha256, "policy_version": g.policy_version,
                "followups": schedule.add.iter().map(|f| json!({"id": f.id, "kind": f.kind, "due": f.due.to_string()})).collect::<Vec<_>>()}),
        );
        let work = Work::new(self.env.now(), a).notify(notices);
        self.save_scheduled(actor, &next, g.version, &schedule, &work)
            .await
    }

    /// Saves a signed or ended agreement with its follow-ups scheduled or
    /// cancelled, and reads it back as `actor` sees it.
    async fn save_scheduled(
        &self,
        actor: &Actor,
        next: &Agreement,
        version: i64,
        schedule: &FollowUpSchedule,
        work: &Work,
    ) -> CoreResult<Agreement> {
        self.port
            .update_agreement_scheduling(next, version, schedule, work)
            .await?;
        self.agreement(actor, next.id).await
    }

    /// The follow-ups an agreement gets when it becomes active, at the
    /// interval of the policy version it was decided under.
    #[tracing::instrument(skip_all)]
    async fn schedule_for_activation(
        &self,
        g: &Agreement,
        employee: &PersonRecord,
    ) -> CoreResult<FollowUpSchedule> {
        let versions = self.policy.versions().await?;
        let months = match versions.iter().find(|v| v.version == g.policy_version) {
            Some(v) => v.rules.follow_up_interval_months,
            None => {
                self.policy
                    .in_force(self.env.today())
                    .await?
                    .rules
                    .follow_up_interval_months
            }
        };
        Ok(FollowUpSchedule {
            add: schedule(&term(g), &employee.unit_path, months),
            cancel_after: None,
        })
    }

    /// Either party (or HR) ends an active agreement with the notice
    /// period; one not yet in force simply ends now. After its person
    /// moved, a manager of the new unit may end it too. Follow-ups due after
    /// the last day are cancelled, in the same transaction.
    #[tracing::instrument(skip_all)]
    pub async fn end_agreement(
        &self,
        actor: &Actor,
        id: AgreementId,
        reason: Option<&str>,
    ) -> CoreResult<Agreement> {
        let g = self.agreement(actor, id).await?;
        if !access::can(actor, g.end_action()) && self.may_confirm_after_move(actor, &g).await {
            return self.end_after_move(actor, id, reason).await;
        }
        access::authorize(actor, g.end_action())?;
        self.end_as(actor, g, reason, "agreement.end").await
    }

    /// What giving notice on the agreement today would do: its last day
    /// and the equipment to return. For those who may end it.
    #[tracing::instrument(skip_all)]
    pub async fn ending_preview(
        &self,
        actor: &Actor,
        id: AgreementId,
    ) -> CoreResult<EndingPreview> {
        let g = self.agreement(actor, id).await?;
        if !self.may_confirm_after_move(actor, &g).await {
            access::authorize(actor, g.end_action())?;
        }
        let next = ending(&g, self.env.today())?;
        Ok(EndingPreview {
            notice_days: g.notice_days,
            last_day: next.ends_on.unwrap_or_else(|| self.env.today()),
            to_return: self.on_ending.to_return(&g).await?,
        })
    }

    /// Gives notice on `g` as `actor` (already allowed to), audited as
    /// `action`.
    pub(super) async fn end_as(
        &self,
        actor: &Actor,
        g: Agreement,
        reason: Option<&str>,
        action: &str,
    ) -> CoreResult<Agreement> {
        let mut next = ending(&g, self.env.today())?;
        next.ended_by = Some(actor.name.clone());
        next.end_reason = reason
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let (employee, decider) = self.parties(&g).await?;
        let last = next.ends_on.map(|d| d.to_string()).unwrap_or_default();
        let ended = Message::new(MessageKey::AgreementEnded, Link::Agreement(g.id))
            .arg("by", &actor.name)
            .arg("person", &g.person_name)
            .arg("last", &last);
        let mut notices: Vec<Notice> = [&employee, &decider]
            .into_iter()
            .filter(|p| p.person.id != actor.person_id)
            .map(|p| notice(p, "agreement_ending", ended.clone()))
            .collect();
        notices.extend(
            self.on_ending
                .notices_on_ending(actor, &g, &employee, &last)
                .await?,
        );
        let a = NewAuditEntry::by(actor, action, "agreement", g.id).after(
            json!({"ends_on": last, "reason": next.end_reason, "followups_cancelled_after": last}),
        );
        let schedule = FollowUpSchedule {
            add: vec![],
            cancel_after: next.ends_on.map(|d| (g.id, d)),
        };
        let work = Work::new(self.env.now(), a).notify(notices);
        self.save_scheduled(actor, &next, g.version, &schedule, &work)
            .await
    }

    /// Tells both parties of every live agreement whose last day is within
    /// `days_ahead` days that it is ending (once per agreement). Driven by the
    /// job worker; time comes from the core's clock.
    #[tracing::instrument(skip_all)]
    pub async fn remind_ending_agreements(&self, days_ahead: i64) -> CoreResult<usize> {
        let today = self.env.today();
        let until = plus_days_clamped(today, days_ahead);
        let mut told = 0;
        for g in self.port.agreements_ending(until, 200).await? {
            let Some(last) = g.last_day().filter(|l| *l >= today) else {
                continue;
            };
            let ending = Message::new(MessageKey::AgreementEndingSoon, Link::Agreement(g.id))
                .arg("person", &g.person_name)
                .arg("last", last);
            let mut notices = vec![];
            for id in [g.person_id, g.decider_id] {
                if let Some(p) = self.org.find_record(id).await? {
                    notices.push(notice(&p, "agreement_ending", ending.clone()));
                }
            }
            let a = NewAuditEntry::system("agreement.ending_reminder", "agreement", g.id)
                .after(json!({"last_day": last.to_string()}));
            let marked = self
                .port
                .mark_agreement_ending_notified(
                    g.id,
                    &Work::new(self.env.now(), a).notify(notices.clone()),
                )
                .await?;
            if marked {
                told += 1;
            }
        }
        Ok(told)
    }

    /// The employee's and the decider's records.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn parties(&self, g: &Agreement) -> CoreResult<(PersonRecord, PersonRecord)> {
        Ok((
            self.org.record(g.person_id).await?,
            self.org.record(g.decider_id).await?,
        ))
    }
}
