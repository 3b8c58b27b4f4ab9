//! Reporting a deviation, and handling it to closure.

use crate::kernel::ids::PersonId;
use crate::kernel::DeviationId;
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;

use crate::access::{self, Listing, Scope};
use crate::deviations::model::*;
use crate::deviations::port::DeviationsPort;
use crate::deviations::rules::*;
use crate::kernel::Env;
use crate::kernel::Work;
use crate::kernel::{
    Actor, CoreError, CoreResult, Link, Message, MessageKey, NewAuditEntry, Notice, Page, Paging,
    PersonRef, Role,
};
use crate::org::model::{unit_chain, PersonRecord};
use crate::org::service::OrgService;
use crate::policy::service::PolicyService;

fn audit(actor: &Actor, action: &str, id: DeviationId, after: serde_json::Value) -> NewAuditEntry {
    NewAuditEntry::by(actor, action, "deviation", id).after(after)
}

/// Deviations reported and handled to closure.
#[derive(Clone)]
pub struct DeviationsService {
    pub(super) port: Arc<dyn DeviationsPort>,
    pub(super) env: Env,
    pub(super) org: OrgService,
    pub(super) policy: PolicyService,
}

impl DeviationsService {
    pub(crate) fn new(
        port: Arc<dyn DeviationsPort>,
        env: Env,
        org: OrgService,
        policy: PolicyService,
    ) -> Self {
        DeviationsService {
            port,
            env,
            org,
            policy,
        }
    }
}

impl DeviationsService {
    #[tracing::instrument(skip_all)]
    async fn deviation_policy(&self) -> CoreResult<crate::policy::model::PolicyVersion> {
        self.policy.in_force(self.env.today()).await
    }

    /// The personnel manager responsible for deviations about `person`: the
    /// manager of the nearest unit upwards who is neither the person nor the
    /// reporter. `None`: nobody above, so HR handles it.
    #[tracing::instrument(skip_all)]
    pub async fn deviation_manager(
        &self,
        person: &PersonRecord,
        reporter: PersonId,
    ) -> CoreResult<Option<PersonRef>> {
        for unit in unit_chain(&person.unit_path).into_iter().rev() {
            let Some(u) = self.org.find_unit(unit).await? else {
                continue;
            };
            if let Some(m) = u.unit.manager {
                if m.id != person.person.id && m.id != reporter {
                    return Ok(Some(m));
                }
            }
        }
        Ok(None)
    }

    /// Whether `actor` holds one of the roles the policy tells of serious
    /// information-security deviations.
    #[tracing::instrument(skip_all)]
    async fn holds_security_role(&self, actor: &Actor) -> CoreResult<bool> {
        let policy = self.deviation_policy().await?;
        Ok(policy
            .rules
            .security_deviation_roles
            .iter()
            .any(|r| actor.roles.iter().any(|a| a.as_str() == r)))
    }

    /// Reports a deviation. It goes at once to the responsible manager (or
    /// HR), and a serious information-security one also to the holders of
    /// the policy's roles, in the same transaction as the report.
    #[tracing::instrument(skip_all)]
    pub async fn report_deviation(
        &self,
        actor: &Actor,
        input: &DeviationInput,
    ) -> CoreResult<Deviation> {
        let today = self.env.today();
        let n = input.parse(today)?;
        let policy = self.deviation_policy().await?;
        if n.anonymous && !policy.rules.deviation_reporter_anonymity {
            return Err(CoreError::Rule {
                field: Some("anonymous".into()),
                message: "the policy does not allow anonymous reports: report it in your own name"
                    .into(),
            });
        }
        let person_id = n.person.unwrap_or(actor.person_id);
        let person = self
            .org
            .find_record(person_id)
            .await?
            .ok_or_else(|| CoreError::invalid("person", "no such person"))?;
        if access::person_visibility(actor, person_id, &person.unit_path)
            == access::Visibility::None
        {
            return Err(CoreError::invalid("person", "no such person"));
        }
        let responsible = self.deviation_manager(&person, actor.person_id).await?;
        let now = self.env.now();
        let me = PersonRef {
            id: actor.person_id,
            name: actor.name.clone(),
        };
        let d = Deviation {
            id: Uuid::now_v7().into(),
            kind: n.kind,
            description: n.description,
            date: n.date,
            serious: n.serious,
            anonymous: n.anonymous,
            person: Some(PersonRef {
                id: person_id,
                name: person.person.name(),
            }),
            unit: person.unit.clone(),
            reporter: Some(me.clone()),
            responsible: responsible.clone(),
            state: DeviationState::Reported,
            action: None,
            policy_version: policy.version,
            created_at: now,
            version: 1,
            events: vec![DeviationEvent {
                at: now,
                actor: Some(me),
                kind: "reported".into(),
                text: None,
            }],
            reporter_id: actor.person_id,
            person_id,
            unit_path: person.unit_path.clone(),
        };

        // Who is told: the responsible manager (or HR), and for a serious
        // information-security deviation the holders of the policy's roles.
        // An anonymous reporter is not named, nor the person when it is the reporter.
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        let reporter = if d.anonymous { "" } else { actor.name.as_str() };
        let named = !(d.anonymous && person_id == actor.person_id);
        let concerns = if named {
            person.person.name()
        } else {
            String::new()
        };
        let message = Message::new(MessageKey::DeviationReported, Link::Deviation(d.id))
            .arg("kind", d.kind.as_str())
            .arg("serious", yes_no(d.serious))
            .arg("unit", &d.unit.name)
            .arg("anonymous", yes_no(d.anonymous))
            .arg("reporter", reporter)
            .arg("named", yes_no(named))
            .arg("reported", now.date())
            .arg("happened", d.date)
            .arg("concerns", concerns)
            .arg("description", excerpt(&d.description));
        let mut notices: Vec<Notice> = vec![];
        let mut told: Vec<PersonId> = vec![actor.person_id];
        let mut tell =
            |id: PersonId, email: Option<String>, kind: &str, told: &mut Vec<PersonId>| {
                if !told.contains(&id) {
                    told.push(id);
                    notices.push(Notice {
                        person_id: id,
                        email,
                        kind: kind.into(),
                        message: message.clone(),
                    });
                }
            };
        match &responsible {
            Some(m) => {
                let email = self
                    .org
                    .find_record(m.id)
                    .await?
                    .and_then(|r| r.person.email);
                tell(m.id, email, "deviation_reported", &mut told);
            }
            None => {
                for (p, email) in self.org.people_with_role(Role::Hr.as_str()).await? {
                    if p.id != person_id {
                        tell(p.id, email, "deviation_reported", &mut told);
                    }
                }
            }
        }
        if d.is_serious_security() {
            for role in &policy.rules.security_deviation_roles {
                for (p, email) in self.org.people_with_role(role).await? {
                    tell(p.id, email, "deviation_security", &mut told);
                }
            }
        }
        let a = audit(
            actor,
            "deviation.report",
            d.id,
            json!({
                "kind": d.kind, "date": d.date.to_string(), "serious": d.serious,
                "anonymous": d.anonymous, "person": person_id, "reporter": actor.person_id,
                "responsible": responsible.as_ref().map(|r| r.id), "policy_version": policy.version,
                "notified": told.len() - 1,
            }),
        );
        self.port
            .insert_deviation(&d, &Work::new(self.env.now(), a).notify(notices.clone()))
            .await?;
        Ok(d)
    }

    /// A deviation as `actor` may see it; 404 for those who may not.
    #[tracing::instrument(skip_all)]
    pub async fn deviation(&self, actor: &Actor, id: DeviationId) -> CoreResult<Deviation> {
        let d = self.deviation_for(actor, id).await?;
        Ok(d.redact_for(actor))
    }

    #[tracing::instrument(skip_all)]
    async fn deviation_for(&self, actor: &Actor, id: DeviationId) -> CoreResult<Deviation> {
        let d = self
            .port
            .deviation(id)
            .await?
            .ok_or(CoreError::NotFound("deviation"))?;
        let security = d.is_serious_security() && self.holds_security_role(actor).await?;
        access::authorize(actor, d.read_action(security))
            .map_err(|_| CoreError::NotFound("deviation"))?;
        Ok(d)
    }

    /// May `actor` acknowledge and close this deviation?
    pub fn may_handle_deviation(&self, actor: &Actor, d: &Deviation) -> bool {
        d.state != DeviationState::Closed && access::authorize(actor, d.handle_action()).is_ok()
    }

    /// Deviations `actor` may see (HR: all), newest first.
    #[tracing::instrument(skip_all)]
    pub async fn deviations(
        &self,
        actor: &Actor,
        state: Option<StateFilter>,
        paging: Paging,
    ) -> CoreResult<Page<Deviation>> {
        self.list(actor, Whose::Visible, state, paging).await
    }

    /// Deviations `actor` handles as a manager (responsible, or of their
    /// units, not reported by or about them); HR: all.
    #[tracing::instrument(skip_all)]
    pub async fn deviations_to_handle(
        &self,
        actor: &Actor,
        state: Option<StateFilter>,
        paging: Paging,
    ) -> CoreResult<Page<Deviation>> {
        self.list(actor, Whose::ToHandle, state, paging).await
    }

    /// The deviations `actor` reported.
    #[tracing::instrument(skip_all)]
    pub async fn my_deviation_reports(
        &self,
        actor: &Actor,
        state: Option<StateFilter>,
        paging: Paging,
    ) -> CoreResult<Page<Deviation>> {
        self.list(actor, Whose::Reported, state, paging).await
    }

    /// One page of the deviations `actor` may see, handles or reported, each
    /// as `actor` may see it.
    async fn list(
        &self,
        actor: &Actor,
        whose: Whose,
        state: Option<StateFilter>,
        paging: Paging,
    ) -> CoreResult<Page<Deviation>> {
        let person = actor.person_id;
        let scope = match (access::scope(actor, Listing::Deviations).under(), whose) {
            (_, Whose::Reported) => DeviationScope::ReportedBy(person),
            (None, _) => DeviationScope::All,
            (Some(under), Whose::Visible) => DeviationScope::Of {
                person,
                under,
                security: self.holds_security_role(actor).await?,
            },
            (Some(under), Whose::ToHandle) => DeviationScope::ToHandle { person, under },
        };
        let page = self
            .port
            .deviations(&DeviationFilter { scope, state }, paging)
            .await?;
        Ok(page.map(|d| d.redact_for(actor)))
    }

    /// How many deviations wait for `actor`'s acknowledgement (0 for those
    /// who handle none).
    #[tracing::instrument(skip_all)]
    pub async fn deviations_awaiting(&self, actor: &Actor) -> CoreResult<i64> {
        let scope = match access::scope(actor, Listing::Deviations) {
            Scope::All => DeviationScope::All,
            Scope::Units(under) => DeviationScope::ToHandle {
                person: actor.person_id,
                under,
            },
            Scope::Own => return Ok(0),
        };
        Ok(self
            .port
            .deviations(
                &DeviationFilter {
                    scope,
                    state: Some(StateFilter::Only(DeviationState::Reported)),
                },
                Paging {
                    limit: 1,
                    offset: 0,
                },
            )
            .await?
            .total)
    }

    /// The reporter's notice of a change.
    #[tracing::instrument(skip_all)]
    async fn reporter_notice(
        &self,
        d: &Deviation,
        kind: &str,
        key: MessageKey,
    ) -> CoreResult<Notice> {
        let email = self
            .org
            .find_record(d.reporter_id)
            .await?
            .and_then(|r| r.person.email);
        let message = Message::new(key, Link::Deviation(d.id))
            .arg("kind", d.kind.as_str())
            .arg("reported", d.created_at.date())
            .arg(
                "action",
                d.action.as_deref().map(excerpt).unwrap_or_default(),
            );
        Ok(Notice {
            person_id: d.reporter_id,
            email,
            kind: kind.into(),
            message,
        })
    }

    /// The responsible manager (or one above, or HR) acknowledges it.
    /// `expected`: the version the caller saw (409 if it changed since).
    #[tracing::instrument(skip_all)]
    pub async fn acknowledge_deviation(
        &self,
        actor: &Actor,
        id: DeviationId,
        expected: Option<i64>,
    ) -> CoreResult<Deviation> {
        let d = self.deviation_for(actor, id).await?;
        access::authorize(actor, d.handle_action())?;
        if let Some(v) = expected {
            if v != d.version {
                return Err(CoreError::Conflict(
                    "the deviation was changed by someone else meanwhile; reload it".into(),
                ));
            }
        }
        if d.state != DeviationState::Reported {
            return Err(CoreError::Conflict(format!(
                "the deviation is already {}",
                d.state.as_str()
            )));
        }
        let now = self.env.now();
        let me = PersonRef {
            id: actor.person_id,
            name: actor.name.clone(),
        };
        let mut next = d.clone();
        next.state = DeviationState::Acknowledged;
        let event = DeviationEvent {
            at: now,
            actor: Some(me),
            kind: "acknowledged".into(),
            text: None,
        };
        next.events.push(event.clone());
        let notices = if d.reporter_id == actor.person_id {
            vec![]
        } else {
            vec![
                self.reporter_notice(
                    &next,
                    "deviation_acknowledged",
                    MessageKey::DeviationAcknowledged,
                )
                .await?,
            ]
        };
        let a = audit(
            actor,
            "deviation.acknowledge",
            d.id,
            json!({"state": "acknowledged"}),
        );
        self.port
            .update_deviation(
                &next,
                d.version,
                &[event],
                &Work::new(self.env.now(), a).notify(notices.clone()),
            )
            .await?;
        next.version = d.version + 1;
        Ok(next.redact_for(actor))
    }

    /// Closes it with the action taken; an unacknowledged one is
    /// acknowledged at the same moment (both in the trail).
    #[tracing::instrument(skip_all)]
    pub async fn close_deviation(
        &self,
        actor: &Actor,
        id: DeviationId,
        action: &str,
        expected: Option<i64>,
    ) -> CoreResult<Deviation> {
        let d = self.deviation_for(actor, id).await?;
        access::authorize(actor, d.handle_action())?;
        let action = required_text("action", action)?;
        if let Some(v) = expected {
            if v != d.version {
                return Err(CoreError::Conflict(
                    "the deviation was changed by someone else meanwhile; reload it".into(),
                ));
            }
        }
        if d.state == DeviationState::Closed {
            return Err(CoreError::Conflict(
                "the deviation is already closed".into(),
            ));
        }
        let now = self.env.now();
        let me = PersonRef {
            id: actor.person_id,
            name: actor.name.clone(),
        };
        let mut events = vec![];
        if d.state == DeviationState::Reported {
            events.push(DeviationEvent {
                at: now,
                actor: Some(me.clone()),
                kind: "acknowledged".into(),
                text: Some("vid avslut".into()),
            });
        }
        events.push(DeviationEvent {
            at: now,
            actor: Some(me),
            kind: "closed".into(),
            text: Some(action.clone()),
        });
        let mut next = d.clone();
        next.state = DeviationState::Closed;
        next.action = Some(action.clone());
        next.events.extend(events.iter().cloned());
        let notices = if d.reporter_id == actor.person_id {
            vec![]
        } else {
            vec![
                self.reporter_notice(&next, "deviation_closed", MessageKey::DeviationClosed)
                    .await?,
            ]
        };
        let a = audit(
            actor,
            "deviation.close",
            d.id,
            json!({"state": "closed", "action": action, "acknowledged_implicitly": d.state == DeviationState::Reported}),
        );
        self.port
            .update_deviation(
                &next,
                d.version,
                &events,
                &Work::new(self.env.now(), a).notify(notices.clone()),
            )
            .await?;
        next.version = d.version + 1;
        Ok(next.redact_for(actor))
    }

    /// Whether the policy in force lets reporters be anonymous (for the form).
    #[tracing::instrument(skip_all)]
    pub async fn deviation_anonymity_allowed(&self) -> CoreResult<bool> {
        Ok(self
            .deviation_policy()
            .await?
            .rules
            .deviation_reporter_anonymity)
    }
}

/// Which deviations a listing is of.
#[derive(Clone, Copy)]
enum Whose {
    /// Those the actor may see.
    Visible,
    /// Those the actor handles.
    ToHandle,
    /// Those the actor reported.
    Reported,
}
