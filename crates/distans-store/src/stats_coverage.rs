//! The coverage figure of the statistics: the plan counted per unit (its
//! own people), skill and day, as `stats::plan_counts` counts it per group
//! and week. Every query groups in SQL: what comes back is a few rows per
//! unit and day (people, agreement spans, exceptions), never person-days.
//! The core rolls the units up their tree and compares with the rules.

use std::collections::HashMap;

use sqlx::QueryBuilder;
use time::Date;
use uuid::Uuid;

use distans_core::coverage::CoverageRule;
use distans_core::kernel::gap::RuleKind;
use distans_core::plan::DayState;
use distans_core::stats::*;
use distans_core::CoreResult;

use crate::db::on_db;
use crate::plan::last_day;
use crate::sql::Sql;
use crate::stats_days::{self, agreement_state, base_state, DayRow};
use crate::store::SqlStore;
use crate::stored::{json, json_opt, Stored};

/// (id, unit, kind, skill, min, weekdays, version, site, desks)
type RuleRow = (
    Uuid,
    Uuid,
    String,
    Option<String>,
    i64,
    Option<String>,
    i64,
    Option<Uuid>,
    Option<i64>,
);
type PeopleRow = (Uuid, String, Option<Date>, i64);
type SpanRow = (
    Uuid,
    String,
    Date,
    Option<Date>,
    Option<Date>,
    Option<Date>,
    String,
    i64,
);
type ExceptionRow = (Uuid, String, i64, String, i64, String, i64);
/// People, spans, and rotation, occasional and absent days.
type Counted = (
    Vec<PeopleRow>,
    Vec<SpanRow>,
    Vec<ExceptionRow>,
    Vec<ExceptionRow>,
    Vec<ExceptionRow>,
);

/// Pushes `WITH days(day, wd, b, c) AS (VALUES …), sk(skill) AS (…),
/// x(pid, u, s, leaves) AS (…) `: the workdays; the skills a minimum asks
/// for; and the people of the open units under the path, once for all
/// (`s` empty) and once for each skill of theirs a minimum asks for.
fn push_ctes(q: &mut impl Sql, path: &str, days: &[StatsDay]) {
    let rows: Vec<DayRow> = days
        .iter()
        .map(|d| (d.day, d.weekday.as_str(), d.bucket as i64, 1))
        .collect();
    q.push("WITH ");
    stats_days::push_days(q, &rows);
    let len = path.len() as i64;
    q.push(
        ", sk(skill) AS (SELECT DISTINCT skill FROM coverage_rules
            WHERE kind = 'min_onsite' AND skill IS NOT NULL),
         pu(pid, u, leaves) AS (SELECT p.id, p.unit_id, p.last_day FROM people p
            JOIN units un ON un.id = p.unit_id
            WHERE un.closed_at IS NULL AND substr(un.path, 1, CAST(",
    );
    q.push_bind(len)
        .push(" AS INTEGER)) = ")
        .push_bind(path.to_string())
        .push(
            "),
         x(pid, u, s, leaves) AS (SELECT pid, u, CAST('' AS TEXT), leaves FROM pu
            UNION ALL SELECT pu.pid, pu.u, ps.skill, pu.leaves FROM pu
            JOIN person_skills ps ON ps.person_id = pu.pid JOIN sk ON sk.skill = ps.skill) ",
        );
}

/// The keys met so far, by unit and skill (`""`: everyone).
#[derive(Default)]
struct Keys {
    index: HashMap<(Uuid, String), usize>,
    keys: Vec<OnSiteKey>,
}

impl Keys {
    fn of(&mut self, unit: Uuid, skill: String) -> usize {
        if let Some(i) = self.index.get(&(unit, skill.clone())) {
            return *i;
        }
        let i = self.keys.len();
        self.keys.push(OnSiteKey {
            unit: unit.into(),
            skill: (!skill.is_empty()).then(|| skill.clone()),
        });
        self.index.insert((unit, skill), i);
        i
    }
}

pub(crate) async fn gap_rules(store: &SqlStore, path: &str) -> CoreResult<Vec<GapRule>> {
    let len = path.len() as i64;
    let rows: Vec<RuleRow> = on_db!(store.db(), p => {
        Ok(sqlx::query_as(
            "SELECT r.id, r.unit_id, r.kind, r.skill, CAST(r.min_onsite AS BIGINT),
                    CAST(r.weekdays AS TEXT), CAST(r.version AS BIGINT), s.id, CAST(s.desks AS BIGINT)
             FROM coverage_rules r JOIN units u ON u.id = r.unit_id
             LEFT JOIN sites s ON s.id = u.site_id
             WHERE u.closed_at IS NULL AND substr(u.path, 1, CAST($1 AS INTEGER)) = $2
             ORDER BY u.path, r.id",
        )
        .bind(len)
        .bind(path)
        .fetch_all(p)
        .await?)
    })?;
    rows.into_iter()
        .map(
            |(id, unit, kind, skill, min_onsite, weekdays, version, site, desks)| {
                Ok(GapRule {
                    rule: CoverageRule {
                        id: id.into(),
                        unit_id: unit.into(),
                        kind: RuleKind::read("coverage_rules.kind", &kind)?,
                        skill,
                        min_onsite,
                        weekdays: json_opt("coverage_rules.weekdays", weekdays.as_deref())?,
                        version,
                    },
                    site: site.zip(desks),
                })
            },
        )
        .collect()
}

pub(crate) async fn on_site_counts(
    store: &SqlStore,
    path: &str,
    days: &[StatsDay],
    from: Date,
    to: Date,
) -> CoreResult<OnSiteCounts> {
    let living = "(x.leaves IS NULL OR d.day <= x.leaves)";
    // `CROSS JOIN` keeps SQLite's join order as written: from the few
    // exception rows to their day and person.
    let (p_rows, s_rows, rot, occ, abs): Counted = on_db!(store.db(), p => {
        // Everyone counted, by unit, skill and last day.
        let mut q = QueryBuilder::new("");
        push_ctes(&mut q, path, days);
        q.push("SELECT x.u, x.s, x.leaves, COUNT(*) FROM x WHERE x.leaves IS NULL OR x.leaves >= ");
        q.push_bind(from).push(" GROUP BY x.u, x.s, x.leaves");
        let p_rows = q.build_query_as().fetch_all(p).await?;
        // The active agreements' spans and weekdays.
        let mut q = QueryBuilder::new("");
        push_ctes(&mut q, path, days);
        q.push(
            "SELECT x.u, x.s, a.start_date, a.end_date, a.ends_on, x.leaves, CAST(a.weekdays AS TEXT), COUNT(*)
             FROM agreements a JOIN x ON x.pid = a.person_id
             WHERE a.state = 'active' AND (x.leaves IS NULL OR x.leaves >= ",
        );
        q.push_bind(from).push(") AND a.start_date <= ").push_bind(to)
            .push(" AND (a.end_date IS NULL OR a.end_date >= ").push_bind(from)
            .push(") AND (a.ends_on IS NULL OR a.ends_on >= ").push_bind(from)
            .push(") GROUP BY x.u, x.s, a.start_date, a.end_date, a.ends_on, x.leaves, CAST(a.weekdays AS TEXT)");
        let s_rows = q.build_query_as().fetch_all(p).await?;
        // Published rotation days, against the agreement's day.
        let mut q = QueryBuilder::new("");
        push_ctes(&mut q, path, days);
        q.push(format!(
            "SELECT y.u, y.s, y.b, y.state, CAST(0 AS BIGINT), y.base, COUNT(*) FROM (
               SELECT x.u, x.s, d.b, r.state, {} AS base FROM ",
            agreement_state("r.person_id", "d.day", "d.wd")
        ));
        stats_days::push_rotation_days(&mut q, from, to);
        q.push(format!(
            " CROSS JOIN days d CROSS JOIN x
               WHERE d.day = r.day AND x.pid = r.person_id AND {living}
             ) y GROUP BY y.u, y.s, y.b, y.state, y.base"
        ));
        let rot = q.build_query_as().fetch_all(p).await?;
        // Occasional days on days without absence, against the day's base.
        let mut q = QueryBuilder::new("");
        push_ctes(&mut q, path, days);
        q.push(format!(
            "SELECT y.u, y.s, y.b, y.state, y.half, y.base, COUNT(*) FROM (
               SELECT x.u, x.s, d.b, o.state,
                      CAST(CASE WHEN o.part IS NULL THEN 0 ELSE 1 END AS BIGINT) AS half, {} AS base
               FROM days d CROSS JOIN occasional_days o CROSS JOIN x
               WHERE o.day = d.day AND x.pid = o.person_id AND {living} AND NOT EXISTS (SELECT 1 FROM absences ab
                     WHERE ab.person_id = o.person_id AND ab.first_day <= d.day AND ab.last_day >= d.day)
             ) y GROUP BY y.u, y.s, y.b, y.state, y.half, y.base",
            base_state("o.person_id", "d.day", "d.wd")
        ));
        let occ = q.build_query_as().fetch_all(p).await?;
        // Absent days (each once, however many absences cover it).
        let mut q = QueryBuilder::new("");
        push_ctes(&mut q, path, days);
        q.push(format!(
            "SELECT y.u, y.s, y.b, 'absent', CAST(0 AS BIGINT), y.base, COUNT(*) FROM (
               SELECT x.u, x.s, d.b, {} AS base
               FROM (SELECT DISTINCT ab.person_id, dd.day FROM absences ab
                     JOIN days dd ON dd.day >= ab.first_day AND dd.day <= ab.last_day
                     WHERE ab.last_day >= ",
            base_state("z.person_id", "d.day", "d.wd")
        ));
        q.push_bind(from).push(" AND ab.first_day <= ").push_bind(to);
        q.push(format!(
            ") z CROSS JOIN days d CROSS JOIN x
               WHERE d.day = z.day AND x.pid = z.person_id AND {living}
             ) y GROUP BY y.u, y.s, y.b, y.base"
        ));
        let abs = q.build_query_as().fetch_all(p).await?;
        Ok((p_rows, s_rows, rot, occ, abs))
    })?;
    let mut keys = Keys::default();
    let mut out = OnSiteCounts::default();
    for (u, s, leaves, people) in p_rows {
        out.people.push(KeyPeople {
            key: keys.of(u, s),
            last_day: leaves,
            people,
        });
    }
    for (u, s, start, end, ends_on, leaves, weekdays, count) in s_rows {
        out.spans.push(KeySpan {
            key: keys.of(u, s),
            start,
            last: last_day(end, ends_on),
            leaves,
            weekdays: json("agreements.weekdays", &weekdays)?,
            count,
        });
    }
    for (rows, kind) in [(rot, 0), (occ, 1), (abs, 2)] {
        for (u, s, b, state, half, base, count) in rows {
            out.exceptions.push(KeyException {
                key: keys.of(u, s),
                day: usize::try_from(b).unwrap_or(usize::MAX),
                exception: stats_days::exception(kind, half),
                state: DayState::read("stats.state", &state)?,
                base: DayState::read("stats.base", &base)?,
                count,
            });
        }
    }
    out.keys = keys.keys;
    Ok(out)
}
