//! What every service reads besides its port: the clock, the settings and
//! the database's change counters.

use std::sync::Arc;

use time::{Date, OffsetDateTime};

use crate::kernel::clock::Clock;
use crate::kernel::counters::{ChangeCounters, Counters, CountersPort};
use crate::kernel::CoreResult;

/// Settings of the use cases.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// Longest life of a personal token, in days.
    pub token_max_days: i64,
    /// Days back that the plan may still be changed (0: from today on).
    pub plan_lock_days: i64,
    /// SCIM groups whose members hold a role: (group's displayName, role).
    pub scim_groups: Vec<(String, crate::kernel::Role)>,
    /// The smallest group a statistic is shown for (`DISTANS_STATS_MIN_GROUP`).
    pub stats_min_group: i64,
}

impl Default for CoreConfig {
    fn default() -> Self {
        CoreConfig {
            token_max_days: 365,
            plan_lock_days: 0,
            scim_groups: crate::scim::rules::DEFAULT_GROUPS
                .iter()
                .map(|(g, r)| (g.to_string(), *r))
                .collect(),
            stats_min_group: crate::stats::model::DEFAULT_MIN_GROUP,
        }
    }
}

/// The clock, the settings and the database's change counters, shared
/// by every service.
#[derive(Debug, Clone)]
pub struct Env {
    clock: Arc<dyn Clock>,
    config: Arc<CoreConfig>,
    counters: ChangeCounters,
}

impl Env {
    pub fn new(clock: Arc<dyn Clock>, config: CoreConfig, counters: Arc<dyn CountersPort>) -> Self {
        Env {
            clock,
            config: Arc::new(config),
            counters: ChangeCounters::new(counters),
        }
    }

    /// The database's change counters, read after this call began (see
    /// [`crate::kernel::counters`]).
    pub async fn counters(&self) -> CoreResult<Counters> {
        self.counters.read().await
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// Today, within the years the product accepts (a clock set outside
    /// them reads as the first or last day accepted), so that today moved
    /// by a bounded number of days can never overflow.
    pub fn today(&self) -> Date {
        self.now()
            .date()
            .clamp(crate::kernel::dates::FIRST, crate::kernel::dates::LAST)
    }

    pub fn config(&self) -> &CoreConfig {
        &self.config
    }
}
