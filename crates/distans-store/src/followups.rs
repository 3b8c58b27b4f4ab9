//! Follow-ups: checklist templates and their versions, follow-ups,
//! the actions risks become, and the reminder marks. Called from the `Store`
//! impl in `impl_store.rs`; the agreement update that schedules follow-ups
//! uses [`write_schedule!`] in its own transaction.

use std::collections::BTreeMap;

use serde_json::Value;
use sqlx::types::Json;
use sqlx::QueryBuilder;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::followup::checklist::{ChecklistTemplate, Question};
use distans_core::followup::{
    ActionFilter, ActionState, Confirmation, FollowUp, FollowUpAction, FollowUpFilter,
    FollowUpKind, FollowUpScope, FollowUpState, StateFilter,
};
use distans_core::kernel::Work;
use distans_core::kernel::{Page, Paging, PersonRef};
use distans_core::CoreError;
use distans_core::CoreResult;

use crate::impl_store::{append_audit_rows, BeginWrite, SqlStore};
use crate::notices_in_old_body as write_notices;
use crate::{db_err, on_db_old as on_db};

/// Rows per multi-row insert (14 parameters a row).
pub(crate) const BATCH: usize = 300;

/// Inserts follow-ups in the caller's transaction, in multi-row batches.
macro_rules! insert_followup_rows {
    ($tx:expr, $at:expr, $items:expr) => {{
        let items: &[distans_core::followup::FollowUp] = $items;
        let at: time::OffsetDateTime = $at;
        for chunk in items.chunks($crate::followups::BATCH) {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO followups (id, kind, person_id, agreement_id, due_date, state, template_key, template_version,
                    answers, comments, completed_at, created_at, updated_at, version) ",
            );
            qb.push_values(chunk, |mut b, f| {
                b.push_bind(f.id)
                    .push_bind(f.kind.as_str())
                    .push_bind(f.person.id)
                    .push_bind(f.agreement_id)
                    .push_bind(f.due)
                    .push_bind(f.state.stored())
                    .push_bind(f.template_key.clone())
                    .push_bind(f.template_version)
                    .push_bind(sqlx::types::Json(f.answers.clone()))
                    .push_bind(sqlx::types::Json(f.comments.clone()))
                    .push_bind(f.completed_at)
                    .push_bind(at)
                    .push_bind(at)
                    .push_bind(1i64);
            });
            qb.build().execute(&mut *$tx).await.map_err($crate::db_err)?;
        }
    }};
}
pub(crate) use insert_followup_rows;

/// Adds and cancels an agreement's follow-ups in the caller's transaction.
macro_rules! write_schedule {
    ($tx:expr, $at:expr, $schedule:expr) => {{
        let s: &distans_core::followup::FollowUpSchedule = $schedule;
        let at: time::OffsetDateTime = $at;
        $crate::followups::insert_followup_rows!($tx, at, &s.add);
        if let Some((agreement, after)) = s.cancel_after {
            sqlx::query(
                "UPDATE followups SET state = 'cancelled', updated_at = $1, version = version + 1
                 WHERE agreement_id = $2 AND state = 'open' AND due_date > $3",
            )
            .bind(at)
            .bind(agreement)
            .bind(after)
            .execute(&mut *$tx)
            .await
            .map_err($crate::db_err)?;
        }
    }};
}
pub(crate) use write_schedule;

const CHECKLIST_SELECT: &str =
    "SELECT key, version, title, questions, created_at, created_by FROM checklist_templates";

type ChecklistRow = (
    String,
    i64,
    String,
    Json<Vec<Question>>,
    OffsetDateTime,
    String,
);

fn checklist_of(r: ChecklistRow) -> ChecklistTemplate {
    ChecklistTemplate {
        key: r.0,
        version: r.1,
        title: r.2,
        questions: r.3 .0,
        created_at: r.4,
        created_by: r.5,
    }
}

const FOLLOWUP_SELECT: &str = "SELECT f.id, f.kind, f.person_id, p.given_name, p.family_name, u.path AS unit_path,
        f.agreement_id, f.due_date, f.state, f.template_key, f.template_version, f.answers, f.comments,
        f.employee_confirmed_by, ep.given_name AS e_given, ep.family_name AS e_family, f.employee_confirmed_at,
        f.manager_confirmed_by, mp.given_name AS m_given, mp.family_name AS m_family, f.manager_confirmed_at,
        f.completed_at, f.version,
        (SELECT COUNT(*) FROM followup_actions x WHERE x.followup_id = f.id AND x.state = 'open') AS open_actions
    FROM followups f JOIN people p ON p.id = f.person_id JOIN units u ON u.id = p.unit_id
    LEFT JOIN people ep ON ep.id = f.employee_confirmed_by LEFT JOIN people mp ON mp.id = f.manager_confirmed_by";

#[derive(sqlx::FromRow)]
struct FollowUpRow {
    id: Uuid,
    kind: String,
    person_id: Uuid,
    given_name: String,
    family_name: String,
    unit_path: String,
    agreement_id: Option<Uuid>,
    due_date: Date,
    state: String,
    template_key: String,
    template_version: Option<i64>,
    answers: Json<BTreeMap<String, Value>>,
    comments: Json<BTreeMap<String, String>>,
    employee_confirmed_by: Option<Uuid>,
    e_given: Option<String>,
    e_family: Option<String>,
    employee_confirmed_at: Option<OffsetDateTime>,
    manager_confirmed_by: Option<Uuid>,
    m_given: Option<String>,
    m_family: Option<String>,
    manager_confirmed_at: Option<OffsetDateTime>,
    completed_at: Option<OffsetDateTime>,
    version: i64,
    open_actions: i64,
}

fn confirmation(
    id: Option<Uuid>,
    given: Option<String>,
    family: Option<String>,
    at: Option<OffsetDateTime>,
) -> Option<Confirmation> {
    match (id, given, family, at) {
        (Some(id), Some(g), Some(f), Some(at)) => Some(Confirmation {
            by: PersonRef {
                id,
                name: format!("{g} {f}"),
            },
            at,
        }),
        _ => None,
    }
}

impl From<FollowUpRow> for FollowUp {
    fn from(r: FollowUpRow) -> Self {
        FollowUp {
            id: r.id,
            kind: FollowUpKind::parse(&r.kind),
            person: PersonRef {
                id: r.person_id,
                name: format!("{} {}", r.given_name, r.family_name),
            },
            unit_path: r.unit_path,
            agreement_id: r.agreement_id,
            due: r.due_date,
            // Open ones come as due; the core knows today.
            state: FollowUpState::of(&r.state, r.due_date, r.due_date),
            template_key: r.template_key,
            template_version: r.template_version,
            answers: r.answers.0,
            comments: r.comments.0,
            employee_confirmed: confirmation(
                r.employee_confirmed_by,
                r.e_given,
                r.e_family,
                r.employee_confirmed_at,
            ),
            manager_confirmed: confirmation(
                r.manager_confirmed_by,
                r.m_given,
                r.m_family,
                r.manager_confirmed_at,
            ),
            completed_at: r.completed_at,
            open_actions: r.open_actions,
            version: r.version,
        }
    }
}

const ACTION_SELECT: &str = "SELECT x.id, x.followup_id, f.person_id, p.given_name, p.family_name, u.path AS unit_path,
        x.question_id, x.description, x.owner_id, o.given_name AS o_given, o.family_name AS o_family, x.due_date,
        x.state, x.note, x.closed_by, c.given_name AS c_given, c.family_name AS c_family, x.closed_at, x.created_at, x.version
    FROM followup_actions x JOIN followups f ON f.id = x.followup_id JOIN people p ON p.id = f.person_id
    JOIN units u ON u.id = p.unit_id JOIN people o ON o.id = x.owner_id LEFT JOIN people c ON c.id = x.closed_by";

#[derive(sqlx::FromRow)]
struct ActionRow {
    id: Uuid,
    followup_id: Uuid,
    person_id: Uuid,
    given_name: String,
    family_name: String,
    unit_path: String,
    question_id: String,
    description: String,
    owner_id: Uuid,
    o_given: String,
    o_family: String,
    due_date: Date,
    state: String,
    note: Option<String>,
    closed_by: Option<Uuid>,
    c_given: Option<String>,
    c_family: Option<String>,
    closed_at: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
    version: i64,
}

impl From<ActionRow> for FollowUpAction {
    fn from(r: ActionRow) -> Self {
        FollowUpAction {
            id: r.id,
            followup_id: r.followup_id,
            person: PersonRef {
                id: r.person_id,
                name: format!("{} {}", r.given_name, r.family_name),
            },
            unit_path: r.unit_path,
            question_id: r.question_id,
            description: r.description,
            owner: PersonRef {
                id: r.owner_id,
                name: format!("{} {}", r.o_given, r.o_family),
            },
            due: r.due_date,
            state: ActionState::parse(&r.state),
            note: r.note,
            closed_by: match (r.closed_by, r.c_given, r.c_family) {
                (Some(id), Some(g), Some(f)) => Some(PersonRef {
                    id,
                    name: format!("{g} {f}"),
                }),
                _ => None,
            },
            closed_at: r.closed_at,
            created_at: r.created_at,
            version: r.version,
        }
    }
}

/// `AND (own OR owned OR below one of the paths)` for a scope.
fn push_scope<'a, DB: sqlx::Database>(
    qb: &mut QueryBuilder<'a, DB>,
    scope: &FollowUpScope,
    owner_column: Option<&str>,
) where
    Uuid: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let FollowUpScope::Mine { person, under } = scope {
        qb.push(" AND (f.person_id = ").push_bind(*person);
        if let Some(col) = owner_column {
            qb.push(format!(" OR {col} = ")).push_bind(*person);
        }
        for path in under {
            qb.push(" OR (u.path >= ").push_bind(path.clone());
            qb.push(" AND u.path < ").push_bind(format!("{path}~"));
            qb.push(")");
        }
        qb.push(")");
    }
}

impl SqlStore {
    pub(crate) async fn checklists_impl(&self) -> CoreResult<Vec<ChecklistTemplate>> {
        let rows: Vec<ChecklistRow> = on_db!(self.db(), p => sqlx::query_as(&format!(
            "{CHECKLIST_SELECT} c WHERE version = (SELECT MAX(version) FROM checklist_templates d WHERE d.key = c.key) ORDER BY key LIMIT 100"))
            .fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(checklist_of).collect())
    }

    pub(crate) async fn checklist_impl(
        &self,
        key: &str,
        version: Option<i64>,
    ) -> CoreResult<Option<ChecklistTemplate>> {
        let row: Option<ChecklistRow> = on_db!(self.db(), p => match version {
            Some(v) => sqlx::query_as(&format!("{CHECKLIST_SELECT} WHERE key = $1 AND version = $2"))
                .bind(key).bind(v).fetch_optional(p).await,
            None => sqlx::query_as(&format!("{CHECKLIST_SELECT} WHERE key = $1 ORDER BY version DESC LIMIT 1"))
                .bind(key).fetch_optional(p).await,
        }.map_err(db_err)?);
        Ok(row.map(checklist_of))
    }

    pub(crate) async fn checklist_versions_impl(
        &self,
        key: &str,
    ) -> CoreResult<Vec<ChecklistTemplate>> {
        let rows: Vec<ChecklistRow> = on_db!(self.db(), p => sqlx::query_as(&format!(
            "{CHECKLIST_SELECT} WHERE key = $1 ORDER BY version DESC LIMIT 100"))
            .bind(key).fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(checklist_of).collect())
    }

    pub(crate) async fn save_checklist_impl(
        &self,
        t: &ChecklistTemplate,
        expected: i64,
        work: &Work,
    ) -> CoreResult<ChecklistTemplate> {
        let at = work.at;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let (max,): (Option<i64>,) = sqlx::query_as("SELECT MAX(version) FROM checklist_templates WHERE key = $1")
                .bind(&t.key).fetch_one(&mut *tx).await.map_err(db_err)?;
            let current = max.unwrap_or(0);
            if current != expected {
                return Err(CoreError::Conflict(format!(
                    "the checklist was changed meanwhile (version {current}, you edited {expected})"
                )));
            }
            let saved = ChecklistTemplate { version: current + 1, ..t.clone() };
            // The primary key makes two simultaneous saves of the same version collide.
            sqlx::query("INSERT INTO checklist_templates (key, version, title, questions, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&saved.key).bind(saved.version).bind(&saved.title).bind(Json(&saved.questions)).bind(at).bind(&saved.created_by)
                .execute(&mut *tx).await.map_err(db_err)?;
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)?;
            Ok(saved)
        })
    }

    pub(crate) async fn insert_followups_impl(
        &self,
        items: &[FollowUp],
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        let notices: &[distans_core::kernel::Notice] = &work.notices;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            insert_followup_rows!(tx, at, items);
            write_notices!(tx, at, notices);
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn followups_impl(
        &self,
        filter: &FollowUpFilter,
        paging: Paging,
    ) -> CoreResult<Page<FollowUp>> {
        on_db!(self.db(), p => {
            let apply = |qb: &mut QueryBuilder<'_, _>| {
                qb.push(" WHERE 1 = 1");
                push_scope(qb, &filter.scope, None);
                if let Some(person) = filter.person {
                    qb.push(" AND f.person_id = ").push_bind(person);
                }
                if let Some(g) = filter.agreement {
                    qb.push(" AND f.agreement_id = ").push_bind(g);
                }
                if let Some(d) = filter.due_before {
                    qb.push(" AND f.due_date <= ").push_bind(d);
                }
                match filter.state {
                    None => {}
                    Some(StateFilter::Open) => { qb.push(" AND f.state = 'open'"); }
                    Some(StateFilter::Due) => { qb.push(" AND f.state = 'open' AND f.due_date >= ").push_bind(filter.today); }
                    Some(StateFilter::Overdue) => { qb.push(" AND f.state = 'open' AND f.due_date < ").push_bind(filter.today); }
                    Some(StateFilter::Done) => { qb.push(" AND f.state = 'done'"); }
                    Some(StateFilter::Cancelled) => { qb.push(" AND f.state = 'cancelled'"); }
                }
            };
            let mut count = QueryBuilder::new("SELECT COUNT(*) FROM followups f JOIN people p ON p.id = f.person_id JOIN units u ON u.id = p.unit_id");
            apply(&mut count);
            let (total,): (i64,) = count.build_query_as().fetch_one(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new(FOLLOWUP_SELECT);
            apply(&mut q);
            q.push(" ORDER BY f.due_date, f.id LIMIT ").push_bind(paging.limit);
            q.push(" OFFSET ").push_bind(paging.offset);
            let rows: Vec<FollowUpRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
            Ok(Page::new(rows.into_iter().map(Into::into).collect(), total, paging.offset))
        })
    }

    pub(crate) async fn followup_impl(&self, id: Uuid) -> CoreResult<Option<FollowUp>> {
        let row: Option<FollowUpRow> = on_db!(self.db(), p => sqlx::query_as(&format!("{FOLLOWUP_SELECT} WHERE f.id = $1"))
            .bind(id).fetch_optional(p).await.map_err(db_err)?);
        Ok(row.map(Into::into))
    }

    pub(crate) async fn save_followup_impl(
        &self,
        f: &FollowUp,
        expected: i64,
        actions: &[FollowUpAction],
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        let notices: &[distans_core::kernel::Notice] = &work.notices;
        let (eb, ea) = match &f.employee_confirmed {
            Some(c) => (Some(c.by.id), Some(c.at)),
            None => (None, None),
        };
        let (mb, ma) = match &f.manager_confirmed {
            Some(c) => (Some(c.by.id), Some(c.at)),
            None => (None, None),
        };
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let n = sqlx::query(
                "UPDATE followups SET state = $1, template_version = $2, answers = $3, comments = $4,
                    employee_confirmed_by = $5, employee_confirmed_at = $6, manager_confirmed_by = $7, manager_confirmed_at = $8,
                    completed_at = $9, updated_at = $10, version = version + 1
                 WHERE id = $11 AND version = $12 AND state = 'open'")
                .bind(f.state.stored()).bind(f.template_version).bind(Json(&f.answers)).bind(Json(&f.comments))
                .bind(eb).bind(ea).bind(mb).bind(ma).bind(f.completed_at).bind(at).bind(f.id).bind(expected)
                .execute(&mut *tx).await.map_err(db_err)?.rows_affected();
            if n == 0 {
                return Err(CoreError::Conflict("the follow-up was saved by someone else meanwhile; reload it".into()));
            }
            for chunk in actions.chunks(BATCH) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO followup_actions (id, followup_id, question_id, description, owner_id, due_date, state, note,
                        closed_by, closed_at, reminded_at, created_at, version) ");
                qb.push_values(chunk, |mut b, x| {
                    b.push_bind(x.id).push_bind(x.followup_id).push_bind(x.question_id.clone()).push_bind(x.description.clone())
                        .push_bind(x.owner.id).push_bind(x.due).push_bind(x.state.as_str()).push_bind(None::<String>)
                        .push_bind(None::<Uuid>).push_bind(None::<OffsetDateTime>).push_bind(None::<OffsetDateTime>)
                        .push_bind(x.created_at).push_bind(1i64);
                });
                qb.build().execute(&mut *tx).await.map_err(db_err)?;
            }
            write_notices!(tx, at, notices);
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn followup_actions_impl(
        &self,
        filter: &ActionFilter,
        paging: Paging,
    ) -> CoreResult<Page<FollowUpAction>> {
        on_db!(self.db(), p => {
            let apply = |qb: &mut QueryBuilder<'_, _>| {
                qb.push(" WHERE 1 = 1");
                push_scope(qb, &filter.scope, Some("x.owner_id"));
                if let Some(s) = filter.state {
                    qb.push(" AND x.state = ").push_bind(s.as_str());
                }
                if let Some(f) = filter.followup {
                    qb.push(" AND x.followup_id = ").push_bind(f);
                }
            };
            let mut count = QueryBuilder::new("SELECT COUNT(*) FROM followup_actions x JOIN followups f ON f.id = x.followup_id
                JOIN people p ON p.id = f.person_id JOIN units u ON u.id = p.unit_id");
            apply(&mut count);
            let (total,): (i64,) = count.build_query_as().fetch_one(p).await.map_err(db_err)?;
            let mut q = QueryBuilder::new(ACTION_SELECT);
            apply(&mut q);
            q.push(" ORDER BY x.due_date, x.id LIMIT ").push_bind(paging.limit);
            q.push(" OFFSET ").push_bind(paging.offset);
            let rows: Vec<ActionRow> = q.build_query_as().fetch_all(p).await.map_err(db_err)?;
            Ok(Page::new(rows.into_iter().map(Into::into).collect(), total, paging.offset))
        })
    }

    pub(crate) async fn followup_action_impl(
        &self,
        id: Uuid,
    ) -> CoreResult<Option<FollowUpAction>> {
        let row: Option<ActionRow> = on_db!(self.db(), p => sqlx::query_as(&format!("{ACTION_SELECT} WHERE x.id = $1"))
            .bind(id).fetch_optional(p).await.map_err(db_err)?);
        Ok(row.map(Into::into))
    }

    pub(crate) async fn update_followup_action_impl(
        &self,
        x: &FollowUpAction,
        expected: i64,
        work: &Work,
    ) -> CoreResult<()> {
        let at = work.at;
        let notices: &[distans_core::kernel::Notice] = &work.notices;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            // A new due date may be reminded of again.
            let n = sqlx::query(
                "UPDATE followup_actions SET reminded_at = CASE WHEN due_date = $2 THEN reminded_at ELSE NULL END,
                    owner_id = $1, due_date = $2, state = $3, note = $4, closed_by = $5, closed_at = $6, version = version + 1
                 WHERE id = $7 AND version = $8")
                .bind(x.owner.id).bind(x.due).bind(x.state.as_str()).bind(&x.note)
                .bind(x.closed_by.as_ref().map(|c| c.id)).bind(x.closed_at).bind(x.id).bind(expected)
                .execute(&mut *tx).await.map_err(db_err)?.rows_affected();
            if n == 0 {
                return Err(CoreError::Conflict("the action was changed by someone else meanwhile; reload it".into()));
            }
            write_notices!(tx, at, notices);
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)
        })
    }

    pub(crate) async fn followups_to_remind_impl(
        &self,
        today: Date,
        until: Date,
        limit: i64,
    ) -> CoreResult<Vec<FollowUp>> {
        let rows: Vec<FollowUpRow> = on_db!(self.db(), p => sqlx::query_as(&format!(
            "{FOLLOWUP_SELECT} WHERE f.state = 'open'
               AND ((f.reminded_at IS NULL AND f.due_date >= $1 AND f.due_date <= $2)
                 OR (f.overdue_reminded_at IS NULL AND f.due_date < $1))
             ORDER BY f.due_date LIMIT $3"))
            .bind(today).bind(until).bind(limit).fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub(crate) async fn mark_followup_reminded_impl(
        &self,
        id: Uuid,
        overdue: bool,
        work: &Work,
    ) -> CoreResult<bool> {
        let at = work.at;
        let notices: &[distans_core::kernel::Notice] = &work.notices;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            // Only the first worker to get here tells anyone.
            let q = if overdue {
                "UPDATE followups SET overdue_reminded_at = $1, reminded_at = COALESCE(reminded_at, $1)
                 WHERE id = $2 AND overdue_reminded_at IS NULL AND state = 'open'"
            } else {
                "UPDATE followups SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL AND state = 'open'"
            };
            let n = sqlx::query(q).bind(at).bind(id).execute(&mut *tx).await.map_err(db_err)?.rows_affected();
            if n == 0 {
                return Ok(false);
            }
            write_notices!(tx, at, notices);
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }

    pub(crate) async fn actions_to_remind_impl(
        &self,
        today: Date,
        limit: i64,
    ) -> CoreResult<Vec<FollowUpAction>> {
        let rows: Vec<ActionRow> = on_db!(self.db(), p => sqlx::query_as(&format!(
            "{ACTION_SELECT} WHERE x.state = 'open' AND x.reminded_at IS NULL AND x.due_date < $1 ORDER BY x.due_date LIMIT $2"))
            .bind(today).bind(limit).fetch_all(p).await.map_err(db_err)?);
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub(crate) async fn mark_action_reminded_impl(
        &self,
        id: Uuid,
        work: &Work,
    ) -> CoreResult<bool> {
        let at = work.at;
        let notices: &[distans_core::kernel::Notice] = &work.notices;
        on_db!(self.db(), p => {
            let mut tx = p.begin_write().await.map_err(db_err)?;
            let n = sqlx::query("UPDATE followup_actions SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL AND state = 'open'")
                .bind(at).bind(id).execute(&mut *tx).await.map_err(db_err)?.rows_affected();
            if n == 0 {
                return Ok(false);
            }
            write_notices!(tx, at, notices);
            append_audit_rows!(tx, at, &work.audit);
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }
}
