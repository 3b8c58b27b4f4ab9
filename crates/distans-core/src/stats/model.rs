//! The statistics' types: periods cut into buckets, groups, the counts the
//! store hands over, and the figures the service returns.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::kernel::dates::Weekday;
use crate::kernel::{CoreError, CoreResult, UnitId};
use crate::org::model::CommuteMode;
use crate::plan::model::DayState;

/// The smallest group a figure may be shown for, unless configured
/// (`DISTANS_STATS_MIN_GROUP`).
pub const DEFAULT_MIN_GROUP: i64 = 5;

/// The longest period one statistics request covers (a little over a year).
pub const MAX_STATS_DAYS: i64 = 400;

/// How a period is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Grouping {
    /// ISO weeks (`2026-W05`).
    #[default]
    Week,
    /// Calendar months (`2026-01`).
    Month,
}

impl Grouping {
    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Week => "week",
            Grouping::Month => "month",
        }
    }

    pub fn parse(field: &str, s: &str) -> CoreResult<Grouping> {
        match s {
            "week" => Ok(Grouping::Week),
            "month" => Ok(Grouping::Month),
            _ => Err(CoreError::invalid(field, "must be week or month")),
        }
    }
}

/// One part of the period: a week or a month (cut to the period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    /// `2026-W05` or `2026-01`.
    pub key: String,
    pub first: Date,
    pub last: Date,
}

/// A workday of the period, with its bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsDay {
    pub day: Date,
    pub weekday: Weekday,
    /// Index into the buckets (for occupancy: into the days).
    pub bucket: usize,
}

/// What the figures are grouped by in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupBy {
    /// People of the open units at or below the unit with this path (`/`:
    /// the whole organisation), each counted for the group of that unit's
    /// own people (its id) or of the child of it they are under (the
    /// child's id).
    Subtree(String),
    /// People by the site they sit at (their own, else their unit's);
    /// people with no site are not counted.
    Sites,
}

/// A group and a commute mode: the key the store counts by. `mode` is set
/// only for people with both a distance and a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub group: Uuid,
    pub mode: Option<CommuteMode>,
}

/// People of a key who leave on the same day (or never).
#[derive(Debug, Clone, PartialEq)]
pub struct PeopleCount {
    pub key: Key,
    pub last_day: Option<Date>,
    pub people: i64,
    /// The sum of their one-way commute distances (km).
    pub km: f64,
}

/// Active agreements of a key with the same span and weekdays.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanCount {
    pub key: Key,
    pub start: Date,
    /// The agreement's last day (end or notice), if any.
    pub last: Option<Date>,
    /// The people's last day, if they leave.
    pub leaves: Option<Date>,
    pub weekdays: Vec<Weekday>,
    pub count: i64,
    pub km: f64,
}

/// Which exception a counted row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exception {
    /// A published rotation day (`base`: what the agreement gives).
    Rotation,
    /// An occasional day on a day without absence (`base`: rotation or agreement).
    Occasional { half: bool },
    /// An absent day (`base`: rotation or agreement; occasional days are overruled).
    Absence,
}

/// Person-days of a key and bucket with the same exception, state and base.
#[derive(Debug, Clone, PartialEq)]
pub struct ExceptionCount {
    pub key: Key,
    pub bucket: usize,
    pub exception: Exception,
    /// The exception's state (absences: `Absent`).
    pub state: DayState,
    /// What the day would have been without the exception.
    pub base: DayState,
    pub count: i64,
    pub km: f64,
}

/// What the store counts of the plan for a period.
#[derive(Debug, Clone, Default)]
pub struct PlanCounts {
    pub people: Vec<PeopleCount>,
    pub spans: Vec<SpanCount>,
    pub exceptions: Vec<ExceptionCount>,
}

/// The sums of a key and bucket, in half-days (a half day counts 0.5).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DaySums {
    /// Workplace, remote and other half-days (absences excluded).
    pub counted: i64,
    pub remote: i64,
    /// Σ remote half-days × one-way km (people with commute data).
    pub remote_km: f64,
    /// Remote half-days of people with commute data.
    pub remote_with_commute: i64,
    /// Days at the workplace for at least half the day (occupancy).
    pub on_site: i64,
}

impl std::ops::AddAssign for DaySums {
    fn add_assign(&mut self, o: DaySums) {
        self.counted += o.counted;
        self.remote += o.remote;
        self.remote_km += o.remote_km;
        self.remote_with_commute += o.remote_with_commute;
        self.on_site += o.on_site;
    }
}

/// A unit of the tree, with how many counted people it has itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeUnit {
    pub id: UnitId,
    pub parent: Option<UnitId>,
    pub name: String,
    pub path: String,
    /// People directly in it (not below).
    pub people: i64,
}

/// A group a row stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRef {
    /// The unit (none: the whole organisation).
    pub unit: Option<UnitId>,
    pub name: String,
    /// `total` (the unit with everything below it), `own` (the unit's own
    /// people, not those below) or `organisation`.
    pub part: GroupPart,
    /// People the row stands for.
    pub people: i64,
    /// Hidden: fewer people than the minimum, or hidden so that a hidden
    /// cell cannot be worked out from visible ones.
    pub suppressed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupPart {
    Organisation,
    Total,
    Own,
}

impl GroupPart {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupPart::Organisation => "organisation",
            GroupPart::Total => "total",
            GroupPart::Own => "own",
        }
    }
}

/// What a statistics request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsQuery {
    pub from: Date,
    pub to: Date,
    /// A unit with the units below it (none: the organisation).
    pub unit: Option<UnitId>,
    pub by: Grouping,
}

/// Remote share of one group in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareRow {
    pub group: usize,
    pub bucket: usize,
    /// Workplace, remote and other days (absences excluded); none when suppressed.
    pub days: Option<f64>,
    pub remote_days: Option<f64>,
    /// remote_days ÷ days; none when suppressed or without days.
    pub share: Option<f64>,
}

/// A figure over a period, one row of `R` per group and bucket (week or
/// month): the remote share, the coverage gaps, the emissions avoided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucketed<R> {
    pub from: Date,
    pub to: Date,
    pub by: Grouping,
    pub buckets: Vec<Bucket>,
    pub groups: Vec<GroupRef>,
    pub rows: Vec<R>,
    pub min_group: i64,
}

/// Remote share over a period.
pub type RemoteShare = Bucketed<ShareRow>;

/// An emission factor: kg CO₂e per km travelled by one person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmissionFactor {
    pub mode: CommuteMode,
    pub kg_per_km: f64,
}

/// A version of the emission factors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmissionFactors {
    pub version: i64,
    pub factors: Vec<EmissionFactor>,
    /// kg CO₂e a remote day adds at home (heating, electricity); none: no
    /// net figure.
    pub home_office_kg_per_day: Option<f64>,
    /// Where the figures come from.
    pub source: String,
    pub valid_from: Date,
}

/// A new version of the emission factors, as HR writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorsInput {
    pub factors: Vec<EmissionFactor>,
    pub home_office_kg_per_day: Option<f64>,
    pub source: String,
    /// The version edited (409 when another was saved meanwhile).
    pub version: i64,
}

/// Emissions avoided of one group in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmissionRow {
    pub group: usize,
    pub bucket: usize,
    /// kg CO₂e not emitted by commuting on remote days with commute data.
    pub gross_kg: Option<f64>,
    /// Gross less the home-office factor × those remote days (none when no
    /// home-office factor is set).
    pub net_kg: Option<f64>,
    pub remote_days: Option<f64>,
    /// Share of the remote days whose person has commute data.
    pub coverage: Option<f64>,
}

/// Emissions avoided over a period, with the factors they were worked out
/// by.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Emissions {
    #[serde(flatten)]
    pub figures: Bucketed<EmissionRow>,
    pub factors: EmissionFactors,
}

/// Agreements of a unit (with those below it) by state and days a week.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgreementCount {
    pub unit: UnitId,
    pub state: String,
    pub days_per_week: i64,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementRow {
    pub group: usize,
    pub state: String,
    pub days_per_week: i64,
    pub count: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementStats {
    pub groups: Vec<GroupRef>,
    pub rows: Vec<AgreementRow>,
    pub min_group: i64,
}

/// A decision as the store counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionCount {
    pub unit: UnitId,
    /// `manager` or `hr`.
    pub level: String,
    /// `approved` or `declined`.
    pub outcome: String,
    /// Days from the request to the decision.
    pub days: i64,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionRow {
    pub group: usize,
    pub level: String,
    pub outcome: String,
    pub count: Option<i64>,
    pub median_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionStats {
    pub from: Date,
    pub to: Date,
    pub groups: Vec<GroupRef>,
    pub rows: Vec<DecisionRow>,
    /// Temporary decisions in force on some day of the period.
    pub temporary_in_force: i64,
    pub min_group: i64,
}

/// A site, its desks and the people who sit there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteInfo {
    pub id: Uuid,
    pub name: String,
    pub desks: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OccupancyRow {
    pub site: Uuid,
    pub name: String,
    pub desks: i64,
    pub people: i64,
    pub suppressed: bool,
    pub mean: Option<f64>,
    pub peak: Option<i64>,
    pub days_over_capacity: Option<i64>,
    /// Mean people on site by weekday, Monday first (none: no such workday).
    pub by_weekday: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OccupancyStats {
    pub from: Date,
    pub to: Date,
    pub workdays: i64,
    pub rows: Vec<OccupancyRow>,
    pub min_group: i64,
}

/// The longest period the coverage figure covers: it is counted day by day.
pub const MAX_GAP_DAYS: i64 = 366;

/// A coverage rule as the statistics count it, with the desks of its
/// unit's site (`max_desks`; none: the unit has no site and the rule
/// cannot be counted, as on the unit's own coverage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapRule {
    pub rule: crate::coverage::model::CoverageRule,
    /// The unit's own site and its desks.
    pub site: Option<(Uuid, i64)>,
}

/// The people placed directly in a unit (not below it), all of them
/// (`skill` none) or those with a skill some rule asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OnSiteKey {
    pub unit: UnitId,
    pub skill: Option<String>,
}

/// People of a key who leave on the same day (or never).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPeople {
    /// Index into [`OnSiteCounts::keys`].
    pub key: usize,
    pub last_day: Option<Date>,
    pub people: i64,
}

/// Active agreements of a key with the same span and weekdays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySpan {
    pub key: usize,
    pub start: Date,
    pub last: Option<Date>,
    pub leaves: Option<Date>,
    pub weekdays: Vec<Weekday>,
    pub count: i64,
}

/// Person-days of a key and day with the same exception, state and base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyException {
    pub key: usize,
    /// Index into the period's workdays.
    pub day: usize,
    pub exception: Exception,
    pub state: DayState,
    pub base: DayState,
    pub count: i64,
}

/// The plan of the period counted per unit (own people), skill and day:
/// what the coverage figure needs, as the database counts it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnSiteCounts {
    pub keys: Vec<OnSiteKey>,
    pub people: Vec<KeyPeople>,
    pub spans: Vec<KeySpan>,
    pub exceptions: Vec<KeyException>,
}

/// A unit's coverage in one bucket: the workdays on which some rule of it
/// applies, and of those the days with at least one gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct GapCount {
    pub rule_days: i64,
    pub gap_days: i64,
}

impl std::ops::AddAssign for GapCount {
    fn add_assign(&mut self, o: GapCount) {
        self.rule_days += o.rule_days;
        self.gap_days += o.gap_days;
    }
}

/// Coverage gaps of one group in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapRow {
    pub group: usize,
    pub bucket: usize,
    /// Units of the group with a rule applying that day, summed over the
    /// bucket's workdays; none when suppressed.
    pub unit_days: Option<i64>,
    /// Of those unit-days, the ones with at least one gap.
    pub gap_days: Option<i64>,
    /// gap_days ÷ unit_days; none when suppressed or without unit-days.
    pub share: Option<f64>,
}

/// Days with a coverage gap over a period.
pub type CoverageGaps = Bucketed<GapRow>;
