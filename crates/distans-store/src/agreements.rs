//! Agreements on regular remote work: written when a request is approved,
//! signed by both parties and frozen (the text's SHA-256), ended or
//! expired; the reminder mark of an ending one; and the versions of the
//! agreement template.

use async_trait::async_trait;
use distans_core::kernel::AgreementId;
use distans_core::kernel::PersonId;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::agreements::{Agreement, AgreementState};
use distans_core::followup::FollowUpSchedule;
use distans_core::kernel::{Page, Paging, UnitId, Work};
use distans_core::store::AgreementsPort;
use distans_core::CoreResult;

use crate::db::{fetch, read_all, read_one};
use crate::sql::push_below;
use crate::store::{
    about, must_change, name, next_version, read_page, row, write_if_changed, write_work, List,
    SqlStore,
};
use crate::stored::{terms, Stored};

pub(crate) const AGREEMENT_SELECT: &str = "SELECT g.id, g.request_id, g.person_id, p.given_name,
        p.family_name, g.decider_id, d.given_name AS d_given, d.family_name AS d_family, g.state,
        g.days_per_week, CAST(g.weekdays AS TEXT) AS weekdays, g.place, g.place_address,
        g.start_date, g.end_date, g.policy_version, g.notice_days, g.text, g.text_sha256,
        g.employee_signed_at, g.decider_signed_at, g.ends_on, g.ended_by, g.end_reason, g.version,
        CASE WHEN g.unit_id IS NOT NULL AND g.unit_id <> p.unit_id THEN p.unit_id END AS moved_to
    FROM agreements g JOIN people p ON p.id = g.person_id JOIN people d ON d.id = g.decider_id
        JOIN units pu ON pu.id = p.unit_id";

/// Live agreements of people who are no longer in the unit the agreement
/// was made for (after `WHERE`).
const MOVED: &str = "g.unit_id IS NOT NULL AND g.unit_id <> p.unit_id AND p.deactivated_at IS NULL
    AND g.state IN ('active', 'awaiting_signatures') AND g.ends_on IS NULL";

const AGREEMENTS_MOVED: List = List {
    count: "agreements g JOIN people p ON p.id = g.person_id JOIN units pu ON pu.id = p.unit_id",
    about: None,
    select: AGREEMENT_SELECT,
    order: "p.sort_name, g.start_date, g.id",
};

row! {
    pub(crate) struct AgreementRow => Agreement {
        id: Uuid,
        request_id: Uuid,
        person_id: Uuid,
        decider_id: Uuid,
        policy_version: i64,
        notice_days: i64,
        text: String,
        text_sha256: Option<String>,
        employee_signed_at: Option<OffsetDateTime>,
        decider_signed_at: Option<OffsetDateTime>,
        ends_on: Option<Date>,
        ended_by: Option<String>,
        end_reason: Option<String>,
        moved_to: Option<Uuid>,
        version: i64,
    }
    with {
        given_name: String,
        family_name: String,
        d_given: String,
        d_family: String,
        state: String,
        days_per_week: i64,
        weekdays: String,
        place: String,
        place_address: Option<String>,
        start_date: Date,
        end_date: Option<Date>,
    }
    |r| {
        person_name: name(&r.given_name, &r.family_name),
        decider_name: name(&r.d_given, &r.d_family),
        state: AgreementState::read("agreements.state", &r.state)?,
        terms: terms(
            "agreements",
            r.days_per_week,
            &r.weekdays,
            &r.place,
            r.place_address,
            (r.start_date, r.end_date),
        )?,
    }
}

/// Writes a new agreement `$g` (`&Agreement`) at `$at`, unsigned, in `$tx`.
macro_rules! insert_agreement {
    ($tx:expr, $g:expr, $at:expr) => {{
        let g: &distans_core::agreements::Agreement = $g;
        sqlx::query(
            "INSERT INTO agreements (id, request_id, person_id, decider_id, state, days_per_week, weekdays, place,
                place_address, start_date, end_date, policy_version, notice_days, text, text_sha256,
                employee_signed_at, decider_signed_at, ends_on, ended_by, end_reason, created_at, version, unit_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, NULL, NULL, NULL, NULL, NULL,
                $15, 1, (SELECT p.unit_id FROM people p WHERE p.id = $3))",
        )
        .bind(g.id.uuid())
        .bind(g.request_id.uuid())
        .bind(g.person_id.uuid())
        .bind(g.decider_id.uuid())
        .bind($crate::stored::Stored::stored(g.state))
        .bind(i64::from(g.terms.days_per_week()))
        .bind(sqlx::types::Json(&g.terms.weekdays()))
        .bind($crate::stored::Stored::stored(g.terms.place()))
        .bind(&g.terms.place_address())
        .bind(g.terms.start())
        .bind(g.terms.end())
        .bind(g.policy_version)
        .bind(g.notice_days)
        .bind(&g.text)
        .bind($at)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_agreement;

impl SqlStore {
    /// Agreements matching `condition` (after `WHERE`, binding `$1`), at most 100.
    async fn agreements_where(&self, condition: &str, key: Uuid) -> CoreResult<Vec<Agreement>> {
        read_all!(
            self.db(),
            AgreementRow,
            &format!("{AGREEMENT_SELECT} WHERE {condition} LIMIT 100"),
            key
        )
    }
}

#[async_trait]
impl AgreementsPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn agreement_template(&self) -> CoreResult<Option<(i64, String)>> {
        fetch!(
            self.db(),
            fetch_optional,
            "SELECT version, text FROM agreement_templates ORDER BY version DESC LIMIT 1"
        )
    }

    #[tracing::instrument(skip_all)]
    async fn set_agreement_template(
        &self,
        text: &str,
        expected: i64,
        created_by: &str,
        work: &Work,
    ) -> CoreResult<i64> {
        write_work!(self, work, |tx| {
            let version = next_version!(tx, expected, "the template", "agreement_templates");
            // The primary key makes two simultaneous saves of the same version collide.
            sqlx::query("INSERT INTO agreement_templates (version, text, created_at, created_by) VALUES ($1, $2, $3, $4)")
                .bind(version)
                .bind(text)
                .bind(work.at)
                .bind(created_by)
                .execute(&mut *tx)
                .await?;
            version
        }, audit: |v: &i64| Some(about(&work.audit, *v, None)))
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn agreement(&self, id: AgreementId) -> CoreResult<Option<Agreement>> {
        read_one!(
            self.db(),
            AgreementRow,
            &format!("{AGREEMENT_SELECT} WHERE g.id = $1"),
            id.uuid()
        )
    }

    #[tracing::instrument(skip_all)]
    async fn agreements_of(&self, person: PersonId) -> CoreResult<Vec<Agreement>> {
        self.agreements_where("g.person_id = $1 ORDER BY g.start_date DESC", person.into())
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn agreements_drafted_by(&self, person: PersonId) -> CoreResult<Vec<Agreement>> {
        self.agreements_where(
            "g.decider_id = $1 AND g.state = 'draft' ORDER BY g.created_at",
            person.into(),
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn agreements_to_sign_as_decider(&self, person: PersonId) -> CoreResult<Vec<Agreement>> {
        self.agreements_where(
            "g.decider_id = $1 AND g.state = 'awaiting_signatures' AND g.decider_signed_at IS NULL
             ORDER BY g.created_at",
            person.into(),
        )
        .await
    }

    #[tracing::instrument(skip_all, fields(id = %g.id))]
    async fn update_agreement(&self, g: &Agreement, expected: i64, work: &Work) -> CoreResult<()> {
        self.update_agreement_scheduling(g, expected, &FollowUpSchedule::default(), work)
            .await
    }

    /// Also adds and cancels follow-ups, in the same transaction.
    #[tracing::instrument(skip_all, fields(id = %g.id))]
    async fn update_agreement_scheduling(
        &self,
        g: &Agreement,
        expected: i64,
        schedule: &FollowUpSchedule,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            must_change!(
                tx,
                "the agreement was changed by someone else meanwhile; reload it",
                at_version(g.id.uuid(), expected),
                sqlx::query(
                    "UPDATE agreements SET state = $1, text_sha256 = $2, employee_signed_at = $3, decider_signed_at = $4,
                        ends_on = $5, ended_by = $6, end_reason = $7, text = $8, version = version + 1
                     WHERE id = $9 AND version = $10 AND (text_sha256 IS NULL OR text = $8)",
                )
                .bind(g.state.stored())
                .bind(&g.text_sha256)
                .bind(g.employee_signed_at)
                .bind(g.decider_signed_at)
                .bind(g.ends_on)
                .bind(&g.ended_by)
                .bind(&g.end_reason)
                .bind(&g.text)
            );
            crate::followup::write_schedule!(tx, work.at, schedule);
        })
    }

    #[tracing::instrument(skip_all)]
    async fn agreements_ending(&self, until: Date, limit: i64) -> CoreResult<Vec<Agreement>> {
        read_all!(
            self.db(),
            AgreementRow,
            &format!(
                "{AGREEMENT_SELECT} WHERE g.state = 'active' AND g.ending_notified_at IS NULL
                   AND COALESCE(g.ends_on, g.end_date) IS NOT NULL AND COALESCE(g.ends_on, g.end_date) <= $1
                 ORDER BY COALESCE(g.ends_on, g.end_date) LIMIT $2"
            ),
            until,
            limit
        )
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn mark_agreement_ending_notified(
        &self,
        id: AgreementId,
        work: &Work,
    ) -> CoreResult<bool> {
        // Only the first worker to get here tells anyone.
        write_if_changed!(
            self,
            work,
            "UPDATE agreements SET ending_notified_at = $1 WHERE id = $2 AND ending_notified_at IS NULL",
            work.at,
            id.uuid()
        )
    }

    #[tracing::instrument(skip_all)]
    async fn agreements_moved(
        &self,
        under: Option<&[String]>,
        today: Date,
        paging: Paging,
    ) -> CoreResult<Page<Agreement>> {
        read_page!(self.db(), AgreementRow, &AGREEMENTS_MOVED, paging, |q| {
            q.push(format!(" AND {MOVED} AND COALESCE(g.ends_on, g.end_date, "))
                .push_bind(today)
                .push(") >= ")
                .push_bind(today);
            if let Some(paths) = under {
                q.push(" AND ");
                push_below(q, "pu.path", paths);
            }
        })
    }

    #[tracing::instrument(skip_all)]
    async fn agreements_moved_untold(&self, limit: i64) -> CoreResult<Vec<Agreement>> {
        read_all!(
            self.db(),
            AgreementRow,
            &format!(
                "{AGREEMENT_SELECT} WHERE {MOVED}
                   AND (g.move_told_unit_id IS NULL OR g.move_told_unit_id <> p.unit_id)
                 ORDER BY g.id LIMIT $1"
            ),
            limit
        )
    }

    #[tracing::instrument(skip_all, fields(id = %id))]
    async fn mark_agreement_move_told(
        &self,
        id: AgreementId,
        unit: UnitId,
        work: &Work,
    ) -> CoreResult<bool> {
        write_if_changed!(
            self,
            work,
            "UPDATE agreements SET move_told_unit_id = $1
             WHERE id = $2 AND (move_told_unit_id IS NULL OR move_told_unit_id <> $1)",
            unit.uuid(),
            id.uuid()
        )
    }

    #[tracing::instrument(skip_all, fields(id = %g.id))]
    async fn confirm_agreement_unit(
        &self,
        g: &Agreement,
        expected: i64,
        unit: UnitId,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            must_change!(
                tx,
                "the agreement was changed by someone else meanwhile; reload it",
                at_version(g.id.uuid(), expected),
                sqlx::query(
                    "UPDATE agreements SET unit_id = $1, decider_id = $2, version = version + 1
                     WHERE id = $3 AND version = $4
                       AND $1 = (SELECT p.unit_id FROM people p WHERE p.id = agreements.person_id)",
                )
                .bind(unit.uuid())
                .bind(g.decider_id.uuid())
            );
        })
    }
}
