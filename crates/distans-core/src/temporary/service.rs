//! Temporary (crisis) decisions: issued by HR or a director, shown to those
//! they concern.

use uuid::Uuid;

use crate::access::{self, Action};
use crate::kernel::dates::parse_date;
use crate::kernel::{
    Actor, CoreError, CoreResult, NewAuditEntry, Page, Paging, PersonRef, Role, UnitRef,
};
use crate::org::model::{notice, PersonRecord};
use crate::temporary::model::*;
use crate::Core;

impl Core {
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
        let mut a = NewAuditEntry::by(
            actor,
            "temporary_decision.issue",
            "temporary_decision",
            d.id,
        );
        a.after = serde_json::to_value(&d).ok();
        // Delegates are told that the decision is theirs to apply (and to delegate further).
        let mut notices = vec![];
        for p in &d.delegates {
            let rec = self.org.record(p.id).await?;
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
        let rec = self.org.record(actor.person_id).await?;
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

    /// The decisions in force today that concern this person.
    pub async fn temporary_decisions_for_person(
        &self,
        person: Uuid,
    ) -> CoreResult<Vec<TemporaryDecision>> {
        match self.store.person(person).await? {
            Some(rec) => self.temporary_decisions_for(&rec).await,
            None => Ok(vec![]),
        }
    }
}
