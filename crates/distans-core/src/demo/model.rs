//! The demo municipality's sign-ins and the plan data it is given.

use crate::kernel::ids::PersonId;
use crate::kernel::{AgreementId, RequestId};
use time::{Date, OffsetDateTime};

use crate::absences::model::Absence;
use crate::kernel::dates::Weekday;
use crate::plan::model::{DayState, Part};

/// The password of every demo sign-in.
pub const DEMO_PASSWORD: &str = "demo";
pub const MIN_SIZE: usize = 40;
pub const MAX_SIZE: usize = 200_000;

/// The demo sign-ins: username, what they are.
pub const DEMO_ACCOUNTS: &[(&str, &str)] = &[
    ("admin", "administratör (IT)"),
    ("hr", "HR-chef"),
    ("chef", "enhetschef, Kontaktcenter"),
    ("anna", "medarbetare hos chef"),
    ("bo", "medarbetare, Bygglov"),
    ("bygg", "enhetschef, Bygglov (bo:s chef)"),
    ("revisor", "revisor (läsbehörighet)"),
    ("direktor", "kommundirektör (tillfälliga beslut)"),
    ("arkiv", "arkivansvarig (gallring och bevarande)"),
];

/// An approved request with its active, signed agreement.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoAgreement {
    pub request_id: RequestId,
    pub agreement_id: AgreementId,
    pub person: PersonId,
    pub decider: PersonId,
    pub weekdays: Vec<Weekday>,
    pub start: Date,
    pub end: Option<Date>,
    pub reason: String,
    pub confirmations: Vec<String>,
    pub policy_version: i64,
    pub notice_days: i64,
    pub text: String,
    pub text_sha256: String,
    pub applied_at: OffsetDateTime,
    pub decided_at: OffsetDateTime,
    pub signed_at: OffsetDateTime,
}

/// An occasional day a person set.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOccasional {
    pub person: PersonId,
    pub day: Date,
    pub state: DayState,
    pub part: Option<Part>,
    pub set_at: OffsetDateTime,
}

/// A year of plan data around today for the demo organisation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemoPlan {
    pub agreements: Vec<DemoAgreement>,
    pub occasional: Vec<DemoOccasional>,
    pub absences: Vec<Absence>,
}
