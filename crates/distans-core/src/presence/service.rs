//! Use cases of who is where: one's choice whether colleagues see one on
//! site, who of one's unit is on site on a day, and a manager's units today.

use std::sync::Arc;

use time::{Date, Duration};

use crate::access::{self, Action};
use crate::coverage::service::CoverageService;
use crate::kernel::counters::Remembered;
use crate::kernel::dates::DateRange;
use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::{Actor, CoreError, CoreResult, Env, NewAuditEntry, UnitRef, Work};
use crate::org::service::OrgService;
use crate::plan::service::PlanService;
use crate::policy::service::PolicyService;
use crate::presence::model::*;
use crate::presence::port::PresencePort;
use crate::presence::rules::{day_counts, gaps_from, visible_on_site};
use crate::workdays::service::WorkdaysService;

/// Who is where, and who shows it.
#[derive(Clone)]
pub struct PresenceService {
    port: Arc<dyn PresencePort>,
    env: Env,
    deps: PresenceDeps,
    /// Each person's own choice, while the sign-in counter stands still
    /// (a change of it bumps the counter).
    chosen: Arc<Remembered<PersonId, Option<bool>>>,
}

/// People whose choice an app server remembers at most.
const REMEMBERED_CHOICES: usize = 20_000;

/// The slices presence builds on.
#[derive(Clone)]
pub struct PresenceDeps {
    pub org: OrgService,
    pub workdays: WorkdaysService,
    pub plan: PlanService,
    pub policy: PolicyService,
    pub coverage: CoverageService,
}

impl PresenceService {
    pub(crate) fn new(port: Arc<dyn PresencePort>, env: Env, deps: PresenceDeps) -> Self {
        PresenceService {
            port,
            env,
            deps,
            chosen: Arc::new(Remembered::new(REMEMBERED_CHOICES)),
        }
    }

    async fn policy_default(&self) -> CoreResult<bool> {
        let p = self.deps.policy.in_force(self.env.today()).await?;
        Ok(p.rules.share_presence_default)
    }

    /// The actor's own choice whether colleagues see them on site, and the
    /// policy's default.
    #[tracing::instrument(skip_all)]
    pub async fn share_choice(&self, actor: &Actor) -> CoreResult<ShareChoice> {
        let counters = self.env.counters().await?;
        let chosen = match self.chosen.get(counters.sign_in, &actor.person_id) {
            Some(c) => c,
            None => {
                let c = self.port.share_choice(actor.person_id).await?;
                self.chosen.put(counters.sign_in, actor.person_id, c);
                c
            }
        };
        let policy = self
            .deps
            .policy
            .in_force_at(counters.policy, self.env.today())
            .await?;
        Ok(ShareChoice {
            chosen,
            policy_default: policy.rules.share_presence_default,
        })
    }

    /// Sets the actor's own choice (`None`: follow the policy).
    #[tracing::instrument(skip_all)]
    pub async fn set_share_choice(
        &self,
        actor: &Actor,
        share: Option<bool>,
    ) -> CoreResult<ShareChoice> {
        if actor.is_client() {
            return Err(CoreError::forbidden("only a person shares where they work"));
        }
        let audit = NewAuditEntry::by(actor, "person.share_presence", "person", actor.person_id)
            .after(serde_json::json!({ "share_presence": share }));
        self.port
            .set_share_choice(actor.person_id, share, &Work::new(self.env.now(), audit))
            .await?;
        self.share_choice(actor).await
    }

    /// Who of a unit (the actor's own, when none is named) plans to be on
    /// site on `day`: colleagues by name if they share it, the rest
    /// counted; the unit's managers and HR see everyone.
    #[tracing::instrument(skip_all)]
    pub async fn who_is_in(
        &self,
        actor: &Actor,
        unit: Option<UnitId>,
        day: Date,
    ) -> CoreResult<WhoIsIn> {
        let unit_id = unit.unwrap_or(actor.unit.id);
        let detail = self.deps.org.unit_detail(unit_id).await?;
        let unit_path = detail.path.as_str();
        access::authorize(actor, Action::ReadWhoIsIn { unit_id, unit_path })?;
        let sees_everyone = access::can(actor, Action::ReadUnitPlan { unit_path });
        let period = DateRange::day("dag", day)?;
        let day_off = self.deps.workdays.calendar(period).await?.day_off(day);
        let unit = UnitRef {
            id: unit_id,
            name: detail.unit.name.clone(),
        };
        let people = self
            .port
            .share_choices_of_unit(unit_id, day, MAX_COLLEAGUES)
            .await?;
        let ids: Vec<_> = people.iter().map(|p| p.person.id).collect();
        let rules = self.deps.plan.rules(&ids, period).await?;
        let colleagues: Vec<Colleague> = people
            .into_iter()
            .map(|p| {
                let on_site = day_off.is_none()
                    && rules
                        .get(&p.person.id)
                        .map(|r| r.day(day).on_site())
                        .unwrap_or(true);
                Colleague {
                    person: p.person,
                    chosen: p.chosen,
                    on_site,
                }
            })
            .collect();
        let default = self.policy_default().await?;
        let (on_site, not_sharing) =
            visible_on_site(actor.person_id, &colleagues, default, sees_everyone);
        Ok(WhoIsIn {
            date: day,
            unit,
            day_off,
            on_site,
            not_sharing,
            sees_everyone,
        })
    }

    /// The units the actor manages (the first few), today and the rest of
    /// the week (next week, at a weekend): who is where today and which
    /// coverage rules are broken.
    #[tracing::instrument(skip_all)]
    pub async fn my_units_today(&self, actor: &Actor, today: Date) -> CoreResult<Vec<UnitToday>> {
        // At a weekend the gaps are next week's.
        let from_monday = i64::from(today.weekday().number_days_from_monday());
        let (monday, from) = if from_monday >= 5 {
            let next = today + Duration::days(7 - from_monday);
            (next, next)
        } else {
            (today - Duration::days(from_monday), today)
        };
        let week = DateRange::new(("from", "to"), monday, monday + Duration::days(4))?;
        let mut out = vec![];
        for m in actor.manages.iter().take(MAX_UNITS_TODAY) {
            let unit = UnitRef {
                id: m.id,
                name: m.name.clone(),
            };
            match self.deps.coverage.unit_plan(actor, m.id, week).await {
                Ok(up) => {
                    let today_counts = up
                        .workdays
                        .contains(&today)
                        .then(|| day_counts(&up.members, &up.plans, today));
                    out.push(UnitToday {
                        people: up.members.len(),
                        today: today_counts,
                        gaps: gaps_from(&unit, &up.coverage, from),
                        unit,
                        too_big: false,
                    });
                }
                Err(CoreError::Rule { .. }) => out.push(UnitToday {
                    unit,
                    people: 0,
                    today: None,
                    gaps: vec![],
                    too_big: true,
                }),
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}
