//! The plan's rules and exceptions: occasional days, absences, the active
//! agreements' weekdays, closed days. Called from the `Store` impl.

use std::collections::HashMap;

use sqlx::types::Json;
use sqlx::QueryBuilder;
use time::Date;
use uuid::Uuid;

use distans_core::kernel::dates::Weekday;
use distans_core::kernel::Work;
use distans_core::plan::{AgreementSpan, DayState, Occasional, Part, PersonRules, SitePeople};
use distans_core::CoreResult;

use crate::impl_store::{append_audit_rows, BeginWrite, SqlStore};
use crate::{db_err, on_db_old as on_db};

fn state_of(s: &str) -> DayState {
    match s {
        "remote" => DayState::Remote,
        "other" => DayState::Other,
        "absent" => DayState::Absent,
        _ => DayState::Workplace,
    }
}

fn state_str(s: DayState) -> &'static str {
    match s {
        DayState::Workplace => "workplace",
        DayState::Remote => "remote",
        DayState::Other => "other",
        DayState::Absent => "absent",
    }
}

fn part_of(s: Option<&str>) -> Option<Part> {
    match s {
        Some("am") => Some(Part::Am),
        Some("pm") => Some(Part::Pm),
        _ => None,
    }
}

/// person, day, state, part
type OccasionalRow = (Uuid, Date, String, Option<String>);
/// person, start, end, ends on, weekdays, days a week
type SpanRow = (
    Uuid,
    Date,
    Option<Date>,
    Option<Date>,
    Json<Vec<Weekday>>,
    i64,
);
/// person, day, state
type RotationRow = (Uuid, Date, String);
/// Occasional days, absences (person, first, last), agreement spans, rotation days.
type RulesRows = (
    Vec<OccasionalRow>,
    Vec<(Uuid, Date, Date)>,
    Vec<SpanRow>,
    Vec<RotationRow>,
);

/// Whose rules to load.
#[derive(Clone, Copy)]
pub(crate) enum Who<'a> {
    Ids(&'a [Uuid]),
    /// Everyone sitting at a site (their own site, else their unit's).
    Site(Uuid),
    Everyone,
}

/// Appends ` AND <column> IN (…)` for `who`.
fn push_who<'a, DB>(q: &mut QueryBuilder<'a, DB>, column: &str, who: Who<'_>)
where
    DB: sqlx::Database,
    Uuid: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    match who {
        Who::Ids(ids) => {
            q.push(format!(" AND {column} IN ("));
            let mut sep = q.separated(", ");
            for id in ids {
                sep.push_bind(*id);
            }
            q.push(")");
        }
        Who::Site(site) => {
            q.push(format!(
                " AND {column} IN (SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id WHERE p.site_id = "
            ));
            q.push_bind(site)
                .push(" OR (p.site_id IS NULL AND u.site_id = ")
                .push_bind(site)
                .push("))");
        }
        Who::Everyone => {}
    }
}

/// The weekdays (Monday–Friday) between two dates.
fn weekdays_in(from: Date, to: Date) -> Vec<Weekday> {
    let mut out = vec![];
    let mut d = from;
    while d <= to && out.len() < 5 {
        if let Some(w) = Weekday::of(d) {
            if !out.contains(&w) {
                out.push(w);
            }
        }
        d += time::Duration::days(1);
    }
    out
}

impl SqlStore {
    async fn rules_rows(&self, who: Who<'_>, from: Date, to: Date) -> CoreResult<RulesRows> {
        Ok(on_db!(self.db(), p => {
            let mut q = QueryBuilder::new("SELECT person_id, day, state, part FROM occasional_days WHERE day >= ");
            q.push_bind(from).push(" AND day <= ").push_bind(to);
            push_who(&mut q, "person_id", who);
            let occ: Vec<OccasionalRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new("SELECT person_id, first_day, last_day FROM absences WHERE last_day >= ");
            q.push_bind(from).push(" AND first_day <= ").push_bind(to);
            push_who(&mut q, "person_id", who);
            let abs: Vec<(Uuid, Date, Date)> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new("SELECT person_id, start_date, end_date, ends_on, weekdays, CAST(days_per_week AS BIGINT) FROM agreements WHERE state = 'active' AND start_date <= ");
            q.push_bind(to)
                .push(" AND (end_date IS NULL OR end_date >= ").push_bind(from)
                .push(") AND (ends_on IS NULL OR ends_on >= ").push_bind(from).push(")");
            // A short period: only agreements with a weekday in it matter.
            let days = weekdays_in(from, to);
            if days.len() < 5 {
                q.push(" AND (1 = 0");
                for w in &days {
                    q.push(format!(" OR CAST(weekdays AS TEXT) LIKE '%\"{}\"%'", w.as_str()));
                }
                q.push(")");
            }
            push_who(&mut q, "person_id", who);
            let spans: Vec<SpanRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new("SELECT d.person_id, d.day, d.state FROM rotation_days d JOIN rotation_plans r ON r.id = d.plan_id WHERE r.superseded_at IS NULL AND d.day >= ");
            q.push_bind(from).push(" AND d.day <= ").push_bind(to);
            push_who(&mut q, "d.person_id", who);
            let rot: Vec<RotationRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
            (occ, abs, spans, rot)
        }))
    }

    /// Folds loaded rows into `out` (people not in `out` are skipped).
    fn fold_rules(out: &mut HashMap<Uuid, PersonRules>, rows: RulesRows, from: Date) {
        let (occ, abs, spans, rot) = rows;
        for (person, day, state, part) in occ {
            if let Some(r) = out.get_mut(&person) {
                r.occasional.insert(
                    day,
                    Occasional {
                        state: state_of(&state),
                        part: part_of(part.as_deref()),
                    },
                );
            }
        }
        for (person, a, b) in abs {
            if let Some(r) = out.get_mut(&person) {
                r.absences.push((a, b));
            }
        }
        for (person, start, end, ends_on, weekdays, days_per_week) in spans {
            let last = match (end, ends_on) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if last.is_some_and(|l| l < from) {
                continue;
            }
            if let Some(r) = out.get_mut(&person) {
                r.agreements.push(AgreementSpan {
                    start,
                    last,
                    weekdays: weekdays.0,
                    days_per_week,
                });
            }
        }
        for (person, day, state) in rot {
            if let Some(r) = out.get_mut(&person) {
                r.rotation.insert(day, state_of(&state));
            }
        }
    }

    pub(crate) async fn plan_rules_impl(
        &self,
        people: &[Uuid],
        from: Date,
        to: Date,
    ) -> CoreResult<HashMap<Uuid, PersonRules>> {
        let mut out: HashMap<Uuid, PersonRules> = people
            .iter()
            .map(|p| (*p, PersonRules::default()))
            .collect();
        for chunk in people.chunks(500) {
            let rows = self.rules_rows(Who::Ids(chunk), from, to).await?;
            Self::fold_rules(&mut out, rows, from);
        }
        Ok(out)
    }

    pub(crate) async fn site_plan_rules_impl(
        &self,
        site: Option<Uuid>,
        from: Date,
        to: Date,
    ) -> CoreResult<SitePeople> {
        // How many sit where, counted by the database; rules only for those
        // who have any in the period.
        let counts: Vec<(Option<Uuid>, i64)> = on_db!(self.db(), p => {
            let mut q = QueryBuilder::new("SELECT COALESCE(p.site_id, u.site_id), COUNT(*) FROM people p JOIN units u ON u.id = p.unit_id");
            if let Some(s) = site {
                q.push(" WHERE p.site_id = ").push_bind(s).push(" OR (p.site_id IS NULL AND u.site_id = ").push_bind(s).push(")");
            }
            q.push(" GROUP BY COALESCE(p.site_id, u.site_id)");
            q.build_query_as().fetch_all(p).await.map_err(db_err)?
        });
        let who = match site {
            Some(s) => Who::Site(s),
            None => Who::Everyone,
        };
        let rows = self.rules_rows(who, from, to).await?;
        let mut rules: HashMap<Uuid, PersonRules> = HashMap::new();
        for id in rows
            .0
            .iter()
            .map(|r| r.0)
            .chain(rows.1.iter().map(|r| r.0))
            .chain(rows.2.iter().map(|r| r.0))
            .chain(rows.3.iter().map(|r| r.0))
        {
            rules.entry(id).or_default();
        }
        Self::fold_rules(&mut rules, rows, from);
        let ids: Vec<Uuid> = rules.keys().copied().collect();
        let mut people = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sites: Vec<(Uuid, Option<Uuid>)> = on_db!(self.db(), p => {
                let mut q = QueryBuilder::new("SELECT p.id, COALESCE(p.site_id, u.site_id) FROM people p JOIN units u ON u.id = p.unit_id WHERE 1 = 1");
                push_who(&mut q, "p.id", Who::Ids(chunk));
                q.build_query_as().fetch_all(p).await.map_err(db_err)?
            });
            for (id, s) in sites {
                if let Some(r) = rules.remove(&id) {
                    people.push((id, s, r));
                }
            }
        }
        Ok(SitePeople { counts, people })
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn publish_rotation_impl(
        &self,
        id: Uuid,
        unit: Uuid,
        first: Date,
        last: Date,
        cost: i64,
        days: &[(Uuid, Date, DayState)],
        by: Uuid,
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            sqlx::query("INSERT INTO rotation_plans (id, unit_id, first_day, last_day, cost, published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id).bind(unit).bind(first).bind(last).bind(cost).bind(by).bind(at)
                .execute(&mut *tx).await.map_err(db_err)?;
            // Earlier rotations' days of these people in this period give way.
            let mut people: Vec<Uuid> = days.iter().map(|d| d.0).collect();
            people.sort();
            people.dedup();
            for chunk in people.chunks(300) {
                let mut q = QueryBuilder::new("DELETE FROM rotation_days WHERE day >= ");
                q.push_bind(first).push(" AND day <= ").push_bind(last).push(" AND plan_id <> ").push_bind(id);
                push_who(&mut q, "person_id", Who::Ids(chunk));
                q.build().execute(&mut *tx).await.map_err(db_err)?;
            }
            for chunk in days.chunks(300) {
                let mut q = QueryBuilder::new("INSERT INTO rotation_days (plan_id, person_id, day, state) ");
                q.push_values(chunk, |mut b, (person, day, state)| {
                    b.push_bind(id).push_bind(*person).push_bind(*day).push_bind(state_str(*state));
                });
                q.build().execute(&mut *tx).await.map_err(db_err)?;
            }
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn closed_days_impl(&self, from: Date, to: Date) -> CoreResult<Vec<Date>> {
        let rows: Vec<(Date,)> = on_db!(self.db(), p => sqlx::query_as("SELECT day FROM closed_days WHERE day >= $1 AND day <= $2 ORDER BY day")
            .bind(from).bind(to).fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    pub(crate) async fn closed_days_named_impl(
        &self,
        from: Date,
        to: Date,
    ) -> CoreResult<Vec<(Date, String)>> {
        on_db!(self.db(), p => sqlx::query_as("SELECT day, name FROM closed_days WHERE day >= $1 AND day <= $2 ORDER BY day")
            .bind(from).bind(to).fetch_all(p).await.map_err(db_err))
    }

    pub(crate) async fn insert_closed_day_impl(
        &self,
        day: Date,
        name: &str,
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            sqlx::query("INSERT INTO closed_days (day, name) VALUES ($1, $2)")
                .bind(day).bind(name).execute(&mut *tx).await.map_err(db_err)?;
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn delete_closed_day_impl(&self, day: Date, work: &Work) -> CoreResult<bool> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let n = sqlx::query("DELETE FROM closed_days WHERE day = $1")
                .bind(day).execute(&mut *tx).await.map_err(db_err)?
                .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }

    pub(crate) async fn set_occasional_impl(
        &self,
        person: Uuid,
        day: Date,
        value: Option<Occasional>,
        by: Uuid,
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            match value {
                Some(o) => {
                    sqlx::query(
                        "INSERT INTO occasional_days (person_id, day, state, part, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (person_id, day) DO UPDATE SET state = excluded.state, part = excluded.part,
                            set_by = excluded.set_by, set_at = excluded.set_at")
                        .bind(person).bind(day).bind(state_str(o.state))
                        .bind(o.part.map(|p| if p == Part::Am { "am" } else { "pm" }))
                        .bind(by).bind(at)
                        .execute(&mut *tx).await.map_err(db_err)?;
                }
                None => {
                    sqlx::query("DELETE FROM occasional_days WHERE person_id = $1 AND day = $2")
                        .bind(person).bind(day).execute(&mut *tx).await.map_err(db_err)?;
                }
            }
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }
}
