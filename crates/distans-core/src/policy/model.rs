//! The remote-work policy ("distanspolicy"), versioned: what HR writes,
//! and what a request is made of.

use crate::kernel::ids::UnitId;
use crate::kernel::PolicyVersionId;
use serde::{Deserialize, Serialize};
use time::Date;

pub use crate::policy::terms::Place;
use crate::policy::terms::Terms;

/// A prerequisite the applicant must confirm (approved wifi, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prerequisite {
    pub key: String,
    pub text: String,
}

/// What a unit may set differently from the organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOverride {
    pub unit_id: UnitId,
    /// Days a week the unit's manager may approve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_limit_days: Option<u8>,
    /// The most remote days a week at all in this unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_days_per_week: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence_requirements: Option<String>,
}

/// The content of a policy version: what HR writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRules {
    /// Remote days a week a manager may approve; above it HR decides.
    pub manager_limit_days: u8,
    /// The most remote days a week of a regular arrangement.
    pub max_days_per_week: u8,
    /// Whether regular remote work needs a written, signed agreement.
    pub agreement_required: bool,
    pub prerequisites: Vec<Prerequisite>,
    /// Tasks (skills) that may not be done remotely, e.g. secrecy-classified work.
    pub secrecy_tasks: Vec<String>,
    /// Presence requirements written into every agreement.
    pub presence_requirements: String,
    /// Months between follow-ups of an agreement.
    pub follow_up_interval_months: u8,
    /// Days of notice when either party ends an agreement.
    pub notice_period_days: u16,
    /// Extra aids may be borrowed home above this many days a week.
    pub extra_aids_above_days: u8,
    /// Occasional remote days a week without an agreement (None: no limit).
    #[serde(default)]
    pub occasional_days_per_week: Option<u8>,
    #[serde(default)]
    pub unit_overrides: Vec<UnitOverride>,
    // Deviations.
    /// Roles whose holders are told at once of a serious information-security deviation.
    #[serde(default = "default_security_deviation_roles")]
    pub security_deviation_roles: Vec<String>,
    /// Whether a reporter may ask to be anonymous to the unit (the system
    /// still keeps who reported).
    #[serde(default = "default_true")]
    pub deviation_reporter_anonymity: bool,
    // Who is in.
    /// Whether people who never chose show their colleagues the days they
    /// are on site ("Vem är på plats?").
    #[serde(default = "default_true")]
    pub share_presence_default: bool,
}

// Deviations.
impl PolicyRules {
    /// Are holders of `role` told of serious information-security deviations?
    pub fn tells_of_security_deviations(&self, role: &str) -> bool {
        self.security_deviation_roles.iter().any(|r| r == role)
    }
}

fn default_security_deviation_roles() -> Vec<String> {
    vec!["admin".into()]
}

fn default_true() -> bool {
    true
}

impl Default for PolicyRules {
    fn default() -> Self {
        let p = |k: &str, t: &str| Prerequisite {
            key: k.into(),
            text: t.into(),
        };
        PolicyRules {
            manager_limit_days: 2,
            max_days_per_week: 4,
            agreement_required: true,
            prerequisites: vec![
                p("wifi", "Jag har ett godkänt, krypterat trådlöst nätverk (WiFi) där jag ska arbeta."),
                p("it-security", "Jag har läst och följer organisationens IT-säkerhetspolicy."),
                p("vpn", "Jag har VPN-åtkomst och använder den för arbetet."),
                p("home-insurance", "Jag har en hemförsäkring som gäller där jag ska arbeta."),
            ],
            secrecy_tasks: vec!["sekretessklassad".into()],
            presence_requirements: "Arbetsplatsträffar, planeringsdagar och möten som kräver närvaro sker på arbetsplatsen. Chefen kan kalla till arbetsplatsen när verksamheten kräver det.".into(),
            follow_up_interval_months: 6,
            notice_period_days: 30,
            extra_aids_above_days: 2,
            occasional_days_per_week: Some(2),
            unit_overrides: vec![],
            security_deviation_roles: default_security_deviation_roles(),
            deviation_reporter_anonymity: true,
            share_presence_default: true,
        }
    }
}

/// What may be overridden, resolved for one unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveRules {
    pub manager_limit_days: u8,
    pub max_days_per_week: u8,
    pub presence_requirements: String,
}

/// A stored policy version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    pub id: PolicyVersionId,
    pub version: i64,
    /// Applies from this date.
    pub valid_from: Date,
    #[serde(flatten)]
    pub rules: PolicyRules,
    pub created_by: String,
}

/// A policy version to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPolicyVersion {
    pub rules: PolicyRules,
    pub valid_from: Date,
    pub created_by: String,
    /// Only as the very first version: a conflict when there is one (the
    /// default, which two servers starting at once may both try to add).
    pub first: bool,
}

/// Who decides a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decider {
    Manager,
    Hr,
}

impl Decider {
    pub fn as_str(self) -> &'static str {
        match self {
            Decider::Manager => "manager",
            Decider::Hr => "hr",
        }
    }
}

/// A regular arrangement as applied for, after parsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Arrangement {
    #[serde(flatten)]
    pub terms: Terms,
    pub reason: String,
    pub confirmations: Vec<String>,
}

/// A request as a client sends it, before parsing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestInput {
    pub days_per_week: Option<i64>,
    #[serde(default)]
    pub weekdays: Vec<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub place: Option<String>,
    pub place_address: Option<String>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub confirmations: Vec<String>,
}

/// What the engine needs to know of the applicant.
#[derive(Debug, Clone, Default)]
pub struct Applicant {
    pub tasks: Vec<String>,
    /// Periods of the applicant's live agreements and open requests (start, end).
    pub busy: Vec<(Date, Option<Date>)>,
}

/// The engine's verdict on a request that passes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judgement {
    pub decider: Decider,
    pub days_per_week: u8,
    pub manager_limit_days: u8,
    pub needs_agreement: bool,
}
/// The policy in force, with what applies in one unit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicyView {
    #[serde(flatten)]
    pub policy: PolicyVersion,
    /// The rules as they apply in the caller's (or the asked) unit.
    pub effective: EffectiveRules,
}
