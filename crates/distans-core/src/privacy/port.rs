//! What the privacy slice needs of storage. One implementation (in
//! `distans-store`) runs it on SQLite and PostgreSQL; every change is one
//! transaction with its audit entry.

use async_trait::async_trait;
use time::Date;

use crate::kernel::{CoreResult, PersonId, Work};
use crate::privacy::model::*;

#[async_trait]
pub trait PrivacyPort: Send + Sync {
    /// Every section of [`crate::privacy::rules::SECTIONS`] about the
    /// person, each read with a bound of `limit + 1` records; `None` when
    /// there is no such person. Another person appears only by role.
    async fn personal_data(
        &self,
        person: PersonId,
        limit: usize,
    ) -> CoreResult<Option<Vec<Section>>>;

    /// Records an audit entry on its own (a person's data handed out).
    async fn append_privacy_audit(&self, work: &Work) -> CoreResult<()>;

    /// The disposal table, one rule per record type.
    async fn disposal_rules(&self) -> CoreResult<Vec<DisposalRule>>;
    /// Saves a rule at the version edited; `Conflict` when it changed.
    async fn save_disposal_rule(
        &self,
        t: RecordType,
        change: &RuleChange,
        by: &str,
        work: &Work,
    ) -> CoreResult<DisposalRule>;

    /// Legal holds, those in force first, at most `limit`.
    async fn legal_holds(&self, limit: i64) -> CoreResult<Vec<LegalHold>>;
    async fn place_hold(&self, hold: &LegalHold, work: &Work) -> CoreResult<()>;
    /// Lifts a hold in force; `false` when there is none with the id.
    async fn lift_hold(&self, id: uuid::Uuid, by: &str, work: &Work) -> CoreResult<bool>;
    /// Whether a record of the kind exists (for a hold placed on it).
    async fn record_exists(&self, kind: &str, id: uuid::Uuid) -> CoreResult<bool>;

    /// Applies the rules with their cut-off days, as one transaction that
    /// also writes the run's record and audit entry; with `run.dry_run`
    /// only counts (and writes nothing). The counts are the run's.
    async fn dispose(
        &self,
        rules: &[(DisposalRule, Date)],
        run: &DisposalRun,
        work: &Work,
    ) -> CoreResult<Vec<DisposalCount>>;
    /// Agreements signed by both parties, the later signature on a day
    /// from `from` to `to` (both included), in the order signed, at most
    /// `limit`; and the organisation's name (its top unit).
    async fn signed_agreements(
        &self,
        from: Date,
        to: Date,
        limit: i64,
    ) -> CoreResult<(String, Vec<crate::kernel::AgreementId>)>;
    /// The privacy notice's latest version, if HR has written one.
    async fn privacy_notice(&self) -> CoreResult<Option<PrivacyNotice>>;
    /// Saves a new version after `expected` (0: the first); `Conflict`
    /// when another was saved meanwhile. The new version.
    async fn save_privacy_notice(
        &self,
        text: &NoticeText,
        expected: i64,
        by: &str,
        work: &Work,
    ) -> CoreResult<i64>;
    /// The version of the privacy notice the person last saw at sign-in
    /// (0: the default texts); `None` when they never did.
    async fn notice_seen(&self, person: PersonId) -> CoreResult<Option<i64>>;
    /// Records that the person saw the notice's `version`, with its audit
    /// entry.
    async fn record_notice_seen(
        &self,
        person: PersonId,
        version: i64,
        work: &Work,
    ) -> CoreResult<()>;
    /// The latest runs, newest first, at most `limit`.
    async fn disposal_runs(&self, limit: i64) -> CoreResult<Vec<DisposalRun>>;
}
