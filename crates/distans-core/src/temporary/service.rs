//! Temporary (crisis) decisions: issued by HR or a director, shown to those
//! they concern.

use crate::kernel::ids::PersonId;
use std::sync::Arc;

use uuid::Uuid;

use crate::access::{self, Action, Kind};
use crate::kernel::Work;
use crate::kernel::{
    Actor, CoreError, CoreResult, Env, Link, Message, MessageKey, NewAuditEntry, Page, Paging,
    PersonRef, UnitRef,
};
use crate::org::model::{notice, PersonRecord};
use crate::org::service::OrgService;
use crate::temporary::model::*;
use crate::temporary::port::TemporaryPort;
use crate::temporary::rules::{announcement, concerns, parse_id, parse_terms, reach};

/// Temporary (crisis) decisions.
#[derive(Clone)]
pub struct TemporaryService {
    pub(crate) port: Arc<dyn TemporaryPort>,
    pub(crate) env: Env,
    pub(crate) org: OrgService,
}

impl TemporaryService {
    #[tracing::instrument(skip_all)]
    pub async fn issue_temporary_decision(
        &self,
        actor: &Actor,
        input: &TemporaryDecisionInput,
    ) -> CoreResult<TemporaryDecision> {
        access::authorize(actor, Action::Plain(Kind::IssueTemporaryDecision))?;
        let terms = parse_terms(input)?;
        let (units, unit_paths) = self.units_of(&input.units).await?;
        let delegates = self.delegates_of(&input.delegates).await?;
        let d = TemporaryDecision {
            id: Uuid::now_v7().into(),
            title: terms.title,
            description: terms.description,
            start: terms.start,
            end: terms.end,
            units,
            unit_paths,
            max_remote_days: terms.max_remote_days,
            without_agreement: input.without_agreement,
            tasks_must_allow: input.tasks_must_allow,
            delegates,
            checklist: terms.checklist,
            issued_by: PersonRef {
                id: actor.person_id,
                name: actor.name.clone(),
            },
            created_at: self.env.now(),
        };
        let a = NewAuditEntry::by(
            actor,
            "temporary_decision.issue",
            "temporary_decision",
            d.id,
        )
        .after(serde_json::to_value(&d).unwrap_or_default());
        let notices = self.delegation_notices(actor, &d).await?;
        let work = Work::new(self.env.now(), a)
            .notify(notices)
            .broadcast(announcement(actor, &d));
        self.port.insert_temporary_decision(&d, &work).await?;
        Ok(d)
    }

    /// The temporary decisions a person is shown from the day they are
    /// issued until their last day: those that cover their unit (directly
    /// or through a unit above it), a unit they manage, or are delegated to
    /// them; each with how it reaches them.
    #[tracing::instrument(skip_all)]
    pub async fn temporary_decisions_shown_to(
        &self,
        actor: &Actor,
    ) -> CoreResult<Vec<(TemporaryDecision, Reach)>> {
        let Some(rec) = self.org.find_record(actor.person_id).await? else {
            return Ok(vec![]);
        };
        let page = self.not_ended().await?;
        Ok(page
            .items
            .into_iter()
            .filter_map(|d| {
                let r = reach(&d, actor, &rec.unit_path, &rec.unit.name)?;
                Some((d, r))
            })
            .collect())
    }

    /// The units a decision names, each once, with their paths.
    #[tracing::instrument(skip_all)]
    async fn units_of(&self, ids: &[String]) -> CoreResult<(Vec<UnitRef>, Vec<String>)> {
        let (mut units, mut paths) = (vec![], vec![]);
        for (i, u) in ids.iter().enumerate() {
            let id = parse_id("units", i, u, "unit")?;
            let d = self
                .org
                .find_unit(id.into())
                .await?
                .ok_or_else(|| CoreError::invalid(format!("units[{i}]"), "no such unit"))?;
            if units.iter().any(|u: &UnitRef| u.id == id.into()) {
                continue;
            }
            units.push(UnitRef {
                id: id.into(),
                name: d.unit.name.clone(),
            });
            paths.push(d.path);
        }
        Ok((units, paths))
    }

    /// The managers a decision is delegated to, each once.
    #[tracing::instrument(skip_all)]
    async fn delegates_of(&self, ids: &[String]) -> CoreResult<Vec<PersonRef>> {
        let mut delegates = vec![];
        for (i, p) in ids.iter().enumerate() {
            let id = parse_id("delegates", i, p, "person")?;
            let rec =
                self.org.find_record(id.into()).await?.ok_or_else(|| {
                    CoreError::invalid(format!("delegates[{i}]"), "no such person")
                })?;
            if rec.manages.is_empty() {
                return Err(CoreError::invalid(
                    format!("delegates[{i}]"),
                    format!("{} is not a manager", rec.person.name()),
                ));
            }
            if !delegates.iter().any(|d: &PersonRef| d.id == id.into()) {
                delegates.push(PersonRef {
                    id: id.into(),
                    name: rec.person.name(),
                });
            }
        }
        Ok(delegates)
    }

    /// Delegates are told that the decision is theirs to apply (and to
    /// delegate further).
    #[tracing::instrument(skip_all)]
    async fn delegation_notices(
        &self,
        actor: &Actor,
        d: &TemporaryDecision,
    ) -> CoreResult<Vec<crate::kernel::Notice>> {
        let mut notices = vec![];
        for p in &d.delegates {
            let rec = self.org.record(p.id).await?;
            notices.push(notice(
                &rec,
                "temporary_decision_delegated",
                Message::new(
                    MessageKey::TemporaryDecisionDelegated,
                    Link::TemporaryDecisions,
                )
                .arg("by", &actor.name)
                .arg("title", &d.title)
                .arg("start", d.start)
                .arg("end", d.end),
            ));
        }
        Ok(notices)
    }

    /// All decisions (HR, auditors, administrators, directors), or those
    /// not yet ended that concern the caller (from the day they are issued).
    #[tracing::instrument(skip_all)]
    pub async fn temporary_decisions(
        &self,
        actor: &Actor,
        paging: Paging,
    ) -> CoreResult<Page<TemporaryDecision>> {
        if access::can(actor, Action::Plain(Kind::ReadAllTemporaryDecisions)) {
            return self
                .port
                .temporary_decisions(DecisionsOn::Any, paging)
                .await;
        }
        let rec = self.org.record(actor.person_id).await?;
        let mut page = self.not_ended().await?;
        page.items.retain(|d| concerns(d, actor, &rec.unit_path));
        page.total = page.items.len() as i64;
        page.next = None;
        Ok(page)
    }

    /// The temporary decisions in force today that apply to a person.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn for_record(
        &self,
        rec: &PersonRecord,
    ) -> CoreResult<Vec<TemporaryDecision>> {
        Ok(covering(self.in_force_today().await?, &rec.unit_path))
    }

    /// The decisions that cover this person's unit, in force or issued and
    /// yet to start.
    #[tracing::instrument(skip_all)]
    pub async fn temporary_decisions_for_person(
        &self,
        person: PersonId,
    ) -> CoreResult<Vec<TemporaryDecision>> {
        let Some(rec) = self.org.find_record(person).await? else {
            return Ok(vec![]);
        };
        Ok(covering(self.not_ended().await?, &rec.unit_path))
    }

    /// Decisions that overlap a period (at most 200), for the planner.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn overlapping(
        &self,
        start: time::Date,
        end: time::Date,
    ) -> CoreResult<Vec<TemporaryDecision>> {
        let all = self
            .port
            .temporary_decisions(DecisionsOn::Any, Paging::first(200))
            .await?;
        Ok(all
            .items
            .into_iter()
            .filter(|d| d.start <= end && start <= d.end)
            .collect())
    }

    /// The decisions in force or yet to start (at most 100: decisions are
    /// few and short-lived).
    #[tracing::instrument(skip_all)]
    async fn not_ended(&self) -> CoreResult<Page<TemporaryDecision>> {
        self.port
            .temporary_decisions(
                DecisionsOn::NotEndedOn(self.env.today()),
                Paging::first(100),
            )
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn in_force_today(&self) -> CoreResult<Page<TemporaryDecision>> {
        self.port
            .temporary_decisions(DecisionsOn::InForceOn(self.env.today()), Paging::first(100))
            .await
    }
}

/// The decisions of `page` that cover the unit at `unit_path`.
fn covering(page: Page<TemporaryDecision>, unit_path: &str) -> Vec<TemporaryDecision> {
    page.items
        .into_iter()
        .filter(|d| d.covers_path(unit_path))
        .collect()
}
