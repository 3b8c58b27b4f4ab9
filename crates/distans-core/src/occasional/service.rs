//! Setting occasional days within the policy (and any temporary decision's
//! wider limits), warning before a change opens a coverage gap.

use crate::kernel::ids::PersonId;
use std::sync::Arc;

use serde_json::json;

use crate::access::{self, Action};
use crate::coverage::service::CoverageService;
use crate::kernel::dates::DateRange;
use crate::kernel::Work;
use crate::kernel::{Actor, CoreError, CoreResult, Env, NewAuditEntry};
use crate::occasional::model::DayChange;
use crate::occasional::port::OccasionalPort;
use crate::occasional::rules::{check_day, check_remote, used_in_week, week_limit, week_of};
use crate::org::model::PersonRecord;
use crate::org::service::OrgService;
use crate::plan::model::{DayState, Occasional, Part, PlanDay};
use crate::plan::service::PlanService;
use crate::policy::service::PolicyService;
use crate::temporary::rules::crisis_limit;
use crate::temporary::service::TemporaryService;
use crate::workdays::service::WorkdaysService;

/// Occasional days.
#[derive(Clone)]
pub struct OccasionalService {
    port: Arc<dyn OccasionalPort>,
    env: Env,
    org: OrgService,
    workdays: WorkdaysService,
    policy: PolicyService,
    temporary: TemporaryService,
    plan: PlanService,
    coverage: CoverageService,
}

/// The slices occasional days are decided with.
pub(crate) struct OccasionalDeps {
    pub org: OrgService,
    pub workdays: WorkdaysService,
    pub policy: PolicyService,
    pub temporary: TemporaryService,
    pub plan: PlanService,
    pub coverage: CoverageService,
}

impl OccasionalService {
    pub(crate) fn new(port: Arc<dyn OccasionalPort>, env: Env, d: OccasionalDeps) -> Self {
        OccasionalService {
            port,
            env,
            org: d.org,
            workdays: d.workdays,
            policy: d.policy,
            temporary: d.temporary,
            plan: d.plan,
            coverage: d.coverage,
        }
    }

    /// Sets (or with `state = None` removes) an occasional day, within the
    /// policy: a workday, not locked in the past, no remote day for
    /// secrecy-classified tasks, and at most the policy's occasional days a
    /// week — or a temporary decision's wider limit where one applies.
    #[tracing::instrument(skip_all)]
    pub async fn set_occasional_day(
        &self,
        actor: &Actor,
        person: PersonId,
        day: time::Date,
        state: Option<DayState>,
        part: Option<Part>,
        allow_gap: bool,
    ) -> CoreResult<PlanDay> {
        let rec = self.target(actor, person).await?;
        let the_day = DateRange::day("date", day)?;
        let change = DayChange { day, state, part };
        let cal = self.workdays.calendar(the_day).await?;
        check_day(
            &change,
            &cal,
            self.env.today(),
            self.env.config().plan_lock_days,
        )?;
        self.check_policy(&rec, &change).await?;
        let value = state.map(|s| Occasional { state: s, part });
        let gaps = self
            .coverage
            .gaps_opened(&rec, the_day, |r| match value {
                Some(o) => {
                    r.occasional.insert(day, o);
                }
                None => {
                    r.occasional.remove(&day);
                }
            })
            .await?;
        self.coverage.check_gaps(actor, &rec, &gaps, allow_gap)?;
        let mut after = json!({"date": day.to_string(), "state": state, "part": part});
        if !gaps.is_empty() {
            after["allowed_gaps"] = gaps.iter().map(|g| g.describe()).collect();
        }
        let action = match value {
            Some(_) => "plan.occasional.set",
            None => "plan.occasional.clear",
        };
        let audit = NewAuditEntry::by(actor, action, "person", person).after(after);
        self.port
            .set_occasional(
                person,
                day,
                value,
                actor.person_id,
                &Work::new(self.env.now(), audit),
            )
            .await?;
        self.plan.day_of(person, day).await
    }

    /// The person whose day the actor changes: not found unless the actor
    /// may see them, forbidden unless they may set their days.
    #[tracing::instrument(skip_all)]
    async fn target(&self, actor: &Actor, person: PersonId) -> CoreResult<PersonRecord> {
        let rec = self.org.record(person).await?;
        let unit_path = &rec.unit_path;
        let set = Action::SetPlanDay {
            person_id: person,
            unit_path,
        };
        let read = Action::ReadCase {
            person_id: person,
            unit_path,
        };
        match access::authorize(actor, set) {
            Ok(()) => Ok(rec),
            Err(_) if !access::can(actor, read) => Err(CoreError::NotFound("person")),
            Err(refused) => Err(refused),
        }
    }

    /// The policy's rules for a remote day, with the week's limit.
    #[tracing::instrument(skip_all)]
    async fn check_policy(&self, rec: &PersonRecord, change: &DayChange) -> CoreResult<()> {
        if change.state != Some(DayState::Remote) {
            return Ok(());
        }
        let policy = self.policy.in_force(change.day).await?;
        let decisions = self.temporary.for_record(rec).await?;
        let limit = week_limit(&policy.rules, crisis_limit(&decisions, change.day));
        let (monday, friday) = week_of(change.day);
        let week = DateRange::clamped(("date", "date"), monday, friday)?;
        let person = rec.person.id;
        let rules = self.plan.rules(&[person], week).await?;
        let used = used_in_week(rules.get(&person), change.day);
        check_remote(change, &rec.person.skills, &policy.rules, limit, used)
    }
}
