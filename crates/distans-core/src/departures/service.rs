//! Deactivating a person and making them active again. A departure is one
//! transaction: the person can no longer sign in and every session, token
//! and calendar feed of theirs stops; open requests are withdrawn, live
//! agreements end on the last day, open follow-ups close, and the manager
//! is told what equipment to collect. Nothing is deleted.

use std::sync::Arc;

use serde_json::json;

use crate::access::{self, Action, Kind};
use crate::departures::model::*;
use crate::departures::port::DeparturesPort;
use crate::departures::rules::{departure_change, missing_people, reason};
use crate::kernel::{
    CoreError, CoreResult, Env, Link, Message, MessageKey, NewAuditEntry, Notice, PersonId,
    PersonRef, Work,
};
use crate::org::edit::PersonUpdate;
use crate::org::model::{notice, PersonRecord};
use crate::org::service::OrgService;

/// People who leave.
#[derive(Clone)]
pub struct DeparturesService {
    port: Arc<dyn DeparturesPort>,
    env: Env,
    org: OrgService,
}

fn audit(by: By<'_>, action: &str, person: PersonId) -> NewAuditEntry {
    match by {
        By::Person(a) => NewAuditEntry::by(a, action, "person", person),
        By::System(name) => NewAuditEntry {
            actor: name.to_string(),
            ..NewAuditEntry::system(action, "person", person)
        },
    }
}

/// The work with the person's change (if any) written first: its audit
/// entry before the departure's own.
fn with_update(
    mut work: Work,
    also: Option<(PersonUpdate, NewAuditEntry)>,
) -> (Option<PersonUpdate>, Work) {
    match also {
        Some((update, audit)) => {
            work.audit.insert(0, audit);
            (Some(update), work)
        }
        None => (None, work),
    }
}

fn authorize(by: By<'_>) -> CoreResult<()> {
    match by {
        By::Person(a) => access::authorize(a, Action::Plain(Kind::DeactivatePerson)),
        By::System(_) => Ok(()),
    }
}

impl DeparturesService {
    pub(crate) fn new(port: Arc<dyn DeparturesPort>, env: Env, org: OrgService) -> Self {
        DeparturesService { port, env, org }
    }

    /// The person's departure, if they are deactivated.
    #[tracing::instrument(skip_all)]
    pub async fn departure(&self, person: PersonId) -> CoreResult<Option<Departure>> {
        self.port.departure(person).await
    }

    /// Deactivates a person and winds up their open matters (see the
    /// module). `Conflict` when they are deactivated already.
    #[tracing::instrument(skip_all)]
    pub async fn deactivate(
        &self,
        by: By<'_>,
        person: PersonId,
        input: DepartureInput,
    ) -> CoreResult<DepartureReport> {
        self.deactivate_with(by, person, input, None).await
    }

    /// [`Self::deactivate`], writing `also` (a change of the person, with
    /// its audit entry) in the same transaction.
    pub(crate) async fn deactivate_with(
        &self,
        by: By<'_>,
        person: PersonId,
        input: DepartureInput,
        also: Option<(PersonUpdate, NewAuditEntry)>,
    ) -> CoreResult<DepartureReport> {
        let (rec, open, change) = self.plan(by, person, &input).await?;
        let a = audit(by, "person.deactivate", person).after(json!({
            "last_day": change.departure.last_day.to_string(),
            "reason": change.departure.reason,
            "requests_withdrawn": change.withdraw.len(),
            "agreements_ended": change.end.len(),
            "loans_to_collect": open.loans.len(),
        }));
        let notices = self.manager_notices(by, &rec, &change, &open).await?;
        let (update, work) = with_update(Work::new(self.env.now(), a).notify(notices), also);
        let followups_closed = self.port.depart(&change, update.as_ref(), &work).await?;
        Ok(DepartureReport {
            person,
            last_day: change.departure.last_day,
            requests_withdrawn: change.withdraw.len(),
            agreements_ended: change.end.len(),
            loans_to_collect: open.loans.len(),
            followups_closed,
        })
    }

    /// Deactivates everyone active whom an organisation import file
    /// (its employee numbers) leaves out, each in a departure of their own,
    /// refusing when the file leaves out too many (see
    /// [`missing_people`]) unless `allow_many`.
    #[tracing::instrument(skip_all)]
    pub async fn deactivate_missing(
        &self,
        by: By<'_>,
        in_file: &[&str],
        allow_many: bool,
        input: DepartureInput,
    ) -> CoreResult<Vec<DepartureReport>> {
        authorize(by)?;
        let active = self.port.active_people().await?;
        let missing = missing_people(in_file, &active, allow_many)?;
        let mut done = Vec::with_capacity(missing.len());
        for person in missing {
            done.push(self.deactivate(by, person, input.clone()).await?);
        }
        Ok(done)
    }

    /// What deactivating the person would do, without doing it: for the
    /// confirmation step.
    #[tracing::instrument(skip_all)]
    pub async fn preview(
        &self,
        by: By<'_>,
        person: PersonId,
        input: &DepartureInput,
    ) -> CoreResult<DeparturePreview> {
        let (rec, open, change) = self.plan(by, person, input).await?;
        Ok(DeparturePreview {
            name: rec.person.name(),
            last_day: change.departure.last_day,
            reason: change.departure.reason,
            requests: change.withdraw.len(),
            agreements: change.end.len(),
            loans: open
                .loans
                .iter()
                .map(|l| format!("{} ({})", l.item.identifier, l.item.description))
                .collect(),
            manager: rec.manager.map(|m| m.name),
        })
    }

    /// Makes a deactivated person active again (they were rehired, or
    /// deactivated by mistake). What was wound up stays wound up.
    #[tracing::instrument(skip_all)]
    pub async fn reactivate(&self, by: By<'_>, person: PersonId) -> CoreResult<bool> {
        self.reactivate_with(by, person, None).await
    }

    /// [`Self::reactivate`], writing `also` (a change of the person, with
    /// its audit entry) in the same transaction.
    pub(crate) async fn reactivate_with(
        &self,
        by: By<'_>,
        person: PersonId,
        also: Option<(PersonUpdate, NewAuditEntry)>,
    ) -> CoreResult<bool> {
        authorize(by)?;
        self.org.record(person).await?;
        let work = Work::new(self.env.now(), audit(by, "person.reactivate", person));
        let (update, work) = with_update(work, also);
        self.port.reactivate(person, update.as_ref(), &work).await
    }

    /// Everything a departure would do, worked out from what is open now.
    async fn plan(
        &self,
        by: By<'_>,
        person: PersonId,
        input: &DepartureInput,
    ) -> CoreResult<(PersonRecord, OpenMatters, DepartureChange)> {
        authorize(by)?;
        let rec = self.org.record(person).await?;
        if rec.person.departure.is_some() {
            return Err(CoreError::Conflict(format!(
                "{} is deactivated already",
                rec.person.name()
            )));
        }
        let departure = Departure {
            deactivated_at: self.env.now(),
            last_day: input.last_day.unwrap_or_else(|| self.env.today()),
            reason: reason(input.reason.as_deref())?,
        };
        let open = self.port.open_matters(person).await?;
        // The request history names who deactivated, or the person when
        // the system did.
        let event_actor = match by {
            By::Person(a) => PersonRef {
                id: a.person_id,
                name: a.name.clone(),
            },
            By::System(_) => PersonRef {
                id: rec.person.id,
                name: rec.person.name(),
            },
        };
        let today = self.env.today();
        let change = departure_change(person, departure, &open, today, (&by.name(), &event_actor));
        Ok((rec, open, change))
    }

    /// The manager is told the person is leaving, and what equipment to
    /// collect, unless the manager is the one deactivating.
    async fn manager_notices(
        &self,
        by: By<'_>,
        rec: &PersonRecord,
        change: &DepartureChange,
        open: &OpenMatters,
    ) -> CoreResult<Vec<Notice>> {
        let Some(m) = &rec.manager else {
            return Ok(vec![]);
        };
        if matches!(by, By::Person(a) if a.person_id == m.id) {
            return Ok(vec![]);
        }
        let Some(manager) = self.org.find_record(m.id).await? else {
            return Ok(vec![]);
        };
        let last = change.departure.last_day.to_string();
        let message = if open.loans.is_empty() {
            Message::new(MessageKey::PersonDeparted, Link::Person(rec.person.id))
        } else {
            let items = open
                .loans
                .iter()
                .map(|l| format!("{} ({})", l.item.identifier, l.item.description))
                .collect::<Vec<_>>()
                .join(", ");
            Message::new(MessageKey::DepartureEquipment, Link::EquipmentToCollect)
                .arg("items", items)
        };
        let message = message.arg("person", rec.person.name()).arg("last", last);
        Ok(vec![notice(&manager, "person_departed", message)])
    }
}
