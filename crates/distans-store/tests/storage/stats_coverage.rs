//! Statistics, coverage gaps: the days the database and the core count
//! are those the plan gives, recomputed here unit by unit, person by
//! person and day by day from the coverage rules and the plan itself.

use std::collections::HashMap;
use std::sync::Arc;

use distans_core::coverage::NewCoverageRule;
use distans_core::kernel::gap::RuleKind;
use distans_core::stats::{CoverageGaps, GroupPart, Grouping, StatsQuery};
use distans_core::store::*;
use time::{Date, Duration};

use super::{core, fresh_dbs, username_person};

/// Per unit with rules and bucket: (unit-days with a rule, gap days).
type Want = HashMap<uuid::Uuid, Vec<(i64, i64)>>;

/// Counts every unit's coverage gaps from the plan, person by person.
async fn recount(
    store: &Arc<distans_store::SqlStore>,
    gaps: &CoverageGaps,
    from: Date,
    to: Date,
) -> Want {
    let c = core(store);
    let period = super::span(from, to);
    let cal = c.workdays.calendar(period).await.unwrap();
    let workdays = cal.workdays(period);
    // Everyone not gone before `from`, with their plan, skills, site and last day.
    let everyone = store.members_under("/", from, 1_000_000).await.unwrap();
    let ids: Vec<_> = everyone.iter().map(|m| m.id).collect();
    let plans = store.plan_rules(&ids, from, to).await.unwrap();
    let mut last_day = HashMap::new();
    for m in &everyone {
        let rec = store.person(m.id).await.unwrap().unwrap();
        last_day.insert(m.id, rec.person.departure.map(|d| d.last_day));
    }
    // Whether each person is on site on each workday (not after leaving).
    let on_site: HashMap<_, Vec<bool>> = everyone
        .iter()
        .map(|m| {
            let days = plans
                .get(&m.id)
                .map(|r| r.days_on(&workdays))
                .unwrap_or_default();
            let v = workdays
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    last_day[&m.id].is_none_or(|l| *d <= l)
                        && days.get(i).is_some_and(|p| p.on_site())
                })
                .collect();
            (m.id, v)
        })
        .collect();
    let bucket = |d: Date| {
        gaps.buckets
            .iter()
            .position(|b| b.first <= d && d <= b.last)
            .unwrap()
    };
    let mut want = Want::new();
    for u in StatsPort::stats_units(&**store, from).await.unwrap() {
        let rules = store.coverage_rules(&[u.id]).await.unwrap();
        if rules.is_empty() {
            continue;
        }
        let detail = OrgPort::unit(&**store, u.id).await.unwrap().unwrap();
        let members: Vec<_> = everyone
            .iter()
            .filter(|m| m.unit_path.starts_with(&u.path))
            .collect();
        let mut per = vec![(0i64, 0i64); gaps.buckets.len()];
        for (i, d) in workdays.iter().enumerate() {
            let mut applies = false;
            let mut gap = false;
            for r in rules.iter().filter(|r| r.applies_on(*d)) {
                match r.kind {
                    RuleKind::MinOnsite => {
                        applies = true;
                        let here = members
                            .iter()
                            .filter(|m| r.skill.as_ref().is_none_or(|s| m.skills.contains(s)))
                            .filter(|m| on_site[&m.id][i])
                            .count() as i64;
                        gap |= here < r.min_onsite;
                    }
                    RuleKind::MaxDesks => {
                        let Some(site) = &detail.site else { continue };
                        applies = true;
                        let here = everyone
                            .iter()
                            .filter(|m| m.site_id == Some(site.id) && on_site[&m.id][i])
                            .count() as i64;
                        gap |= here > site.desks;
                    }
                }
            }
            let b = bucket(*d);
            per[b].0 += i64::from(applies);
            per[b].1 += i64::from(applies && gap);
        }
        want.insert(u.id.uuid(), per);
    }
    want
}

/// Who of the people at or below `path` is on site each workday, as the
/// plan gives it.
async fn present(
    store: &Arc<distans_store::SqlStore>,
    path: &str,
    from: Date,
    to: Date,
) -> Vec<(Date, Vec<distans_core::kernel::PersonId>)> {
    let c = core(store);
    let period = super::span(from, to);
    let workdays = c.workdays.calendar(period).await.unwrap().workdays(period);
    let members = store.members_under(path, from, 1_000_000).await.unwrap();
    let ids: Vec<_> = members.iter().map(|m| m.id).collect();
    let plans = store.plan_rules(&ids, from, to).await.unwrap();
    workdays
        .iter()
        .map(|d| {
            let here = ids
                .iter()
                .filter(|p| plans.get(p).is_none_or(|r| r.day(*d).on_site()))
                .copied()
                .collect();
            (*d, here)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coverage_gap_days_are_the_plans_own_figures() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(300).await.unwrap();
        c.ensure_defaults().await.unwrap();
        let hr = store
            .actor(username_person(&store, "hr").await)
            .await
            .unwrap()
            .unwrap();
        let from = c.today() - Duration::days(42);
        let to = c.today() + Duration::days(41);

        // Beside the demo's minimums: one that is never met on Tuesdays,
        // and a desk maximum of a unit with a site.
        let units = StatsPort::stats_units(&*store, from).await.unwrap();
        let mut with_site = None;
        for u in &units {
            let d = OrgPort::unit(&*store, u.id).await.unwrap().unwrap();
            if d.site.is_some() && u.people > 0 {
                with_site = Some(u.id);
                break;
            }
        }
        let with_site = with_site.expect("a unit with a site");
        c.coverage
            .add_coverage_rule(
                &hr,
                with_site,
                NewCoverageRule::parse("max_desks", None, None, None).unwrap(),
            )
            .await
            .unwrap();
        let busy = units.iter().find(|u| u.people >= 3).unwrap().id;
        c.coverage
            .add_coverage_rule(
                &hr,
                busy,
                NewCoverageRule::parse("min_onsite", None, Some(10_000), Some(&["tue".into()]))
                    .unwrap(),
            )
            .await
            .unwrap();

        // A minimum of a unit met exactly on its best days; on three of
        // those days someone changes their plan: a remote day and an
        // absence open a gap, a half day remote does not.
        let small = units
            .iter()
            .rev()
            .find(|u| u.people >= 3 && u.id != busy)
            .unwrap();
        let days = present(&store, &small.path, c.today(), to).await;
        let most = days.iter().map(|d| d.1.len()).max().unwrap();
        c.coverage
            .add_coverage_rule(
                &hr,
                small.id,
                NewCoverageRule::parse("min_onsite", None, Some(most as i64), None).unwrap(),
            )
            .await
            .unwrap();
        let best: Vec<_> = days.iter().filter(|d| d.1.len() == most).collect();
        assert!(best.len() >= 3, "{label}: days to change");
        let work = || distans_core::kernel::Work::new(c.now(), super::audit("test"));
        let (remote, half) = (
            distans_core::plan::Occasional {
                state: distans_core::plan::DayState::Remote,
                part: None,
            },
            distans_core::plan::Occasional {
                state: distans_core::plan::DayState::Remote,
                part: Some(distans_core::plan::Part::Pm),
            },
        );
        let p = best[0].1[0];
        store
            .set_occasional(p, best[0].0, Some(remote), p, &work())
            .await
            .unwrap();
        let p = best[1].1[0];
        store
            .set_occasional(p, best[1].0, Some(half), p, &work())
            .await
            .unwrap();
        let p = best[2].1[0];
        let absence = distans_core::absences::model::Absence {
            id: uuid::Uuid::new_v4().into(),
            person: p,
            first_day: best[2].0,
            last_day: best[2].0,
            source: "manual".into(),
            created_at: c.now(),
        };
        store
            .insert_absence(&absence, Some(p), &work())
            .await
            .unwrap();
        let after = present(&store, &small.path, c.today(), to).await;
        let count = |d: Date| after.iter().find(|x| x.0 == d).unwrap().1.len();
        assert_eq!(count(best[0].0), most - 1, "{label}");
        assert_eq!(count(best[1].0), most, "{label}");
        assert_eq!(count(best[2].0), most - 1, "{label}");

        let q = StatsQuery {
            from,
            to,
            unit: None,
            by: Grouping::Week,
        };
        let gaps = c.stats.coverage_gaps(&hr, &q).await.unwrap();
        assert_eq!(gaps.groups[0].part, GroupPart::Organisation);
        let want = recount(&store, &gaps, from, to).await;
        let mut all_days = 0;
        let mut all_gaps = 0;
        for row in gaps.rows.iter().filter(|r| r.group == 0) {
            let (days, gap) = want.values().fold((0, 0), |(a, b), v| {
                (a + v[row.bucket].0, b + v[row.bucket].1)
            });
            let key = &gaps.buckets[row.bucket].key;
            assert_eq!(row.unit_days, Some(days), "{label}: unit-days of {key}");
            assert_eq!(row.gap_days, Some(gap), "{label}: gap days of {key}");
            all_days += days;
            all_gaps += gap;
        }
        assert!(all_gaps > 0, "{label}: some day has a gap (every Tuesday)");
        assert!(all_gaps < all_days, "{label}: not every day has one");

        // A unit's question: its own people and each child's subtree.
        let top = gaps.groups[1].unit.unwrap();
        let by_unit = StatsQuery {
            unit: Some(top),
            ..q.clone()
        };
        let unit_gaps = c.stats.coverage_gaps(&hr, &by_unit).await.unwrap();
        assert!(unit_gaps.groups.len() > 2, "{label}: the unit's parts");
        let paths: HashMap<uuid::Uuid, String> = units
            .iter()
            .map(|u| (u.id.uuid(), u.path.clone()))
            .collect();
        let mut checked = 0;
        for (g, group) in unit_gaps.groups.iter().enumerate() {
            let u = group.unit.unwrap().uuid();
            for row in unit_gaps.rows.iter().filter(|r| r.group == g) {
                if group.suppressed {
                    assert_eq!(row.unit_days, None, "{label}: suppressed");
                    assert_eq!(row.gap_days, None, "{label}: suppressed");
                    continue;
                }
                let (days, gap) = want
                    .iter()
                    .filter(|(id, _)| match group.part {
                        GroupPart::Own => **id == u,
                        _ => paths[*id].starts_with(&paths[&u]),
                    })
                    .fold((0, 0), |(a, b), (_, v)| {
                        (a + v[row.bucket].0, b + v[row.bucket].1)
                    });
                assert_eq!(row.unit_days, Some(days), "{label}: {}", group.name);
                assert_eq!(row.gap_days, Some(gap), "{label}: {}", group.name);
                assert_eq!(
                    row.share,
                    (days > 0).then(|| gap as f64 / days as f64),
                    "{label}"
                );
                checked += 1;
            }
        }
        assert!(checked > 0, "{label}: some part is shown");

        // More than 366 days is refused, naming the field.
        let long = StatsQuery {
            from: to - Duration::days(366),
            ..q.clone()
        };
        let e = c.stats.coverage_gaps(&hr, &long).await.unwrap_err();
        assert_eq!(e.field(), Some("to"), "{label}");
        t.drop_db().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coverage_gaps_of_small_groups_are_hidden_and_employees_see_the_organisation() {
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(120).await.unwrap();
        let hr = store
            .actor(username_person(&store, "hr").await)
            .await
            .unwrap()
            .unwrap();
        let anna = store
            .actor(username_person(&store, "anna").await)
            .await
            .unwrap()
            .unwrap();
        let q = StatsQuery {
            from: c.today() - Duration::days(30),
            to: c.today(),
            unit: None,
            by: Grouping::Month,
        };
        // Every unit's question: a suppressed group shows no figures; a
        // visible total is never its visible parts plus exactly one
        // hidden part smaller than the minimum.
        let units = StatsPort::stats_units(&*store, q.from).await.unwrap();
        let mut hidden = 0;
        for u in &units {
            let g = c
                .stats
                .coverage_gaps(
                    &hr,
                    &StatsQuery {
                        unit: Some(u.id),
                        ..q.clone()
                    },
                )
                .await
                .unwrap();
            for (i, group) in g.groups.iter().enumerate() {
                for r in g.rows.iter().filter(|r| r.group == i) {
                    assert_eq!(group.suppressed, r.unit_days.is_none(), "{label}");
                    assert_eq!(group.suppressed, r.gap_days.is_none(), "{label}");
                }
                if group.suppressed {
                    hidden += 1;
                } else {
                    assert!(group.people == 0 || group.people >= g.min_group, "{label}");
                }
            }
            if !g.groups[0].suppressed {
                let parts: Vec<_> = g.groups.iter().skip(1).filter(|x| x.people > 0).collect();
                let hid: Vec<_> = parts.iter().filter(|x| x.suppressed).collect();
                let sum: i64 = hid.iter().map(|x| x.people).sum();
                assert!(
                    hid.is_empty() || (hid.len() >= 2 && sum >= g.min_group),
                    "{label}: {} would reveal a hidden part",
                    u.name
                );
            }
        }
        assert!(hidden > 0, "{label}: the demo has small units");
        // An employee sees the organisation, but no unit.
        let mine = c.stats.coverage_gaps(&anna, &q).await.unwrap();
        assert_eq!(mine.groups.len(), 1, "{label}");
        let e = c
            .stats
            .coverage_gaps(
                &anna,
                &StatsQuery {
                    unit: Some(units[0].id),
                    ..q.clone()
                },
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), "forbidden", "{label}");
        t.drop_db().await;
    }
}
