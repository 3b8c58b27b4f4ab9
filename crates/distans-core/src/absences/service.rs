//! Entering, listing, removing and importing absences.

use crate::kernel::ids::PersonId;
use crate::kernel::AbsenceId;
use serde_json::json;
use std::sync::Arc;
use time::Date;
use uuid::Uuid;

use crate::absences::model::*;
use crate::absences::port::AbsencesPort;
use crate::absences::rules::check_period;
use crate::access::{self, Action, Kind};
use crate::kernel::csv::ImportError;
use crate::kernel::dates::{plus_days_clamped, DateRange};
use crate::kernel::Env;
use crate::kernel::Work;
use crate::kernel::{Actor, CoreError, CoreResult, NewAuditEntry};
use crate::org::service::OrgService;

/// Absences entered by hand or imported.
#[derive(Clone)]
pub struct AbsencesService {
    pub(crate) port: Arc<dyn AbsencesPort>,
    pub(crate) env: Env,
    pub(crate) org: OrgService,
}

impl AbsencesService {
    /// The person's record, if the actor may enter and remove their
    /// absences: themselves, their managers, HR. Someone who cannot see the
    /// person gets 404; someone who can but may not (the auditor) 403.
    #[tracing::instrument(skip_all)]
    async fn absence_target(&self, actor: &Actor, person: PersonId) -> CoreResult<()> {
        let unit_path = self.visible_unit_path(actor, person).await?;
        access::authorize(
            actor,
            Action::EnterAbsence {
                person_id: person,
                unit_path: &unit_path,
            },
        )
    }

    /// The unit path of a person whose cases `actor` may see; "not found"
    /// to anyone else, so that who exists is not told.
    async fn visible_unit_path(&self, actor: &Actor, person: PersonId) -> CoreResult<String> {
        let rec = self.org.record(person).await?;
        let read = Action::ReadCase {
            person_id: person,
            unit_path: &rec.unit_path,
        };
        if !access::can(actor, read) {
            return Err(CoreError::NotFound("person"));
        }
        Ok(rec.unit_path)
    }

    /// Enters an absence (both days included).
    #[tracing::instrument(skip_all)]
    pub async fn add_absence(
        &self,
        actor: &Actor,
        person: PersonId,
        first_day: Date,
        last_day: Date,
    ) -> CoreResult<Absence> {
        self.absence_target(actor, person).await?;
        check_period(first_day, last_day)?;
        let a = Absence {
            id: Uuid::now_v7().into(),
            person,
            first_day,
            last_day,
            source: "manual".into(),
            created_at: self.env.now(),
        };
        let audit = NewAuditEntry {
            actor_id: Some(actor.person_id),
            actor: actor.name.clone(),
            action: "absence.create".into(),
            entity: "absence".into(),
            entity_id: a.id.to_string(),
            before: None,
            after: Some(
                json!({"person": person, "first_day": first_day.to_string(), "last_day": last_day.to_string(), "source": "manual"}),
            ),
        };
        self.port
            .insert_absence(&a, Some(actor.person_id), &Work::new(self.env.now(), audit))
            .await?;
        Ok(a)
    }

    /// A person's absences that touch a period (default: yourself, from a
    /// month back to a year ahead), for those who may see the person's plan.
    #[tracing::instrument(skip_all)]
    pub async fn absences(
        &self,
        actor: &Actor,
        person: Option<PersonId>,
        from: Option<Date>,
        to: Option<Date>,
    ) -> CoreResult<Vec<Absence>> {
        let person = person.unwrap_or(actor.person_id);
        self.visible_unit_path(actor, person).await?;
        let from = from.unwrap_or_else(|| plus_days_clamped(self.env.today(), -31));
        let to = to.unwrap_or_else(|| plus_days_clamped(from, 365));
        let period = DateRange::new(("from", "to"), from, to)?;
        if period.len_days() > MAX_ABSENCE_LIST_DAYS {
            return Err(CoreError::invalid(
                "to",
                format!("a list covers at most {MAX_ABSENCE_LIST_DAYS} days"),
            ));
        }
        self.port.absences(person, period.from(), period.to()).await
    }

    /// Removes an absence.
    #[tracing::instrument(skip_all)]
    pub async fn delete_absence(&self, actor: &Actor, id: AbsenceId) -> CoreResult<()> {
        let a = self
            .port
            .absence(id)
            .await?
            .ok_or(CoreError::NotFound("absence"))?;
        self.absence_target(actor, a.person)
            .await
            .map_err(|e| match e {
                CoreError::NotFound(_) => CoreError::NotFound("absence"),
                e => e,
            })?;
        let audit = NewAuditEntry {
            actor_id: Some(actor.person_id),
            actor: actor.name.clone(),
            action: "absence.delete".into(),
            entity: "absence".into(),
            entity_id: id.to_string(),
            before: Some(
                json!({"person": a.person, "first_day": a.first_day.to_string(), "last_day": a.last_day.to_string(), "source": a.source}),
            ),
            after: None,
        };
        if self
            .port
            .delete_absence(id, &Work::new(self.env.now(), audit))
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound("absence"))
        }
    }

    /// Imports absences on behalf of `actor` (None: the command line).
    #[tracing::instrument(skip_all)]
    pub async fn import_absences(
        &self,
        actor: Option<&Actor>,
        file: &AbsenceFile,
    ) -> Result<AbsenceImportReport, ImportError> {
        if let Some(a) = actor {
            access::authorize(a, Action::Plain(Kind::ImportAbsences))?;
        }
        let (id, name) = match actor {
            Some(a) => (Some(a.person_id), a.name.clone()),
            None => (None, "kommandoraden (distans import)".to_string()),
        };
        self.port
            .import_absences(file, id, &name, self.env.now())
            .await
    }
}
