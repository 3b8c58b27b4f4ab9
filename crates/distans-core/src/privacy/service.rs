//! The use cases: a person's own data (and HR producing it for them, a
//! registered Art. 15 request, audited), the disposal table, legal holds,
//! and applying the rules (a run, kept as a record of its own).

use std::sync::Arc;

use serde_json::json;
use time::Date;

use crate::access::{self, Action, Kind};
use crate::agreements::port::AgreementsPort;
use crate::kernel::{Actor, CoreError, CoreResult, Env, NewAuditEntry, PersonId, Work};
use crate::privacy::model::*;
use crate::privacy::port::PrivacyPort;
use crate::privacy::rules::{self, check_rule, cutoff, hold_reason, parse_record, SECTION_LIMIT};

/// Who applies the disposal rules.
#[derive(Debug, Clone, Copy)]
pub enum RunBy<'a> {
    /// Someone signed in (HR, an administrator).
    Person(&'a Actor),
    /// The daily job or the command line (its name is recorded).
    System(&'a str),
}

/// Personal data and public records.
#[derive(Clone)]
pub struct PrivacyService {
    port: Arc<dyn PrivacyPort>,
    agreements: Arc<dyn AgreementsPort>,
    env: Env,
}

/// Agreements one archive export holds at most.
pub const ARCHIVE_LIMIT: i64 = 10_000;

impl PrivacyService {
    pub(crate) fn new(
        port: Arc<dyn PrivacyPort>,
        agreements: Arc<dyn AgreementsPort>,
        env: Env,
    ) -> Self {
        PrivacyService {
            port,
            agreements,
            env,
        }
    }

    /// The signed agreements of a period to hand to the e-archive (for the
    /// command line, which is trusted): those signed from `from` to `to`.
    /// Their rule says whether they are to be kept for good.
    #[tracing::instrument(skip_all)]
    pub async fn archive_selection(&self, from: Date, to: Date) -> CoreResult<ArchiveSelection> {
        if to < from {
            return Err(CoreError::invalid("to", "the period ends before it starts"));
        }
        let rule = self
            .port
            .disposal_rules()
            .await?
            .into_iter()
            .find(|r| r.record_type == RecordType::EndedAgreement)
            .ok_or(CoreError::NotFound("disposal rule"))?;
        let (organisation, ids) = self
            .port
            .signed_agreements(from, to, ARCHIVE_LIMIT + 1)
            .await?;
        if ids.len() as i64 > ARCHIVE_LIMIT {
            return Err(CoreError::invalid(
                "from",
                format!("more than {ARCHIVE_LIMIT} agreements; export a shorter period"),
            ));
        }
        let mut agreements = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(g) = self.agreements.agreement(id).await? {
                agreements.push(g);
            }
        }
        Ok(ArchiveSelection {
            organisation,
            rule,
            agreements,
        })
    }

    /// The privacy notice as HR last wrote it (`None`: the default texts
    /// are shown). For anyone, signed in or not.
    #[tracing::instrument(skip_all)]
    pub async fn notice(&self) -> CoreResult<Option<PrivacyNotice>> {
        self.port.privacy_notice().await
    }

    /// Saves a new version of the privacy notice (HR), at the version read.
    #[tracing::instrument(skip_all)]
    pub async fn save_notice(
        &self,
        actor: &Actor,
        text: &NoticeText,
        expected: i64,
    ) -> CoreResult<i64> {
        access::authorize(actor, Action::Plain(Kind::EditPrivacyNotice))?;
        rules::check_notice(text)?;
        let a = NewAuditEntry::by(actor, "privacy_notice.save", "privacy_notice", expected + 1)
            .after(json!(text));
        self.port
            .save_privacy_notice(text, expected, &actor.name, &Work::new(self.env.now(), a))
            .await
    }

    /// The version of the privacy notice the person is to see at sign-in
    /// (0: the default texts), if they have not seen it yet.
    #[tracing::instrument(skip_all)]
    pub async fn notice_due(&self, person: PersonId) -> CoreResult<Option<i64>> {
        let current = self.port.privacy_notice().await?.map_or(0, |n| n.version);
        let seen = self.port.notice_seen(person).await?;
        Ok(rules::notice_due(seen, current).then_some(current))
    }

    /// Records that the signed-in person saw the notice's `version` (the
    /// one shown to them), audited. A version that does not exist is
    /// refused naming the field.
    #[tracing::instrument(skip_all)]
    pub async fn notice_seen(&self, actor: &Actor, version: i64) -> CoreResult<()> {
        access::authorize(actor, Action::Plain(Kind::AcknowledgePrivacyNotice))?;
        let current = self.port.privacy_notice().await?.map_or(0, |n| n.version);
        if !(0..=current).contains(&version) {
            return Err(CoreError::invalid(
                "version",
                "no such version of the notice",
            ));
        }
        let a = NewAuditEntry::by(actor, "privacy_notice.seen", "person", actor.person_id)
            .after(json!({ "version": version }));
        self.port
            .record_notice_seen(actor.person_id, version, &Work::new(self.env.now(), a))
            .await
    }

    /// The daily job: applies the rules as of today unless a run as of
    /// today was made already (on this or another server).
    #[tracing::instrument(skip_all)]
    pub async fn run_daily(&self) -> CoreResult<Option<DisposalRun>> {
        let today = self.env.today();
        if self
            .port
            .disposal_runs(1)
            .await?
            .first()
            .is_some_and(|r| r.as_of >= today)
        {
            return Ok(None);
        }
        self.run(RunBy::System("daily disposal"), Some(today), false)
            .await
            .map(Some)
    }

    /// Everything distans holds about the signed-in person.
    #[tracing::instrument(skip_all)]
    pub async fn export_own(&self, actor: &Actor) -> CoreResult<PersonalData> {
        access::authorize(actor, Action::Plain(Kind::ExportOwnData))?;
        self.read(actor.person_id, Requester::Own).await
    }

    /// The same for a person, produced by HR for a request the person made
    /// (its reference, e.g. the registry number); the audit log records it.
    #[tracing::instrument(skip_all)]
    pub async fn export_for(
        &self,
        actor: &Actor,
        person: PersonId,
        reference: &str,
    ) -> CoreResult<PersonalData> {
        access::authorize(actor, Action::Plain(Kind::ExportPersonData))?;
        let reference = reference.trim();
        if reference.is_empty() || reference.chars().count() > 100 {
            return Err(CoreError::invalid(
                "reference",
                "give the request's reference (registry number), at most 100 characters",
            ));
        }
        if self.port.personal_data(person, 0).await?.is_none() {
            return Err(CoreError::NotFound("person"));
        }
        let a = NewAuditEntry::by(actor, "privacy.export", "person", person)
            .after(json!({ "reference": reference }));
        self.port
            .append_privacy_audit(&Work::new(self.env.now(), a))
            .await?;
        self.read(
            person,
            Requester::Hr {
                reference: reference.to_string(),
            },
        )
        .await
    }

    async fn read(&self, person: PersonId, requested: Requester) -> CoreResult<PersonalData> {
        let sections = self
            .port
            .personal_data(person, SECTION_LIMIT)
            .await?
            .ok_or(CoreError::NotFound("person"))?;
        Ok(PersonalData {
            person,
            generated_at: self.env.now(),
            requested,
            sections,
        })
    }

    /// The disposal table.
    #[tracing::instrument(skip_all)]
    pub async fn disposal_rules(&self, actor: &Actor) -> CoreResult<Vec<DisposalRule>> {
        access::authorize(actor, Action::Plain(Kind::ReadRetention))?;
        self.port.disposal_rules().await
    }

    /// Changes the rule of a record type, naming the decision it rests on.
    #[tracing::instrument(skip_all)]
    pub async fn save_rule(
        &self,
        actor: &Actor,
        t: RecordType,
        change: &RuleChange,
    ) -> CoreResult<DisposalRule> {
        access::authorize(actor, Action::Plain(Kind::EditRetention))?;
        check_rule(t, change)?;
        let before = self
            .port
            .disposal_rules()
            .await?
            .into_iter()
            .find(|r| r.record_type == t);
        let a = NewAuditEntry::by(actor, "retention.rule", "disposal_rule", t.as_str())
            .before(json!(before))
            .after(json!({
                "keep_months": change.keep_months,
                "action": change.action,
                "decision_ref": change.decision_ref.trim(),
                "decision_date": change.decision_date.to_string(),
            }));
        let work = Work::new(self.env.now(), a);
        self.port
            .save_disposal_rule(t, change, &actor.name, &work)
            .await
    }

    /// Legal holds, those in force first.
    #[tracing::instrument(skip_all)]
    pub async fn holds(&self, actor: &Actor) -> CoreResult<Vec<LegalHold>> {
        access::authorize(actor, Action::Plain(Kind::ReadRetention))?;
        self.port.legal_holds(500).await
    }

    /// Places a legal hold on a person or a record (`kind:id`): nothing of
    /// it is disposed of until the hold is lifted.
    #[tracing::instrument(skip_all)]
    pub async fn place_hold(
        &self,
        actor: &Actor,
        person: Option<PersonId>,
        record: Option<&str>,
        reason: &str,
    ) -> CoreResult<LegalHold> {
        access::authorize(actor, Action::Plain(Kind::PlaceLegalHold))?;
        let record = record
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(parse_record)
            .transpose()?;
        match (&person, &record) {
            (None, None) => {
                return Err(CoreError::invalid(
                    "person",
                    "name the person or the record (kind:id) to hold",
                ))
            }
            (Some(_), Some(_)) => {
                return Err(CoreError::invalid(
                    "record",
                    "name either a person or a record, not both (place two holds)",
                ))
            }
            _ => {}
        }
        let reason = hold_reason(reason)?;
        if let Some(p) = person {
            if !self.port.record_exists("person", p.uuid()).await? {
                return Err(CoreError::invalid("person", "no such person"));
            }
        }
        if let Some((kind, id)) = &record {
            if !self.port.record_exists(kind, *id).await? {
                return Err(CoreError::invalid(
                    "record",
                    format!("no {kind} with that id"),
                ));
            }
        }
        let hold = LegalHold {
            id: uuid::Uuid::now_v7(),
            person,
            record: record.map(|(k, id)| format!("{k}:{id}")),
            reason,
            placed_at: crate::kernel::clock::whole_seconds(self.env.now()),
            placed_by: actor.name.clone(),
            lifted_at: None,
            lifted_by: None,
        };
        let a = NewAuditEntry::by(actor, "legal_hold.place", "legal_hold", hold.id).after(json!({
            "person": hold.person,
            "record": hold.record,
            "reason": hold.reason,
        }));
        self.port
            .place_hold(&hold, &Work::new(self.env.now(), a))
            .await?;
        Ok(hold)
    }

    /// Lifts a hold in force; `NotFound` when there is none with the id.
    #[tracing::instrument(skip_all)]
    pub async fn lift_hold(&self, actor: &Actor, id: uuid::Uuid) -> CoreResult<()> {
        access::authorize(actor, Action::Plain(Kind::PlaceLegalHold))?;
        let a = NewAuditEntry::by(actor, "legal_hold.lift", "legal_hold", id);
        if self
            .port
            .lift_hold(id, &actor.name, &Work::new(self.env.now(), a))
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound("legal hold"))
        }
    }

    /// Applies the disposal rules as of a day (default today): each type's
    /// records whose keeping period is over are deleted or anonymised as
    /// its rule says, except what a legal hold keeps. With `dry_run`,
    /// only counts. Every real run leaves a record, kept for good.
    #[tracing::instrument(skip_all)]
    pub async fn run(
        &self,
        by: RunBy<'_>,
        as_of: Option<Date>,
        dry_run: bool,
    ) -> CoreResult<DisposalRun> {
        if let RunBy::Person(a) = by {
            access::authorize(a, Action::Plain(Kind::RunRetention))?;
        }
        let today = self.env.today();
        let as_of = as_of.unwrap_or(today);
        let rules = self.port.disposal_rules().await?;
        let plan: Vec<(DisposalRule, Date)> = rules
            .into_iter()
            .map(|r| {
                let c = cutoff(as_of, r.keep_months);
                (r, c)
            })
            .collect();
        let (name, actor_id) = match by {
            RunBy::Person(a) => (a.name.clone(), Some(a.person_id)),
            RunBy::System(n) => (n.to_string(), None),
        };
        let mut run = DisposalRun {
            id: uuid::Uuid::now_v7(),
            at: crate::kernel::clock::whole_seconds(self.env.now()),
            as_of,
            by: name.clone(),
            dry_run,
            counts: vec![],
        };
        let a = NewAuditEntry {
            actor_id,
            actor: name,
            ..NewAuditEntry::system("retention.run", "disposal_run", run.id)
        }
        .after(json!({ "as_of": as_of.to_string() }));
        run.counts = self
            .port
            .dispose(&plan, &run, &Work::new(self.env.now(), a))
            .await?;
        Ok(run)
    }

    /// The latest disposal runs, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn runs(&self, actor: &Actor) -> CoreResult<Vec<DisposalRun>> {
        access::authorize(actor, Action::Plain(Kind::ReadRetention))?;
        self.port.disposal_runs(100).await
    }
}

/// The sections in the order they are shown.
pub fn section_order() -> &'static [&'static str] {
    rules::SECTIONS
}
