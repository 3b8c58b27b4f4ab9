//! Personal data and public records: a person's data read section by
//! section (each query bounded), the disposal rules, legal holds, and
//! disposal itself, one transaction per run with its record.

use async_trait::async_trait;
use sqlx::types::Json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use distans_core::kernel::{PersonId, Work};
use distans_core::privacy::*;
use distans_core::store::PrivacyPort;
use distans_core::{CoreError, CoreResult};

use crate::db::{fetch, on_db, read_all, read_one};
use crate::store::{row, write_work, SqlStore};

mod dispose;
mod export;

#[derive(sqlx::FromRow)]
struct RuleRow {
    record_type: String,
    keep_months: i64,
    action: String,
    decision_ref: String,
    decision_date: Date,
    version: i64,
    updated_at: OffsetDateTime,
    updated_by: String,
}

impl TryFrom<RuleRow> for DisposalRule {
    type Error = crate::error::StoreError;
    fn try_from(r: RuleRow) -> Result<Self, Self::Error> {
        Ok(DisposalRule {
            record_type: RecordType::parse(&r.record_type).ok_or_else(|| {
                crate::error::invalid_stored("disposal_rules.record_type", &r.record_type)
            })?,
            keep_months: u32::try_from(r.keep_months).map_err(|_| {
                crate::error::invalid_stored("disposal_rules.keep_months", r.keep_months)
            })?,
            action: DisposalAction::parse(&r.action)
                .ok_or_else(|| crate::error::invalid_stored("disposal_rules.action", &r.action))?,
            decision_ref: r.decision_ref,
            decision_date: r.decision_date,
            version: r.version,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
        })
    }
}

const RULES_SELECT: &str = "SELECT record_type, keep_months, action, decision_ref, decision_date, \
     version, updated_at, updated_by FROM disposal_rules";

row! {
    struct HoldRow => LegalHold {
        id: Uuid,
        reason: String,
        placed_at: OffsetDateTime,
        placed_by: String,
        lifted_at: Option<OffsetDateTime>,
        lifted_by: Option<String>,
    }
    with {
        person_id: Option<Uuid>,
        record_kind: Option<String>,
        record_id: Option<Uuid>,
    }
    |r| {
        person: r.person_id.map(Into::into),
        record: match (r.record_kind, r.record_id) {
            (Some(k), Some(id)) => Some(format!("{k}:{id}")),
            _ => None,
        },
    }
}

row! {
    struct NoticeRow => PrivacyNotice {
        version: i64,
        updated_at: OffsetDateTime,
        updated_by: String,
    }
    with {
        what: String,
        why: String,
        legal_basis: String,
        how_long: String,
        rights: String,
        dpo: String,
    }
    |r| {
        text: NoticeText {
            what: r.what,
            why: r.why,
            legal_basis: r.legal_basis,
            how_long: r.how_long,
            rights: r.rights,
            dpo: r.dpo,
        },
    }
}

#[derive(sqlx::FromRow)]
struct RunRow {
    id: Uuid,
    at: OffsetDateTime,
    as_of: Date,
    by_name: String,
    counts: Json<Vec<DisposalCount>>,
}

impl TryFrom<RunRow> for DisposalRun {
    type Error = crate::error::StoreError;
    fn try_from(r: RunRow) -> Result<Self, Self::Error> {
        Ok(DisposalRun {
            id: r.id,
            at: r.at,
            as_of: r.as_of,
            by: r.by_name,
            dry_run: false,
            counts: r.counts.0,
        })
    }
}

/// The table a kind of record to hold is kept in.
fn hold_table(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "person" => "people",
        "request" => "requests",
        "agreement" => "agreements",
        "absence" => "absences",
        "followup" => "followups",
        "deviation" => "deviations",
        _ => return None,
    })
}

#[async_trait]
impl PrivacyPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn personal_data(
        &self,
        person: PersonId,
        limit: usize,
    ) -> CoreResult<Option<Vec<Section>>> {
        self.read_personal_data(person, limit).await
    }

    #[tracing::instrument(skip_all)]
    async fn append_privacy_audit(&self, work: &Work) -> CoreResult<()> {
        write_work!(self, work, |tx| ())
    }

    #[tracing::instrument(skip_all)]
    async fn disposal_rules(&self) -> CoreResult<Vec<DisposalRule>> {
        let mut rules: Vec<DisposalRule> = read_all!(self.db(), RuleRow, RULES_SELECT)?;
        rules.sort_by_key(|r| {
            RecordType::ALL
                .iter()
                .position(|t| *t == r.record_type)
                .unwrap_or(usize::MAX)
        });
        Ok(rules)
    }

    #[tracing::instrument(skip_all)]
    async fn save_disposal_rule(
        &self,
        t: RecordType,
        change: &RuleChange,
        by: &str,
        work: &Work,
    ) -> CoreResult<DisposalRule> {
        write_work!(self, work, |tx| {
            let n = sqlx::query(
                "UPDATE disposal_rules SET keep_months = $1, action = $2, decision_ref = $3,
                        decision_date = $4, version = version + 1, updated_at = $5, updated_by = $6
                 WHERE record_type = $7 AND version = $8",
            )
            .bind(change.keep_months as i64)
            .bind(change.action.as_str())
            .bind(change.decision_ref.trim())
            .bind(change.decision_date)
            .bind(work.at)
            .bind(by)
            .bind(t.as_str())
            .bind(change.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(crate::error::conflict(format!(
                    "the rule for {} was changed meanwhile (you edited version {})",
                    t.as_str(),
                    change.version
                )));
            }
            let row: RuleRow = sqlx::query_as(&format!("{RULES_SELECT} WHERE record_type = $1"))
                .bind(t.as_str())
                .fetch_one(&mut *tx)
                .await?;
            DisposalRule::try_from(row)?
        })
    }

    #[tracing::instrument(skip_all)]
    async fn legal_holds(&self, limit: i64) -> CoreResult<Vec<LegalHold>> {
        read_all!(
            self.db(),
            HoldRow,
            "SELECT id, person_id, record_kind, record_id, reason, placed_at, placed_by, lifted_at, lifted_by
             FROM legal_holds ORDER BY lifted_at IS NOT NULL, placed_at DESC LIMIT $1",
            limit
        )
    }

    #[tracing::instrument(skip_all)]
    async fn place_hold(&self, hold: &LegalHold, work: &Work) -> CoreResult<()> {
        let (kind, record_id) = match hold.record.as_deref().and_then(|r| r.split_once(':')) {
            Some((k, id)) => (
                Some(k.to_string()),
                Some(Uuid::parse_str(id).map_err(|_| CoreError::invalid("record", "not an id"))?),
            ),
            None => (None, None),
        };
        let (entity, entity_id) = match (&hold.person, &kind, &record_id) {
            (Some(p), _, _) => ("person".to_string(), p.to_string()),
            (None, Some(k), Some(id)) => (k.clone(), id.to_string()),
            _ => return Err(CoreError::invalid("person", "name a person or a record")),
        };
        write_work!(self, work, |tx| {
            sqlx::query(
                "INSERT INTO legal_holds (id, person_id, record_kind, record_id, held_entity, held_entity_id,
                                          reason, placed_at, placed_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(hold.id)
            .bind(hold.person.map(|p| p.uuid()))
            .bind(kind.clone())
            .bind(record_id)
            .bind(entity.clone())
            .bind(entity_id.clone())
            .bind(&hold.reason)
            .bind(hold.placed_at)
            .bind(&hold.placed_by)
            .execute(&mut *tx)
            .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn lift_hold(&self, id: Uuid, by: &str, work: &Work) -> CoreResult<bool> {
        write_work!(self, work, |tx| {
            let n = sqlx::query(
                "UPDATE legal_holds SET lifted_at = $1, lifted_by = $2 WHERE id = $3 AND lifted_at IS NULL",
            )
            .bind(work.at)
            .bind(by)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Ok(false);
            }
            true
        })
    }

    #[tracing::instrument(skip_all)]
    async fn record_exists(&self, kind: &str, id: Uuid) -> CoreResult<bool> {
        let Some(table) = hold_table(kind) else {
            return Ok(false);
        };
        let (n,): (i64,) = fetch!(
            self.db(),
            fetch_one,
            &format!("SELECT COUNT(*) FROM {table} WHERE id = $1"),
            id
        )?;
        Ok(n > 0)
    }

    #[tracing::instrument(skip_all)]
    async fn dispose(
        &self,
        rules: &[(DisposalRule, Date)],
        run: &DisposalRun,
        work: &Work,
    ) -> CoreResult<Vec<DisposalCount>> {
        self.dispose_in_one(rules, run, work).await
    }

    #[tracing::instrument(skip_all)]
    async fn signed_agreements(
        &self,
        from: Date,
        to: Date,
        limit: i64,
    ) -> CoreResult<(String, Vec<distans_core::kernel::AgreementId>)> {
        let start = from.midnight().assume_utc();
        let end = to.next_day().unwrap_or(to).midnight().assume_utc();
        let (org, ids): (Option<(String,)>, Vec<(Uuid,)>) = on_db!(self.db(), p => {
            let org = sqlx::query_as(
                "SELECT name FROM units WHERE parent_id IS NULL ORDER BY depth, name LIMIT 1",
            )
            .fetch_optional(p)
            .await?;
            let ids = sqlx::query_as(
                "SELECT id FROM (
                     SELECT id, CASE WHEN employee_signed_at >= decider_signed_at
                                     THEN employee_signed_at ELSE decider_signed_at END AS signed
                     FROM agreements
                     WHERE employee_signed_at IS NOT NULL AND decider_signed_at IS NOT NULL
                 ) s WHERE signed >= $1 AND signed < $2 ORDER BY signed, id LIMIT $3",
            )
            .bind(start)
            .bind(end)
            .bind(limit)
            .fetch_all(p)
            .await?;
            Ok((org, ids))
        })?;
        Ok((
            org.map(|(n,)| n).unwrap_or_default(),
            ids.into_iter().map(|(id,)| id.into()).collect(),
        ))
    }

    #[tracing::instrument(skip_all)]
    async fn privacy_notice(&self) -> CoreResult<Option<PrivacyNotice>> {
        read_one!(
            self.db(),
            NoticeRow,
            "SELECT version, what, why, legal_basis, how_long, rights, dpo, updated_at, updated_by
             FROM privacy_notices ORDER BY version DESC LIMIT 1"
        )
    }

    #[tracing::instrument(skip_all)]
    async fn save_privacy_notice(
        &self,
        text: &NoticeText,
        expected: i64,
        by: &str,
        work: &Work,
    ) -> CoreResult<i64> {
        write_work!(self, work, |tx| {
            let version =
                crate::store::next_version!(tx, expected, "the privacy notice", "privacy_notices");
            sqlx::query(
                "INSERT INTO privacy_notices (version, what, why, legal_basis, how_long, rights, dpo, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(version)
            .bind(text.what.trim())
            .bind(text.why.trim())
            .bind(text.legal_basis.trim())
            .bind(text.how_long.trim())
            .bind(text.rights.trim())
            .bind(text.dpo.trim())
            .bind(work.at)
            .bind(by)
            .execute(&mut *tx)
            .await?;
            version
        })
    }

    #[tracing::instrument(skip_all)]
    async fn notice_seen(&self, person: PersonId) -> CoreResult<Option<i64>> {
        let row: Option<(Option<i64>,)> = fetch!(
            self.db(),
            fetch_optional,
            "SELECT notice_seen_version FROM people WHERE id = $1",
            person.uuid()
        )?;
        Ok(row.and_then(|(v,)| v))
    }

    #[tracing::instrument(skip_all)]
    async fn record_notice_seen(
        &self,
        person: PersonId,
        version: i64,
        work: &Work,
    ) -> CoreResult<()> {
        write_work!(self, work, |tx| {
            // The version seen never goes back (two tabs, an older screen).
            sqlx::query(
                "UPDATE people SET notice_seen_version = $1, notice_seen_at = $2
                 WHERE id = $3 AND (notice_seen_version IS NULL OR notice_seen_version < $1)",
            )
            .bind(version)
            .bind(work.at)
            .bind(person.uuid())
            .execute(&mut *tx)
            .await?;
        })
    }

    #[tracing::instrument(skip_all)]
    async fn disposal_runs(&self, limit: i64) -> CoreResult<Vec<DisposalRun>> {
        read_all!(
            self.db(),
            RunRow,
            "SELECT id, at, as_of, by_name, counts FROM disposal_runs ORDER BY at DESC, id DESC LIMIT $1",
            limit
        )
    }
}
