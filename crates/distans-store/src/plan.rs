//! The plan's rules and exceptions as the plan reads them for a period:
//! occasional days, absences, the active agreements' weekdays and the
//! published rotations' days, for some people or everyone at a site.

use distans_core::kernel::PersonId;
use distans_core::kernel::SiteId;
use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::QueryBuilder;
use time::Date;
use uuid::Uuid;

use distans_core::kernel::dates::Weekday;
use distans_core::plan::{AgreementSpan, DayState, Occasional, Part, PersonRules, SitePeople};
use distans_core::store::PlanPort;
use distans_core::{CoreError, CoreResult};

use crate::db::on_db;
use crate::error::{invalid_stored, StoreResult};
use crate::sql::{push_list, Sql};
use crate::store::SqlStore;
use crate::stored::{json, Stored};

/// person, day, state, part
type OccasionalRow = (Uuid, Date, String, Option<String>);
/// person, start, end, ends on, weekdays, days a week
type SpanRow = (Uuid, Date, Option<Date>, Option<Date>, String, i64);
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
    Ids(&'a [PersonId]),
    /// Everyone sitting at a site (their own site, else their unit's).
    Site(Uuid),
    Everyone,
}

/// Appends ` AND <column> IN (…)` for `who`.
pub(crate) fn push_who(q: &mut impl Sql, column: &str, who: Who<'_>) {
    match who {
        Who::Ids(ids) => {
            q.push(format!(" AND {column} IN "));
            push_list(q, ids.iter().map(|i| i.uuid()));
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
    let mut next = Some(from);
    while let Some(d) = next.filter(|d| *d <= to && out.len() < 5) {
        if let Some(w) = Weekday::of(d) {
            if !out.contains(&w) {
                out.push(w);
            }
        }
        // Stops at the last day `time` can hold instead of overflowing.
        next = d.next_day();
    }
    out
}

/// The last day of an agreement: its end or the day it ends on, the earlier.
pub(crate) fn last_day(end: Option<Date>, ends_on: Option<Date>) -> Option<Date> {
    match (end, ends_on) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Folds loaded rows into `out` (people not in `out` are skipped).
fn fold_rules(
    out: &mut HashMap<PersonId, PersonRules>,
    rows: RulesRows,
    from: Date,
) -> StoreResult<()> {
    let (occ, abs, spans, rot) = rows;
    for (person, day, state, part) in occ {
        if let Some(r) = out.get_mut(&PersonId::from(person)) {
            let o = Occasional {
                state: DayState::read("occasional_days.state", &state)?,
                part: Part::read_opt("occasional_days.part", part.as_deref())?,
            };
            r.occasional.insert(day, o);
        }
    }
    for (person, a, b) in abs {
        if let Some(r) = out.get_mut(&PersonId::from(person)) {
            r.absences.push((a, b));
        }
    }
    for (person, start, end, ends_on, weekdays, days_per_week) in spans {
        let last = last_day(end, ends_on);
        if last.is_some_and(|l| l < from) {
            continue;
        }
        if let Some(r) = out.get_mut(&PersonId::from(person)) {
            r.agreements.push(AgreementSpan {
                start,
                last,
                weekdays: json("agreements.weekdays", &weekdays)?,
                days_per_week,
            });
        }
    }
    for (person, day, state) in rot {
        if let Some(r) = out.get_mut(&PersonId::from(person)) {
            r.rotation
                .insert(day, DayState::read("rotation_days.state", &state)?);
        }
    }
    Ok(())
}

/// One row of the plan's rules as [`SqlStore::rules_rows`] reads them: what
/// it is (`o` occasional day, `a` absence, `l` left, `g` agreement, `r`
/// rotation day), whose, up to three dates, two texts and a number.
type RuleRow = (
    String,
    Uuid,
    Option<Date>,
    Option<Date>,
    Option<Date>,
    Option<String>,
    Option<String>,
    i64,
);

impl SqlStore {
    /// Everything the plan follows from for `who` in a period, read in one
    /// query: occasional days, absences, those who have left (away from the
    /// day after their last), active agreements and published rotation days.
    async fn rules_rows(&self, who: Who<'_>, from: Date, to: Date) -> CoreResult<RulesRows> {
        let rows: Vec<RuleRow> = on_db!(self.db(), p => {
            let mut q = QueryBuilder::new(
                "SELECT CAST('o' AS TEXT), person_id, day, CAST(NULL AS DATE), CAST(NULL AS DATE), state, part, CAST(0 AS BIGINT)
                 FROM occasional_days WHERE day >= ",
            );
            q.push_bind(from).push(" AND day <= ").push_bind(to);
            push_who(&mut q, "person_id", who);
            q.push(
                " UNION ALL SELECT 'a', person_id, first_day, last_day, NULL, NULL, NULL, 0
                 FROM absences WHERE last_day >= ",
            );
            q.push_bind(from).push(" AND first_day <= ").push_bind(to);
            push_who(&mut q, "person_id", who);
            q.push(" UNION ALL SELECT 'l', id, last_day, NULL, NULL, NULL, NULL, 0 FROM people WHERE last_day < ");
            q.push_bind(to);
            if !matches!(who, Who::Ids(_)) {
                // Those gone before the period are not counted at all.
                q.push(" AND last_day >= ").push_bind(from);
            }
            push_who(&mut q, "id", who);
            q.push(
                " UNION ALL SELECT 'g', person_id, start_date, end_date, ends_on, CAST(weekdays AS TEXT), NULL,
                   CAST(days_per_week AS BIGINT)
                 FROM agreements WHERE state = 'active' AND start_date <= ",
            );
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
            q.push(
                " UNION ALL SELECT 'r', d.person_id, d.day, NULL, NULL, d.state, NULL, 0
                 FROM rotation_days d JOIN rotation_plans r ON r.id = d.plan_id
                 WHERE r.superseded_at IS NULL AND d.day >= ",
            );
            q.push_bind(from).push(" AND d.day <= ").push_bind(to);
            push_who(&mut q, "d.person_id", who);
            Ok(q.build_query_as().fetch_all(p).await?)
        })?;
        split_rules(rows, from, to)
    }
}

/// Sorts the rows of [`SqlStore::rules_rows`] by what they are.
fn split_rules(rows: Vec<RuleRow>, from: Date, to: Date) -> CoreResult<RulesRows> {
    let (mut occ, mut abs, mut spans, mut rot) = (vec![], vec![], vec![], vec![]);
    let missing = |column: &str| CoreError::from(invalid_stored(column, "NULL"));
    for (kind, person, d1, d2, d3, s, t, n) in rows {
        match kind.as_str() {
            "o" => occ.push((
                person,
                d1.ok_or_else(|| missing("occasional_days.day"))?,
                s.ok_or_else(|| missing("occasional_days.state"))?,
                t,
            )),
            "a" => abs.push((
                person,
                d1.ok_or_else(|| missing("absences.first_day"))?,
                d2.ok_or_else(|| missing("absences.last_day"))?,
            )),
            "l" => {
                let last = d1.ok_or_else(|| missing("people.last_day"))?;
                if let Some(first) = last.next_day() {
                    abs.push((person, first.max(from), to));
                }
            }
            "g" => spans.push((
                person,
                d1.ok_or_else(|| missing("agreements.start_date"))?,
                d2,
                d3,
                s.ok_or_else(|| missing("agreements.weekdays"))?,
                n,
            )),
            "r" => rot.push((
                person,
                d1.ok_or_else(|| missing("rotation_days.day"))?,
                s.ok_or_else(|| missing("rotation_days.state"))?,
            )),
            other => return Err(invalid_stored("the plan's rule kind", other).into()),
        }
    }
    Ok((occ, abs, spans, rot))
}

#[async_trait]
impl PlanPort for SqlStore {
    #[tracing::instrument(skip_all, fields(people = people.len()))]
    async fn plan_rules(
        &self,
        people: &[PersonId],
        from: Date,
        to: Date,
    ) -> CoreResult<HashMap<PersonId, PersonRules>> {
        let mut out: HashMap<PersonId, PersonRules> = people
            .iter()
            .map(|p| (*p, PersonRules::default()))
            .collect();
        for chunk in people.chunks(500) {
            let rows = self.rules_rows(Who::Ids(chunk), from, to).await?;
            fold_rules(&mut out, rows, from)?;
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    async fn site_plan_rules(
        &self,
        site: Option<SiteId>,
        from: Date,
        to: Date,
    ) -> CoreResult<SitePeople> {
        // How many sit where, counted by the database; rules only for those
        // who have any in the period.
        let counts: Vec<(Option<Uuid>, i64)> = on_db!(self.db(), p => {
            let mut q = QueryBuilder::new(
                "SELECT COALESCE(p.site_id, u.site_id), COUNT(*) FROM people p JOIN units u ON u.id = p.unit_id
                 WHERE (p.last_day IS NULL OR p.last_day >= ",
            );
            q.push_bind(from).push(")");
            if let Some(s) = site {
                q.push(" AND (p.site_id = ").push_bind(s.uuid());
                q.push(" OR (p.site_id IS NULL AND u.site_id = ").push_bind(s.uuid()).push("))");
            }
            q.push(" GROUP BY COALESCE(p.site_id, u.site_id)");
            Ok(q.build_query_as().fetch_all(p).await?)
        })?;
        let who = match site {
            Some(s) => Who::Site(s.into()),
            None => Who::Everyone,
        };
        let rows = self.rules_rows(who, from, to).await?;
        let mut rules: HashMap<PersonId, PersonRules> = HashMap::new();
        for id in rows
            .0
            .iter()
            .map(|r| r.0)
            .chain(rows.1.iter().map(|r| r.0))
            .chain(rows.2.iter().map(|r| r.0))
            .chain(rows.3.iter().map(|r| r.0))
        {
            rules.entry(id.into()).or_default();
        }
        fold_rules(&mut rules, rows, from)?;
        let ids: Vec<PersonId> = rules.keys().copied().collect();
        let mut people = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sites: Vec<(Uuid, Option<Uuid>)> = on_db!(self.db(), p => {
                let mut q = QueryBuilder::new(
                    "SELECT p.id, COALESCE(p.site_id, u.site_id) FROM people p JOIN units u ON u.id = p.unit_id WHERE 1 = 1",
                );
                push_who(&mut q, "p.id", Who::Ids(chunk));
                Ok(q.build_query_as().fetch_all(p).await?)
            })?;
            for (id, s) in sites {
                let id = PersonId::from(id);
                if let Some(r) = rules.remove(&id) {
                    people.push((id, s.map(Into::into), r));
                }
            }
        }
        Ok(SitePeople {
            counts: counts
                .into_iter()
                .map(|(s, n)| (s.map(Into::into), n))
                .collect(),
            people,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_weekdays_of_a_period_stop_at_its_end_and_never_overflow() {
        assert_eq!(
            weekdays_in(date!(2026 - 11 - 27), date!(2026 - 11 - 30)),
            [Weekday::Fri, Weekday::Mon]
        );
        assert_eq!(weekdays_in(Date::MAX, Date::MAX).len(), 1);
        assert!(weekdays_in(date!(2026 - 11 - 30), date!(2026 - 11 - 29)).is_empty());
        assert_eq!(weekdays_in(Date::MIN, Date::MAX).len(), 5);
    }
}
