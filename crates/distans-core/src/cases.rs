//! Use cases of the agreements issue: the policy, requests and decisions,
//! agreements and their signatures, temporary decisions, notifications.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{self, Action};
use crate::agreement::{self, Agreement, AgreementFacts, AgreementState};
use crate::audit::NewAuditEntry;
use crate::error::{CoreError, CoreResult};
use crate::model::{Actor, Page, Paging, PersonRef, Role, UnitRef};
use crate::policy::{
    judge, parse_date, Applicant, Decider, EffectiveRules, PolicyRules, PolicyVersion, RequestInput,
};
use crate::request::{
    Decision, Notice, Notification, RemoteRequest, RequestEvent, RequestFilter, RequestState,
    TemporaryDecision, DEFAULT_CRISIS_CHECKLIST,
};
use crate::store::PersonRecord;
use crate::Core;

/// The policy in force, with what applies in one unit.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PolicyView {
    #[serde(flatten)]
    pub policy: PolicyVersion,
    /// The rules as they apply in the caller's (or the asked) unit.
    pub effective: EffectiveRules,
}

/// What a request would become, shown before it is sent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RequestPreview {
    pub decider: Decider,
    /// Who will decide (the manager's name, or "HR").
    pub decider_name: String,
    pub days_per_week: u8,
    pub manager_limit_days: u8,
    pub policy_version: i64,
    pub needs_agreement: bool,
}

/// A temporary decision as HR writes it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct TemporaryDecisionInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub start: String,
    pub end: String,
    /// Unit ids; empty or missing = the whole organisation.
    #[serde(default)]
    pub units: Vec<String>,
    pub max_remote_days: Option<i64>,
    #[serde(default = "yes")]
    pub without_agreement: bool,
    #[serde(default = "yes")]
    pub tasks_must_allow: bool,
    /// Person ids of managers it is delegated to.
    #[serde(default)]
    pub delegates: Vec<String>,
    /// The checklist; missing = the default (seed 002).
    pub checklist: Option<Vec<String>>,
}

fn yes() -> bool {
    true
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

fn unit_chain(path: &str) -> Vec<Uuid> {
    path.split('/')
        .filter_map(|s| Uuid::parse_str(s).ok())
        .collect()
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

impl Core {
    pub fn today(&self) -> Date {
        self.now().date()
    }

    /// Makes sure a policy and an agreement template exist (first start).
    pub async fn ensure_defaults(&self) -> CoreResult<()> {
        if self.store.policy_versions().await?.is_empty() {
            let mut a = system_audit("policy.create", "policy", 1);
            a.actor = "system (default policy)".into();
            self.store
                .add_policy_version(
                    &PolicyRules::default(),
                    time::macros::date!(2020 - 01 - 01),
                    "system",
                    self.now(),
                    a,
                )
                .await?;
        }
        if self.store.agreement_template().await?.is_none() {
            self.store
                .set_agreement_template(
                    agreement::DEFAULT_TEMPLATE,
                    0,
                    "system",
                    self.now(),
                    system_audit("template.update", "agreement_template", 1),
                )
                .await?;
        }
        // Follow-ups.
        self.ensure_checklist_defaults().await?;
        Ok(())
    }

    async fn policy_in_force(&self, day: Date) -> CoreResult<PolicyVersion> {
        self.store
            .policy_on(day)
            .await?
            .ok_or_else(|| CoreError::Internal("no policy version in force".into()))
    }

    async fn person_record(&self, id: Uuid) -> CoreResult<PersonRecord> {
        self.store
            .person(id)
            .await?
            .ok_or(CoreError::NotFound("person"))
    }

    // The policy.

    /// The policy in force on `on` (default today), as it applies in `unit`
    /// (default the caller's unit).
    pub async fn policy(
        &self,
        actor: &Actor,
        on: Option<Date>,
        unit: Option<Uuid>,
    ) -> CoreResult<PolicyView> {
        let policy = self
            .policy_in_force(on.unwrap_or_else(|| self.today()))
            .await?;
        let unit = unit.unwrap_or(actor.unit.id);
        let u = self
            .store
            .unit(unit)
            .await?
            .ok_or(CoreError::NotFound("unit"))?;
        let effective = policy.rules.for_unit(&unit_chain(&u.path));
        Ok(PolicyView { policy, effective })
    }

    pub async fn policy_versions(&self, _actor: &Actor) -> CoreResult<Vec<PolicyVersion>> {
        self.store.policy_versions().await
    }

    pub async fn add_policy_version(
        &self,
        actor: &Actor,
        rules: PolicyRules,
        valid_from: Date,
    ) -> CoreResult<PolicyVersion> {
        access::authorize(actor, Action::EditPolicy)?;
        rules.validate()?;
        if valid_from < self.today() {
            return Err(CoreError::invalid(
                "valid_from",
                "a new version cannot apply from a day that has passed",
            ));
        }
        for (i, o) in rules.unit_overrides.iter().enumerate() {
            if self.store.unit(o.unit_id).await?.is_none() {
                return Err(CoreError::invalid(
                    format!("unit_overrides[{i}].unit_id"),
                    "no such unit",
                ));
            }
        }
        self.store
            .add_policy_version(
                &rules,
                valid_from,
                &actor.name,
                self.now(),
                audit(actor, "policy.create", "policy", ""),
            )
            .await
    }

    /// Sets (or with `None` removes) a unit's own rules: a new policy version
    /// from today, with everything else as in the version in force.
    pub async fn set_unit_override(
        &self,
        actor: &Actor,
        unit: Uuid,
        o: Option<crate::policy::UnitOverride>,
    ) -> CoreResult<PolicyVersion> {
        access::authorize(actor, Action::EditPolicy)?;
        if self.store.unit(unit).await?.is_none() {
            return Err(CoreError::NotFound("unit"));
        }
        let current = self.policy_in_force(self.today()).await?;
        let mut rules = current.rules.clone();
        rules.unit_overrides.retain(|x| x.unit_id != unit);
        if let Some(mut o) = o {
            o.unit_id = unit;
            o.presence_requirements = o.presence_requirements.filter(|p| !p.trim().is_empty());
            if o.manager_limit_days.is_some()
                || o.max_days_per_week.is_some()
                || o.presence_requirements.is_some()
            {
                rules.unit_overrides.push(o);
            }
        }
        self.add_policy_version(actor, rules, self.today()).await
    }

    pub async fn agreement_template(&self, actor: &Actor) -> CoreResult<(i64, String)> {
        access::authorize(actor, Action::EditPolicy)?;
        Ok(self
            .store
            .agreement_template()
            .await?
            .unwrap_or((0, agreement::DEFAULT_TEMPLATE.to_string())))
    }

    pub async fn set_agreement_template(
        &self,
        actor: &Actor,
        text: &str,
        expected: i64,
    ) -> CoreResult<i64> {
        access::authorize(actor, Action::EditPolicy)?;
        let text = text.replace("\r\n", "\n");
        agreement::validate_template(&text)?;
        let mut a = audit(actor, "template.update", "agreement_template", "");
        a.after = Some(serde_json::json!({ "sha256": agreement::sha256_hex(&text) }));
        self.store
            .set_agreement_template(&text, expected, &actor.name, self.now(), a)
            .await
    }

    // Requests.

    async fn judge_for(
        &self,
        person: &PersonRecord,
        input: &RequestInput,
        skip: Option<Uuid>,
    ) -> CoreResult<(
        crate::policy::Arrangement,
        crate::policy::Judgement,
        PolicyVersion,
    )> {
        let arrangement = input.parse()?;
        let today = self.today();
        // Judged under the version in force today: the one the decision is made under.
        let policy = self.policy_in_force(today).await?;
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
        let rec = self.person_record(actor.person_id).await?;
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
                let m = self.person_record(m.id).await?;
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
        let rec = self.person_record(actor.person_id).await?;
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
        let mut a = audit(actor, "request.submit", "request", r.id);
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
        let policy = self.policy_in_force(self.today()).await?;
        let employee = self.person_record(r.person.id).await?;
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
                    let span = crate::plan::AgreementSpan {
                        start: a.start,
                        last: a.end,
                        weekdays: a.weekdays.clone(),
                        days_per_week: i64::from(a.days_per_week),
                    };
                    gaps = self
                        .gaps_opened(&employee, from, to, |rules| {
                            rules.agreements.push(span.clone())
                        })
                        .await?;
                    self.check_gaps(actor, &employee, &gaps, allow_gap)?;
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
                let me_rec = self.person_record(actor.person_id).await?;
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
        let mut a = audit(actor, &format!("request.{kind}"), "request", r.id);
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
        let rec = self.person_record(actor.person_id).await?;
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
        let mut a = audit(actor, "request.resubmit", "request", r.id);
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
                audit(actor, "request.withdraw", "request", r.id),
            )
            .await?;
        self.request(actor, id).await
    }

    // Agreements.

    pub async fn agreement(&self, actor: &Actor, id: Uuid) -> CoreResult<Agreement> {
        let mut g = self
            .store
            .agreement(id)
            .await?
            .ok_or(CoreError::NotFound("agreement"))?;
        let rec = self.person_record(g.person_id).await?;
        let is_party = actor.person_id == g.decider_id;
        if !is_party
            && access::authorize(
                actor,
                Action::ReadCase {
                    person_id: g.person_id,
                    unit_path: &rec.unit_path,
                },
            )
            .is_err()
        {
            return Err(CoreError::NotFound("agreement"));
        }
        g.state = g.state_on(self.today());
        Ok(g)
    }

    pub async fn agreements_of(&self, actor: &Actor, person: Uuid) -> CoreResult<Vec<Agreement>> {
        let rec = self.person_record(person).await?;
        if access::authorize(
            actor,
            Action::ReadCase {
                person_id: person,
                unit_path: &rec.unit_path,
            },
        )
        .is_err()
        {
            return Err(CoreError::NotFound("person"));
        }
        let today = self.today();
        Ok(self
            .store
            .agreements_of(person)
            .await?
            .into_iter()
            .map(|mut g| {
                g.state = g.state_on(today);
                g
            })
            .collect())
    }

    pub async fn agreements_to_sign(&self, actor: &Actor) -> CoreResult<Vec<Agreement>> {
        let mut out = self
            .store
            .agreements_to_sign_as_decider(actor.person_id)
            .await?;
        out.extend(
            self.store
                .agreements_of(actor.person_id)
                .await?
                .into_iter()
                .filter(|g| {
                    g.state == AgreementState::AwaitingSignatures && g.employee_signed_at.is_none()
                }),
        );
        // Drafts this actor decided wait for them to be sent.
        out.extend(self.store.agreements_drafted_by(actor.person_id).await?);
        Ok(out)
    }

    /// The decider (or HR) sends a draft for signatures, optionally with the
    /// text adjusted for this case. Both parties are then asked to sign.
    pub async fn send_agreement(
        &self,
        actor: &Actor,
        id: Uuid,
        text: Option<&str>,
    ) -> CoreResult<Agreement> {
        let g = self.agreement(actor, id).await?;
        if actor.person_id != g.decider_id && !actor.has(Role::Hr) {
            return Err(CoreError::forbidden(
                "only the one who decided (or HR) sends the agreement for signatures",
            ));
        }
        if actor.person_id == g.person_id {
            return Err(CoreError::forbidden("nobody sends their own agreement"));
        }
        if g.state != AgreementState::Draft {
            return Err(CoreError::Conflict(format!(
                "the agreement is {} and cannot be sent again",
                g.state.as_str()
            )));
        }
        let mut next = g.clone();
        if let Some(t) = text {
            let t = t.replace("\r\n", "\n");
            if t.trim().is_empty() || t.len() > 50_000 {
                return Err(CoreError::invalid("text", "must be 1 to 50,000 characters"));
            }
            if agreement::sections(&t).iter().all(|s| s.0.is_empty()) {
                return Err(CoreError::invalid(
                    "text",
                    "needs at least one section heading (a line starting with \"## \")",
                ));
            }
            next.text = t;
        }
        next.state = AgreementState::AwaitingSignatures;
        let employee = self.person_record(g.person_id).await?;
        let decider = self.person_record(g.decider_id).await?;
        let link = format!("/overenskommelser/{}", g.id);
        let notices = vec![
            notice(
                &employee,
                "agreement_to_sign",
                "Din överenskommelse om distansarbete är klar att signera".into(),
                format!("Överenskommelsen väntar på din signatur: {link}"),
                link.clone(),
            ),
            notice(
                &decider,
                "agreement_to_sign",
                format!("Överenskommelse att signera: {}", g.person_name),
                format!(
                    "Överenskommelsen med {} väntar på din signatur: {link}",
                    g.person_name
                ),
                link,
            ),
        ];
        let mut a = audit(actor, "agreement.send", "agreement", g.id);
        a.after = Some(
            serde_json::json!({"text_changed": next.text != g.text, "text_sha256": agreement::sha256_hex(&next.text)}),
        );
        self.store
            .update_agreement(&next, g.version, &notices, a)
            .await?;
        self.agreement(actor, id).await
    }

    /// The employee or the decider signs. When both have, the text is
    /// frozen: its SHA-256 is recorded and the agreement is active.
    pub async fn sign_agreement(&self, actor: &Actor, id: Uuid) -> CoreResult<Agreement> {
        let g = self.agreement(actor, id).await?;
        if g.state != AgreementState::AwaitingSignatures {
            return Err(CoreError::Conflict(format!(
                "the agreement is {} and cannot be signed",
                g.state.as_str()
            )));
        }
        let now = self.now();
        let mut next = g.clone();
        let who = if actor.person_id == g.person_id && g.employee_signed_at.is_none() {
            next.employee_signed_at = Some(now);
            "employee"
        } else if actor.person_id == g.decider_id && g.decider_signed_at.is_none() {
            next.decider_signed_at = Some(now);
            "decider"
        } else if actor.person_id == g.person_id || actor.person_id == g.decider_id {
            return Err(CoreError::Conflict("you have already signed".into()));
        } else {
            return Err(CoreError::forbidden(
                "only the employee and the one who decided sign the agreement",
            ));
        };
        let employee = self.person_record(g.person_id).await?;
        let decider = self.person_record(g.decider_id).await?;
        let link = format!("/overenskommelser/{}", g.id);
        let mut notices = vec![];
        if next.employee_signed_at.is_some() && next.decider_signed_at.is_some() {
            next.state = AgreementState::Active;
            next.text_sha256 = Some(agreement::sha256_hex(&next.text));
            for p in [&employee, &decider] {
                notices.push(notice(p, "agreement_signed", "Överenskommelsen om distansarbete är signerad".into(),
                    format!("Båda parter har signerat överenskommelsen för {}. Den gäller från {}. {link}", g.person_name, g.start), link.clone()));
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
                format!("{} har signerat överenskommelsen", actor.name),
                format!(
                    "{} har signerat. Överenskommelsen väntar på din signatur: {link}",
                    actor.name
                ),
                link.clone(),
            ));
        }
        // Follow-ups: scheduled by the same transaction that activates it.
        let schedule = if next.state == AgreementState::Active {
            self.schedule_for_activation(&next).await?
        } else {
            Default::default()
        };
        let mut a = audit(actor, "agreement.sign", "agreement", g.id);
        a.after = Some(
            serde_json::json!({"signed_by": who, "state": next.state, "text_sha256": next.text_sha256, "policy_version": g.policy_version,
                "followups": schedule.add.iter().map(|f| serde_json::json!({"id": f.id, "kind": f.kind, "due": f.due.to_string()})).collect::<Vec<_>>()}),
        );
        self.store
            .update_agreement_scheduling(&next, g.version, &notices, a, &schedule)
            .await?;
        self.agreement(actor, id).await
    }

    /// Either party (or HR) ends an active agreement with the notice period.
    pub async fn end_agreement(
        &self,
        actor: &Actor,
        id: Uuid,
        reason: Option<&str>,
    ) -> CoreResult<Agreement> {
        let g = self.agreement(actor, id).await?;
        let party = actor.person_id == g.person_id
            || actor.person_id == g.decider_id
            || actor.has(Role::Hr);
        if !party {
            return Err(CoreError::forbidden(
                "only the parties (or HR) may end the agreement",
            ));
        }
        let today = self.today();
        let mut next = g.clone();
        match g.state {
            AgreementState::Active if g.ends_on.is_none() => {
                let by_notice = today + time::Duration::days(g.notice_days);
                next.ends_on = Some(match g.end {
                    Some(e) if e < by_notice => e,
                    _ => by_notice,
                });
            }
            AgreementState::Active => {
                return Err(CoreError::Conflict("notice has already been given".into()))
            }
            AgreementState::AwaitingSignatures | AgreementState::Draft => {
                // Not yet in force: it simply ends now.
                next.state = AgreementState::Ended;
                next.ends_on = Some(today);
            }
            s => {
                return Err(CoreError::Conflict(format!(
                    "the agreement is already {}",
                    s.as_str()
                )))
            }
        }
        next.ended_by = Some(actor.name.clone());
        next.end_reason = reason
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let employee = self.person_record(g.person_id).await?;
        let decider = self.person_record(g.decider_id).await?;
        let link = format!("/overenskommelser/{}", g.id);
        let last = next.ends_on.map(|d| d.to_string()).unwrap_or_default();
        let notices: Vec<Notice> = [&employee, &decider]
            .into_iter()
            .filter(|p| p.person.id != actor.person_id)
            .map(|p| {
                notice(
                    p,
                    "agreement_ending",
                    "Överenskommelsen om distansarbete upphör".into(),
                    format!(
                        "{} har sagt upp överenskommelsen för {}. Sista dag: {last}. {link}",
                        actor.name, g.person_name
                    ),
                    link.clone(),
                )
            })
            .collect();
        // Equipment: the manager collects what was lent under it.
        let mut notices = notices;
        notices.extend(
            self.loan_collect_notices(actor, &g, &employee, &last)
                .await?,
        );
        let mut a = audit(actor, "agreement.end", "agreement", g.id);
        a.after = Some(serde_json::json!({"ends_on": last, "reason": next.end_reason}));
        // Follow-ups: those due after the last day are cancelled.
        let schedule = crate::followup::FollowUpSchedule {
            add: vec![],
            cancel_after: next.ends_on.map(|d| (g.id, d)),
        };
        if let Some(after) = a.after.as_mut() {
            after["followups_cancelled_after"] = serde_json::json!(last);
        }
        self.store
            .update_agreement_scheduling(&next, g.version, &notices, a, &schedule)
            .await?;
        self.agreement(actor, id).await
    }

    /// Tells both parties of every live agreement whose last day is within
    /// `days_ahead` days that it is ending (once per agreement). Driven by the
    /// job worker; time comes from the core's clock.
    pub async fn remind_ending_agreements(&self, days_ahead: i64) -> CoreResult<usize> {
        let today = self.today();
        let mut told = 0;
        for g in self
            .store
            .agreements_ending(today + time::Duration::days(days_ahead), 200)
            .await?
        {
            let Some(last) = g.last_day() else { continue };
            if last < today {
                continue;
            }
            let link = format!("/overenskommelser/{}", g.id);
            let mut notices = vec![];
            for id in [g.person_id, g.decider_id] {
                if let Some(p) = self.store.person(id).await? {
                    notices.push(notice(&p, "agreement_ending", "Överenskommelsen om distansarbete upphör snart".into(),
                        format!("Överenskommelsen för {} gäller till och med {last}. Vill ni fortsätta behövs en ny ansökan. {link}", g.person_name), link.clone()));
                }
            }
            let mut a = system_audit("agreement.ending_reminder", "agreement", g.id);
            a.after = Some(serde_json::json!({"last_day": last.to_string()}));
            if self
                .store
                .mark_agreement_ending_notified(g.id, self.now(), &notices, a)
                .await?
            {
                told += 1;
            }
        }
        Ok(told)
    }

    // Temporary decisions.

    pub async fn issue_temporary_decision(
        &self,
        actor: &Actor,
        input: &TemporaryDecisionInput,
    ) -> CoreResult<TemporaryDecision> {
        access::authorize(actor, Action::IssueTemporaryDecision)?;
        let title = input.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(CoreError::invalid("title", "must be 1 to 200 characters"));
        }
        if input.description.chars().count() > 10_000 {
            return Err(CoreError::invalid(
                "description",
                "must be at most 10,000 characters",
            ));
        }
        let start = parse_date("start", &input.start)?;
        let end = parse_date("end", &input.end)?;
        if end < start {
            return Err(CoreError::invalid("end", "must not be before start"));
        }
        if (end - start).whole_days() > 366 {
            return Err(CoreError::invalid(
                "end",
                "a temporary decision lasts at most a year",
            ));
        }
        let max = input.max_remote_days.unwrap_or(5);
        if !(1..=5).contains(&max) {
            return Err(CoreError::invalid(
                "max_remote_days",
                "must be between 1 and 5",
            ));
        }
        let mut units = vec![];
        let mut paths = vec![];
        for (i, u) in input.units.iter().enumerate() {
            let id = Uuid::parse_str(u.trim())
                .map_err(|_| CoreError::invalid(format!("units[{i}]"), "not a unit id"))?;
            let d = self
                .store
                .unit(id)
                .await?
                .ok_or_else(|| CoreError::invalid(format!("units[{i}]"), "no such unit"))?;
            if units.iter().any(|u: &UnitRef| u.id == id) {
                continue;
            }
            units.push(UnitRef {
                id,
                name: d.unit.name.clone(),
            });
            paths.push(d.path);
        }
        let mut delegates = vec![];
        for (i, p) in input.delegates.iter().enumerate() {
            let id = Uuid::parse_str(p.trim())
                .map_err(|_| CoreError::invalid(format!("delegates[{i}]"), "not a person id"))?;
            let rec =
                self.store.person(id).await?.ok_or_else(|| {
                    CoreError::invalid(format!("delegates[{i}]"), "no such person")
                })?;
            if rec.manages.is_empty() {
                return Err(CoreError::invalid(
                    format!("delegates[{i}]"),
                    format!("{} is not a manager", rec.person.name()),
                ));
            }
            if delegates.iter().any(|d: &PersonRef| d.id == id) {
                continue;
            }
            delegates.push(PersonRef {
                id,
                name: rec.person.name(),
            });
        }
        let checklist: Vec<String> = match &input.checklist {
            Some(c) => c
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            None => DEFAULT_CRISIS_CHECKLIST
                .iter()
                .map(|s| s.to_string())
                .collect(),
        };
        if checklist.len() > 50 || checklist.iter().any(|c| c.chars().count() > 500) {
            return Err(CoreError::invalid(
                "checklist",
                "at most 50 items of at most 500 characters",
            ));
        }
        let d = TemporaryDecision {
            id: Uuid::now_v7(),
            title: title.into(),
            description: input.description.trim().into(),
            start,
            end,
            units,
            unit_paths: paths,
            max_remote_days: max as u8,
            without_agreement: input.without_agreement,
            tasks_must_allow: input.tasks_must_allow,
            delegates,
            checklist,
            issued_by: PersonRef {
                id: actor.person_id,
                name: actor.name.clone(),
            },
            created_at: self.now(),
        };
        let mut a = audit(
            actor,
            "temporary_decision.issue",
            "temporary_decision",
            d.id,
        );
        a.after = serde_json::to_value(&d).ok();
        // Delegates are told that the decision is theirs to apply (and to delegate further).
        let mut notices = vec![];
        for p in &d.delegates {
            let rec = self.person_record(p.id).await?;
            notices.push(notice(
                &rec,
                "temporary_decision_delegated",
                format!("Delegerat till dig: {}", d.title),
                format!(
                    "{} har fattat ett tillfälligt beslut ({} – {}) och delegerat till dig att tillämpa det för dina medarbetare. Gå igenom checklistan: /tillfalliga-beslut",
                    actor.name, d.start, d.end
                ),
                "/tillfalliga-beslut".into(),
            ));
        }
        self.store
            .insert_temporary_decision(&d, &notices, a)
            .await?;
        Ok(d)
    }

    /// All decisions (HR, auditors), or those in force today that concern the caller.
    pub async fn temporary_decisions(
        &self,
        actor: &Actor,
        paging: Paging,
    ) -> CoreResult<Page<TemporaryDecision>> {
        if actor.has(Role::Hr)
            || actor.has(Role::Auditor)
            || actor.has(Role::Admin)
            || actor.has(Role::Director)
        {
            return self.store.temporary_decisions(None, paging).await;
        }
        let rec = self.person_record(actor.person_id).await?;
        let mut page = self
            .store
            .temporary_decisions(
                Some(self.today()),
                Paging {
                    limit: 100,
                    offset: 0,
                },
            )
            .await?;
        page.items.retain(|d| {
            d.covers_path(&rec.unit_path)
                || actor.manages.iter().any(|m| d.covers_path(&m.path))
                || d.delegates.iter().any(|p| p.id == actor.person_id)
        });
        page.total = page.items.len() as i64;
        page.next = None;
        Ok(page)
    }

    /// The temporary decisions in force today that apply to a person.
    pub async fn temporary_decisions_for(
        &self,
        rec: &PersonRecord,
    ) -> CoreResult<Vec<TemporaryDecision>> {
        let page = self
            .store
            .temporary_decisions(
                Some(self.today()),
                Paging {
                    limit: 100,
                    offset: 0,
                },
            )
            .await?;
        Ok(page
            .items
            .into_iter()
            .filter(|d| d.covers_path(&rec.unit_path))
            .collect())
    }

    // Notifications.

    pub async fn notifications(
        &self,
        actor: &Actor,
        paging: Paging,
    ) -> CoreResult<Page<Notification>> {
        self.store.notifications(actor.person_id, paging).await
    }

    pub async fn mark_notifications_read(&self, actor: &Actor) -> CoreResult<()> {
        self.store
            .mark_notifications_read(actor.person_id, self.now())
            .await
    }
}
