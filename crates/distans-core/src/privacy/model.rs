//! The slice's types: a person's data as one document (its sections of
//! records), the disposal rules, legal holds and the record of a run.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};
use time::{Date, OffsetDateTime};

use crate::kernel::PersonId;

/// One record of a section: field → value. Another person never appears
/// by name or id, only by their role (see [`crate::privacy::rules::party`]).
pub type Record = Map<String, Value>;

/// The records of one kind, e.g. `requests` or `absences`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Stable key, e.g. `requests`; the page's heading is looked up by it.
    pub key: String,
    pub records: Vec<Record>,
    /// True when there were more than the document holds (see
    /// [`crate::privacy::rules::SECTION_LIMIT`]); the rest is had from HR.
    pub truncated: bool,
}

impl Section {
    pub fn new(key: &str, records: Vec<Record>, limit: usize) -> Section {
        let truncated = records.len() > limit;
        let mut records = records;
        records.truncate(limit);
        Section {
            key: key.to_string(),
            records,
            truncated,
        }
    }
}

/// Who asked for a person's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum Requester {
    /// The person themselves.
    Own,
    /// HR, registering a request the person made (its reference).
    Hr { reference: String },
}

/// Everything distans holds about one person.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonalData {
    pub person: PersonId,
    pub generated_at: OffsetDateTime,
    pub requested: Requester,
    pub sections: Vec<Section>,
}

impl PersonalData {
    /// The section with this key, if any.
    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key == key)
    }
}

/// The JSON document: `format`, `person`, `generated_at`, `requested`,
/// then one key per section with its records, and `truncated` naming the
/// sections that were cut.
impl Serialize for PersonalData {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("format", "distans-personal-data/1")?;
        m.serialize_entry("person", &self.person)?;
        let at = self
            .generated_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        m.serialize_entry("generated_at", &at)?;
        m.serialize_entry("requested", &self.requested)?;
        for sec in &self.sections {
            m.serialize_entry(&sec.key, &sec.records)?;
        }
        let cut: Vec<&str> = self
            .sections
            .iter()
            .filter(|s| s.truncated)
            .map(|s| s.key.as_str())
            .collect();
        m.serialize_entry("truncated", &cut)?;
        m.end()
    }
}

// ---------------------------------------------------------------------------
// Retention and disposal.

/// The types of record the disposal rules cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordType {
    DeclinedRequest,
    EndedAgreement,
    PlanDays,
    Absences,
    FollowUps,
    RiskAssessments,
    Deviations,
    Notifications,
    Sessions,
    DeactivatedPeople,
    /// A person's commute (distance and mode), once they have left.
    Commute,
    AuditPayloads,
}

impl RecordType {
    pub const ALL: &'static [RecordType] = &[
        RecordType::DeclinedRequest,
        RecordType::EndedAgreement,
        RecordType::PlanDays,
        RecordType::Absences,
        RecordType::FollowUps,
        RecordType::RiskAssessments,
        RecordType::Deviations,
        RecordType::Notifications,
        RecordType::Sessions,
        RecordType::DeactivatedPeople,
        RecordType::Commute,
        RecordType::AuditPayloads,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::DeclinedRequest => "declined_request",
            RecordType::EndedAgreement => "ended_agreement",
            RecordType::PlanDays => "plan_days",
            RecordType::Absences => "absences",
            RecordType::FollowUps => "follow_ups",
            RecordType::RiskAssessments => "risk_assessments",
            RecordType::Deviations => "deviations",
            RecordType::Notifications => "notifications",
            RecordType::Sessions => "sessions",
            RecordType::DeactivatedPeople => "deactivated_people",
            RecordType::Commute => "commute",
            RecordType::AuditPayloads => "audit_payloads",
        }
    }

    pub fn parse(s: &str) -> Option<RecordType> {
        RecordType::ALL.iter().copied().find(|t| t.as_str() == s)
    }

    /// The event the keeping period counts from, as a key (the page and
    /// the document say it in words).
    pub fn anchor(self) -> &'static str {
        match self {
            RecordType::DeclinedRequest => "decided",
            RecordType::EndedAgreement => "ended",
            RecordType::PlanDays => "day",
            RecordType::Absences => "last_day",
            RecordType::FollowUps => "completed",
            RecordType::RiskAssessments => "completed",
            RecordType::Deviations => "closed",
            RecordType::Notifications => "sent",
            RecordType::Sessions => "expired",
            RecordType::DeactivatedPeople => "last_day",
            RecordType::Commute => "last_day",
            RecordType::AuditPayloads => "written",
        }
    }

    /// Which outcomes the type allows: a whole record of the type can be
    /// deleted; some can instead be stripped of who they are about.
    pub fn allows(self, action: DisposalAction) -> bool {
        match action {
            DisposalAction::Keep => !matches!(self, RecordType::Sessions),
            DisposalAction::Delete => !matches!(self, RecordType::DeactivatedPeople),
            DisposalAction::Anonymise => matches!(self, RecordType::DeactivatedPeople),
        }
    }
}

/// What happens to a record once its keeping period is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisposalAction {
    /// Removed ("gallras").
    Delete,
    /// Kept without what says who it is about.
    Anonymise,
    /// Kept for good ("bevaras"), for the archive.
    Keep,
}

impl DisposalAction {
    pub fn as_str(self) -> &'static str {
        match self {
            DisposalAction::Delete => "delete",
            DisposalAction::Anonymise => "anonymise",
            DisposalAction::Keep => "keep",
        }
    }

    pub fn parse(s: &str) -> Option<DisposalAction> {
        match s {
            "delete" => Some(DisposalAction::Delete),
            "anonymise" => Some(DisposalAction::Anonymise),
            "keep" => Some(DisposalAction::Keep),
            _ => None,
        }
    }
}

/// One row of the disposal table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisposalRule {
    pub record_type: RecordType,
    /// Months kept after the anchor event (0: disposed of at the next run).
    pub keep_months: u32,
    pub action: DisposalAction,
    /// The decision the rule rests on: the document-management plan's
    /// reference ("KS 2024/112, 4.3").
    pub decision_ref: String,
    pub decision_date: Date,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

/// A change to a rule, as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleChange {
    pub keep_months: u32,
    pub action: DisposalAction,
    pub decision_ref: String,
    pub decision_date: Date,
    /// The version edited (409 when another is stored).
    pub version: i64,
}

/// What a legal hold is placed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HoldTarget {
    /// Every record about the person.
    Person(PersonId),
    /// One record, by its type and id (e.g. `agreement` and its id).
    Record { kind: String, id: uuid::Uuid },
}

/// A legal hold: disposal stops for what it is placed on until it is lifted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalHold {
    pub id: uuid::Uuid,
    pub person: Option<PersonId>,
    /// `kind:id` of the record held, if one.
    pub record: Option<String>,
    pub reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub placed_at: OffsetDateTime,
    pub placed_by: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub lifted_at: Option<OffsetDateTime>,
    pub lifted_by: Option<String>,
}

/// How many records of a type a run disposed of (or would).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisposalCount {
    pub record_type: RecordType,
    pub action: DisposalAction,
    /// Records whose period ended before this day (the cut-off).
    pub before: Date,
    pub count: u64,
    /// Records due that a legal hold kept.
    pub held: u64,
    pub rule_version: i64,
    pub decision_ref: String,
}

/// The privacy notice (GDPR Art. 13) under its headings, as HR writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NoticeText {
    /// What personal data is processed.
    pub what: String,
    /// Why it is processed.
    pub why: String,
    /// On what legal basis.
    pub legal_basis: String,
    /// How long it is kept.
    pub how_long: String,
    /// The person's rights and how to use them.
    pub rights: String,
    /// The data protection officer and how to reach them.
    pub dpo: String,
}

/// A saved version of the privacy notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrivacyNotice {
    #[serde(flatten)]
    pub text: NoticeText,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

/// Signed agreements to hand to the e-archive.
#[derive(Debug, Clone)]
pub struct ArchiveSelection {
    pub organisation: String,
    /// The rule for ended agreements (whether they are kept for good).
    pub rule: DisposalRule,
    pub agreements: Vec<crate::agreements::model::Agreement>,
}

/// The record a run leaves (kept for good).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisposalRun {
    pub id: uuid::Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The day the rules were applied as of.
    pub as_of: Date,
    pub by: String,
    pub dry_run: bool,
    pub counts: Vec<DisposalCount>,
}
