//! The demo's follow-ups.

use time::Duration;

use crate::followup::model::*;
use crate::followup::rules::*;
use crate::kernel::{CoreResult, NewAuditEntry};
use crate::Core;

impl Core {
    // The demo.

    /// Schedules the follow-ups of the demo's active agreements (those that
    /// have none yet); those due more than two weeks ago are recorded as
    /// done, so the lists show a realistic mix.
    pub async fn load_demo_followups(&self) -> CoreResult<usize> {
        self.ensure_checklist_defaults().await?;
        let today = self.today();
        let now = self.now();
        let months: std::collections::HashMap<i64, u8> = self
            .store
            .policy_versions()
            .await?
            .into_iter()
            .map(|v| (v.version, v.rules.follow_up_interval_months))
            .collect();
        let mut all = vec![];
        for g in self.store.agreements_without_followups(20_000).await? {
            let interval = months.get(&g.policy_version).copied().unwrap_or(6);
            // The unit path is not stored with a follow-up.
            for mut f in schedule(&g, "", interval) {
                if f.due < today - Duration::days(14) {
                    f.state = FollowUpState::Done;
                    f.completed_at = Some(now);
                }
                all.push(f);
            }
        }
        if all.is_empty() {
            return Ok(0);
        }
        let mut a = NewAuditEntry::system("demo.followups", "organisation", "");
        a.actor = "demo".into();
        a.after = Some(serde_json::json!({"followups": all.len()}));
        self.store.insert_followups(&all, &[], a).await?;
        Ok(all.len())
    }
}
