//! Requests and decisions: apply, preview, decide, change, withdraw.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::access::{self, Action};
use crate::agreements::model::{Agreement, AgreementFacts, AgreementState};
use crate::agreements::rules as agreement;
use crate::cases::model::*;
use crate::kernel::{
    Actor, CoreError, CoreResult, NewAuditEntry, Notice, Page, Paging, PersonRef, Role,
};
use crate::org::model::{notice, unit_chain, PersonRecord};
use crate::policy::model::*;
use crate::policy::rules::judge;
use crate::Core;

impl Core {
    // Requests.

    async fn judge_for(
        &self,
        person: &PersonRecord,
        input: &RequestInput,
        skip: Option<Uuid>,
    ) -> CoreResult<(
        crate::policy::model::Arrangement,
        crate::policy::model::Judgement,
        PolicyVersion,
    )> {
        let arrangement = input.parse()?;
        let today = self.today();
        // Judged under the version in force today: the one the decision is made under.
        let policy = self.policy.in_force(today).await?;
        let effective = policy.rules.for_unit(&unit_chain(&person.unit_path));
        let applicant = Applicant {
            tasks: person.person.skills.clone(),
            busy: self
                .store
                .busy_periods(person.person.id, today, skip)
                .await?,
        };
        let j = judge(&policy.rules, &effective, &applicant, &arrangement, today)?;
        Ok((arrangement, j, policy))
    }

    fn decider_name(&self, j: Decider, rec: &PersonRecord) -> String {
        match (j, &rec.manager) {
            (Decider::Manager, Some(m)) => m.name.clone(),
            (Decider::Manager, None) => "HR".into(),
            (Decider::Hr, _) => "HR".into(),
        }
    }

    /// Checks a request against the policy without sending it.
    pub async fn preview_request(
        &self,
        actor: &Actor,
        input: &RequestInput,
    ) -> CoreResult<RequestPreview> {
        let rec = self.org.record(actor.person_id).await?;
        let (_, j, policy) = self.judge_for(&rec, input, None).await?;
        Ok(RequestPreview {
            decider: j.decider,
            decider_name: self.decider_name(j.decider, &rec),
            days_per_week: j.days_per_week,
            manager_limit_days: j.manager_limit_days,
            policy_version: policy.version,
            needs_agreement: j.needs_agreement,
        })
    }

    async fn request_notices(
        &self,
        r: &RemoteRequest,
        rec: &PersonRecord,
        kind: &str,
    ) -> CoreResult<Vec<Notice>> {
        let subject = format!("Ansökan om distansarbete från {}", r.person.name);
        let body = format!(
            "{} ansöker om distansarbete {} dagar per vecka från {}. Beslutet fattas av {}.\n\nÖppna ansökan: /ansokningar/{}",
            r.person.name,
            r.arrangement.days_per_week,
            r.arrangement.start,
            if r.decider == Decider::Hr { "HR" } else { "chefen" },
            r.id
        );
        let link = format!("/ansokningar/{}", r.id);
        let mut out = vec![];
        match (&r.decider, &rec.manager) {
            (Decider::Manager, Some(m)) => {
                let m = self.org.record(m.id).await?;
                out.push(notice(&m, kind, subject, body, link));
            }
            _ => {
                for (p, email) in self.store.people_with_role(Role::Hr.as_str()).await? {
                    if p.id != r.person.id {
                        out.push(Notice {
                            person_id: p.id,
                            email,
                            kind: kind.into(),
                            subject: subject.clone(),
                            body: body.clone(),
                            link: link.clone(),
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    /// Sends a request: judged against the policy, routed to its decider.
    pub async fn submit_request(
        &self,
        actor: &Actor,
        input: &RequestInput,
    ) -> CoreResult<RemoteRequest> {
        let rec = self.org.record(actor.person_id).await?;
        let (arrangement, j, policy) = self.judge_for(&rec, input, None).await?;
        let now = self.now();
        let assigned = if j.decider == Decider::Manager {
            rec.manager.clone()
        } else {
            None
        };
        // Without a manager above, HR decides.
        let decider = if j.decider == Decider::Manager && assigned.is_none() {
            Decider::Hr
        } else {
            j.decider
        };
        let me = PersonRef {
            id: actor.person_id,
            name: actor.name.clone(),
        };
        let r = RemoteRequest {
            id: Uuid::now_v7(),
            person: me.clone(),
            unit: rec.unit.clone(),
            state: RequestState::Submitted,
            decider,
            assigned_to: assigned,
            arrangement,
            policy_version: policy.version,
            decided_by: None,
            decision_reason: None,
            agreement_id: None,
            created_at: now,
            version: 1,
            unit_path: rec.unit_path.clone(),
            history: vec![RequestEvent {
                at: now,
                actor: me,
                kind: "submitted".into(),
                reason: None,
                policy_version: policy.version,
            }],
        };
        let notices = self.request_notices(&r, &rec, "request_received").await?;
        let mut a = NewAuditEntry::by(actor, "request.submit", "request", r.id);
        a.after = Some(serde_json::json!({
            "days_per_week": r.arrangement.days_per_week, "weekdays": r.arrangement.weekdays,
            "start": r.arrangement.start.to_string(), "end": r.arrangement.end.map(|e| e.to_string()),
            "decider": r.decider, "policy_version": r.policy_version,
        }));
        self.store.insert_request(&r, &notices, a).await?;
        Ok(r)
    }

    pub async fn request(&self, actor: &Actor, id: Uuid) -> CoreResult<RemoteRequest> {
        let r = self
            .store
            .request(id)
            .await?
            .ok_or(CoreError::NotFound("request"))?;
        if access::authorize(
            actor,
            Action::ReadCase {
                person_id: r.person.id,
                unit_path: &r.unit_path,
            },
        )
        .is_err()
        {
            return Err(CoreError::NotFound("request"));
        }
        Ok(r)
    }

    /// Whether the actor may decide this request (for showing the form).
    pub fn may_decide(&self, actor: &Actor, r: &RemoteRequest) -> bool {
        r.state == RequestState::Submitted
            && access::authorize(
                actor,
                Action::DecideRequest {
                    hr_level: r.decider == Decider::Hr,
                    person_id: r.person.id,
                    unit_path: &r.unit_path,
                },
            )
            .is_ok()
    }

    /// Requests the actor may see: `mine` only their own; otherwise HR and
    /// auditors everything, managers their units' and their own.
    pub async fn requests(
        &self,
        actor: &Actor,
        state: Option<RequestState>,
        mine: bool,
        paging: Paging,
    ) -> CoreResult<Page<RemoteRequest>> {
        let mut f = RequestFilter {
            state,
            ..Default::default()
        };
        if mine {
            f.person = Some(actor.person_id);
        } else if actor.has(Role::Hr) || actor.has(Role::Auditor) {
        } else if !actor.manages.is_empty() {
            f.under = Some(actor.manages.iter().map(|m| m.path.clone()).collect());
        } else {
            f.person = Some(actor.person_id);
        }
        self.store.requests(&f, paging).await
    }

    /// Requests waiting for this actor's decision.
    pub async fn requests_to_decide(&self, actor: &Actor) -> CoreResult<Vec<RemoteRequest>> {
        let mut out = vec![];
        if !actor.manages.is_empty() {
            let f = RequestFilter {
                state: Some(RequestState::Submitted),
                under: Some(actor.manages.iter().map(|m| m.path.clone()).collect()),
                decider: Some(Decider::Manager),
                ..Default::default()
            };
            out.extend(
                self.store
                    .requests(
                        &f,
                        Paging {
                            limit: 100,
                            offset: 0,
                        },
                    )
                    .await?
                    .items,
            );
        }
        if actor.has(Role::Hr) {
            let f = RequestFilter {
                state: Some(RequestState::Submitted),
                decider: Some(Decider::Hr),
                ..Default::default()
            };
            out.extend(
                self.store
                    .requests(
                        &f,
                        Paging {
                            limit: 100,
                            offset: 0,
                        },
                    )
                    .await?
                    .items,
            );
        }
        out.retain(|r| r.person.id != actor.person_id);
        Ok(out)
    }

    /// Approve, decline (reason required) or ask for changes. `expected` is
    /// the version the decider saw; someone faster wins, the other gets 409.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: Uuid,
        decision: Decision,
        reason: Option<&str>,
        expected: Option<i64>,
    ) -> CoreResult<RemoteRequest> {
        self.decide_with(actor, id, decision, reason, expected, false)
            .await
    }

    /// [`Core::decide`], where an approval whose fixed weekdays would open a
    /// coverage gap in the first four weeks is refused with the gaps
    /// (`CoverageGap`) unless `allow_gap`, and then recorded.
    pub async fn decide_with(
        &self,
        actor: &Actor,
        id: Uuid,
        decision: Decision,
        reason: Option<&str>,
        expected: Option<i64>,
        allow_gap: bool,
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
        if let Some(e) = expected {
            if e != r.version {
                return Err(CoreError::Conflict(
                    "the request was changed by someone else meanwhile; reload it".into(),
                ));
            }
        }
        if r.state != RequestState::Submitted {
            return Err(CoreError::Conflict(format!(
                "the request is {} and cannot be decided now",
                r.state.as_str()
            )));
        }
        let reason = reason
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if matches!(decision, Decision::Decline | Decision::Changes) && reason.is_none() {
            return Err(CoreError::invalid("reason", "give a reason"));
        }
        if reason.as_ref().is_some_and(|r| r.chars().count() > 2000) {
            return Err(CoreError::invalid(
                "reason",
                "must be at most 2000 characters",
            ));
        }
        let now = self.now();
        let policy = self.policy.in_force(self.today()).await?;
        let employee = self.org.record(r.person.id).await?;
        let me = PersonRef {
            id: actor.person_id,
            name: actor.name.clone(),
        };
        let mut next = r.clone();
        next.decided_by = Some(me.clone());
        next.decision_reason = reason.clone();
        let mut notices = vec![];
        let mut new_agreement = None;
        let mut gaps = vec![];
        let kind = match decision {
            Decision::Approve => "approved",
            Decision::Decline => "declined",
            Decision::Changes => "changes",
        };
        match decision {
            Decision::Approve => {
                // The period may not have been taken meanwhile.
                let busy = self
                    .store
                    .busy_periods(r.person.id, self.today(), Some(r.id))
                    .await?;
                let a = &r.arrangement;
                if busy.iter().any(|b| {
                    b.0 <= a.end.unwrap_or(Date::MAX) && a.start <= b.1.unwrap_or(Date::MAX)
                }) {
                    return Err(CoreError::Conflict(
                        "the employee has another arrangement in this period".into(),
                    ));
                }
                // Fixed weekdays must not leave the unit without enough people on site.
                let from = a.start.max(self.today());
                let to = (from + time::Duration::days(27)).min(a.end.unwrap_or(Date::MAX));
                if !a.weekdays.is_empty() && from <= to {
                    let span = crate::plan::model::AgreementSpan {
                        start: a.start,
                        last: a.end,
                        weekdays: a.weekdays.clone(),
                        days_per_week: i64::from(a.days_per_week),
                    };
                    gaps = self
                        .coverage
                        .gaps_opened(&employee, from, to, |rules| {
                            rules.agreements.push(span.clone())
                        })
                        .await?;
                    self.coverage
                        .check_gaps(actor, &employee, &gaps, allow_gap)?;
                }
                next.state = RequestState::Approved;
                let (_, template) = self
                    .store
                    .agreement_template()
                    .await?
                    .unwrap_or((0, agreement::DEFAULT_TEMPLATE.into()));
                let effective = policy.rules.for_unit(&unit_chain(&employee.unit_path));
                let organisation = self
                    .store
                    .units(
                        None,
                        Some(0),
                        Paging {
                            limit: 1,
                            offset: 0,
                        },
                    )
                    .await?
                    .items
                    .first()
                    .map(|u| u.name.clone())
                    .unwrap_or_default();
                let facts = AgreementFacts {
                    organisation,
                    employee: r.person.name.clone(),
                    employee_number: employee.person.employee_number.clone(),
                    unit: employee.unit.name.clone(),
                    decider: actor.name.clone(),
                    days_per_week: a.days_per_week,
                    weekdays: a.weekdays.clone(),
                    place: a.place,
                    place_address: a.place_address.clone(),
                    start: a.start,
                    end: a.end,
                    presence: effective.presence_requirements.clone(),
                    follow_up_months: policy.rules.follow_up_interval_months,
                    notice_days: policy.rules.notice_period_days,
                    policy_version: r.policy_version,
                };
                let g = Agreement {
                    id: Uuid::now_v7(),
                    request_id: r.id,
                    person_id: r.person.id,
                    person_name: r.person.name.clone(),
                    decider_id: actor.person_id,
                    decider_name: actor.name.clone(),
                    state: AgreementState::Draft,
                    days_per_week: a.days_per_week,
                    weekdays: a.weekdays.clone(),
                    place: a.place,
                    place_address: a.place_address.clone(),
                    start: a.start,
                    end: a.end,
                    policy_version: r.policy_version,
                    notice_days: policy.rules.notice_period_days as i64,
                    text: agreement::render(&template, &facts),
                    text_sha256: None,
                    employee_signed_at: None,
                    decider_signed_at: None,
                    ends_on: None,
                    ended_by: None,
                    end_reason: None,
                    version: 1,
                };
                next.agreement_id = Some(g.id);
                let link = format!("/overenskommelser/{}", g.id);
                notices.push(notice(
                    &employee,
                    "request_decided",
                    "Din ansökan om distansarbete är beviljad".into(),
                    format!(
                        "{} har beviljat din ansökan. Du får signera överenskommelsen när den är skickad till dig: {link}",
                        actor.name
                    ),
                    link.clone(),
                ));
                let me_rec = self.org.record(actor.person_id).await?;
                notices.push(notice(
                    &me_rec,
                    "agreement_draft",
                    format!("Överenskommelse att granska: {}", r.person.name),
                    format!(
                        "Utkastet till överenskommelse med {} är skrivet från mallen. Granska det och skicka det för signering: {link}",
                        r.person.name
                    ),
                    link,
                ));
                new_agreement = Some(g);
            }
            Decision::Decline => {
                next.state = RequestState::Declined;
                notices.push(notice(
                    &employee,
                    "request_decided",
                    "Din ansökan om distansarbete är avslagen".into(),
                    format!(
                        "{} har avslagit din ansökan. Skäl: {}",
                        actor.name,
                        reason.clone().unwrap_or_default()
                    ),
                    format!("/ansokningar/{}", r.id),
                ));
            }
            Decision::Changes => {
                next.state = RequestState::ChangesRequested;
                notices.push(notice(
                    &employee,
                    "request_decided",
                    "Din ansökan om distansarbete behöver ändras".into(),
                    format!(
                        "{} ber dig ändra din ansökan: {}",
                        actor.name,
                        reason.clone().unwrap_or_default()
                    ),
                    format!("/ansokningar/{}", r.id),
                ));
            }
        }
        let event = RequestEvent {
            at: now,
            actor: me,
            kind: kind.into(),
            reason: reason.clone(),
            policy_version: policy.version,
        };
        let mut a = NewAuditEntry::by(actor, &format!("request.{kind}"), "request", r.id);
        a.before = Some(serde_json::json!({"state": r.state}));
        a.after = Some(
            serde_json::json!({"state": next.state, "reason": reason, "policy_version": r.policy_version,
            "decided_under_policy_version": policy.version, "agreement_id": next.agreement_id}),
        );
        if !gaps.is_empty() {
            if let Some(serde_json::Value::Object(m)) = a.after.as_mut() {
                m.insert(
                    "allowed_gaps".into(),
                    gaps.iter().map(|g| g.describe()).collect::<Vec<_>>().into(),
                );
            }
        }
        self.store
            .update_request(
                &next,
                r.version,
                &event,
                new_agreement.as_ref(),
                &notices,
                a,
            )
            .await?;
        self.request(actor, id).await
    }

    /// The employee changes a request they were asked to change, and sends it again.
    pub async fn resubmit_request(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &RequestInput,
        expected: Option<i64>,
    ) -> CoreResult<RemoteRequest> {
        let r = self.request(actor, id).await?;
        if r.person.id != actor.person_id {
            return Err(CoreError::forbidden(
                "only the applicant may change a request",
            ));
        }
        if r.state != RequestState::ChangesRequested {
            return Err(CoreError::Conflict(
                "only a request sent back for changes can be changed".into(),
            ));
        }
        if expected.is_some_and(|e| e != r.version) {
            return Err(CoreError::Conflict(
                "the request was changed meanwhile; reload it".into(),
            ));
        }
        let rec = self.org.record(actor.person_id).await?;
        let (arrangement, j, policy) = self.judge_for(&rec, input, Some(r.id)).await?;
        let mut next = r.clone();
        next.arrangement = arrangement;
        next.assigned_to = if j.decider == Decider::Manager {
            rec.manager.clone()
        } else {
            None
        };
        next.decider = if j.decider == Decider::Manager && next.assigned_to.is_none() {
            Decider::Hr
        } else {
            j.decider
        };
        next.policy_version = policy.version;
        next.state = RequestState::Submitted;
        next.decided_by = None;
        next.decision_reason = None;
        let now = self.now();
        let event = RequestEvent {
            at: now,
            actor: PersonRef {
                id: actor.person_id,
                name: actor.name.clone(),
            },
            kind: "resubmitted".into(),
            reason: None,
            policy_version: policy.version,
        };
        let notices = self
            .request_notices(&next, &rec, "request_received")
            .await?;
        let mut a = NewAuditEntry::by(actor, "request.resubmit", "request", r.id);
        a.after = Some(
            serde_json::json!({"days_per_week": next.arrangement.days_per_week, "decider": next.decider, "policy_version": policy.version}),
        );
        self.store
            .update_request(&next, r.version, &event, None, &notices, a)
            .await?;
        self.request(actor, id).await
    }

    pub async fn withdraw_request(&self, actor: &Actor, id: Uuid) -> CoreResult<RemoteRequest> {
        let r = self.request(actor, id).await?;
        if r.person.id != actor.person_id {
            return Err(CoreError::forbidden(
                "only the applicant may withdraw a request",
            ));
        }
        if !r.state.is_open() {
            return Err(CoreError::Conflict(format!(
                "the request is {} and cannot be withdrawn",
                r.state.as_str()
            )));
        }
        let mut next = r.clone();
        next.state = RequestState::Withdrawn;
        let event = RequestEvent {
            at: self.now(),
            actor: PersonRef {
                id: actor.person_id,
                name: actor.name.clone(),
            },
            kind: "withdrawn".into(),
            reason: None,
            policy_version: r.policy_version,
        };
        self.store
            .update_request(
                &next,
                r.version,
                &event,
                None,
                &[],
                NewAuditEntry::by(actor, "request.withdraw", "request", r.id),
            )
            .await?;
        self.request(actor, id).await
    }
}
