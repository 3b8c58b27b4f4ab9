//! Coverage rules, the members a rule counts, sites. Called from the
//! `Store` impl.

use sqlx::types::Json;
use sqlx::QueryBuilder;
use uuid::Uuid;

use distans_core::coverage::{CoverageRule, Member};
use distans_core::kernel::dates::Weekday;
use distans_core::kernel::gap::RuleKind;
use distans_core::kernel::Work;
use distans_core::org::Site;
use distans_core::CoreError;
use distans_core::CoreResult;

use crate::impl_store::{append_audit_rows, BeginWrite, SqlStore};
use crate::rows::SiteRow;
use crate::{db_err, on_db_old as on_db};

/// id, unit, kind, skill, min on site, weekdays, version
type RuleRow = (
    Uuid,
    Uuid,
    String,
    Option<String>,
    i64,
    Option<Json<Vec<Weekday>>>,
    i64,
);

fn rule_of(r: RuleRow) -> CoverageRule {
    CoverageRule {
        id: r.0,
        unit_id: r.1,
        kind: RuleKind::parse(&r.2).unwrap_or(RuleKind::MinOnsite),
        skill: r.3,
        min_onsite: r.4,
        weekdays: r.5.map(|w| w.0),
        version: r.6,
    }
}

const RULE_COLUMNS: &str =
    "SELECT id, unit_id, kind, skill, CAST(min_onsite AS BIGINT), weekdays, CAST(version AS BIGINT) FROM coverage_rules";

impl SqlStore {
    pub(crate) async fn coverage_rules_impl(
        &self,
        units: &[Uuid],
    ) -> CoreResult<Vec<CoverageRule>> {
        if units.is_empty() {
            return Ok(vec![]);
        }
        let rows: Vec<RuleRow> = on_db!(self.db(), p => {
            let mut q = QueryBuilder::new(RULE_COLUMNS);
            q.push(" WHERE unit_id IN (");
            let mut sep = q.separated(", ");
            for u in units {
                sep.push_bind(*u);
            }
            q.push(") ORDER BY created_at, id");
            q.build_query_as().fetch_all(p).await.map_err(db_err)?
        });
        Ok(rows.into_iter().map(rule_of).collect())
    }

    pub(crate) async fn coverage_rule_impl(&self, id: Uuid) -> CoreResult<Option<CoverageRule>> {
        let sql = format!("{RULE_COLUMNS} WHERE id = $1");
        let row: Option<RuleRow> = on_db!(self.db(), p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await.map_err(db_err)?);
        Ok(row.map(rule_of))
    }

    pub(crate) async fn save_coverage_rule_impl(
        &self,
        rule: &CoverageRule,
        expected_version: Option<i64>,
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        let weekdays = rule.weekdays.clone().map(Json);
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            match expected_version {
                None => {
                    sqlx::query("INSERT INTO coverage_rules (id, unit_id, kind, skill, min_onsite, weekdays, created_at, version)
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, 1)")
                        .bind(rule.id).bind(rule.unit_id).bind(rule.kind.as_str()).bind(rule.skill.clone())
                        .bind(rule.min_onsite as i32).bind(weekdays).bind(at)
                        .execute(&mut *tx).await.map_err(db_err)?;
                }
                Some(v) => {
                    let done = sqlx::query("UPDATE coverage_rules SET kind = $1, skill = $2, min_onsite = $3, weekdays = $4, version = version + 1
                                            WHERE id = $5 AND version = $6")
                        .bind(rule.kind.as_str()).bind(rule.skill.clone()).bind(rule.min_onsite as i32)
                        .bind(weekdays).bind(rule.id).bind(v as i32)
                        .execute(&mut *tx).await.map_err(db_err)?;
                    if done.rows_affected() == 0 {
                        return Err(CoreError::Conflict("the rule was changed or removed meanwhile: reload and try again".into()));
                    }
                }
            }
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn insert_coverage_rules_impl(
        &self,
        rules: &[CoverageRule],
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            for chunk in rules.chunks(300) {
                let mut q = QueryBuilder::new("INSERT INTO coverage_rules (id, unit_id, kind, skill, min_onsite, weekdays, created_at, version) ");
                q.push_values(chunk, |mut b, r| {
                    b.push_bind(r.id).push_bind(r.unit_id).push_bind(r.kind.as_str()).push_bind(r.skill.clone())
                        .push_bind(r.min_onsite as i32).push_bind(r.weekdays.clone().map(Json)).push_bind(at).push_bind(1i32);
                });
                q.build().execute(&mut *tx).await.map_err(db_err)?;
            }
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn delete_coverage_rule_impl(
        &self,
        id: Uuid,
        expected_version: Option<i64>,
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let done = match expected_version {
                Some(v) => sqlx::query("DELETE FROM coverage_rules WHERE id = $1 AND version = $2").bind(id).bind(v as i32),
                None => sqlx::query("DELETE FROM coverage_rules WHERE id = $1").bind(id),
            }
            .execute(&mut *tx).await.map_err(db_err)?;
            if done.rows_affected() == 0 {
                return Err(CoreError::Conflict("the rule was changed or removed meanwhile: reload and try again".into()));
            }
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn members_under_impl(
        &self,
        unit_path: &str,
        limit: i64,
    ) -> CoreResult<Vec<Member>> {
        let end = format!("{unit_path}~");
        type Row = (Uuid, String, String, Option<Uuid>, Uuid, String);
        let (people, skills): (Vec<Row>, Vec<(Uuid, String)>) = on_db!(self.db(), p => {
            let people: Vec<Row> = sqlx::query_as(
                "SELECT p.id, p.given_name, p.family_name, COALESCE(p.site_id, u.site_id), p.unit_id, u.path
                 FROM people p JOIN units u ON u.id = p.unit_id
                 WHERE u.path >= $1 AND u.path < $2 ORDER BY p.sort_name, p.id LIMIT $3")
                .bind(unit_path).bind(&end).bind(limit + 1)
                .fetch_all(p).await.map_err(db_err)?;
            let mut skills: Vec<(Uuid, String)> = vec![];
            if people.len() as i64 <= limit {
                for chunk in people.chunks(500) {
                    let mut q = QueryBuilder::new("SELECT person_id, skill FROM person_skills WHERE person_id IN (");
                    let mut sep = q.separated(", ");
                    for r in chunk {
                        sep.push_bind(r.0);
                    }
                    q.push(")");
                    let rows: Vec<(Uuid, String)> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
                    skills.extend(rows);
                }
            }
            (people, skills)
        });
        if people.len() as i64 > limit {
            return Err(CoreError::Rule {
                field: Some("unit".into()),
                message: format!(
                    "the unit has more than {limit} people: choose a unit further down"
                ),
            });
        }
        let mut by_id: std::collections::HashMap<Uuid, Vec<String>> =
            std::collections::HashMap::new();
        for (p, s) in skills {
            by_id.entry(p).or_default().push(s);
        }
        Ok(people
            .into_iter()
            .map(|(id, g, f, site_id, unit_id, unit_path)| Member {
                id,
                name: format!("{g} {f}"),
                skills: by_id.remove(&id).unwrap_or_default(),
                site_id,
                unit_id,
                unit_path,
            })
            .collect())
    }

    pub(crate) async fn sites_impl(&self) -> CoreResult<Vec<Site>> {
        let rows: Vec<SiteRow> = on_db!(self.db(), p => sqlx::query_as("SELECT id, name, address, desks FROM sites ORDER BY name LIMIT 10000")
            .fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub(crate) async fn append_audit_impl(&self, work: &Work) -> CoreResult<()> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }
}
