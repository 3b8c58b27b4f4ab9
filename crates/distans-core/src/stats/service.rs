//! The statistics' use cases: remote share, emissions avoided, agreements,
//! decisions and occupancy, each for the groups the actor may see, with
//! small groups suppressed (see `rules`).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::access::{self, Action, Kind};
use crate::kernel::dates::DateRange;
use crate::kernel::{Actor, CoreError, CoreResult, Env, NewAuditEntry, PersonId, UnitId, Work};
use crate::org::model::CommuteMode;
use crate::org::service::OrgService;
use crate::stats::model::*;
use crate::stats::port::StatsPort;
use crate::stats::rules::{self, CellTree};
use crate::workdays::service::WorkdaysService;

/// The default emission factors (kg CO₂e per person-km), until HR saves
/// its own. The source is named in `docs/statistics.md`.
pub const DEFAULT_FACTORS: &[(CommuteMode, f64)] = &[
    (CommuteMode::Car, 0.137),
    (CommuteMode::CarPetrol, 0.167),
    (CommuteMode::CarDiesel, 0.137),
    (CommuteMode::CarElectric, 0.014),
    // The source gives no hybrid figure: the petrol car's until HR sets one.
    (CommuteMode::CarHybrid, 0.167),
    (CommuteMode::CarPool, 0.0685),
    (CommuteMode::Bus, 0.027),
    (CommuteMode::Train, 0.007),
    (CommuteMode::PublicTransport, 0.027),
    (CommuteMode::Bicycle, 0.0),
    (CommuteMode::Walk, 0.0),
];

/// Where the default factors come from.
pub const DEFAULT_SOURCE: &str = "Standardvärden, inte organisationens egna: Klimatresa, beräkningsmetod (klimatresa.se/data, hämtad 2026) för bil per fordonskm (mellanstor bensinbil 167 g, dieselbil 137 g, elbil med nordisk el 14 g CO₂; bil utan angivet bränsle: dieselbilen, det vanligaste valet i Sverige enligt källan; hybrid saknas i källan, bensinbilens värde används) och tåg i Norden (7 g CO₂ per personkm); Klimatsmart semester, \"Så har vi räknat – buss\" (klimatsmartsemester.se, hämtad 2026) för buss och kollektivtrafik (27 g CO₂ per personkm); samåkning: bilen delad av två. Ersätt med organisationens egna värden.";

/// The statistics.
#[derive(Clone)]
pub struct StatsService {
    port: Arc<dyn StatsPort>,
    env: Env,
    org: OrgService,
    workdays: WorkdaysService,
}

/// The groups a question is answered for, and how the store's unit
/// groups map to them.
struct View {
    groups: Vec<GroupRef>,
    /// The store's group id of each unit → the index of its group.
    group_of: HashMap<Uuid, usize>,
    /// The path of the unit whose subtree is counted (`/`: everyone).
    path: String,
    /// Node index of each group (for agreements and decisions).
    nodes: Vec<usize>,
    tree: CellTree,
    index: HashMap<UnitId, usize>,
    units: Vec<TreeUnit>,
}

impl StatsService {
    pub(crate) fn new(
        port: Arc<dyn StatsPort>,
        env: Env,
        org: OrgService,
        workdays: WorkdaysService,
    ) -> Self {
        StatsService {
            port,
            env,
            org,
            workdays,
        }
    }

    /// The smallest group shown.
    pub fn min_group(&self) -> i64 {
        self.env.config().stats_min_group
    }

    /// A figure over the period of `q`, with its buckets, groups and rows.
    fn bucketed<R>(
        &self,
        q: &StatsQuery,
        buckets: Vec<Bucket>,
        groups: Vec<GroupRef>,
        rows: Vec<R>,
    ) -> Bucketed<R> {
        Bucketed {
            from: q.from,
            to: q.to,
            by: q.by,
            buckets,
            groups,
            rows,
            min_group: self.min_group(),
        }
    }

    /// The default period: the last twelve whole months up to today.
    pub fn default_period(&self) -> (Date, Date) {
        let today = self.env.today();
        (rules::months_back(today, 11), today)
    }

    /// Who sees which groups: a unit's managers, HR and auditors a unit with
    /// its children; HR and auditors the organisation with its top units;
    /// everyone else the organisation alone.
    async fn view(&self, actor: &Actor, unit: Option<UnitId>, from: Date) -> CoreResult<View> {
        access::authorize(actor, Action::Plain(Kind::ReadStats))?;
        let path = match unit {
            Some(u) => {
                let path = self
                    .port
                    .unit_path(u)
                    .await?
                    .ok_or(CoreError::NotFound("unit"))?;
                access::authorize(actor, Action::ReadUnitStats { unit_path: &path })?;
                Some(path)
            }
            None => None,
        };
        let detail = path.is_some() || access::may(actor, Kind::ReadUnitStats);
        let units = self.port.stats_units(from).await?;
        let (tree, index) = rules::unit_tree(&units);
        let hidden = rules::suppress(&tree, self.min_group());
        let root = match unit {
            Some(u) => *index.get(&u).ok_or(CoreError::NotFound("unit"))?,
            None => 0,
        };
        let totals = tree.totals();
        let children = tree.children();
        let name = |i: usize| -> String {
            if i == 0 {
                String::new()
            } else {
                units[i - 1].name.clone()
            }
        };
        let id = |i: usize| -> Uuid {
            if i == 0 {
                Uuid::nil()
            } else {
                units[i - 1].id.uuid()
            }
        };
        let mut groups = vec![GroupRef {
            unit: (root != 0).then(|| units[root - 1].id),
            name: name(root),
            part: if root == 0 {
                GroupPart::Organisation
            } else {
                GroupPart::Total
            },
            people: totals[root],
            suppressed: hidden.total[root],
        }];
        let mut nodes = vec![root];
        let mut group_of = HashMap::new();
        // The parts: the organisation's one top unit stands for it.
        let base = if root == 0 && children[0].len() == 1 {
            children[0][0]
        } else {
            root
        };
        // The store groups by the base's own people and each child's subtree.
        let path = match base {
            0 => "/".to_string(),
            b => units[b - 1].path.clone(),
        };
        let mut kids = children[base].clone();
        kids.sort_by_key(|i| name(*i));
        if detail {
            if base != 0 && tree.own[base] > 0 {
                group_of.insert(id(base), groups.len());
                nodes.push(base);
                groups.push(GroupRef {
                    unit: Some(units[base - 1].id),
                    name: name(base),
                    part: GroupPart::Own,
                    people: tree.own[base],
                    suppressed: hidden.own[base],
                });
            }
            for c in &kids {
                group_of.insert(id(*c), groups.len());
                nodes.push(*c);
                groups.push(GroupRef {
                    unit: Some(units[c - 1].id),
                    name: name(*c),
                    part: GroupPart::Total,
                    people: totals[*c],
                    suppressed: hidden.total[*c],
                });
            }
        }
        Ok(View {
            groups,
            group_of,
            path,
            nodes,
            tree,
            index,
            units,
        })
    }

    async fn days(&self, from: Date, to: Date) -> CoreResult<Vec<Date>> {
        rules::check_period(from, to)?;
        let period = DateRange::new(("from", "to"), from, to)?;
        Ok(self.workdays.calendar(period).await?.workdays(period))
    }

    /// The plan of the period counted by `by` and added up per key and
    /// bucket (nothing to count without workdays).
    async fn day_sums(
        &self,
        by: &GroupBy,
        days: &[StatsDay],
        from: Date,
        to: Date,
    ) -> CoreResult<HashMap<(Key, usize), DaySums>> {
        if days.is_empty() {
            return Ok(HashMap::new());
        }
        let counts = self.port.plan_counts(by, days, from, to).await?;
        Ok(rules::day_sums(&counts, days))
    }

    /// The plan's sums per group of the view and bucket (index 0: the root).
    async fn sums(
        &self,
        view: &View,
        days: &[StatsDay],
        from: Date,
        to: Date,
        buckets: usize,
    ) -> CoreResult<Vec<Vec<DaySums>>> {
        let sums = self
            .day_sums(&GroupBy::Subtree(view.path.clone()), days, from, to)
            .await?;
        let mut out = vec![vec![DaySums::default(); buckets]; view.groups.len()];
        for ((key, b), s) in sums {
            out[0][b] += s;
            if let Some(g) = view.group_of.get(&key.group) {
                out[*g][b] += s;
            }
        }
        Ok(out)
    }

    /// Remote share by week or month, for the organisation or a unit.
    #[tracing::instrument(skip_all)]
    pub async fn remote_share(&self, actor: &Actor, q: &StatsQuery) -> CoreResult<RemoteShare> {
        let workdays = self.days(q.from, q.to).await?;
        let view = self.view(actor, q.unit, q.from).await?;
        let (buckets, days) = rules::cut(&workdays, q.by, false);
        let sums = self.sums(&view, &days, q.from, q.to, buckets.len()).await?;
        let rows = bucketed_rows(&view.groups, &sums, |group, bucket, s| {
            let days = s.map(|s| s.counted as f64 / 2.0);
            let remote_days = s.map(|s| s.remote as f64 / 2.0);
            ShareRow {
                group,
                bucket,
                days,
                remote_days,
                share: days
                    .zip(remote_days)
                    .and_then(|(days, remote)| (days > 0.0).then(|| remote / days)),
            }
        });
        Ok(self.bucketed(q, buckets, view.groups, rows))
    }

    /// The emission factors in use (the defaults until HR saves its own).
    pub async fn factors(&self, actor: &Actor) -> CoreResult<EmissionFactors> {
        access::authorize(actor, Action::Plain(Kind::ReadStats))?;
        self.current_factors().await
    }

    async fn current_factors(&self) -> CoreResult<EmissionFactors> {
        Ok(self
            .port
            .emission_factors()
            .await?
            .unwrap_or_else(|| EmissionFactors {
                version: 0,
                factors: DEFAULT_FACTORS
                    .iter()
                    .map(|(mode, kg)| EmissionFactor {
                        mode: *mode,
                        kg_per_km: *kg,
                    })
                    .collect(),
                home_office_kg_per_day: None,
                source: DEFAULT_SOURCE.into(),
                valid_from: time::macros::date!(2026 - 01 - 01),
            }))
    }

    /// Saves a new version of the emission factors (HR).
    #[tracing::instrument(skip_all)]
    pub async fn save_factors(
        &self,
        actor: &Actor,
        input: FactorsInput,
    ) -> CoreResult<EmissionFactors> {
        access::authorize(actor, Action::Plain(Kind::EditEmissionFactors))?;
        let current = self.current_factors().await?;
        let factors = rules::check_factors(input, &current, self.env.today())?;
        let audit = NewAuditEntry::by(actor, "stats.emission_factors", "emission_factors", factors.version)
            .after(json!({
                "factors": factors.factors.iter().map(|f| (f.mode.as_str(), f.kg_per_km)).collect::<HashMap<_, _>>(),
                "home_office_kg_per_day": factors.home_office_kg_per_day,
                "source": factors.source,
            }));
        self.port
            .save_emission_factors(&factors, current.version, &Work::new(self.env.now(), audit))
            .await?;
        Ok(factors)
    }

    /// Emissions avoided by remote days, gross and (with a home-office
    /// factor) net, for the organisation or a unit.
    #[tracing::instrument(skip_all)]
    pub async fn emissions(&self, actor: &Actor, q: &StatsQuery) -> CoreResult<Emissions> {
        let workdays = self.days(q.from, q.to).await?;
        let view = self.view(actor, q.unit, q.from).await?;
        let factors = self.current_factors().await?;
        let (buckets, days) = rules::cut(&workdays, q.by, false);
        let sums = self
            .day_sums(&GroupBy::Subtree(view.path.clone()), &days, q.from, q.to)
            .await?;
        let n = view.groups.len();
        // Per group and bucket: kg CO₂e avoided, and the days summed.
        let mut all = vec![vec![(0.0f64, DaySums::default()); buckets.len()]; n];
        let factor = |m: CommuteMode| {
            factors
                .factors
                .iter()
                .find(|f| f.mode == m)
                .map_or(0.0, |f| f.kg_per_km)
        };
        for ((key, b), s) in sums {
            // Σ remote half-days × one-way km = remote days × both ways.
            let k = key.mode.map_or(0.0, |m| s.remote_km * factor(m));
            let mut targets = vec![0];
            if let Some(g) = view.group_of.get(&key.group) {
                targets.push(*g);
            }
            for g in targets {
                all[g][b].0 += k;
                all[g][b].1 += s;
            }
        }
        let rows = bucketed_rows(&view.groups, &all, |group, bucket, c| EmissionRow {
            group,
            bucket,
            gross_kg: c.map(|(kg, _)| *kg),
            net_kg: c.and_then(|(kg, s)| {
                let covered_days = s.remote_with_commute as f64 / 2.0;
                factors
                    .home_office_kg_per_day
                    .map(|h| kg - h * covered_days)
            }),
            remote_days: c.map(|(_, s)| s.remote as f64 / 2.0),
            coverage: c
                .filter(|(_, s)| s.remote > 0)
                .map(|(_, s)| s.remote_with_commute as f64 / s.remote as f64),
        });
        Ok(Emissions {
            figures: self.bucketed(q, buckets, view.groups, rows),
            factors,
        })
    }

    /// Agreements by state and days a week, now.
    #[tracing::instrument(skip_all)]
    pub async fn agreements(
        &self,
        actor: &Actor,
        unit: Option<UnitId>,
    ) -> CoreResult<AgreementStats> {
        let today = self.env.today();
        let view = self.view(actor, unit, today).await?;
        let counts = self.port.agreement_counts(today).await?;
        let belongs = self.membership(&view);
        let mut cells: HashMap<(usize, String, i64), i64> = HashMap::new();
        for c in counts {
            let Some(node) = view.index.get(&c.unit) else {
                continue;
            };
            for g in &belongs[*node] {
                *cells
                    .entry((*g, c.state.clone(), c.days_per_week))
                    .or_default() += c.count;
            }
        }
        let mut rows: Vec<AgreementRow> = cells
            .into_iter()
            .map(|((g, state, days), count)| AgreementRow {
                group: g,
                state,
                days_per_week: days,
                count: (!view.groups[g].suppressed).then_some(count),
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.group, &a.state, a.days_per_week).cmp(&(b.group, &b.state, b.days_per_week))
        });
        Ok(AgreementStats {
            groups: view.groups,
            rows,
            min_group: self.min_group(),
        })
    }

    /// For each node of the tree, the groups of the view it counts in.
    fn membership(&self, view: &View) -> Vec<Vec<usize>> {
        let children = view.tree.children();
        let mut out = vec![vec![]; view.tree.parent.len()];
        for (g, node) in view.nodes.iter().enumerate() {
            let own_only = view.groups[g].part == GroupPart::Own;
            if own_only {
                out[*node].push(g);
            } else {
                for v in rules::below(&children, *node) {
                    out[v].push(g);
                }
            }
        }
        out
    }

    /// Decisions of the period by level and outcome, with the median days
    /// from request to decision.
    #[tracing::instrument(skip_all)]
    pub async fn decisions(
        &self,
        actor: &Actor,
        from: Date,
        to: Date,
        unit: Option<UnitId>,
    ) -> CoreResult<DecisionStats> {
        rules::check_period(from, to)?;
        let view = self.view(actor, unit, from).await?;
        let counts = self.port.decision_counts(from, to).await?;
        let belongs = self.membership(&view);
        let mut cells: HashMap<(usize, String, String), Vec<(i64, i64)>> = HashMap::new();
        for c in counts {
            let Some(node) = view.index.get(&c.unit) else {
                continue;
            };
            for g in &belongs[*node] {
                cells
                    .entry((*g, c.level.clone(), c.outcome.clone()))
                    .or_default()
                    .push((c.days, c.count));
            }
        }
        let mut rows: Vec<DecisionRow> = cells
            .into_iter()
            .map(|((g, level, outcome), v)| {
                let hide = view.groups[g].suppressed;
                DecisionRow {
                    group: g,
                    level,
                    outcome,
                    count: (!hide).then(|| v.iter().map(|x| x.1).sum()),
                    median_days: if hide { None } else { rules::median(&v) },
                }
            })
            .collect();
        rows.sort_by(|a, b| (a.group, &a.level, &a.outcome).cmp(&(b.group, &b.level, &b.outcome)));
        let temporary_in_force = self.port.temporary_in_force(from, to).await?;
        let _ = &view.units;
        Ok(DecisionStats {
            from,
            to,
            groups: view.groups,
            rows,
            temporary_in_force,
            min_group: self.min_group(),
        })
    }

    /// Occupancy of every site (or one) per workday against its desks:
    /// mean, peak, days over capacity, and the mean by weekday. Everyone
    /// who may see the organisation's figures sees the sites'.
    #[tracing::instrument(skip_all)]
    pub async fn occupancy(
        &self,
        actor: &Actor,
        site: Option<Uuid>,
        from: Date,
        to: Date,
    ) -> CoreResult<OccupancyStats> {
        access::authorize(actor, Action::Plain(Kind::ReadStats))?;
        let workdays = self.days(from, to).await?;
        let (_, days) = rules::cut(&workdays, Grouping::Week, true);
        let sites = self.port.stats_sites(from).await?;
        if site.is_some_and(|s| !sites.iter().any(|(x, _)| x.id == s)) {
            return Err(CoreError::NotFound("site"));
        }
        let sums = self.day_sums(&GroupBy::Sites, &days, from, to).await?;
        let mut per: HashMap<Uuid, Vec<i64>> = HashMap::new();
        for ((key, b), s) in sums {
            per.entry(key.group).or_insert_with(|| vec![0; days.len()])[b] += s.on_site;
        }
        let min = self.min_group();
        let mut rows = vec![];
        for (info, people) in sites {
            if site.is_some_and(|s| s != info.id) {
                continue;
            }
            let suppressed = people > 0 && people < min;
            let daily = per.remove(&info.id).unwrap_or_else(|| vec![0; days.len()]);
            let n = daily.len() as f64;
            let mut wd = [(0i64, 0i64); 5];
            for (d, v) in days.iter().zip(&daily) {
                let i = d.weekday as usize;
                wd[i].0 += v;
                wd[i].1 += 1;
            }
            rows.push(OccupancyRow {
                site: info.id,
                name: info.name,
                desks: info.desks,
                people,
                suppressed,
                mean: (!suppressed && n > 0.0).then(|| daily.iter().sum::<i64>() as f64 / n),
                peak: (!suppressed).then(|| daily.iter().copied().max().unwrap_or(0)),
                days_over_capacity: (!suppressed)
                    .then(|| daily.iter().filter(|v| **v > info.desks).count() as i64),
                by_weekday: wd
                    .iter()
                    .map(|(s, c)| (!suppressed && *c > 0).then(|| *s as f64 / *c as f64))
                    .collect(),
            });
        }
        Ok(OccupancyStats {
            from,
            to,
            workdays: days.len() as i64,
            rows,
            min_group: min,
        })
    }

    /// Days with a coverage gap by week or month, per unit (with
    /// everything below it) and for the organisation: unit-days with at
    /// least one gap, of the unit-days with a rule (see `rules::unit_gaps`).
    #[tracing::instrument(skip_all)]
    pub async fn coverage_gaps(&self, actor: &Actor, q: &StatsQuery) -> CoreResult<CoverageGaps> {
        rules::check_gap_period(q.from, q.to)?;
        let workdays = self.days(q.from, q.to).await?;
        let view = self.view(actor, q.unit, q.from).await?;
        let (buckets, days) = rules::cut(&workdays, q.by, false);
        // The store counts one bucket a day.
        let daily: Vec<StatsDay> = days
            .iter()
            .enumerate()
            .map(|(i, d)| StatsDay { bucket: i, ..*d })
            .collect();
        let gap_rules = self.port.gap_rules(&view.path).await?;
        let mut sites: HashMap<Uuid, Vec<i64>> = HashMap::new();
        let mut per_unit = HashMap::new();
        if !gap_rules.is_empty() && !daily.is_empty() {
            let counts = self
                .port
                .on_site_counts(&view.path, &daily, q.from, q.to)
                .await?;
            let on_site = rules::on_site_days(&counts, &daily);
            if gap_rules
                .iter()
                .any(|r| r.rule.kind == crate::kernel::gap::RuleKind::MaxDesks && r.site.is_some())
            {
                let site_sums = self.day_sums(&GroupBy::Sites, &daily, q.from, q.to).await?;
                for ((key, b), s) in site_sums {
                    sites
                        .entry(key.group)
                        .or_insert_with(|| vec![0; daily.len()])[b] += s.on_site;
                }
            }
            per_unit = rules::unit_gaps(
                &view.units,
                &gap_rules,
                &counts.keys,
                &on_site,
                &sites,
                &days,
                buckets.len(),
            );
        }
        let belongs = self.membership(&view);
        let mut sums = vec![vec![GapCount::default(); buckets.len()]; view.groups.len()];
        for (unit, counts) in per_unit {
            let Some(node) = view.index.get(&unit) else {
                continue;
            };
            for g in &belongs[*node] {
                for (b, c) in counts.iter().enumerate() {
                    sums[*g][b] += *c;
                }
            }
        }
        let rows = bucketed_rows(&view.groups, &sums, |group, bucket, c| GapRow {
            group,
            bucket,
            unit_days: c.map(|c| c.rule_days),
            gap_days: c.map(|c| c.gap_days),
            share: c
                .filter(|c| c.rule_days > 0)
                .map(|c| c.gap_days as f64 / c.rule_days as f64),
        });
        Ok(self.bucketed(q, buckets, view.groups, rows))
    }

    /// Records a person's one-way commute: by the person, HR or
    /// administrators. Both none removes it.
    #[tracing::instrument(skip_all)]
    pub async fn set_commute(
        &self,
        actor: &Actor,
        person: PersonId,
        km: Option<f64>,
        mode: Option<CommuteMode>,
    ) -> CoreResult<()> {
        let rec = self
            .org
            .find_record(person)
            .await?
            .ok_or(CoreError::NotFound("person"))?;
        // Others' people are not there for them (as elsewhere): 404 first.
        let visible = access::person_visibility(actor, person, &rec.unit_path);
        if visible == access::Visibility::None && actor.person_id != person {
            return Err(CoreError::NotFound("person"));
        }
        access::authorize(actor, Action::SetCommute { person_id: person })?;
        rules::check_commute(km, mode)?;
        let audit = NewAuditEntry::by(actor, "person.commute", "person", person)
            .after(json!({"distance_km": km, "mode": mode.map(|m| m.as_str())}));
        self.port
            .set_commute(person, km, mode, &Work::new(self.env.now(), audit))
            .await
    }
}

/// The rows of a figure, group by group and bucket by bucket: `row` makes
/// each from the group's and the bucket's index and what was summed for
/// them, or from nothing when the group is suppressed (its figures empty).
fn bucketed_rows<S, R>(
    groups: &[GroupRef],
    sums: &[Vec<S>],
    row: impl Fn(usize, usize, Option<&S>) -> R,
) -> Vec<R> {
    let mut rows = vec![];
    for (g, group) in groups.iter().enumerate() {
        for (b, s) in sums[g].iter().enumerate() {
            rows.push(row(g, b, (!group.suppressed).then_some(s)));
        }
    }
    rows
}
