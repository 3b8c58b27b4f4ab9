//! Temporary (crisis) decisions.

use crate::kernel::TemporaryDecisionId;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::kernel::{PersonRef, UnitRef};

/// Tillfälligt beslut: a time-bounded decision for the whole organisation
/// or some units, e.g. during a pandemic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemporaryDecision {
    pub id: TemporaryDecisionId,
    pub title: String,
    pub description: String,
    pub start: Date,
    pub end: Date,
    /// Whole organisation when empty.
    pub units: Vec<UnitRef>,
    #[serde(skip)]
    pub unit_paths: Vec<String>,
    /// Remote days a week it allows.
    pub max_remote_days: u8,
    /// Whether those days need no agreement.
    pub without_agreement: bool,
    /// Only for staff whose tasks allow it (no secrecy-classified tasks).
    pub tasks_must_allow: bool,
    /// Managers it is delegated to.
    pub delegates: Vec<PersonRef>,
    pub checklist: Vec<String>,
    pub issued_by: PersonRef,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Which decisions a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionsOn {
    /// Every decision.
    Any,
    /// Those in force on the day.
    InForceOn(Date),
    /// Those whose last day is the day or later: in force, or issued and
    /// yet to start.
    NotEndedOn(Date),
}

/// How a decision reaches a person, in words they recognise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// It is for the whole organisation.
    WholeOrganisation,
    /// It names the person's own unit.
    OwnUnit { unit: String },
    /// It names a unit above the person's: it applies to their unit through
    /// that one.
    ThroughParent { unit: String, parent: String },
    /// It covers a unit the person manages (not their own).
    ManagedUnit { unit: String },
    /// It is delegated to the person to apply.
    Delegated,
}

/// The checklist of seed 002 (Haninge, the managers' meeting of 17 March
/// 2020), item by item.
pub const DEFAULT_CRISIS_CHECKLIST: &[&str] = &[
    "Har medarbetaren arbetsuppgifter som är lämpliga att utföra hemifrån? Tänk på att kommunen är en offentlig förvaltning som hanterar allmänna handlingar och ska kunna ta emot besök. Arbetsuppgifter som innehåller sekretess får inte hanteras hemifrån.",
    "Har medarbetaren tillgång till de tekniska hjälpmedel som behövs för att kunna arbeta hemifrån? Vid distansarbete kan exempelvis VPN-uppkoppling krävas för att nå delar av kommunens IT-miljö.",
    "Behöver arbetsuppgifter fördelas om på arbetsplatsen för att möjliggöra att vissa medarbetare växelvis kan arbeta hemifrån?",
    "Hur många och vilka medarbetare behöver finnas på plats fysiskt på arbetsplatsen för att ge stöd till kollegor från egen och andra enheter?",
    "Hur många och vilka medarbetare behöver finnas på plats fysiskt på arbetsplatsen för att vara tillgängliga för medborgare, leverantörer med mera?",
];

/// A temporary decision as HR writes it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
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

/// A temporary decision's own fields, checked (its units and delegates
/// are looked up by the service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionTerms {
    pub title: String,
    pub description: String,
    pub start: Date,
    pub end: Date,
    pub max_remote_days: u8,
    pub checklist: Vec<String>,
}
