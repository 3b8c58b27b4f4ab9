//! Use cases of on-site coverage: the units' rules, each day's coverage,
//! warnings before a change opens a gap, and the sites' occupancy.

use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::{CoverageRuleId, SiteId};

use crate::kernel::refs::UnitRef;

use std::collections::HashMap;
use std::sync::Arc;

use time::Date;
use uuid::Uuid;

use crate::access::{self, Action, Kind};
use crate::coverage::model::*;
use crate::coverage::port::CoveragePort;
use crate::coverage::rules::unit_days;
use crate::kernel::calendar::WorkCalendar;
use crate::kernel::counters::Remembered;
use crate::kernel::dates::DateRange;
use crate::kernel::gap::{GapWarning, RuleKind};
use crate::kernel::Env;
use crate::kernel::Work;
use crate::kernel::{Actor, CoreError, CoreResult, NewAuditEntry};
use crate::org::model::{path_to, unit_chain, PersonRecord, Site, UnitDetail};
use crate::org::service::OrgService;
use crate::plan::model::{DayState, PersonRules, PlanDay, MAX_PLAN_DAYS};
use crate::plan::service::PlanService;
use crate::workdays::service::WorkdaysService;

/// On-site coverage: rules, each day's coverage, gaps, occupancy.
#[derive(Clone)]
pub struct CoverageService {
    port: Arc<dyn CoveragePort>,
    env: Env,
    org: OrgService,
    workdays: WorkdaysService,
    plan: PlanService,
    /// Units' plans for a period, while the plan counter stands still.
    remembered: Arc<Remembered<(UnitId, DateRange), Arc<UnitPlan>>>,
}

/// Units' plans for a period an app server remembers at most (a unit of
/// 20 people over four weeks takes some 60 KB).
const REMEMBERED_PLANS: usize = 500;

impl CoverageService {
    pub(crate) fn new(
        port: Arc<dyn CoveragePort>,
        env: Env,
        org: OrgService,
        workdays: WorkdaysService,
        plan: PlanService,
    ) -> Self {
        CoverageService {
            port,
            env,
            org,
            workdays,
            plan,
            remembered: Arc::new(Remembered::new(REMEMBERED_PLANS)),
        }
    }
}

impl CoverageService {
    /// May the actor set this person's days? (For showing the forms.)
    #[tracing::instrument(skip_all)]
    pub async fn may_set_plan_day(&self, actor: &Actor, person: PersonId) -> CoreResult<bool> {
        let rec = self.org.record(person).await?;
        Ok(access::authorize(
            actor,
            Action::SetPlanDay {
                person_id: person,
                unit_path: &rec.unit_path,
            },
        )
        .is_ok())
    }

    /// May the actor allow a coverage gap for this person's unit?
    #[tracing::instrument(skip_all)]
    pub async fn may_allow_gap(&self, actor: &Actor, person: PersonId) -> CoreResult<bool> {
        let rec = self.org.record(person).await?;
        Ok(access::authorize(
            actor,
            Action::AllowCoverageGap {
                unit_path: &rec.unit_path,
            },
        )
        .is_ok())
    }

    /// May the actor edit this unit's coverage rules?
    pub fn may_edit_coverage(&self, actor: &Actor, unit: &UnitDetail) -> bool {
        let unit_path = &unit.path;
        access::can(actor, Action::EditCoverage { unit_path })
    }

    /// May the actor see this unit's plan?
    pub fn may_read_unit_plan(&self, actor: &Actor, unit: &UnitDetail) -> bool {
        let unit_path = &unit.path;
        access::can(actor, Action::ReadUnitPlan { unit_path })
    }

    /// A unit's coverage rules (part of the unit's public facts).
    #[tracing::instrument(skip_all)]
    pub async fn coverage_rules(
        &self,
        actor: &Actor,
        unit: UnitId,
    ) -> CoreResult<Vec<CoverageRule>> {
        access::authorize(actor, Action::Plain(Kind::ReadUnits))?;
        self.port.coverage_rules(&[unit]).await
    }

    fn rule_audit(
        actor: &Actor,
        action: &str,
        rule: &CoverageRule,
        before: Option<&CoverageRule>,
    ) -> NewAuditEntry {
        NewAuditEntry {
            actor_id: Some(actor.person_id),
            actor: actor.name.clone(),
            action: action.into(),
            entity: "unit".into(),
            entity_id: rule.unit_id.to_string(),
            before: before.and_then(|b| serde_json::to_value(b).ok()),
            after: serde_json::to_value(rule).ok(),
        }
    }

    /// Adds a coverage rule to a unit (its managers and HR).
    #[tracing::instrument(skip_all)]
    pub async fn add_coverage_rule(
        &self,
        actor: &Actor,
        unit: UnitId,
        input: NewCoverageRule,
    ) -> CoreResult<CoverageRule> {
        let detail = self
            .org
            .unit_to(actor, unit, |unit_path| Action::EditCoverage { unit_path })
            .await?;
        if input.kind == RuleKind::MaxDesks && detail.site.is_none() {
            return Err(CoreError::invalid(
                "kind",
                "the unit has no site whose desks could be counted",
            ));
        }
        let rule = CoverageRule {
            id: Uuid::new_v4().into(),
            unit_id: unit,
            kind: input.kind,
            skill: input.skill,
            min_onsite: input.min_onsite,
            weekdays: input.weekdays,
            version: 1,
        };
        let audit = Self::rule_audit(actor, "coverage.rule.add", &rule, None);
        self.port
            .save_coverage_rule(&rule, None, &Work::new(self.env.now(), audit))
            .await?;
        Ok(rule)
    }

    #[tracing::instrument(skip_all)]
    async fn rule_for_edit(&self, actor: &Actor, id: CoverageRuleId) -> CoreResult<CoverageRule> {
        let rule = self
            .port
            .coverage_rule(id)
            .await?
            .ok_or(CoreError::NotFound("coverage rule"))?;
        self.org
            .unit_to(actor, rule.unit_id, |unit_path| Action::EditCoverage {
                unit_path,
            })
            .await?;
        Ok(rule)
    }

    /// Changes a rule if it still has `version` (else 409).
    #[tracing::instrument(skip_all)]
    pub async fn update_coverage_rule(
        &self,
        actor: &Actor,
        id: CoverageRuleId,
        version: i64,
        input: NewCoverageRule,
    ) -> CoreResult<CoverageRule> {
        let before = self.rule_for_edit(actor, id).await?;
        let rule = CoverageRule {
            kind: input.kind,
            skill: input.skill,
            min_onsite: input.min_onsite,
            weekdays: input.weekdays,
            version: version + 1,
            ..before.clone()
        };
        let audit = Self::rule_audit(actor, "coverage.rule.change", &rule, Some(&before));
        self.port
            .save_coverage_rule(&rule, Some(version), &Work::new(self.env.now(), audit))
            .await?;
        Ok(rule)
    }

    /// Removes a rule (if it still has `version`, when given).
    #[tracing::instrument(skip_all)]
    pub async fn delete_coverage_rule(
        &self,
        actor: &Actor,
        id: CoverageRuleId,
        version: Option<i64>,
    ) -> CoreResult<()> {
        let rule = self.rule_for_edit(actor, id).await?;
        let mut audit = Self::rule_audit(actor, "coverage.rule.remove", &rule, Some(&rule));
        audit.after = None;
        self.port
            .delete_coverage_rule(id, version, &Work::new(self.env.now(), audit))
            .await
    }

    /// The number on site at a site per day, with its desks.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn site_counts(
        &self,
        site: SiteId,
        cal: &WorkCalendar,
        period: DateRange,
    ) -> CoreResult<HashMap<Date, i64>> {
        let sp = self.plan.site_rules(Some(site), period).await?;
        let workdays = cal.workdays(period);
        let all: i64 = sp
            .counts
            .iter()
            .filter(|(s, _)| *s == Some(site))
            .map(|(_, n)| n)
            .sum();
        // Everyone is on site but those whose rules say otherwise.
        let mut counts: HashMap<Date, i64> = workdays.iter().map(|d| (*d, all)).collect();
        for (_, s, rules) in &sp.people {
            if *s != Some(site) {
                continue;
            }
            for d in rules.days_on(&workdays) {
                if !d.on_site() {
                    if let Some(n) = counts.get_mut(&d.date) {
                        *n -= 1;
                    }
                }
            }
        }
        Ok(counts)
    }

    /// A unit's plan with its coverage, for the grid and the API. Each app
    /// server remembers it while the plan counter stands still: it is
    /// made of nothing whose change does not move that counter.
    #[tracing::instrument(skip_all)]
    pub async fn unit_plan(
        &self,
        actor: &Actor,
        unit: UnitId,
        period: DateRange,
    ) -> CoreResult<Arc<UnitPlan>> {
        crate::plan::rules::check_period(period)?;
        let counter = self.env.counters().await?.plan;
        if let Some(up) = self.remembered.get(counter, &(unit, period)) {
            access::authorize(
                actor,
                Action::ReadUnitPlan {
                    unit_path: &up.unit.path,
                },
            )?;
            return Ok(up);
        }
        let detail = self
            .org
            .unit_to(actor, unit, |unit_path| Action::ReadUnitPlan { unit_path })
            .await?;
        let up = Arc::new(self.make_unit_plan(detail, period).await?);
        self.remembered.put(counter, (unit, period), up.clone());
        Ok(up)
    }

    async fn make_unit_plan(&self, detail: UnitDetail, period: DateRange) -> CoreResult<UnitPlan> {
        let unit = detail.unit.id;
        let cal = self.workdays.calendar(period).await?;
        let workdays = cal.workdays(period);
        let rules = self.port.coverage_rules(&[unit]).await?;
        let members = self
            .port
            .members_under(&detail.path, period.from(), MAX_UNIT_MEMBERS)
            .await?;
        let ids: Vec<PersonId> = members.iter().map(|m| m.id).collect();
        let person_rules = self.plan.rules(&ids, period).await?;
        let plans: HashMap<PersonId, Vec<PlanDay>> = person_rules
            .iter()
            .map(|(p, r)| (*p, r.days_on(&workdays)))
            .collect();
        let site_counts = match (
            &detail.site,
            rules.iter().any(|r| r.kind == RuleKind::MaxDesks),
        ) {
            (Some(site), true) => {
                Some((site.desks, self.site_counts(site.id, &cal, period).await?))
            }
            _ => None,
        };
        let coverage = unit_days(
            &rules,
            &members,
            &plans,
            &workdays,
            site_counts.as_ref().map(|(d, c)| (*d, c)),
        );
        Ok(UnitPlan {
            unit: detail,
            rules,
            members,
            workdays,
            plans,
            coverage,
        })
    }

    /// `GET /api/v1/coverage`: per workday, each rule's required, planned, gap.
    #[tracing::instrument(skip_all)]
    pub async fn coverage(
        &self,
        actor: &Actor,
        unit: UnitId,
        period: DateRange,
    ) -> CoreResult<Vec<CoverageDay>> {
        Ok(self.unit_plan(actor, unit, period).await?.coverage.clone())
    }

    /// The gaps a change of `person`'s rules would open (or widen) in
    /// `period`: for every rule of the person's unit and the units
    /// above it, on every day where the person's being on site changes.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn gaps_opened(
        &self,
        rec: &PersonRecord,
        period: DateRange,
        change: impl Fn(&mut PersonRules),
    ) -> CoreResult<Vec<GapWarning>> {
        let units = unit_chain(&rec.unit_path);
        let rules = self.port.coverage_rules(&units).await?;
        if rules.is_empty() {
            return Ok(vec![]);
        }
        let cal = self.workdays.calendar(period).await?;
        let person = rec.person.id;
        let mut before_rules = self.plan.rules(&[person], period).await?;
        let before_rules = before_rules.remove(&person).unwrap_or_default();
        let mut after_rules = before_rules.clone();
        change(&mut after_rules);
        // The days where the person's being on site changes.
        let changed: Vec<(Date, bool)> = before_rules
            .days(&cal, period)
            .into_iter()
            .zip(after_rules.days(&cal, period))
            .filter(|(b, a)| b.on_site() != a.on_site())
            .map(|(_, a)| (a.date, a.on_site()))
            .collect();
        if changed.is_empty() {
            return Ok(vec![]);
        }
        // The changed days lie within `period`, in order: so do these.
        let changed_days =
            DateRange::new(("from", "to"), changed[0].0, changed[changed.len() - 1].0)?;
        let mut out = vec![];
        for rule in &rules {
            let days: Vec<(Date, bool)> = changed
                .iter()
                .copied()
                .filter(|(d, _)| rule.applies_on(*d))
                .collect();
            if days.is_empty() {
                continue;
            }
            let Some(unit_path) = path_to(&rec.unit_path, rule.unit_id) else {
                continue;
            };
            let unit_name = self
                .org
                .find_unit(rule.unit_id)
                .await?
                .map(|u| u.unit.name)
                .unwrap_or_default();
            let unit_ref = UnitRef {
                id: rule.unit_id,
                name: unit_name,
            };
            match rule.kind {
                RuleKind::MinOnsite => {
                    if rule
                        .skill
                        .as_ref()
                        .is_some_and(|s| !rec.person.skills.contains(s))
                    {
                        continue;
                    }
                    // Only days the person leaves the site can open a minimum's gap.
                    let leaving: Vec<Date> =
                        days.iter().filter(|(_, on)| !on).map(|(d, _)| *d).collect();
                    if leaving.is_empty() {
                        continue;
                    }
                    let members = self
                        .port
                        .members_under(&unit_path, leaving[0], MAX_UNIT_MEMBERS)
                        .await?;
                    let counted: Vec<PersonId> = members
                        .iter()
                        .filter(|m| m.id != person)
                        .filter(|m| rule.skill.as_ref().is_none_or(|s| m.skills.contains(s)))
                        .map(|m| m.id)
                        .collect();
                    let others = self.plan.rules(&counted, changed_days).await?;
                    for d in leaving {
                        let without = others.values().filter(|r| r.day(d).on_site()).count() as i64;
                        // Before: the person was on site; after: not.
                        let gap_before = (rule.min_onsite - without - 1).max(0);
                        let gap_after = (rule.min_onsite - without).max(0);
                        if gap_after > gap_before {
                            out.push(GapWarning {
                                rule: rule.id,
                                kind: rule.kind,
                                unit: unit_ref.clone(),
                                skill: rule.skill.clone(),
                                date: d,
                                required: rule.min_onsite,
                                planned: without,
                            });
                        }
                    }
                }
                RuleKind::MaxDesks => {
                    let Some(site) = rec.site.as_ref() else {
                        continue;
                    };
                    let arriving: Vec<Date> =
                        days.iter().filter(|(_, on)| *on).map(|(d, _)| *d).collect();
                    if arriving.is_empty() {
                        continue;
                    }
                    let counts = self.site_counts(site.id, &cal, changed_days).await?;
                    for d in arriving {
                        // `counts` is before the change: the person was not on site.
                        let after = counts.get(&d).copied().unwrap_or(0) + 1;
                        if after > site.desks {
                            out.push(GapWarning {
                                rule: rule.id,
                                kind: rule.kind,
                                unit: unit_ref.clone(),
                                skill: None,
                                date: d,
                                required: site.desks,
                                planned: after,
                            });
                        }
                    }
                }
            }
        }
        out.sort_by_key(|w| w.date);
        Ok(out)
    }

    /// Turns gaps into the warning error, unless `allow` and the actor may
    /// allow gaps in the person's unit (then it is recorded by the caller).
    pub(crate) fn check_gaps(
        &self,
        actor: &Actor,
        rec: &PersonRecord,
        gaps: &[GapWarning],
        allow: bool,
    ) -> CoreResult<()> {
        if gaps.is_empty() {
            return Ok(());
        }
        if allow {
            return access::authorize(
                actor,
                Action::AllowCoverageGap {
                    unit_path: &rec.unit_path,
                },
            );
        }
        Err(CoreError::CoverageGap {
            message: format!(
                "this would open a coverage gap: {}",
                gaps.iter()
                    .map(GapWarning::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            gaps: gaps.to_vec(),
        })
    }

    /// The coverage rules of these units.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn rules_of(&self, units: &[UnitId]) -> CoreResult<Vec<CoverageRule>> {
        self.port.coverage_rules(units).await
    }

    /// The people whose home unit is at or below `unit_path` and who had
    /// not left before `from`, with skills and site, in name order;
    /// `Invalid` if more than `limit`.
    #[tracing::instrument(skip_all)]
    pub(crate) async fn members_under(
        &self,
        unit_path: &str,
        from: Date,
        limit: i64,
    ) -> CoreResult<Vec<Member>> {
        self.port.members_under(unit_path, from, limit).await
    }

    /// Stores many rules in one transaction with one audit entry (the demo).
    #[tracing::instrument(skip_all)]
    pub(crate) async fn insert_many(
        &self,
        rules: &[CoverageRule],
        audit: NewAuditEntry,
    ) -> CoreResult<()> {
        self.port
            .insert_coverage_rules(rules, &Work::new(self.env.now(), audit))
            .await
    }

    /// Each site's occupancy per workday of a period (or one site's).
    #[tracing::instrument(skip_all)]
    pub async fn occupancy(
        &self,
        actor: &Actor,
        site: Option<SiteId>,
        period: DateRange,
    ) -> CoreResult<Vec<SiteOccupancy>> {
        access::authorize(actor, Action::Plain(Kind::ReadOccupancy))?;
        // The whole organisation: keep it to a short period.
        let max = if site.is_some() { MAX_PLAN_DAYS } else { 14 };
        if period.len_days() > max {
            return Err(CoreError::invalid(
                "to",
                format!("at most {max} days at once"),
            ));
        }
        let sites: Vec<Site> = self
            .org
            .sites()
            .await?
            .into_iter()
            .filter(|s| site.is_none_or(|id| id == s.id))
            .collect();
        if sites.is_empty() {
            return Err(CoreError::NotFound("site"));
        }
        let cal = self.workdays.calendar(period).await?;
        let workdays = cal.workdays(period);
        let index: HashMap<Date, usize> =
            workdays.iter().enumerate().map(|(i, d)| (*d, i)).collect();
        let sp = self.plan.site_rules(site, period).await?;
        let mut by_site: HashMap<SiteId, (i64, Vec<SiteDay>)> = sites
            .iter()
            .map(|s| {
                (
                    s.id,
                    (
                        0,
                        workdays
                            .iter()
                            .map(|d| SiteDay {
                                date: *d,
                                on_site: 0,
                                remote: 0,
                                other: 0,
                                absent: 0,
                            })
                            .collect(),
                    ),
                )
            })
            .collect();
        // Everyone sitting at a site is there, but those whose rules say otherwise.
        for (s, n) in &sp.counts {
            if let Some(entry) = s.and_then(|s| by_site.get_mut(&s)) {
                entry.0 += n;
                for day in entry.1.iter_mut() {
                    day.on_site += n;
                }
            }
        }
        for (_, s, rules) in &sp.people {
            let Some(entry) = s.and_then(|s| by_site.get_mut(&s)) else {
                continue;
            };
            for d in rules.days_on(&workdays) {
                let Some(i) = index.get(&d.date) else {
                    continue;
                };
                let day = &mut entry.1[*i];
                if !d.on_site() {
                    day.on_site -= 1;
                    match d.state {
                        DayState::Remote => day.remote += 1,
                        DayState::Other => day.other += 1,
                        DayState::Absent => day.absent += 1,
                        DayState::Workplace => day.on_site += 1,
                    }
                }
            }
        }
        Ok(sites
            .into_iter()
            .map(|s| {
                let (people, days) = by_site.remove(&s.id).unwrap_or_default();
                SiteOccupancy {
                    site: s,
                    people,
                    days,
                }
            })
            .collect())
    }
}
