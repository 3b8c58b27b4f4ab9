//! What the statistics need of storage: counts, never person-days.

use async_trait::async_trait;
use time::Date;

use crate::kernel::{CoreResult, PersonId, UnitId, Work};
use crate::org::model::CommuteMode;
use crate::stats::model::*;

#[async_trait]
pub trait StatsPort: Send + Sync {
    /// Every open unit, with how many people counted in the period (not
    /// gone before `from`) are directly in it.
    async fn stats_units(&self, from: Date) -> CoreResult<Vec<TreeUnit>>;
    /// The plan of the period counted by group, commute mode and bucket
    /// (see `stats::rules`): people, agreement spans, and exceptions with
    /// the state they override. `days` are the period's workdays (at least
    /// one).
    async fn plan_counts(
        &self,
        by: &GroupBy,
        days: &[StatsDay],
        from: Date,
        to: Date,
    ) -> CoreResult<PlanCounts>;
    /// The coverage rules of the open units at or below the unit with
    /// this path (`/`: all), each with its unit's own site and desks.
    async fn gap_rules(&self, path: &str) -> CoreResult<Vec<GapRule>>;
    /// The plan of the period counted per unit (people placed directly in
    /// it), skill a `min_onsite` rule asks for, and day: the people of
    /// the open units at or below `path`. `days` are the workdays (at
    /// least one), one bucket each.
    async fn on_site_counts(
        &self,
        path: &str,
        days: &[StatsDay],
        from: Date,
        to: Date,
    ) -> CoreResult<OnSiteCounts>;
    /// Agreements by unit, state and days a week (agreements of people not
    /// gone before `from`).
    async fn agreement_counts(&self, from: Date) -> CoreResult<Vec<AgreementCount>>;
    /// Requests decided in the period, by unit, level, outcome and days
    /// from request to decision.
    async fn decision_counts(&self, from: Date, to: Date) -> CoreResult<Vec<DecisionCount>>;
    /// Temporary decisions in force on some day of the period.
    async fn temporary_in_force(&self, from: Date, to: Date) -> CoreResult<i64>;
    /// Every site, and how many people counted in the period sit there.
    async fn stats_sites(&self, from: Date) -> CoreResult<Vec<(SiteInfo, i64)>>;
    /// The newest emission factors, if any were written.
    async fn emission_factors(&self) -> CoreResult<Option<EmissionFactors>>;
    /// Writes a new version of the factors; `Conflict` when `expected` is
    /// no longer the newest.
    async fn save_emission_factors(
        &self,
        factors: &EmissionFactors,
        expected: i64,
        work: &Work,
    ) -> CoreResult<()>;
    /// Records a person's commute (both none: removes it).
    async fn set_commute(
        &self,
        person: PersonId,
        km: Option<f64>,
        mode: Option<CommuteMode>,
        work: &Work,
    ) -> CoreResult<()>;
    /// The path of a unit (open or closed), if it exists.
    async fn unit_path(&self, unit: UnitId) -> CoreResult<Option<String>>;
}
