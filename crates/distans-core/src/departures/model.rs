//! A departure: when the person was deactivated, their last day, and what
//! winding up their open matters changes.

use serde::Serialize;
use time::Date;

use crate::agreements::model::Agreement;
use crate::cases::model::{RemoteRequest, RequestEvent};
use crate::equipment::model::Loan;
use crate::kernel::{Actor, PersonId};
pub use crate::org::model::Departure;

/// Who deactivates (or reactivates) a person.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    /// Someone signed in (HR, an administrator): the access policy decides.
    Person(&'a Actor),
    /// A trusted part of the system that has decided access itself: the
    /// provisioning client, an organisation import (its name is audited).
    System(&'a str),
}

impl By<'_> {
    /// The name the audit log and the records show.
    pub fn name(&self) -> String {
        match self {
            By::Person(a) => a.name.clone(),
            By::System(name) => (*name).to_string(),
        }
    }
}

/// What a departure asks for.
#[derive(Debug, Clone, Default)]
pub struct DepartureInput {
    /// Default: today.
    pub last_day: Option<Date>,
    pub reason: Option<String>,
}

/// What is open for a person when they leave.
#[derive(Debug, Clone, Default)]
pub struct OpenMatters {
    /// Requests still waiting for someone.
    pub requests: Vec<RemoteRequest>,
    /// Agreements not yet ended or expired.
    pub agreements: Vec<Agreement>,
    /// Equipment still on loan.
    pub loans: Vec<Loan>,
}

/// Everything one departure writes, in one transaction.
#[derive(Debug, Clone)]
pub struct DepartureChange {
    pub person: PersonId,
    pub departure: Departure,
    /// Each request withdrawn: the request as it becomes, the version it
    /// had, and the event that records it.
    pub withdraw: Vec<(RemoteRequest, i64, RequestEvent)>,
    /// Each agreement as it becomes, and the version it had.
    pub end: Vec<(Agreement, i64)>,
}

/// What a departure did, for the one who asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepartureReport {
    pub person: PersonId,
    pub last_day: Date,
    pub requests_withdrawn: usize,
    pub agreements_ended: usize,
    pub loans_to_collect: usize,
    pub followups_closed: u64,
}

/// What a departure would do, shown before it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeparturePreview {
    pub name: String,
    pub last_day: Date,
    pub reason: Option<String>,
    /// Open requests that would be withdrawn.
    pub requests: usize,
    /// Agreements that would end (by the last day, or now).
    pub agreements: usize,
    /// Equipment on loan the manager would be asked to collect.
    pub loans: Vec<String>,
    /// Who would be told.
    pub manager: Option<String>,
}
