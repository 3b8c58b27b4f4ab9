//! Follow-ups: the checklist templates as versioned data, the follow-ups of
//! a person (scheduled from agreements or held at development talks) with
//! the answers both parties confirm, the actions risks become, and the
//! marks that make every reminder go out once.

use async_trait::async_trait;
use distans_core::kernel::{FollowUpActionId, FollowUpId};
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::followup::checklist::ChecklistTemplate;
use distans_core::followup::{
    ActionFilter, ActionState, Confirmation, FollowUp, FollowUpAction, FollowUpFilter,
    FollowUpKind, FollowUpScope, FollowUpState, StateFilter,
};
use distans_core::kernel::{Page, Paging, Work};
use distans_core::store::FollowUpPort;
use distans_core::CoreResult;

use crate::db::{read_all, read_one};
use crate::sql::{insert_rows, push_about, Sql};
use crate::store::{
    maybe_person, must_change, next_version, read_page, row, write_if_changed, write_work, List,
    SqlStore,
};
use crate::stored::{json, Stored};

/// Rows per multi-row insert (14 parameters a row).
pub(crate) const BATCH: usize = 300;

/// Inserts follow-ups `$items` (`&[FollowUp]`) made at `$at`, in `$tx`.
macro_rules! insert_followups {
    ($tx:expr, $at:expr, $items:expr) => {{
        let items: &[distans_core::followup::FollowUp] = $items;
        let at: time::OffsetDateTime = $at;
        $crate::sql::insert_rows!(
            $tx,
            "INSERT INTO followups (id, kind, person_id, agreement_id, due_date, state, template_key,
                    template_version, answers, comments, completed_at, created_at, updated_at, version) ",
            items,
            $crate::followup::BATCH,
            |b, f| b.push_bind(f.id.uuid())
                    .push_bind($crate::stored::Stored::stored(f.kind))
                    .push_bind(f.person.id.uuid())
                    .push_bind(f.agreement_id.map(|i| i.uuid()))
                    .push_bind(f.due)
                    .push_bind($crate::stored::Stored::stored(f.state))
                    .push_bind(f.template_key.clone())
                    .push_bind(f.template_version)
                    .push_bind(sqlx::types::Json(f.answers.clone()))
                    .push_bind(sqlx::types::Json(f.comments.clone()))
                    .push_bind(f.completed_at)
                    .push_bind(at)
                    .push_bind(at)
                    .push_bind(1i64),
        );
    }};
}

/// Adds and cancels an agreement's follow-ups (`$schedule`,
/// `&FollowUpSchedule`) in the caller's transaction `$tx`.
macro_rules! write_schedule {
    ($tx:expr, $at:expr, $schedule:expr) => {{
        let s: &distans_core::followup::FollowUpSchedule = $schedule;
        let at: time::OffsetDateTime = $at;
        $crate::followup::insert_followups!($tx, at, &s.add);
        if let Some((agreement, after)) = s.cancel_after {
            sqlx::query(
                "UPDATE followups SET state = 'cancelled', updated_at = $1, version = version + 1
                 WHERE agreement_id = $2 AND state = 'open' AND due_date > $3",
            )
            .bind(at)
            .bind(agreement.uuid())
            .bind(after)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use {insert_followups, write_schedule};

const CHECKLIST_SELECT: &str =
    "SELECT key, version, title, CAST(questions AS TEXT) AS questions, created_at, created_by FROM checklist_templates";

row! {
    struct ChecklistRow => ChecklistTemplate {
        key: String,
        version: i64,
        title: String,
        created_at: OffsetDateTime,
        created_by: String,
    }
    with {
        questions: String,
    }
    |r| {
        questions: json("checklist_templates.questions", &r.questions)?,
    }
}

const FOLLOWUP_SELECT: &str = "SELECT f.id, f.kind, f.person_id, p.given_name, p.family_name, u.path AS unit_path,
        f.agreement_id, f.due_date, f.state, f.template_key, f.template_version,
        CAST(f.answers AS TEXT) AS answers, CAST(f.comments AS TEXT) AS comments,
        f.employee_confirmed_by, ep.given_name AS e_given, ep.family_name AS e_family, f.employee_confirmed_at,
        f.manager_confirmed_by, mp.given_name AS m_given, mp.family_name AS m_family, f.manager_confirmed_at,
        f.completed_at, f.version,
        (SELECT COUNT(*) FROM followup_actions x WHERE x.followup_id = f.id AND x.state = 'open') AS open_actions
    FROM followups f JOIN people p ON p.id = f.person_id JOIN units u ON u.id = p.unit_id
    LEFT JOIN people ep ON ep.id = f.employee_confirmed_by LEFT JOIN people mp ON mp.id = f.manager_confirmed_by";

row! {
    struct FollowUpRow => FollowUp {
        id: Uuid,
        unit_path: String,
        agreement_id: Option<Uuid>,
        template_key: String,
        template_version: Option<i64>,
        completed_at: Option<OffsetDateTime>,
        version: i64,
        open_actions: i64,
    }
    with {
        kind: String,
        due_date: Date,
        state: String,
        answers: String,
        comments: String,
        employee_confirmed_by: Option<Uuid>,
        e_given: Option<String>,
        e_family: Option<String>,
        employee_confirmed_at: Option<OffsetDateTime>,
        manager_confirmed_by: Option<Uuid>,
        m_given: Option<String>,
        m_family: Option<String>,
        manager_confirmed_at: Option<OffsetDateTime>,
    }
    person {
        person: person_id, given_name, family_name;
    }
    |r| {
        kind: FollowUpKind::read("followups.kind", &r.kind)?,
        due: r.due_date,
        // Open ones come as due; the core knows today.
        state: FollowUpState::read("followups.state", &r.state)?,
        answers: json("followups.answers", &r.answers)?,
        comments: json("followups.comments", &r.comments)?,
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
    }
}

fn confirmation(
    id: Option<Uuid>,
    given: Option<String>,
    family: Option<String>,
    at: Option<OffsetDateTime>,
) -> Option<Confirmation> {
    Some(Confirmation {
        by: maybe_person(id, given, family)?,
        at: at?,
    })
}

const ACTION_SELECT: &str = "SELECT x.id, x.followup_id, f.person_id, p.given_name, p.family_name, u.path AS unit_path,
        x.question_id, x.description, x.owner_id, o.given_name AS o_given, o.family_name AS o_family, x.due_date,
        x.state, x.note, x.closed_by, c.given_name AS c_given, c.family_name AS c_family, x.closed_at, x.created_at,
        x.version
    FROM followup_actions x JOIN followups f ON f.id = x.followup_id JOIN people p ON p.id = f.person_id
    JOIN units u ON u.id = p.unit_id JOIN people o ON o.id = x.owner_id LEFT JOIN people c ON c.id = x.closed_by";

row! {
    struct ActionRow => FollowUpAction {
        id: Uuid,
        followup_id: Uuid,
        unit_path: String,
        question_id: String,
        description: String,
        note: Option<String>,
        closed_at: Option<OffsetDateTime>,
        created_at: OffsetDateTime,
        version: i64,
    }
    with {
        due_date: Date,
        state: String,
    }
    person {
        person: person_id, given_name, family_name;
        owner: owner_id, o_given, o_family;
    }
    maybe_person {
        closed_by: closed_by, c_given, c_family;
    }
    |r| {
        due: r.due_date,
        state: ActionState::read("followup_actions.state", &r.state)?,
    }
}

/// `AND (own OR owned OR below one of the paths)` for a scope.
fn push_scope(q: &mut impl Sql, scope: &FollowUpScope, owner_column: Option<&str>) {
    if let FollowUpScope::Mine { person, under } = scope {
        let owned = owner_column
            .map(|col| format!(" OR {col} = {{person}}"))
            .unwrap_or_default();
        let sql = format!(" AND (f.person_id = {{person}}{owned} OR {{below}})");
        push_about(q, &sql, (*person).into(), under);
    }
}

#[async_trait]
impl FollowUpPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn checklists(&self) -> CoreResult<Vec<ChecklistTemplate>> {
        read_all!(
            self.db(),
            ChecklistRow,
            &format!(
                "{CHECKLIST_SELECT} c WHERE version = (SELECT MAX(version) FROM checklist_templates d WHERE d.key = c.key)
                 ORDER BY key LIMIT 100"
            )
        )
    }

    #[tracing::instrument(skip_all)]
    async fn checklist(
        &self,
        key: &str,
        version: Option<i64>,
    ) -> CoreResult<Option<ChecklistTemplate>> {
        match version {
            Some(v) => read_one!(
                self.db(),
                ChecklistRow,
                &format!("{CHECKLIST_SELECT} WHERE key = $1 AND version = $2"),
                key,
                v
            ),
            None => read_one!(
                self.db(),
                ChecklistRow,
                &format!("{CHECKLIST_SELECT} WHERE key = $1 ORDER BY version DESC LIMIT 1"),
                key
            ),
        }
    }

    #[tracing::instrument(skip_all)]
    async fn checklist_versions(&self, key: &str) -> CoreResult<Vec<ChecklistTemplate>> {
        read_all!(
            self.db(),
            ChecklistRow,
            &format!("{CHECKLIST_SELECT} WHERE key = $1 ORDER BY version DESC LIMIT 100"),
            key
        )
    }

    #[tracing::instrument(skip_all)]
    async fn save_checklist(
        &self,
        t: &ChecklistTemplate,
        expected: i64,
        work: &Work,
    ) -> CoreResult<ChecklistTemplate> {
        write_work!(self, work, |tx| {
            let version =
                next_version!(tx, expected, "the checklist", "checklist_templates", key: &t.key);
            let saved = ChecklistTemplate {
                version,
                ..t.clone()
            };
            // The primary key makes two simultaneous saves of the same version collide.
            sqlx::query(
                "INSERT INTO checklist_templates (key, version, title, questions, created_at, created_by)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&saved.key)
            .bind(saved.version)
            .bind(&saved.title)
            .bind(Json(&saved.questions))
            .bind(work.at)
            .bind(&saved.created_by)
            .execute(&mut *tx)
            .await?;
            saved
        })
    }

    #[tracing::instrument(skip_all, fields(n = items.len()))]
    async fn insert_followups(&self, items: &[FollowUp], work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            insert_followups!(tx, work.at, items);
        })
    }

    #[tracing::instrument(skip_all)]
    async fn followups(
        &self,
        filter: &FollowUpFilter,
        paging: Paging,
    ) -> CoreResult<Page<FollowUp>> {
        // Follow-ups, the soonest due first.
        const FOLLOWUPS: List = List {
            count: "followups f",
            about: Some("f.person_id"),
            select: FOLLOWUP_SELECT,
            order: "f.due_date, f.id",
        };
        read_page!(self.db(), FollowUpRow, &FOLLOWUPS, paging, |q| {
            push_scope(q, &filter.scope, None);
            if let Some(person) = filter.person {
                q.push(" AND f.person_id = ").push_bind(person.uuid());
            }
            if let Some(g) = filter.agreement {
                q.push(" AND f.agreement_id = ").push_bind(g.uuid());
            }
            if let Some(d) = filter.due_before {
                q.push(" AND f.due_date <= ").push_bind(d);
            }
            match filter.state {
                None => {}
                Some(StateFilter::Open) => {
                    q.push(" AND f.state = 'open'");
                }
                Some(StateFilter::Due) => {
                    q.push(" AND f.state = 'open' AND f.due_date >= ")
                        .push_bind(filter.today);
                }
                Some(StateFilter::Overdue) => {
                    q.push(" AND f.state = 'open' AND f.due_date < ")
                        .push_bind(filter.today);
                }
                Some(StateFilter::Done) => {
                    q.push(" AND f.state = 'done'");
                }
                Some(StateFilter::Cancelled) => {
                    q.push(" AND f.state = 'cancelled'");
                }
            }
        })
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn followup(&self, id: FollowUpId) -> CoreResult<Option<FollowUp>> {
        read_one!(
            self.db(),
            FollowUpRow,
            &format!("{FOLLOWUP_SELECT} WHERE f.id = $1"),
            id.uuid()
        )
    }

    #[tracing::instrument(skip_all, fields(id = %f.id))]
    async fn save_followup(
        &self,
        f: &FollowUp,
        expected: i64,
        actions: &[FollowUpAction],
        work: &Work,
    ) -> CoreResult<()> {
        let (eb, ea) = match &f.employee_confirmed {
            Some(c) => (Some(c.by.id), Some(c.at)),
            None => (None, None),
        };
        let (mb, ma) = match &f.manager_confirmed {
            Some(c) => (Some(c.by.id), Some(c.at)),
            None => (None, None),
        };
        write_work!(self, work, |tx| {
            must_change!(
                tx,
                "the follow-up was saved by someone else meanwhile; reload it",
                at_version(f.id.uuid(), expected),
                sqlx::query(
                    "UPDATE followups SET state = $1, template_version = $2, answers = $3, comments = $4,
                        employee_confirmed_by = $5, employee_confirmed_at = $6, manager_confirmed_by = $7,
                        manager_confirmed_at = $8, completed_at = $9, updated_at = $10, version = version + 1
                     WHERE id = $11 AND version = $12 AND state = 'open'",
                )
                .bind(f.state.stored())
                .bind(f.template_version)
                .bind(Json(&f.answers))
                .bind(Json(&f.comments))
                .bind(eb.map(|i| i.uuid()))
                .bind(ea)
                .bind(mb.map(|i| i.uuid()))
                .bind(ma)
                .bind(f.completed_at)
                .bind(work.at)
            );
            insert_rows!(
                tx,
                "INSERT INTO followup_actions (id, followup_id, question_id, description, owner_id, due_date, state,
                        note, closed_by, closed_at, reminded_at, created_at, version) ",
                actions,
                BATCH,
                |b, x| b.push_bind(x.id.uuid())
                        .push_bind(x.followup_id.uuid())
                        .push_bind(x.question_id.clone())
                        .push_bind(x.description.clone())
                        .push_bind(x.owner.id.uuid())
                        .push_bind(x.due)
                        .push_bind(x.state.stored())
                        .push_bind(None::<String>)
                        .push_bind(None::<Uuid>)
                        .push_bind(None::<OffsetDateTime>)
                        .push_bind(None::<OffsetDateTime>)
                        .push_bind(x.created_at)
                        .push_bind(1i64),
            );
        })
    }

    #[tracing::instrument(skip_all)]
    async fn followup_actions(
        &self,
        filter: &ActionFilter,
        paging: Paging,
    ) -> CoreResult<Page<FollowUpAction>> {
        // Actions of follow-ups, the soonest due first.
        const ACTIONS: List = List {
            count: "followup_actions x JOIN followups f ON f.id = x.followup_id",
            about: Some("f.person_id"),
            select: ACTION_SELECT,
            order: "x.due_date, x.id",
        };
        read_page!(self.db(), ActionRow, &ACTIONS, paging, |q| {
            push_scope(q, &filter.scope, Some("x.owner_id"));
            if let Some(s) = filter.state {
                q.push(" AND x.state = ").push_bind(s.stored());
            }
            if let Some(f) = filter.followup {
                q.push(" AND x.followup_id = ").push_bind(f.uuid());
            }
        })
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn followup_action(&self, id: FollowUpActionId) -> CoreResult<Option<FollowUpAction>> {
        read_one!(
            self.db(),
            ActionRow,
            &format!("{ACTION_SELECT} WHERE x.id = $1"),
            id.uuid()
        )
    }

    #[tracing::instrument(skip_all, fields(id = %x.id))]
    async fn update_followup_action(
        &self,
        x: &FollowUpAction,
        expected: i64,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            // A new due date may be reminded of again.
            must_change!(
                tx,
                "the action was changed by someone else meanwhile; reload it",
                at_version(x.id.uuid(), expected),
                sqlx::query(
                    "UPDATE followup_actions SET reminded_at = CASE WHEN due_date = $2 THEN reminded_at ELSE NULL END,
                        owner_id = $1, due_date = $2, state = $3, note = $4, closed_by = $5, closed_at = $6,
                        version = version + 1
                     WHERE id = $7 AND version = $8",
                )
                .bind(x.owner.id.uuid())
                .bind(x.due)
                .bind(x.state.stored())
                .bind(&x.note)
                .bind((x.closed_by.as_ref().map(|c| c.id)).map(|i| i.uuid()))
                .bind(x.closed_at)
            );
        })
    }

    #[tracing::instrument(skip_all)]
    async fn followups_to_remind(
        &self,
        today: Date,
        until: Date,
        limit: i64,
    ) -> CoreResult<Vec<FollowUp>> {
        read_all!(
            self.db(),
            FollowUpRow,
            &format!(
                "{FOLLOWUP_SELECT} WHERE f.state = 'open'
                   AND ((f.reminded_at IS NULL AND f.due_date >= $1 AND f.due_date <= $2)
                     OR (f.overdue_reminded_at IS NULL AND f.due_date < $1))
                 ORDER BY f.due_date LIMIT $3"
            ),
            today,
            until,
            limit
        )
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn mark_followup_reminded(
        &self,
        id: FollowUpId,
        overdue: bool,
        work: &Work,
    ) -> CoreResult<bool> {
        // Only the first worker to get here tells anyone.
        let sql = if overdue {
            "UPDATE followups SET overdue_reminded_at = $1, reminded_at = COALESCE(reminded_at, $1)
             WHERE id = $2 AND overdue_reminded_at IS NULL AND state = 'open'"
        } else {
            "UPDATE followups SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL AND state = 'open'"
        };
        write_if_changed!(self, work, sql, work.at, id.uuid())
    }

    #[tracing::instrument(skip_all)]
    async fn actions_to_remind(&self, today: Date, limit: i64) -> CoreResult<Vec<FollowUpAction>> {
        read_all!(
            self.db(),
            ActionRow,
            &format!(
                "{ACTION_SELECT} WHERE x.state = 'open' AND x.reminded_at IS NULL AND x.due_date < $1
                 ORDER BY x.due_date LIMIT $2"
            ),
            today,
            limit
        )
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn mark_action_reminded(&self, id: FollowUpActionId, work: &Work) -> CoreResult<bool> {
        write_if_changed!(
            self,
            work,
            "UPDATE followup_actions SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL AND state = 'open'",
            work.at,
            id.uuid()
        )
    }
}
