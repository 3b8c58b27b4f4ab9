//! Who is where on a day, as the start page and "Vem är på plats?" show it.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::kernel::gap::GapWarning;
use crate::kernel::ids::PersonId;
use crate::kernel::{PersonRef, UnitRef};

/// Whether a person shows their colleagues the days they are on site:
/// their own choice, if they made one, else the policy's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareChoice {
    /// What the person chose (`None`: they never chose).
    pub chosen: Option<bool>,
    /// What the policy in force says for those who never chose.
    pub policy_default: bool,
}

impl ShareChoice {
    /// Do colleagues see the person on site?
    pub fn shares(&self) -> bool {
        crate::presence::rules::shares(self.chosen, self.policy_default)
    }
}

/// A colleague in the unit, with their choice and their day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Colleague {
    pub person: PersonRef,
    /// Their own choice (`None`: the policy's default).
    pub chosen: Option<bool>,
    /// On site at least half of the day, as the plan has it.
    pub on_site: bool,
}

/// A person of a unit with their choice, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitPerson {
    pub person: PersonRef,
    pub chosen: Option<bool>,
}

/// Who of a unit plans to be on site on a day, as the reader may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoIsIn {
    pub date: Date,
    pub unit: UnitRef,
    /// Not a workday: why (a weekend, a holiday, a closed day).
    pub day_off: Option<String>,
    /// On site, by name: those who share it (everyone, for the unit's
    /// managers and HR). Never the reader.
    pub on_site: Vec<PersonRef>,
    /// Colleagues who do not share where they work: counted, never named
    /// (whether they are on site or not, so the count tells nothing of it).
    pub not_sharing: i64,
    /// The reader sees everyone (a manager of the unit, HR).
    pub sees_everyone: bool,
}

/// Where the people of a unit are on one day, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayCounts {
    pub on_site: Vec<PersonRef>,
    pub remote: Vec<PersonRef>,
    pub other: Vec<PersonRef>,
    pub absent: Vec<PersonRef>,
}

/// A managed unit today and the rest of the week: who is where, and the
/// coverage gaps.
#[derive(Debug, Clone)]
pub struct UnitToday {
    pub unit: UnitRef,
    pub people: usize,
    /// Today, if it is a workday.
    pub today: Option<DayCounts>,
    /// Each rule broken on a workday from today to Friday (next week's, at a weekend).
    pub gaps: Vec<GapWarning>,
    /// The unit is too big to show here (its page says more).
    pub too_big: bool,
}

/// The most managed units the start page shows.
pub const MAX_UNITS_TODAY: usize = 10;

/// The most people of one unit "who is in" reads.
pub const MAX_COLLEAGUES: i64 = 500;

/// A person, for tests and callers that build one.
pub fn person_ref(id: PersonId, name: &str) -> PersonRef {
    PersonRef {
        id,
        name: name.into(),
    }
}
