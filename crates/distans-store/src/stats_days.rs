//! The statistics' daily counts (migration 0032, `docs/statistics.md`).
//!
//! The plan's exceptions — published rotation days, occasional days and
//! absent days — are what makes a year of remote share expensive: each of a
//! year's ≈200,000 exception rows needs its person's agreement, rotation and
//! absences looked up. They are counted here once per day, by unit, site,
//! commute mode, kind and the state they override, into `stats_day_counts`,
//! and `stats_days` lists the days whose counts are current. Triggers on
//! every table the counts come from remove a day from that list in the same
//! transaction as the write that changes it; the next question counts that
//! day again. A question is answered from one snapshot: the listed days
//! from their counts, any day not listed (a write came in between) by
//! counting it right there, so an answer is never older than its snapshot.

use std::collections::HashSet;

use sqlx::{PgPool, QueryBuilder, SqlitePool};
use time::Date;

use distans_core::stats::Exception;

use crate::db::{on_db, BeginWrite};
use crate::sql::Sql;
use crate::Db;

/// Days counted in one transaction: a writer waits for at most this many.
const CHUNK: usize = 31;

/// The advisory lock the triggers take shared and counting exclusively
/// (PostgreSQL; see migration 0032).
const COUNTING_LOCK: i64 = 7_261_032;

/// One day of a question: the day, its weekday, its bucket, and whether
/// its counts are read from `stats_day_counts` (1) or counted now (0).
pub(crate) type DayRow = (Date, &'static str, i64, i64);

/// The people as the daily counts know them. `LEFT JOIN` (every person has
/// a unit) keeps SQLite from starting a count at the units: with the
/// exception rows first, each is one lookup of its person and unit.
const PEOPLE: &str = "(SELECT p.id AS pid, p.unit_id AS unit_id, COALESCE(p.site_id, u.site_id) AS site_id,
        CASE WHEN p.commute_km IS NOT NULL AND p.commute_mode IS NOT NULL THEN p.commute_mode END AS mode,
        CAST(CASE WHEN p.commute_km IS NOT NULL AND p.commute_mode IS NOT NULL THEN p.commute_km ELSE 0 END AS DOUBLE PRECISION) AS km,
        p.last_day AS leaves
    FROM people p LEFT JOIN units u ON u.id = p.unit_id)";

/// `remote` when an active agreement has `pid`'s weekday `wd` on `day`, else `workplace`.
pub(crate) fn agreement_state(pid: &str, day: &str, wd: &str) -> String {
    format!(
        "CASE WHEN EXISTS (SELECT 1 FROM agreements a WHERE a.person_id = {pid} AND a.state = 'active'
            AND a.start_date <= {day} AND (a.end_date IS NULL OR a.end_date >= {day})
            AND (a.ends_on IS NULL OR a.ends_on >= {day})
            AND CAST(a.weekdays AS TEXT) LIKE '%\"' || {wd} || '\"%') THEN 'remote' ELSE 'workplace' END"
    )
}

/// The state of a day before occasional days and absences: a published
/// rotation day, else the agreement's.
pub(crate) fn base_state(pid: &str, day: &str, wd: &str) -> String {
    format!(
        "COALESCE((SELECT MAX(rd.state) FROM rotation_days rd JOIN rotation_plans rp ON rp.id = rd.plan_id
            WHERE rp.superseded_at IS NULL AND rd.day = {day} AND rd.person_id = {pid}), {})",
        agreement_state(pid, day, wd)
    )
}

/// The first and the last of the workdays `days` (which are never none).
pub(crate) fn bounds(
    days: &[distans_core::stats::StatsDay],
) -> distans_core::CoreResult<(Date, Date)> {
    match (days.first(), days.last()) {
        (Some(first), Some(last)) => Ok((first.day, last.day)),
        _ => Err(distans_core::CoreError::Internal(
            "statistics asked of no workdays".into(),
        )),
    }
}

/// Pushes `(…) r`: the published rotation days from `first` to `last`,
/// one row `r.person_id, r.day, r.state` per person and day.
pub(crate) fn push_rotation_days(q: &mut impl Sql, first: Date, last: Date) {
    q.push(
        "(SELECT rd.person_id, rd.day, MAX(rd.state) AS state FROM rotation_days rd
            JOIN rotation_plans rp ON rp.id = rd.plan_id
            WHERE rp.superseded_at IS NULL AND rd.day >= ",
    );
    q.push_bind(first).push(" AND rd.day <= ").push_bind(last);
    q.push(" GROUP BY rd.person_id, rd.day) r");
}

/// Pushes `days(day, wd, b, c) AS (VALUES …)` (without `WITH`).
pub(crate) fn push_days(q: &mut impl Sql, days: &[DayRow]) {
    q.push("days(day, wd, b, c) AS (VALUES ");
    for (i, &(day, wd, b, c)) in days.iter().enumerate() {
        q.push(if i == 0 { "(" } else { ", (" }).push_bind(day);
        q.push(", ").push_bind(wd.to_string());
        q.push(", ").push_bind(b).push(", ").push_bind(c).push(")");
    }
    q.push(")");
}

/// Pushes a query of the exceptions of the `days` rows with `c = 0`,
/// counted: `day, unit_id, site_id, mode, kind, half, state, base, n, km`
/// (kind 0 a rotation day, 1 an occasional day, 2 an absent day).
/// `first`..=`last` bound the days.
pub(crate) fn push_live_counts(q: &mut impl Sql, first: Date, last: Date) {
    let living = "(x.leaves IS NULL OR d.day <= x.leaves)";
    q.push(
        "SELECT y.day, y.unit_id, y.site_id, y.mode, y.kind, y.half, y.state, y.base,
                COUNT(*) AS n, CAST(SUM(y.km) AS DOUBLE PRECISION) AS km FROM (",
    );
    // Published rotation days, against the agreement's day. `CROSS JOIN`
    // keeps SQLite's join order as written: from the few exception rows to
    // their day and person (PostgreSQL plans it freely).
    q.push(format!(
        "SELECT d.day, x.unit_id, x.site_id, x.mode, x.km, CAST(0 AS BIGINT) AS kind, CAST(0 AS BIGINT) AS half,
                r.state AS state, {} AS base FROM ",
        agreement_state("r.person_id", "d.day", "d.wd")
    ));
    push_rotation_days(q, first, last);
    q.push(format!(
        " CROSS JOIN days d CROSS JOIN {PEOPLE} x
         WHERE d.c = 0 AND d.day = r.day AND x.pid = r.person_id AND {living}"
    ));
    // Occasional days on days without absence, against the day's base.
    q.push(format!(
        " UNION ALL
         SELECT d.day, x.unit_id, x.site_id, x.mode, x.km, CAST(1 AS BIGINT),
                CAST(CASE WHEN o.part IS NULL THEN 0 ELSE 1 END AS BIGINT), o.state, {}
         FROM days d CROSS JOIN occasional_days o CROSS JOIN {PEOPLE} x
         WHERE d.c = 0 AND o.day = d.day AND x.pid = o.person_id AND {living}
           AND NOT EXISTS (SELECT 1 FROM absences ab WHERE ab.person_id = o.person_id
                           AND ab.first_day <= d.day AND ab.last_day >= d.day)",
        base_state("o.person_id", "d.day", "d.wd")
    ));
    // Absent days (each once, however many absences cover it).
    q.push(format!(
        " UNION ALL
         SELECT d.day, x.unit_id, x.site_id, x.mode, x.km, CAST(2 AS BIGINT), CAST(0 AS BIGINT), 'absent', {}
         FROM (SELECT DISTINCT ab.person_id, dd.day FROM absences ab
               JOIN days dd ON dd.day >= ab.first_day AND dd.day <= ab.last_day
               WHERE dd.c = 0 AND ab.last_day >= ",
        base_state("z.person_id", "d.day", "d.wd")
    ));
    q.push_bind(first)
        .push(" AND ab.first_day <= ")
        .push_bind(last);
    q.push(format!(
        ") z CROSS JOIN days d CROSS JOIN {PEOPLE} x
         WHERE d.day = z.day AND x.pid = z.person_id AND {living}
        ) y GROUP BY y.day, y.unit_id, y.site_id, y.mode, y.kind, y.half, y.state, y.base"
    ));
}

/// How each engine begins the two kinds of transaction counting needs.
pub(crate) trait Counting: BeginWrite {
    /// A transaction no plan write overlaps: SQLite's writer lock, or
    /// PostgreSQL's counting lock taken exclusively.
    async fn begin_counting(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>;
    /// A read-only transaction that sees one snapshot throughout.
    async fn begin_snapshot(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>;
}

impl Counting for SqlitePool {
    async fn begin_counting(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_write().await
    }
    async fn begin_snapshot(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        // A deferred transaction reads one snapshot of the WAL from its
        // first read on.
        self.begin().await
    }
}

impl Counting for PgPool {
    async fn begin_counting(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        let mut tx = self.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(COUNTING_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
    async fn begin_snapshot(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
    }
}

/// The days between `first` and `last` whose counts are current.
pub(crate) const COUNTED_DAYS: &str = "SELECT day FROM stats_days WHERE day >= $1 AND day <= $2";

/// The days between `$first` and `$last` whose counts are current, as a
/// `HashSet<Date>`, read in the transaction `$tx`.
macro_rules! counted_days {
    ($tx:expr, $first:expr, $last:expr) => {{
        let rows: Vec<(time::Date,)> = sqlx::query_as($crate::stats_days::COUNTED_DAYS)
            .bind($first)
            .bind($last)
            .fetch_all(&mut *$tx)
            .await?;
        rows.into_iter()
            .map(|(d,)| d)
            .collect::<std::collections::HashSet<time::Date>>()
    }};
}
pub(crate) use counted_days;

/// Counts the days of `days` that are not counted yet, a month at a time,
/// each month in its own transaction.
pub(crate) async fn count_days(
    db: &Db,
    days: &[(Date, &'static str)],
) -> distans_core::CoreResult<()> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return Ok(());
    };
    let counted: Vec<(Date,)> = crate::db::fetch!(db, fetch_all, COUNTED_DAYS, first.0, last.0)?;
    let counted: HashSet<Date> = counted.into_iter().map(|(d,)| d).collect();
    let missing: Vec<(Date, &'static str)> = days
        .iter()
        .copied()
        .filter(|(d, _)| !counted.contains(d))
        .collect();
    for chunk in missing.chunks(CHUNK) {
        count_chunk(db, chunk).await?;
    }
    Ok(())
}

async fn count_chunk(db: &Db, days: &[(Date, &'static str)]) -> distans_core::CoreResult<()> {
    let (first, last) = (days[0].0, days[days.len() - 1].0);
    on_db!(db, p => {
        let mut tx = Counting::begin_counting(p).await?;
        // Another question may have counted some of them meanwhile.
        let counted = counted_days!(tx, first, last);
        let rows: Vec<DayRow> = days
            .iter()
            .filter(|(d, _)| !counted.contains(d))
            .map(|&(d, wd)| (d, wd, 0, 0))
            .collect();
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(());
        }
        // Counts left from before the day was last changed.
        let mut q = QueryBuilder::new("DELETE FROM stats_day_counts WHERE day IN (");
        let mut sep = q.separated(", ");
        for r in &rows {
            sep.push_bind(r.0);
        }
        q.push(")");
        q.build().execute(&mut *tx).await?;
        let mut q = QueryBuilder::new("WITH ");
        push_days(&mut q, &rows);
        q.push(" INSERT INTO stats_day_counts (day, unit_id, site_id, mode, kind, half, state, base, n, km) ");
        push_live_counts(&mut q, first, last);
        q.build().execute(&mut *tx).await?;
        let mut q = QueryBuilder::new("INSERT INTO stats_days (day) VALUES ");
        let mut sep = q.separated(", ");
        for r in &rows {
            sep.push("(");
            sep.push_bind_unseparated(r.0);
            sep.push_unseparated(")");
        }
        q.build().execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    })
}

/// The exception a counted row stands for, by its kind (0 rotation, 1 an
/// occasional day, else an absence) and, for an occasional day, whether
/// it is a half day.
pub(crate) fn exception(kind: i64, half: i64) -> Exception {
    match kind {
        0 => Exception::Rotation,
        1 => Exception::Occasional { half: half != 0 },
        _ => Exception::Absence,
    }
}
