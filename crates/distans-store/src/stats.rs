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
            WHERE rp.superseded_at IS NULL AND rd.person_id = {pid} AND rd.day = {day}), {})",
        agreement_state(pid, day, wd)
    )
}

/// A unit's segment of a path: its id and a `/`.
const UUID_SEGMENT: i64 = 37;

/// Pushes `WITH days(day, wd, b) AS (VALUES …)[, grp(unit_id, g) AS (…)] `.
fn push_ctes<'a, DB>(q: &mut QueryBuilder<'a, DB>, by: &'a GroupBy, days: &'a [StatsDay])
where
    DB: sqlx::Database,
    Date: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    q.push("WITH days(day, wd, b) AS (VALUES ");
    let mut sep = q.separated(", ");
    for d in days {
        sep.push("(");
        sep.push_bind_unseparated(d.day);
        sep.push_unseparated(", ");
        sep.push_bind_unseparated(d.weekday.as_str());
        sep.push_unseparated(", ");
        sep.push_bind_unseparated(d.bucket as i64);
        sep.push_unseparated(")");
    }
    q.push(")");
    if let GroupBy::Subtree(path) = by {
        // Each open unit under the path, with the unit it counts for: the
        // path's own unit, or the child of it whose subtree holds it.
        let len = path.len() as i64;
        q.push(
            ", grp(unit_id, g) AS (SELECT u.id, gu.id FROM units u JOIN units gu
               ON gu.path = CASE WHEN u.path = ",
        );
        q.push_bind(path.as_str())
            .push(" THEN u.path ELSE substr(u.path, 1, CAST(")
            .push_bind(len + UUID_SEGMENT)
            .push(" AS INTEGER)) END WHERE u.closed_at IS NULL AND substr(u.path, 1, CAST(")
            .push_bind(len)
            .push(" AS INTEGER)) = ")
            .push_bind(path.as_str())
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
type ExceptionRow = (Uuid, Option<String>, i64, String, i64, String, i64, f64);

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
        if days.is_empty() {
            return Ok(PlanCounts::default());
        }
        let people = match by {
            GroupBy::Subtree(_) => PEOPLE_BY_UNIT,
            GroupBy::Sites => PEOPLE_BY_SITE,
        };
        let living = "(x.leaves IS NULL OR d.day <= x.leaves)";
        // `CROSS JOIN` keeps SQLite's join order as written: from the few
        // exception rows to their day and person (PostgreSQL plans it freely).
        let (p_rows, s_rows, rot, occ, abs): (
            Vec<PeopleRow>,
            Vec<SpanRow>,
            Vec<ExceptionRow>,
            Vec<ExceptionRow>,
            Vec<ExceptionRow>,
        ) = on_db!(self.db(), p => {
            // Everyone counted, by group, mode and last day.
            let mut q = QueryBuilder::new("");
            push_ctes(&mut q, by, days);
            q.push(format!(
                "SELECT x.g, x.mode, x.leaves, COUNT(*), CAST(SUM(x.km) AS DOUBLE PRECISION) FROM {people} x
                 WHERE x.leaves IS NULL OR x.leaves >= "
            ));
            q.push_bind(from).push(" GROUP BY x.g, x.mode, x.leaves");
            let p_rows = q.build_query_as().fetch_all(p).await?;
            // The active agreements' spans and weekdays.
            let mut q = QueryBuilder::new("");
            push_ctes(&mut q, by, days);
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
            let s_rows = q.build_query_as().fetch_all(p).await?;
            // Published rotation days, against the agreement's day.
            let mut q = QueryBuilder::new("");
            push_ctes(&mut q, by, days);
            q.push(format!(
                "SELECT y.g, y.mode, y.b, y.state, CAST(0 AS BIGINT), y.base, COUNT(*), CAST(SUM(y.km) AS DOUBLE PRECISION) FROM (
                   SELECT x.g, x.mode, x.km, d.b, r.state, {} AS base
                   FROM (SELECT rd.person_id, rd.day, MAX(rd.state) AS state FROM rotation_days rd
                         JOIN rotation_plans rp ON rp.id = rd.plan_id
                         WHERE rp.superseded_at IS NULL AND rd.day >= ",
                agreement_state("r.person_id", "d.day", "d.wd")
            ));
            q.push_bind(from).push(" AND rd.day <= ").push_bind(to);
            q.push(format!(
                " GROUP BY rd.person_id, rd.day) r
                   CROSS JOIN days d CROSS JOIN {people} x
                   WHERE d.day = r.day AND x.pid = r.person_id AND {living}
                 ) y GROUP BY y.g, y.mode, y.b, y.state, y.base"
            ));
            let rot = q.build_query_as().fetch_all(p).await?;
            // Occasional days on days without absence, against the day's base.
            let mut q = QueryBuilder::new("");
            push_ctes(&mut q, by, days);
            q.push(format!(
                "SELECT y.g, y.mode, y.b, y.state, y.half, y.base, COUNT(*), CAST(SUM(y.km) AS DOUBLE PRECISION) FROM (
                   SELECT x.g, x.mode, x.km, d.b, o.state,
                          CAST(CASE WHEN o.part IS NULL THEN 0 ELSE 1 END AS BIGINT) AS half, {} AS base
                   FROM days d CROSS JOIN occasional_days o CROSS JOIN {people} x
                   WHERE o.day = d.day AND x.pid = o.person_id AND {living} AND NOT EXISTS (SELECT 1 FROM absences ab WHERE ab.person_id = o.person_id
                         AND ab.first_day <= d.day AND ab.last_day >= d.day)
                 ) y GROUP BY y.g, y.mode, y.b, y.state, y.half, y.base",
                base_state("o.person_id", "d.day", "d.wd")
            ));
            let occ = q.build_query_as().fetch_all(p).await?;
            // Absent days (each once, however many absences cover it).
            let mut q = QueryBuilder::new("");
            push_ctes(&mut q, by, days);
            q.push(format!(
                "SELECT y.g, y.mode, y.b, 'absent', CAST(0 AS BIGINT), y.base, COUNT(*), CAST(SUM(y.km) AS DOUBLE PRECISION) FROM (
                   SELECT x.g, x.mode, x.km, d.b, {} AS base
                   FROM (SELECT DISTINCT ab.person_id, dd.day FROM absences ab
                         JOIN days dd ON dd.day >= ab.first_day AND dd.day <= ab.last_day
                         WHERE ab.last_day >= ",
                base_state("z.person_id", "d.day", "d.wd")
            ));
            q.push_bind(from).push(" AND ab.first_day <= ").push_bind(to);
            q.push(format!(
                ") z CROSS JOIN days d CROSS JOIN {people} x
                   WHERE d.day = z.day AND x.pid = z.person_id AND {living}
                 ) y GROUP BY y.g, y.mode, y.b, y.base"
            ));
            let abs = q.build_query_as().fetch_all(p).await?;
            Ok((p_rows, s_rows, rot, occ, abs))
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
        for (rows, kind) in [(rot, 0), (occ, 1), (abs, 2)] {
            for (g, m, b, state, half, base, count, km) in rows {
                out.exceptions.push(ExceptionCount {
                    key: key(g, m)?,
                    bucket: b as usize,
                    exception: match kind {
                        0 => Exception::Rotation,
                        1 => Exception::Occasional { half: half != 0 },
                        _ => Exception::Absence,
                    },
                    state: DayState::read("stats.state", &state)?,
                    base: DayState::read("stats.base", &base)?,
                    count,
                    km,
                });
            }
        }
        Ok(out)
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
