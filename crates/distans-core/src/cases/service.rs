//! Requests: apply, preview, read, list, change and withdraw. Deciding is
//! in `decide`.

use crate::kernel::RequestId;
use std::sync::Arc;

use serde_json::json;
use uuid::Uuid;

use crate::access::{self, Action, Kind};
use crate::agreements::service::AgreementsService;
use crate::cases::model::*;
use crate::cases::port::CasesPort;
use crate::cases::rules::{decider_name, event, list_filter, route, to_decide_filters};
use crate::coverage::service::CoverageService;
use crate::kernel::Work;
use crate::kernel::{
    Actor, CoreError, CoreResult, Env, Link, Message, MessageKey, NewAuditEntry, Notice, Page,
    Paging, Role,
};
use crate::org::model::{notice, unit_chain, PersonRecord};
use crate::org::service::OrgService;
use crate::policy::model::*;
use crate::policy::rules::judge;
use crate::policy::service::PolicyService;

/// The slices requests are decided with.
pub(crate) struct CasesDeps {
    pub org: OrgService,
    pub policy: PolicyService,
    pub coverage: CoverageService,
    pub agreements: AgreementsService,
}

/// Requests for regular remote work and the decisions on them.
#[derive(Clone)]
pub struct CasesService {
    pub(super) port: Arc<dyn CasesPort>,
    pub(super) env: Env,
    pub(super) d: Arc<CasesDeps>,
}

impl CasesService {
    pub(crate) fn new(port: Arc<dyn CasesPort>, env: Env, d: CasesDeps) -> Self {
        CasesService {
            port,
            env,
            d: Arc::new(d),
        }
    }

    /// A request judged under the version in force today (the one the
    /// decision is made under), against the person's tasks and their other
    /// requests and agreements except `skip`.
    #[tracing::instrument(skip_all)]
    async fn judge_for(
        &self,
        person: &PersonRecord,
        input: &RequestInput,
        skip: Option<RequestId>,
    ) -> CoreResult<(Arrangement, Judgement, PolicyVersion)> {
        let arrangement = input.parse()?;
        let today = self.env.today();
        let policy = self.d.policy.in_force(today).await?;
        let effective = policy.rules.for_unit(&unit_chain(&person.unit_path));
        let applicant = Applicant {
            tasks: person.person.skills.clone(),
            busy: self
                .port
                .busy_periods(person.person.id, today, skip)
                .await?,
        };
        let j = judge(&policy.rules, &effective, &applicant, &arrangement, today)?;
        Ok((arrangement, j, policy))
    }

    /// Checks a request against the policy without sending it.
    #[tracing::instrument(skip_all)]
    pub async fn preview_request(
        &self,
        actor: &Actor,
        input: &RequestInput,
    ) -> CoreResult<RequestPreview> {
        let rec = self.d.org.record(actor.person_id).await?;
        let (_, j, policy) = self.judge_for(&rec, input, None).await?;
        Ok(RequestPreview {
            decider: j.decider,
            decider_name: decider_name(j.decider, &rec),
            days_per_week: j.days_per_week,
            manager_limit_days: j.manager_limit_days,
            policy_version: policy.version,
            needs_agreement: j.needs_agreement,
        })
    }

    /// The notices to whoever decides: the manager, or everyone in HR.
    #[tracing::instrument(skip_all)]
    async fn request_notices(
        &self,
        r: &RemoteRequest,
        rec: &PersonRecord,
        kind: &str,
    ) -> CoreResult<Vec<Notice>> {
        let message = Message::new(MessageKey::RequestReceived, Link::Request(r.id))
            .arg("person", &r.person.name)
            .arg("days", r.arrangement.terms.days_per_week())
            .arg("start", r.arrangement.terms.start())
            .arg("decider", r.decider.as_str());
        let mut out = vec![];
        match (&r.decider, &rec.manager) {
            (Decider::Manager, Some(m)) => {
                let m = self.d.org.record(m.id).await?;
                out.push(notice(&m, kind, message));
            }
            _ => {
                for (p, email) in self.d.org.people_with_role(Role::Hr.as_str()).await? {
                    if p.id != r.person.id {
                        out.push(Notice {
                            person_id: p.id,
                            email,
                            kind: kind.into(),
                            message: message.clone(),
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    /// Sends a request: judged against the policy, routed to its decider.
    #[tracing::instrument(skip_all)]
    pub async fn submit_request(
        &self,
        actor: &Actor,
        input: &RequestInput,
    ) -> CoreResult<RemoteRequest> {
        let rec = self.d.org.record(actor.person_id).await?;
        let (arrangement, j, policy) = self.judge_for(&rec, input, None).await?;
        let now = self.env.now();
        let (decider, assigned) = route(j.decider, &rec);
        let submitted = event(actor, now, "submitted", policy.version);
        let r = RemoteRequest {
            id: Uuid::now_v7().into(),
            person: submitted.actor.clone(),
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
            history: vec![submitted],
        };
        let notices = self.request_notices(&r, &rec, "request_received").await?;
        let a = NewAuditEntry::by(actor, "request.submit", "request", r.id).after(json!({
            "days_per_week": r.arrangement.terms.days_per_week(), "weekdays": r.arrangement.terms.weekdays(),
            "start": r.arrangement.terms.start().to_string(), "end": r.arrangement.terms.end().map(|e| e.to_string()),
            "decider": r.decider, "policy_version": r.policy_version,
        }));
        self.port
            .insert_request(&r, &Work::new(self.env.now(), a).notify(notices.clone()))
            .await?;
        Ok(r)
    }

    /// A request, for those who may see the person's cases (404 otherwise).
    #[tracing::instrument(skip_all)]
    pub async fn request(&self, actor: &Actor, id: RequestId) -> CoreResult<RemoteRequest> {
        let r = self
            .port
            .request(id)
            .await?
            .ok_or(CoreError::NotFound("request"))?;
        let may = access::can(
            actor,
            Action::ReadCase {
                person_id: r.person.id,
                unit_path: &r.unit_path,
            },
        );
        if !may {
            return Err(CoreError::NotFound("request"));
        }
        Ok(r)
    }

    /// Whether the actor may decide this request (for showing the form).
    pub fn may_decide(&self, actor: &Actor, r: &RemoteRequest) -> bool {
        r.state == RequestState::Submitted
            && access::can(
                actor,
                Action::DecideRequest {
                    hr_level: r.decider == Decider::Hr,
                    person_id: r.person.id,
                    unit_path: &r.unit_path,
                },
            )
    }

    /// Requests the actor may see: `mine` only their own; otherwise HR and
    /// auditors everything, managers their units' and their own.
    #[tracing::instrument(skip_all)]
    pub async fn requests(
        &self,
        actor: &Actor,
        state: Option<RequestState>,
        mine: bool,
        paging: Paging,
    ) -> CoreResult<Page<RemoteRequest>> {
        let all = access::can(actor, Action::Plain(Kind::ReadAllRequests));
        let f = RequestFilter {
            state,
            ..list_filter(actor, all, mine)
        };
        self.port.requests(&f, paging).await
    }

    /// Requests waiting for this actor's decision (never their own).
    #[tracing::instrument(skip_all)]
    pub async fn requests_to_decide(&self, actor: &Actor) -> CoreResult<Vec<RemoteRequest>> {
        let mut out = vec![];
        for f in to_decide_filters(actor) {
            out.extend(self.port.requests(&f, Paging::first(100)).await?.items);
        }
        out.retain(|r| r.person.id != actor.person_id);
        Ok(out)
    }

    /// The employee changes a request they were asked to change, and sends it again.
    #[tracing::instrument(skip_all)]
    pub async fn resubmit_request(
        &self,
        actor: &Actor,
        id: RequestId,
        input: &RequestInput,
        expected: Option<i64>,
    ) -> CoreResult<RemoteRequest> {
        let r = self.own_request(actor, id).await?;
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
        let rec = self.d.org.record(actor.person_id).await?;
        let (arrangement, j, policy) = self.judge_for(&rec, input, Some(r.id)).await?;
        let mut next = r.clone();
        next.arrangement = arrangement;
        (next.decider, next.assigned_to) = route(j.decider, &rec);
        next.policy_version = policy.version;
        next.state = RequestState::Submitted;
        next.decided_by = None;
        next.decision_reason = None;
        let resubmitted = event(actor, self.env.now(), "resubmitted", policy.version);
        let notices = self
            .request_notices(&next, &rec, "request_received")
            .await?;
        let a = NewAuditEntry::by(actor, "request.resubmit", "request", r.id).after(
            json!({"days_per_week": next.arrangement.terms.days_per_week(), "decider": next.decider, "policy_version": policy.version}),
        );
        self.port
            .update_request(
                &next,
                r.version,
                &resubmitted,
                None,
                &Work::new(self.env.now(), a).notify(notices.clone()),
            )
            .await?;
        self.request(actor, id).await
    }

    /// A request `actor` may change: their own.
    async fn own_request(&self, actor: &Actor, id: RequestId) -> CoreResult<RemoteRequest> {
        let r = self.request(actor, id).await?;
        let person_id = r.person.id;
        access::authorize(actor, Action::ChangeOwnRequest { person_id })?;
        Ok(r)
    }

    /// The applicant withdraws a request that is still open.
    #[tracing::instrument(skip_all)]
    pub async fn withdraw_request(
        &self,
        actor: &Actor,
        id: RequestId,
    ) -> CoreResult<RemoteRequest> {
        let r = self.own_request(actor, id).await?;
        if !r.state.is_open() {
            return Err(CoreError::Conflict(format!(
                "the request is {} and cannot be withdrawn",
                r.state.as_str()
            )));
        }
        let mut next = r.clone();
        next.state = RequestState::Withdrawn;
        let withdrawn = event(actor, self.env.now(), "withdrawn", r.policy_version);
        let a = NewAuditEntry::by(actor, "request.withdraw", "request", r.id);
        self.port
            .update_request(
                &next,
                r.version,
                &withdrawn,
                None,
                &Work::new(self.env.now(), a),
            )
            .await?;
        self.request(actor, id).await
    }
}
