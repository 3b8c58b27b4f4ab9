//! The plan and occasional days, coverage and occupancy, absences and
//! closed days.

use serde::Serialize;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

use super::org::Site;
use super::{PersonRef, UnitRef, Weekday};

wire_enum! {
    /// Where a person works on a day.
    #[serde(rename_all = "lowercase")]
    pub enum DayState = distans_core::plan::DayState {
        Workplace,
        Remote,
        /// Another place of work: another site, a visit.
        Other,
        /// Leave, sick: no reason is kept here.
        Absent,
    }
}

wire_enum! {
    /// Why a day has its state.
    #[serde(rename_all = "lowercase")]
    pub enum Source = distans_core::plan::Source {
        Absence,
        Occasional,
        Rotation,
        Agreement,
        Default,
    }
}

wire_enum! {
    /// Half of a day.
    #[serde(rename_all = "lowercase")]
    pub enum Part = distans_core::plan::Part {
        Am,
        Pm,
    }
}

/// One person's day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanDay {
    pub date: Date,
    pub state: DayState,
    pub source: Source,
    /// For a half day: the half that `state` applies to; the other half is
    /// what the day would otherwise have been (`rest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<Part>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rest: Option<DayState>,
}
wire_struct!(distans_core::plan::PlanDay => PlanDay { date, state, source, part, rest });

/// A person's day, as `GET /api/v1/plan` returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonDay {
    pub person: Uuid,
    #[serde(flatten)]
    pub day: PlanDay,
}
wire_struct!(distans_core::plan::PersonDay => PersonDay { person, day });

wire_enum! {
    /// What a rule asks for.
    #[serde(rename_all = "snake_case")]
    pub enum RuleKind = distans_core::kernel::gap::RuleKind {
        /// At least `min_onsite` of the unit's people (with `skill`, if given) on site.
        MinOnsite,
        /// At most the desks of the unit's site taken, by everyone sitting there.
        MaxDesks,
    }
}

/// A stored coverage rule of a unit. It counts the people whose home unit
/// is the rule's unit or below it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoverageRule {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub kind: RuleKind,
    /// Only people with this skill count (`min_onsite`).
    pub skill: Option<String>,
    /// For `min_onsite`: how many must be on site. Unused for `max_desks`.
    pub min_onsite: i64,
    /// The weekdays the rule applies on; `None` = every workday.
    pub weekdays: Option<Vec<Weekday>>,
    pub version: i64,
}
wire_struct!(distans_core::coverage::CoverageRule => CoverageRule {
    id, unit_id, kind, skill, min_onsite, weekdays, version,
});

/// One rule on one day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RuleDay {
    /// The rule's id.
    pub rule: Uuid,
    pub kind: RuleKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    /// At least this many on site (`min_onsite`), or at most (`max_desks`).
    pub required: i64,
    /// On site according to the plan.
    pub planned: i64,
    /// How many are missing (`min_onsite`) or too many (`max_desks`); 0 when covered.
    pub gap: i64,
}
wire_struct!(distans_core::coverage::RuleDay => RuleDay {
    rule, kind, skill, required, planned, gap,
});

/// One day of a unit's coverage.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoverageDay {
    pub date: Date,
    pub rules: Vec<RuleDay>,
    /// The unit's people on site (at least half the day).
    pub on_site: Vec<PersonRef>,
}
wire_struct!(distans_core::coverage::CoverageDay => CoverageDay { date, rules, on_site });

/// One site on one day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SiteDay {
    pub date: Date,
    /// On site at least half the day.
    pub on_site: i64,
    pub remote: i64,
    pub other: i64,
    pub absent: i64,
}
wire_struct!(distans_core::coverage::SiteDay => SiteDay { date, on_site, remote, other, absent });

/// A site's occupancy over a period, against its desks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SiteOccupancy {
    pub site: Site,
    /// People who sit at the site.
    pub people: i64,
    pub days: Vec<SiteDay>,
}
wire_struct!(distans_core::coverage::SiteOccupancy => SiteOccupancy { site, people, days });

/// A change that would open (or widen) a gap: the rule, its unit and the day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GapWarning {
    pub rule: Uuid,
    pub kind: RuleKind,
    pub unit: UnitRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skill: Option<String>,
    pub date: Date,
    pub required: i64,
    /// On site after the change.
    pub planned: i64,
}
wire_struct!(distans_core::kernel::gap::GapWarning => GapWarning {
    rule, kind, unit, skill, date, required, planned,
});

/// A stored absence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Absence {
    pub id: Uuid,
    pub person: Uuid,
    pub first_day: Date,
    pub last_day: Date,
    /// `manual` (entered) or `import`.
    pub source: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}
wire_struct!(distans_core::absences::Absence => Absence {
    id, person, first_day, last_day, source, created_at,
});

/// A day the organisation is closed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClosedDay {
    pub date: Date,
    pub name: String,
}
wire_struct!(distans_core::workdays::ClosedDay => ClosedDay { date, name });
