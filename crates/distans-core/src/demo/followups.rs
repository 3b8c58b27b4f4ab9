//! The demo's follow-ups.

use crate::agreements::rules::term;
use crate::demo::service::{demo_audit, DemoService};
use crate::followup::model::*;
use crate::followup::rules::*;
use crate::kernel::dates::plus_days_clamped;
use crate::kernel::CoreResult;

impl DemoService {
    // The demo.

    /// Schedules the follow-ups of the demo's active agreements (those that
    /// have none yet); those due more than two weeks ago are recorded as
    /// done, so the lists show a realistic mix.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn load_followups(&self) -> CoreResult<usize> {
        let today = self.env.today();
        let now = self.env.now();
        let months: std::collections::HashMap<i64, u8> = self
            .d
            .policy
            .versions()
            .await?
            .into_iter()
            .map(|v| (v.version, v.rules.follow_up_interval_months))
            .collect();
        let mut all = vec![];
        for g in self.port.agreements_without_followups(20_000).await? {
            let interval = months.get(&g.policy_version).copied().unwrap_or(6);
            // The unit path is not stored with a follow-up.
            for mut f in schedule(&term(&g), "", interval) {
                if f.due < plus_days_clamped(today, -14) {
                    f.state = FollowUpState::Done;
                    f.completed_at = Some(now);
                }
                all.push(f);
            }
        }
        if all.is_empty() {
            return Ok(0);
        }
        let a = demo_audit("demo.followups", "organisation", "")
            .after(serde_json::json!({"followups": all.len()}));
        self.d.followup.insert(&all, &[], a).await?;
        Ok(all.len())
    }
}
