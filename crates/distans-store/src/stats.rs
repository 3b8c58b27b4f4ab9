//! Statistics: the plan counted by the database, per group, commute mode
//! and week or month (see `distans_core::stats::rules`). Nothing here reads
//! person-days: each query groups in SQL, so what comes back is a few rows
//! per group and bucket, however many people and days there are.

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::QueryBuilder;
use time::{Date, OffsetDateTime, Time};
use uuid::Uuid;

use distans_core::kernel::{PersonId, UnitId, Work};
use distans_core::org::CommuteMode;
use distans_core::plan::DayState;
use distans_core::stats::*;
use distans_core::store::StatsPort;
use distans_core::CoreResult;

use crate::db::{fetch, on_db};
use crate::plan::last_day;
use crate::sql::Sql;
use crate::stats_days::{self, push_days, push_live_counts, Counting, DayRow};
use crate::store::{write_work, SqlStore};
use crate::stored::{json, Stored};

/// The groups' people: id, group, mode and km (only with both), last day.
const PEOPLE_BY_UNIT: &str = "(SELECT p.id AS pid, grp.g AS g,
        CASE WHEN p.commute_km IS NOT NULL AND p.commute_mode IS NOT NULL THEN p.commute_mode END AS mode,
        CAST(CASE WHEN p.commute_km IS NOT NULL AND p.commute_mode IS NOT NULL THEN p.commute_km ELSE 0 END AS DOUBLE PRECISION) AS km,
        p.last_day AS leaves
    FROM people p JOIN grp ON grp.unit_id = p.unit_id)";
const PEOPLE_BY_SITE: &str = "(SELECT p.id AS pid, COALESCE(p.site_id, u.site_id) AS g,
        CAST(NULL AS TEXT) AS mode, CAST(0 AS DOUBLE PRECISION) AS km, p.last_day AS leaves
    FROM people p JOIN units u ON u.id = p.unit_id WHERE COALESCE(p.site_id, u.site_id) IS NOT NULL)";

/// A unit's segment of a path: its id and a `/`.
const UUID_SEGMENT: i64 = 37;

/// Pushes `WITH days(day, wd, b, c) AS (VALUES …)[, grp(unit_id, g) AS (…)] `.
fn push_ctes(q: &mut impl Sql, by: &GroupBy, days: &[DayRow]) {
    q.push("WITH ");
    push_days(q, days);
    if let GroupBy::Subtree(path) = by {
        // Each open unit under the path, with the unit it counts for: the
        // path's own unit, or the child of it whose subtree holds it.
        let len = path.len() as i64;
        q.push(
            ", grp(unit_id, g) AS MATERIALIZED (SELECT u.id, gu.id FROM units u JOIN units gu
               ON gu.path = CASE WHEN u.path = ",
        );
        q.push_bind(path.clone())
            .push(" THEN u.path ELSE substr(u.path, 1, CAST(")
            .push_bind(len + UUID_SEGMENT)
            .push(" AS INTEGER)) END WHERE u.closed_at IS NULL AND substr(u.path, 1, CAST(")
            .push_bind(len)
            .push(" AS INTEGER)) = ")
            .push_bind(path.clone())
            .push(")");
    }
    q.push(" ");
}

fn mode(column: &str, m: Option<String>) -> CoreResult<Option<CommuteMode>> {
    Ok(CommuteMode::read_opt(column, m.as_deref())?)
}

fn key(g: Uuid, m: Option<String>) -> CoreResult<Key> {
    Ok(Key {
        group: g,
        mode: mode("people.commute_mode", m)?,
    })
}

type PeopleRow = (Uuid, Option<String>, Option<Date>, i64, f64);
type SpanRow = (
    Uuid,
    Option<String>,
    Date,
    Option<Date>,
    Option<Date>,
    Option<Date>,
    String,
    i64,
    f64,
);
type ExceptionRow = (
    Uuid,
    Option<String>,
    i64,
    i64,
    i64,
    String,
    String,
    i64,
    f64,
);

fn midnight(d: Date) -> OffsetDateTime {
    d.with_time(Time::MIDNIGHT).assume_utc()
}

#[async_trait]
impl StatsPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn stats_units(&self, from: Date) -> CoreResult<Vec<TreeUnit>> {
        let rows: Vec<(Uuid, Option<Uuid>, String, String, i64)> = fetch!(
            self.db(),
            fetch_all,
            "SELECT u.id, u.parent_id, u.name, u.path, COALESCE(c.n, 0) FROM units u
             LEFT JOIN (SELECT unit_id, COUNT(*) AS n FROM people
                        WHERE last_day IS NULL OR last_day >= $1 GROUP BY unit_id) c ON c.unit_id = u.id
             WHERE u.closed_at IS NULL ORDER BY u.path",
            from
        )?;
        Ok(rows
            .into_iter()
            .map(|(id, parent, name, path, people)| TreeUnit {
                id: id.into(),
                parent: parent.map(Into::into),
                name,
                path,
                people,
            })
            .collect())
    }

    #[tracing::instrument(skip_all, fields(days = days.len()))]
    async fn plan_counts(
        &self,
        by: &GroupBy,
        days: &[StatsDay],
        from: Date,
        to: Date,
    ) -> CoreResult<PlanCounts> {
        // The exceptions come from the daily counts: count the days not
        // counted yet, then read everything from one snapshot.
        let weekdays: Vec<(Date, &'static str)> =
            days.iter().map(|d| (d.day, d.weekday.as_str())).collect();
        stats_days::count_days(self.db(), &weekdays).await?;
        read_plan_counts(self, by, days, (from, to)).await
    }

    #[tracing::instrument(skip_all)]
    async fn gap_rules(&self, path: &str) -> CoreResult<Vec<GapRule>> {
        crate::stats_coverage::gap_rules(self, path).await
    }

    #[tracing::instrument(skip_all, fields(days = days.len()))]
    async fn on_site_counts(
        &self,
        path: &str,
        days: &[StatsDay],
        from: Date,
        to: Date,
    ) -> CoreResult<OnSiteCounts> {
        crate::stats_coverage::on_site_counts(self, path, days, from, to).await
    }

    #[tracing::instrument(skip_all)]
    async fn agreement_counts(&self, from: Date) -> CoreResult<Vec<AgreementCount>> {
        let rows: Vec<(Uuid, String, i64, i64)> = fetch!(
            self.db(),
            fetch_all,
            "SELECT p.unit_id, a.state, CAST(a.days_per_week AS BIGINT), COUNT(*)
             FROM agreements a JOIN people p ON p.id = a.person_id
             WHERE p.last_day IS NULL OR p.last_day >= $1
             GROUP BY p.unit_id, a.state, a.days_per_week",
            from
        )?;
        Ok(rows
            .into_iter()
            .map(|(unit, state, days_per_week, count)| AgreementCount {
                unit: unit.into(),
                state,
                days_per_week,
                count,
            })
            .collect())
    }

    #[tracing::instrument(skip_all)]
    async fn decision_counts(&self, from: Date, to: Date) -> CoreResult<Vec<DecisionCount>> {
        let end = to.next_day().unwrap_or(to);
        let rows: Vec<(Uuid, String, String, OffsetDateTime, OffsetDateTime)> = fetch!(
            self.db(),
            fetch_all,
            "SELECT p.unit_id, r.decider, r.state, r.created_at, MAX(e.at)
             FROM requests r JOIN people p ON p.id = r.person_id
             JOIN request_events e ON e.request_id = r.id AND e.kind = r.state
             WHERE r.state IN ('approved', 'declined') AND e.at >= $1 AND e.at < $2
             GROUP BY p.unit_id, r.id, r.decider, r.state, r.created_at",
            midnight(from),
            midnight(end)
        )?;
        let mut counts: HashMap<(Uuid, String, String, i64), i64> = HashMap::new();
        for (unit, level, outcome, asked, decided) in rows {
            let days = (decided.date() - asked.date()).whole_days().max(0);
            *counts.entry((unit, level, outcome, days)).or_default() += 1;
        }
        Ok(counts
            .into_iter()
            .map(|((unit, level, outcome, days), count)| DecisionCount {
                unit: unit.into(),
                level,
                outcome,
                days,
                count,
            })
            .collect())
    }

    #[tracing::instrument(skip_all)]
    async fn temporary_in_force(&self, from: Date, to: Date) -> CoreResult<i64> {
        let (n,): (i64,) = fetch!(
            self.db(),
            fetch_one,
            "SELECT COUNT(*) FROM temporary_decisions WHERE start_date <= $1 AND end_date >= $2",
            to,
            from
        )?;
        Ok(n)
    }

    #[tracing::instrument(skip_all)]
    async fn stats_sites(&self, from: Date) -> CoreResult<Vec<(SiteInfo, i64)>> {
        let rows: Vec<(Uuid, String, i64, i64)> = fetch!(
            self.db(),
            fetch_all,
            "SELECT s.id, s.name, CAST(s.desks AS BIGINT), COALESCE(c.n, 0) FROM sites s
             LEFT JOIN (SELECT COALESCE(p.site_id, u.site_id) AS sid, COUNT(*) AS n
                        FROM people p JOIN units u ON u.id = p.unit_id
                        WHERE p.last_day IS NULL OR p.last_day >= $1
                        GROUP BY COALESCE(p.site_id, u.site_id)) c ON c.sid = s.id
             ORDER BY s.name",
            from
        )?;
        Ok(rows
            .into_iter()
            .map(|(id, name, desks, n)| (SiteInfo { id, name, desks }, n))
            .collect())
    }

    #[tracing::instrument(skip_all)]
    async fn emission_factors(&self) -> CoreResult<Option<EmissionFactors>> {
        let row: Option<(i64, String, Option<f64>, String, Date)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT CAST(version AS BIGINT), factors, home_office_kg_per_day, source, valid_from
             FROM emission_factor_versions ORDER BY version DESC LIMIT 1"
        )?;
        row.map(|(version, factors, home, source, valid_from)| {
            Ok(EmissionFactors {
                version,
                factors: json("emission_factor_versions.factors", &factors)?,
                home_office_kg_per_day: home,
                source,
                valid_from,
            })
        })
        .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn save_emission_factors(
        &self,
        factors: &EmissionFactors,
        expected: i64,
        work: &Work,
    ) -> CoreResult<()> {
        let text = serde_json::to_string(&factors.factors)
            .map_err(|e| distans_core::CoreError::Internal(e.to_string()))?;
        write_work!(self, work, |tx| {
            // A save over another that came first fails on the version key.
            sqlx::query(
                "INSERT INTO emission_factor_versions (version, factors, home_office_kg_per_day, source, valid_from, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(expected + 1)
            .bind(&text)
            .bind(factors.home_office_kg_per_day)
            .bind(&factors.source)
            .bind(factors.valid_from)
            .bind(work.at)
            .execute(&mut *tx)
            .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn set_commute(
        &self,
        person: PersonId,
        km: Option<f64>,
        mode: Option<CommuteMode>,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            sqlx::query(
                "UPDATE people SET commute_km = $1, commute_mode = $2, updated_at = $3, version = version + 1
                 WHERE id = $4",
            )
            .bind(km)
            .bind(mode.map(|m| m.stored()))
            .bind(work.at)
            .bind(person.uuid())
            .execute(&mut *tx)
            .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn unit_path(&self, unit: UnitId) -> CoreResult<Option<String>> {
        let row: Option<(String,)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT path FROM units WHERE id = $1",
            unit.uuid()
        )?;
        Ok(row.map(|r| r.0))
    }
}

/// The plan of the period (`days`, from `from` to `to`) counted by group,
/// from one snapshot: the counted days' counts, and any day not counted (a
/// write came after the counting) counted right there.
pub(crate) async fn read_plan_counts(
    store: &SqlStore,
    by: &GroupBy,
    days: &[StatsDay],
    period: (Date, Date),
) -> CoreResult<PlanCounts> {
    let (from, to) = period;
    let people = match by {
        GroupBy::Subtree(_) => PEOPLE_BY_UNIT,
        GroupBy::Sites => PEOPLE_BY_SITE,
    };
    let (first, last) = stats_days::bounds(days)?;
    let (p_rows, s_rows, exceptions): (Vec<PeopleRow>, Vec<SpanRow>, Vec<ExceptionRow>) = on_db!(store.db(), p => {
        let mut tx = Counting::begin_snapshot(p).await?;
        let counted = stats_days::counted_days!(tx, first, last);
        let rows: Vec<DayRow> = days
            .iter()
            .map(|d| {
                let c = i64::from(counted.contains(&d.day));
                (d.day, d.weekday.as_str(), d.bucket as i64, c)
            })
            .collect();
        let uncounted = rows.iter().any(|r| r.3 == 0);
        // Everyone counted, by group, mode and last day.
        let mut q = QueryBuilder::new("");
        push_ctes(&mut q, by, &rows);
        q.push(format!(
            "SELECT x.g, x.mode, x.leaves, COUNT(*), CAST(SUM(x.km) AS DOUBLE PRECISION) FROM {people} x
             WHERE x.leaves IS NULL OR x.leaves >= "
        ));
        q.push_bind(from).push(" GROUP BY x.g, x.mode, x.leaves");
        let p_rows = q.build_query_as().fetch_all(&mut *tx).await?;
        // The active agreements' spans and weekdays.
        let mut q = QueryBuilder::new("");
        push_ctes(&mut q, by, &rows);
        q.push(format!(
            "SELECT x.g, x.mode, a.start_date, a.end_date, a.ends_on, x.leaves, CAST(a.weekdays AS TEXT),
                    COUNT(*), CAST(SUM(x.km) AS DOUBLE PRECISION)
             FROM agreements a JOIN {people} x ON x.pid = a.person_id
             WHERE a.state = 'active' AND (x.leaves IS NULL OR x.leaves >= "
        ));
        q.push_bind(from).push(") AND a.start_date <= ").push_bind(to)
            .push(" AND (a.end_date IS NULL OR a.end_date >= ").push_bind(from)
            .push(") AND (a.ends_on IS NULL OR a.ends_on >= ").push_bind(from)
            .push(") GROUP BY x.g, x.mode, a.start_date, a.end_date, a.ends_on, x.leaves, CAST(a.weekdays AS TEXT)");
        let s_rows = q.build_query_as().fetch_all(&mut *tx).await?;
        // The exceptions: the counted days' counts, and any day a write
        // made uncounted since, counted here; a key may come twice (the
        // core adds them up). `CROSS JOIN` keeps SQLite's order: each
        // day's counted rows by the day, then each one's group by its
        // unit (from `grp`, made once).
        let (group, join) = match by {
            GroupBy::Subtree(_) => (
                "grp.g",
                " CROSS JOIN grp WHERE grp.unit_id = c.unit_id AND",
            ),
            GroupBy::Sites => ("c.site_id", " WHERE c.site_id IS NOT NULL AND"),
        };
        let mut q = QueryBuilder::new("");
        push_ctes(&mut q, by, &rows);
        q.push(format!(
            "SELECT {group}, c.mode, d.b, c.kind, c.half, c.state, c.base,
                    CAST(SUM(c.n) AS BIGINT), CAST(SUM(c.km) AS DOUBLE PRECISION)
             FROM days d CROSS JOIN stats_day_counts c{join} d.c = 1 AND c.day = d.day
             GROUP BY {group}, c.mode, d.b, c.kind, c.half, c.state, c.base"
        ));
        if uncounted {
            q.push(" UNION ALL SELECT ");
            q.push(format!(
                "{group}, c.mode, d.b, c.kind, c.half, c.state, c.base,
                    CAST(SUM(c.n) AS BIGINT), CAST(SUM(c.km) AS DOUBLE PRECISION) FROM ("
            ));
            push_live_counts(&mut q, first, last);
            q.push(format!(
                ") c CROSS JOIN days d{join} d.day = c.day
                 GROUP BY {group}, c.mode, d.b, c.kind, c.half, c.state, c.base"
            ));
        }
        let exceptions = q.build_query_as().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        Ok((p_rows, s_rows, exceptions))
    })?;
    let mut out = PlanCounts::default();
    for (g, m, leaves, people, km) in p_rows {
        out.people.push(PeopleCount {
            key: key(g, m)?,
            last_day: leaves,
            people,
            km,
        });
    }
    for (g, m, start, end, ends_on, leaves, weekdays, count, km) in s_rows {
        out.spans.push(SpanCount {
            key: key(g, m)?,
            start,
            last: last_day(end, ends_on),
            leaves,
            weekdays: json("agreements.weekdays", &weekdays)?,
            count,
            km,
        });
    }
    for (g, m, b, kind, half, state, base, count, km) in exceptions {
        out.exceptions.push(ExceptionCount {
            key: key(g, m)?,
            bucket: b as usize,
            exception: stats_days::exception(kind, half),
            state: DayState::read("stats.state", &state)?,
            base: DayState::read("stats.base", &base)?,
            count,
            km,
        });
    }
    Ok(out)
}

#[cfg(test)]
#[path = "stats_tests.rs"]
mod tests;
