//! The read of the statistics' counts when a day is not counted: the read
//! counts it right there, and the figures are those of the counted day.
//! (A write between the counting and the read's snapshot does this; here
//! the day's mark is removed by hand, so the path runs every time.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use distans_core::kernel::clock::SystemClock;
use distans_core::kernel::dates::Weekday;
use distans_core::stats::{rules, GroupBy, StatsDay};
use distans_core::store::StatsPort;
use distans_core::Core;
use time::{Date, Duration, OffsetDateTime};

use crate::db::{execute, fetch};
use crate::{SqlStore, StoreConfig};

/// The next 20 workdays from today, four weeks of buckets.
fn workdays() -> Vec<StatsDay> {
    let mut day = OffsetDateTime::now_utc().date();
    let mut out = vec![];
    while out.len() < 20 {
        let n = day.weekday().number_days_from_monday() as usize;
        if n < 5 {
            out.push(StatsDay {
                day,
                weekday: Weekday::ALL[n],
                bucket: out.len() / 5,
            });
        }
        day += Duration::days(1);
    }
    out
}

/// SQLite, and PostgreSQL when `DISTANS_TEST_POSTGRES` names a server (as
/// for the storage suite, required in CI): each a fresh database.
async fn stores() -> Vec<(String, SqlStore, Option<String>)> {
    let dir = std::env::temp_dir().join(format!("distans-stats-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = dir.join("t.db").to_string_lossy().to_string();
    let open = |url: String| async move {
        SqlStore::open(&StoreConfig {
            url,
            max_connections: 5,
        })
        .await
        .unwrap()
    };
    let mut out = vec![("sqlite".to_string(), open(url).await, None)];
    match std::env::var("DISTANS_TEST_POSTGRES") {
        Ok(base) if !base.is_empty() => {
            let name = format!("distans_s_{}", uuid::Uuid::now_v7().simple());
            let admin = sqlx::PgPool::connect(&base).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .unwrap();
            let (prefix, _) = base.rsplit_once('/').unwrap();
            out.push((
                "postgres".into(),
                open(format!("{prefix}/{name}")).await,
                Some(name),
            ));
        }
        _ if std::env::var("CI").is_ok() => {
            panic!(
                "DISTANS_TEST_POSTGRES must be set in CI: the PostgreSQL half may not be skipped"
            )
        }
        _ => {}
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_not_counted_is_counted_by_the_read_itself() {
    let days = workdays();
    let (from, to) = (days[0].day, days[days.len() - 1].day);
    for (label, store, pg) in stores().await {
        let store = Arc::new(store);
        let core = Core::new(store.clone(), Arc::new(SystemClock));
        core.demo.load_demo(300).await.unwrap();
        let (root,): (String,) = fetch!(
            store.db(),
            fetch_one,
            "SELECT path FROM units WHERE parent_id IS NULL ORDER BY path LIMIT 1"
        )
        .unwrap();
        for by in [GroupBy::Subtree(root), GroupBy::Sites] {
            // Everything counted, then read.
            let counted = store.plan_counts(&by, &days, from, to).await.unwrap();
            let want = rules::day_sums(&counted, &days);
            // The busiest day loses its mark: its counts stay but are not read.
            let (day, rows): (Date, i64) = fetch!(
                store.db(),
                fetch_one,
                "SELECT day, COUNT(*) FROM stats_day_counts WHERE day >= $1 AND day <= $2
                 GROUP BY day ORDER BY COUNT(*) DESC, day LIMIT 1",
                from,
                to
            )
            .unwrap();
            assert!(rows > 0, "{label}: the demo has exceptions in the period");
            execute!(store.db(), "DELETE FROM stats_days WHERE day = $1", day).unwrap();
            let read = super::read_plan_counts(&store, &by, &days, (from, to))
                .await
                .unwrap();
            let got = rules::day_sums(&read, &days);
            assert_eq!(got.len(), want.len(), "{label} {by:?}: {day}");
            for (k, w) in &want {
                let g = got.get(k).copied().unwrap_or_default();
                assert_eq!(
                    (g.counted, g.remote, g.remote_with_commute, g.on_site),
                    (w.counted, w.remote, w.remote_with_commute, w.on_site),
                    "{label} {by:?}: {day} {k:?}"
                );
                assert!((g.remote_km - w.remote_km).abs() < 1e-6, "{label}: {k:?}");
            }
            let (marked,): (i64,) = fetch!(
                store.db(),
                fetch_one,
                "SELECT COUNT(*) FROM stats_days WHERE day = $1",
                day
            )
            .unwrap();
            assert_eq!(
                marked, 0,
                "{label}: the read counted the day without writing it"
            );
        }
        store.db().close().await;
        if let (Some(name), Ok(base)) = (pg, std::env::var("DISTANS_TEST_POSTGRES")) {
            let admin = sqlx::PgPool::connect(&base).await.unwrap();
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&admin)
                .await
                .unwrap();
        }
    }
}
