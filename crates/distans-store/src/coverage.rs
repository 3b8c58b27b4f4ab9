//! Coverage rules per unit (at least so many on site, with a skill, on
//! some weekdays; at most the site's desks) and the members a rule counts.

use distans_core::kernel::CoverageRuleId;
use distans_core::kernel::{PersonId, UnitId};
use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::types::Json;
use sqlx::QueryBuilder;
use uuid::Uuid;

use distans_core::coverage::{CoverageRule, Member};
use distans_core::kernel::gap::RuleKind;
use distans_core::kernel::Work;
use distans_core::store::CoveragePort;
use distans_core::{CoreError, CoreResult};

use crate::db::{fetch, on_db, read_one};
use crate::sql::{insert_rows, push_list};
use crate::store::{each, must_change, name, row, write_work, SqlStore};
use crate::stored::{json_opt, Stored};

row! {
    struct RuleRow => CoverageRule {
        id: Uuid,
        unit_id: Uuid,
        skill: Option<String>,
        min_onsite: i64,
        version: i64,
    }
    with {
        kind: String,
        weekdays: Option<String>,
    }
    |r| {
        kind: RuleKind::read("coverage_rules.kind", &r.kind)?,
        weekdays: json_opt("coverage_rules.weekdays", r.weekdays.as_deref())?,
    }
}

const RULE_SELECT: &str =
    "SELECT id, unit_id, kind, skill, CAST(min_onsite AS BIGINT) AS min_onsite,
        CAST(weekdays AS TEXT) AS weekdays, CAST(version AS BIGINT) AS version
    FROM coverage_rules";

const CHANGED: &str = "the rule was changed or removed meanwhile: reload and try again";

/// (id, given, family, site, unit, unit path)
type MemberRow = (Uuid, String, String, Option<Uuid>, Uuid, String);

/// The skills of people, by person, in skill order.
pub(crate) async fn skills_of(
    store: &SqlStore,
    people: &[PersonId],
) -> CoreResult<HashMap<Uuid, Vec<String>>> {
    let mut skills: HashMap<Uuid, Vec<String>> = HashMap::new();
    for chunk in people.chunks(500) {
        let rows: Vec<(Uuid, String)> = on_db!(store.db(), p => {
            let mut q = QueryBuilder::new("SELECT person_id, skill FROM person_skills WHERE person_id IN ");
            push_list(&mut q, chunk.iter().map(|i| i.uuid()));
            q.push(" ORDER BY skill");
            Ok(q.build_query_as().fetch_all(p).await?)
        })?;
        for (id, s) in rows {
            skills.entry(id).or_default().push(s);
        }
    }
    Ok(skills)
}

#[async_trait]
impl CoveragePort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn coverage_rules(&self, units: &[UnitId]) -> CoreResult<Vec<CoverageRule>> {
        if units.is_empty() {
            return Ok(vec![]);
        }
        let rows: Vec<RuleRow> = on_db!(self.db(), p => {
            let mut q = QueryBuilder::new(RULE_SELECT);
            q.push(" WHERE unit_id IN ");
            push_list(&mut q, units.iter().map(|i| i.uuid()));
            q.push(" ORDER BY created_at, id");
            Ok(q.build_query_as().fetch_all(p).await?)
        })?;
        Ok(each(rows)?)
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn coverage_rule(&self, id: CoverageRuleId) -> CoreResult<Option<CoverageRule>> {
        read_one!(
            self.db(),
            RuleRow,
            &format!("{RULE_SELECT} WHERE id = $1"),
            id.uuid()
        )
    }

    #[tracing::instrument(skip_all, fields(id = %rule.id))]
    async fn save_coverage_rule(
        &self,
        rule: &CoverageRule,
        expected_version: Option<i64>,
        work: &Work,
    ) -> CoreResult<()> {
        let Some(v) = expected_version else {
            return self
                .insert_coverage_rules(std::slice::from_ref(rule), work)
                .await;
        };
        write_work!(self, work, |tx| {
            must_change!(
                tx,
                CHANGED,
                at_version(rule.id.uuid(), v as i32),
                sqlx::query(
                    "UPDATE coverage_rules SET kind = $1, skill = $2, min_onsite = $3, weekdays = $4,
                        version = version + 1
                     WHERE id = $5 AND version = $6",
                )
                .bind(rule.kind.stored())
                .bind(rule.skill.clone())
                .bind(rule.min_onsite as i32)
                .bind(rule.weekdays.clone().map(Json))
            );
        })
    }

    #[tracing::instrument(skip_all)]
    async fn insert_coverage_rules(&self, rules: &[CoverageRule], work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            insert_rows!(
                tx,
                "INSERT INTO coverage_rules (id, unit_id, kind, skill, min_onsite, weekdays, created_at, version) ",
                rules,
                300,
                |b, r| b.push_bind(r.id.uuid())
                        .push_bind(r.unit_id.uuid())
                        .push_bind(r.kind.stored())
                        .push_bind(r.skill.clone())
                        .push_bind(r.min_onsite as i32)
                        .push_bind(r.weekdays.clone().map(Json))
                        .push_bind(work.at)
                        .push_bind(1i32),
            );
        })
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn delete_coverage_rule(
        &self,
        id: CoverageRuleId,
        expected_version: Option<i64>,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            let delete = match expected_version {
                Some(v) => sqlx::query("DELETE FROM coverage_rules WHERE id = $1 AND version = $2")
                    .bind(id.uuid())
                    .bind(v as i32),
                None => sqlx::query("DELETE FROM coverage_rules WHERE id = $1").bind(id.uuid()),
            };
            must_change!(tx, CHANGED, delete);
        })
    }

    #[tracing::instrument(skip_all)]
    async fn members_under(
        &self,
        unit_path: &str,
        from: time::Date,
        limit: i64,
    ) -> CoreResult<Vec<Member>> {
        let people: Vec<MemberRow> = fetch!(
            self.db(),
            fetch_all,
            "SELECT p.id, p.given_name, p.family_name, COALESCE(p.site_id, u.site_id), p.unit_id, u.path
             FROM people p JOIN units u ON u.id = p.unit_id
             WHERE u.path >= $1 AND u.path < $2 AND (p.last_day IS NULL OR p.last_day >= $3)
             ORDER BY p.sort_name, p.id LIMIT $4",
            unit_path,
            format!("{unit_path}~"),
            from,
            limit + 1
        )?;
        if people.len() as i64 > limit {
            return Err(CoreError::Rule {
                field: Some("unit".into()),
                message: format!(
                    "the unit has more than {limit} people: choose a unit further down"
                ),
            });
        }
        let ids: Vec<PersonId> = people.iter().map(|r| r.0.into()).collect();
        let mut skills = skills_of(self, &ids).await?;
        Ok(people
            .into_iter()
            .map(|(id, g, f, site_id, unit_id, unit_path)| Member {
                id: id.into(),
                name: name(&g, &f),
                skills: skills.remove(&id).unwrap_or_default(),
                site_id: site_id.map(Into::into),
                unit_id: unit_id.into(),
                unit_path,
            })
            .collect())
    }
}
