//! Statistics: the figures the database counts are those the plan gives,
//! recomputed here person by person and day by day from the plan itself.

use std::collections::HashMap;
use std::sync::Arc;

use distans_core::kernel::calendar::WorkCalendar;
use distans_core::plan::{DayState, Occasional, Part};
use distans_core::stats::{GroupPart, Grouping, StatsQuery};
use distans_core::store::*;
use time::Duration;

use super::{core, fresh_dbs, username_person};

/// Counted and remote half-days of one planned day.
fn halves(d: &distans_core::plan::PlanDay) -> (i64, i64) {
    let one = |s: DayState| match s {
        DayState::Absent => (0, 0),
        DayState::Remote => (1, 1),
        _ => (1, 0),
    };
    match (d.part, d.rest) {
        (Some(_), Some(rest)) => {
            let (a, b) = (one(d.state), one(rest));
            (a.0 + b.0, a.1 + b.1)
        }
        _ => {
            let a = one(d.state);
            (2 * a.0, 2 * a.1)
        }
    }
}

/// Asks the remote share of `q` and checks each shown cell against the
/// plan, person by person and day by day; the number of groups.
async fn check_share(
    store: &Arc<distans_store::SqlStore>,
    c: &distans_core::Core,
    hr: &distans_core::kernel::Actor,
    q: &StatsQuery,
    label: &str,
) -> usize {
    let share = c.stats.remote_share(hr, q).await.unwrap();
    let people: Vec<_> = store
        .active_people()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.1)
        .collect();
    let period = super::span(q.from, q.to);
    let cal = c.workdays.calendar(period).await.unwrap();
    let rules = store.plan_rules(&people, q.from, q.to).await.unwrap();
    let mut records = Vec::new();
    for p in &people {
        records.push(store.person(*p).await.unwrap().unwrap());
    }
    let mut checked = 0;
    for (g, group) in share.groups.iter().enumerate() {
        let path = match group.unit {
            Some(u) => StatsPort::unit_path(&**store, u).await.unwrap().unwrap(),
            None => "/".to_string(),
        };
        let mut want: HashMap<usize, (i64, i64)> = HashMap::new();
        for (p, rec) in people.iter().zip(&records) {
            let member = match group.part {
                GroupPart::Own => Some(rec.unit.id) == group.unit,
                _ => rec.unit_path.starts_with(&path),
            };
            if !member {
                continue;
            }
            for day in rules[p].days(&cal, period) {
                let b = share
                    .buckets
                    .iter()
                    .position(|b| b.first <= day.date && day.date <= b.last)
                    .unwrap();
                let (counted, remote) = halves(&day);
                let e = want.entry(b).or_default();
                e.0 += counted;
                e.1 += remote;
            }
        }
        for row in share.rows.iter().filter(|r| r.group == g) {
            if group.suppressed {
                assert_eq!(row.days, None, "{label}: suppressed");
                continue;
            }
            let (counted, remote) = want.get(&row.bucket).copied().unwrap_or_default();
            let what = format!(
                "{label}: {} in {}",
                group.name, share.buckets[row.bucket].key
            );
            assert_eq!(row.days, Some(counted as f64 / 2.0), "{what}");
            assert_eq!(row.remote_days, Some(remote as f64 / 2.0), "{what}");
            checked += 1;
        }
    }
    assert!(checked > 0, "{label}: some part is shown");
    share.groups.len()
}

/// Runs one statement on the test's database.
macro_rules! sql {
    ($store:expr, $q:expr $(, $b:expr)* $(,)?) => {
        match $store.db() {
            distans_store::Db::Sqlite(p) => {
                sqlx::query($q)$(.bind($b))*.execute(p).await.unwrap().rows_affected()
            }
            distans_store::Db::Postgres(p) => {
                sqlx::query($q)$(.bind($b))*.execute(p).await.unwrap().rows_affected()
            }
        }
    };
}

/// How many days have current daily counts, and whether `day` is one.
async fn counted(store: &distans_store::SqlStore, day: time::Date) -> (i64, bool) {
    let q =
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN day = $1 THEN 1 ELSE 0 END), 0) FROM stats_days";
    let (n, this): (i64, i64) = match store.db() {
        distans_store::Db::Sqlite(p) => sqlx::query_as(q).bind(day).fetch_one(p).await.unwrap(),
        distans_store::Db::Postgres(p) => sqlx::query_as(q).bind(day).fetch_one(p).await.unwrap(),
    };
    (n, this > 0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_counts_follow_every_change_to_the_plan() {
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
        let anna = username_person(&store, "anna").await;
        let from = c.today() - Duration::days(35);
        let to = c.today() + Duration::days(34);
        let q = StatsQuery {
            from,
            to,
            unit: None,
            by: Grouping::Week,
        };
        let work = || distans_core::kernel::Work::new(c.now(), super::audit("test"));
        let day = (0..10)
            .map(|i| from + Duration::days(14 + i))
            .find(|d| WorkCalendar::default().is_workday(*d))
            .unwrap();

        // The first question counts the period's days; the next ones read them.
        check_share(&store, &c, &hr, &q, label).await;
        let (days, this) = counted(&store, day).await;
        assert!(
            days >= 40 && this,
            "{label}: the workdays are counted ({days})"
        );
        check_share(&store, &c, &hr, &q, label).await;

        // An occasional day: only its own day is counted again.
        store
            .set_occasional(
                anna,
                day,
                Some(Occasional {
                    state: DayState::Remote,
                    part: Some(Part::Am),
                }),
                anna,
                &work(),
            )
            .await
            .unwrap();
        assert_eq!(counted(&store, day).await, (days - 1, false), "{label}");
        check_share(&store, &c, &hr, &q, label).await;
        assert_eq!(counted(&store, day).await, (days, true), "{label}");

        // An absence over anna's occasional day and the days around it.
        store
            .insert_absence(
                &distans_core::absences::model::Absence {
                    id: distans_core::kernel::AbsenceId::new(),
                    person: anna,
                    first_day: day - Duration::days(1),
                    last_day: day + Duration::days(1),
                    source: "manual".into(),
                    created_at: c.now(),
                },
                None,
                &work(),
            )
            .await
            .unwrap();
        assert!(!counted(&store, day).await.1, "{label}");
        check_share(&store, &c, &hr, &q, label).await;

        // Agreements of people with exceptions end, or change weekdays.
        sql!(
            store,
            "UPDATE agreements SET ends_on = $1 WHERE state = 'active' AND person_id IN
               (SELECT person_id FROM occasional_days WHERE day >= $2 AND day <= $3)",
            day,
            from,
            to
        );
        sql!(
            store,
            "UPDATE agreements SET weekdays = '[\"mon\", \"fri\"]' WHERE state = 'active' AND person_id IN
               (SELECT person_id FROM absences WHERE last_day >= $1 AND first_day <= $2)",
            from,
            to
        );
        check_share(&store, &c, &hr, &q, label).await;

        // People with exceptions move to another unit or record a commute; a top unit's question sees them where they are now.
        let units: Vec<(uuid::Uuid,)> = match store.db() {
            distans_store::Db::Sqlite(p) => {
                sqlx::query_as("SELECT id FROM units WHERE parent_id IS NOT NULL ORDER BY path")
                    .fetch_all(p)
                    .await
                    .unwrap()
            }
            distans_store::Db::Postgres(p) => {
                sqlx::query_as("SELECT id FROM units WHERE parent_id IS NOT NULL ORDER BY path")
                    .fetch_all(p)
                    .await
                    .unwrap()
            }
        };
        let moved = sql!(
            store,
            "UPDATE people SET unit_id = $1 WHERE id IN
               (SELECT person_id FROM occasional_days WHERE day >= $2 AND day <= $3 AND person_id <> $4)",
            units[units.len() - 1].0,
            day,
            to,
            anna.uuid()
        );
        assert!(moved > 0, "{label}: someone moved");
        sql!(
            store,
            "UPDATE people SET commute_km = 12.5, commute_mode = 'train' WHERE unit_id = $1",
            units[units.len() - 1].0
        );
        check_share(&store, &c, &hr, &q, label).await;
        let top = c.stats.remote_share(&hr, &q).await.unwrap().groups[1]
            .unit
            .unwrap();
        let by_unit = StatsQuery {
            unit: Some(top),
            ..q.clone()
        };
        check_share(&store, &c, &hr, &by_unit, label).await;

        // Occasional days removed in bulk (as disposal does).
        sql!(
            store,
            "DELETE FROM occasional_days WHERE day >= $1 AND day <= $2",
            day,
            to
        );
        assert!(!counted(&store, day).await.1, "{label}");
        check_share(&store, &c, &hr, &q, label).await;
        t.drop_db().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_share_and_emissions_are_the_plans_own_figures() {
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
        let anna = username_person(&store, "anna").await;
        let from = c.today() - Duration::days(42);
        let to = c.today() + Duration::days(41);
        // A half day, to count as half.
        let first_workday = (0..10)
            .map(|i| from + Duration::days(i))
            .find(|d| WorkCalendar::default().is_workday(*d))
            .unwrap();
        store
            .set_occasional(
                anna,
                first_workday,
                Some(Occasional {
                    state: DayState::Remote,
                    part: Some(Part::Pm),
                }),
                anna,
                &distans_core::kernel::Work::new(c.now(), super::audit("test")),
            )
            .await
            .unwrap();

        let q = StatsQuery {
            from,
            to,
            unit: None,
            by: Grouping::Week,
        };
        let share = c.stats.remote_share(&hr, &q).await.unwrap();
        let emissions = c.stats.emissions(&hr, &q).await.unwrap();
        assert_eq!(share.groups[0].part, GroupPart::Organisation);
        assert!(share.groups.len() > 2, "{label}: the top units too");

        // The same, person by person and day by day, from the plan.
        let people: Vec<_> = store
            .active_people()
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.1)
            .collect();
        let period = super::span(from, to);
        let cal = c.workdays.calendar(period).await.unwrap();
        let rules = store.plan_rules(&people, from, to).await.unwrap();
        let factors = c.stats.factors(&hr).await.unwrap();
        let mut want: HashMap<usize, (i64, i64, f64, i64)> = HashMap::new();
        let mut remote_total = 0;
        for p in &people {
            let rec = store.person(*p).await.unwrap().unwrap();
            let km = match (rec.person.commute_km, rec.person.commute_mode) {
                (Some(k), Some(m)) => Some(
                    k * factors
                        .factors
                        .iter()
                        .find(|f| f.mode == m)
                        .unwrap()
                        .kg_per_km,
                ),
                _ => None,
            };
            for day in rules[p].days(&cal, period) {
                let b = share
                    .buckets
                    .iter()
                    .position(|b| b.first <= day.date && day.date <= b.last)
                    .unwrap();
                let (counted, remote) = halves(&day);
                let e = want.entry(b).or_default();
                e.0 += counted;
                e.1 += remote;
                remote_total += remote;
                if let Some(kg) = km {
                    e.2 += remote as f64 * kg;
                    e.3 += remote;
                }
            }
        }
        assert!(remote_total > 100, "{label}: the demo works remotely");
        for row in share.rows.iter().filter(|r| r.group == 0) {
            let (counted, remote, _, _) = want.get(&row.bucket).copied().unwrap_or_default();
            assert_eq!(
                row.days,
                Some(counted as f64 / 2.0),
                "{label}: days of {}",
                share.buckets[row.bucket].key
            );
            assert_eq!(
                row.remote_days,
                Some(remote as f64 / 2.0),
                "{label}: remote days of {}",
                share.buckets[row.bucket].key
            );
        }
        for row in emissions.figures.rows.iter().filter(|r| r.group == 0) {
            let (_, remote, kg, covered) = want.get(&row.bucket).copied().unwrap_or_default();
            let gross = row.gross_kg.unwrap();
            assert!((gross - kg).abs() < 1e-6, "{label}: {gross} ≠ {kg}");
            if remote > 0 {
                assert_eq!(row.coverage, Some(covered as f64 / remote as f64));
            }
        }
        // The top units add up to the organisation (nobody sits at the top).
        for b in 0..share.buckets.len() {
            let parts: f64 = share
                .rows
                .iter()
                .filter(|r| r.group > 0 && r.bucket == b)
                .map(|r| r.days.unwrap_or(0.0))
                .sum();
            let whole = share.rows.iter().find(|r| r.group == 0 && r.bucket == b);
            if share.groups.iter().all(|g| !g.suppressed) {
                assert_eq!(Some(parts), whole.and_then(|r| r.days), "{label}");
            }
        }

        // A unit's question: its own people and each child's subtree,
        // person by person.
        let top = share.groups[1].unit.unwrap();
        let by_unit = StatsQuery {
            unit: Some(top),
            ..q.clone()
        };
        let groups = check_share(&store, &c, &hr, &by_unit, label).await;
        assert!(groups > 2, "{label}: the unit's parts");

        // Occupancy: each site's days on site, person by person.
        let occ = c.stats.occupancy(&hr, None, from, to).await.unwrap();
        let sites = store.site_plan_rules(None, from, to).await.unwrap();
        let workdays = cal.workdays(period);
        let mut on_site: HashMap<uuid::Uuid, i64> = HashMap::new();
        let counted: HashMap<_, _> = sites.counts.iter().cloned().collect();
        let with_rules: HashMap<Option<uuid::Uuid>, i64> =
            sites
                .people
                .iter()
                .fold(HashMap::new(), |mut m, (_, s, _)| {
                    *m.entry(s.map(|s| s.uuid())).or_default() += 1;
                    m
                });
        for (site, n) in &counted {
            let Some(site) = site else { continue };
            let plain = n - with_rules.get(&Some(site.uuid())).copied().unwrap_or(0);
            *on_site.entry(site.uuid()).or_default() += plain * workdays.len() as i64;
        }
        for (_, site, r) in &sites.people {
            if let Some(s) = site {
                let n = r.days_on(&workdays).iter().filter(|d| d.on_site()).count() as i64;
                *on_site.entry(s.uuid()).or_default() += n;
            }
        }
        for row in occ.rows.iter().filter(|r| !r.suppressed) {
            let total = row.mean.unwrap() * occ.workdays as f64;
            let want = on_site.get(&row.site).copied().unwrap_or(0) as f64;
            assert!(
                (total - want).abs() < 1e-6,
                "{label}: {} {total} ≠ {want}",
                row.name
            );
        }
        t.drop_db().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emission_factors_are_versioned_and_a_stale_save_is_refused() {
    use distans_core::stats::{EmissionFactor, FactorsInput};
    for t in fresh_dbs().await {
        let label = t.label;
        let store = Arc::new(t.open().await);
        let c = core(&store);
        c.demo.load_demo(30).await.unwrap();
        let hr = store
            .actor(username_person(&store, "hr").await)
            .await
            .unwrap()
            .unwrap();
        let first = c.stats.factors(&hr).await.unwrap();
        assert_eq!(first.version, 0, "{label}: the defaults");
        let input = |version| FactorsInput {
            factors: vec![EmissionFactor {
                mode: distans_core::org::CommuteMode::Car,
                kg_per_km: 0.12,
            }],
            home_office_kg_per_day: Some(0.5),
            source: "Egna värden".into(),
            version,
        };
        let saved = c.stats.save_factors(&hr, input(0)).await.unwrap();
        assert_eq!(saved.version, 1);
        let again = c.stats.factors(&hr).await.unwrap();
        assert_eq!(again.home_office_kg_per_day, Some(0.5), "{label}");
        assert_eq!(again.factors.len(), 1);
        let stale = c.stats.save_factors(&hr, input(0)).await.unwrap_err();
        assert_eq!(stale.code(), "conflict", "{label}");
        t.drop_db().await;
    }
}
