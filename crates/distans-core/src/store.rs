//! The storage port. One implementation (in `distans-store`) runs on SQLite
//! and PostgreSQL. Every method that changes data runs in one transaction
//! and writes its audit entries in that same transaction.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::agreement::Agreement;
use crate::audit::{AuditEntry, NewAuditEntry};
use crate::error::CoreResult;
use crate::import::{ImportReport, OrgData, RowError};
use crate::model::{Actor, Page, Paging, Person, PersonRef, Site, UnitKind, UnitRef};
use crate::policy::{PolicyRules, PolicyVersion};
use crate::request::{
    Notice, Notification, OutboxMail, RemoteRequest, RequestEvent, RequestFilter, TemporaryDecision,
};
use crate::CoreError;

/// A unit in a list or tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnitSummary {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<Uuid>,
    pub depth: i64,
    pub manager: Option<PersonRef>,
    /// People whose home unit this is.
    pub people: i64,
    /// Units directly below.
    pub children: i64,
}

/// A unit with what its page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnitDetail {
    #[serde(flatten)]
    pub unit: UnitSummary,
    /// From the top of the tree down to the parent.
    pub ancestors: Vec<UnitRef>,
    pub children: Vec<UnitSummary>,
    pub site: Option<Site>,
    #[serde(skip)]
    pub path: String,
}

/// A person in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersonSummary {
    pub id: Uuid,
    pub name: String,
    pub employee_number: String,
    pub title: Option<String>,
    pub unit: UnitRef,
    pub manages: Vec<Uuid>,
}

/// A person with everything any caller may be shown; the service cuts it
/// down to what the caller may see.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRecord {
    pub person: Person,
    pub unit: UnitRef,
    pub unit_path: String,
    pub manages: Vec<UnitRef>,
    pub manager: Option<PersonRef>,
    pub site: Option<Site>,
}

/// Numbers for start pages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrgCounts {
    pub units: i64,
    pub people: i64,
    pub sites: i64,
    pub desks: i64,
    pub accounts: i64,
    pub audit_entries: i64,
}

/// A personal API token, without its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<OffsetDateTime>,
}

/// Which people a list covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeopleFilter {
    /// Everyone.
    All,
    /// Those whose home unit is this one.
    Unit(Uuid),
    /// Those whose home unit is at or below any of these unit paths.
    Under(Vec<String>),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub from: Option<OffsetDateTime>,
}

/// Why an import did not happen.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportError {
    /// The file has bad rows; nothing was written.
    Rows(Vec<RowError>),
    Core(CoreError),
}

impl From<CoreError> for ImportError {
    fn from(e: CoreError) -> Self {
        ImportError::Core(e)
    }
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn engine(&self) -> &'static str;
    async fn ping(&self) -> CoreResult<()>;
    /// Refreshes the query planner's statistics (after a bulk load).
    async fn analyze(&self) -> CoreResult<()>;

    // Sign-in.
    /// The person and password hash behind a username.
    async fn credentials(&self, username: &str) -> CoreResult<Option<(Uuid, Option<String>)>>;
    async fn set_password(
        &self,
        username: &str,
        hash: &str,
        audit: NewAuditEntry,
    ) -> CoreResult<bool>;
    async fn actor(&self, person: Uuid) -> CoreResult<Option<Actor>>;

    // Tokens.
    async fn create_token(
        &self,
        person: Uuid,
        token: &ApiToken,
        token_hash: &str,
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    async fn tokens(&self, person: Uuid) -> CoreResult<Vec<ApiToken>>;
    async fn revoke_token(
        &self,
        person: Uuid,
        id: Uuid,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<bool>;
    /// The person a live token belongs to; records its use.
    async fn person_by_token(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> CoreResult<Option<Uuid>>;

    // The organisation.
    /// Units in tree order (by path), optionally only below `under` and no
    /// deeper than `max_depth`.
    async fn units(
        &self,
        under: Option<Uuid>,
        max_depth: Option<i64>,
        paging: Paging,
    ) -> CoreResult<Page<UnitSummary>>;
    async fn unit(&self, id: Uuid) -> CoreResult<Option<UnitDetail>>;
    /// People matching `filter`, by name.
    async fn people(
        &self,
        filter: &PeopleFilter,
        search: Option<&str>,
        paging: Paging,
    ) -> CoreResult<Page<PersonSummary>>;
    async fn person(&self, id: Uuid) -> CoreResult<Option<PersonRecord>>;
    async fn counts(&self) -> CoreResult<OrgCounts>;
    async fn import_org(
        &self,
        data: &OrgData,
        actor_id: Option<Uuid>,
        actor: &str,
    ) -> Result<ImportReport, ImportError>;

    // Audit.
    async fn audit(&self, filter: &AuditFilter, paging: Paging) -> CoreResult<Page<AuditEntry>>;
    /// Entries with `seq > after`, in order, at most `limit`.
    async fn audit_after(&self, after: i64, limit: i64) -> CoreResult<Vec<AuditEntry>>;
    /// The sequence number and hash of the last entry written.
    async fn audit_head(&self) -> CoreResult<(i64, String)>;

    // Server-side sessions (opaque data, owned by the web layer's session manager).
    async fn session_load(&self, id: &str, now: OffsetDateTime) -> CoreResult<Option<Vec<u8>>>;
    /// Inserts a new session; false when the id is taken.
    async fn session_create(
        &self,
        id: &str,
        data: &[u8],
        expiry: OffsetDateTime,
    ) -> CoreResult<bool>;
    async fn session_save(&self, id: &str, data: &[u8], expiry: OffsetDateTime) -> CoreResult<()>;
    async fn session_delete(&self, id: &str) -> CoreResult<()>;
    /// Removes expired sessions; how many.
    async fn sessions_purge(&self, now: OffsetDateTime) -> CoreResult<u64>;

    // Policy and the agreement template.
    async fn policy_versions(&self) -> CoreResult<Vec<PolicyVersion>>;
    /// The version in force on `day`: the newest one valid from then or before.
    async fn policy_on(&self, day: time::Date) -> CoreResult<Option<PolicyVersion>>;
    /// Adds a version (numbered after the newest) and returns it.
    async fn add_policy_version(
        &self,
        rules: &PolicyRules,
        valid_from: time::Date,
        created_by: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<PolicyVersion>;
    /// The current template: (version, text).
    async fn agreement_template(&self) -> CoreResult<Option<(i64, String)>>;
    /// Saves a new template version; `Conflict` unless `expected` is the current one.
    async fn set_agreement_template(
        &self,
        text: &str,
        expected: i64,
        created_by: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<i64>;

    // Requests and decisions.
    /// Periods of the person's open requests and live agreements, except `skip`.
    async fn busy_periods(
        &self,
        person: Uuid,
        today: time::Date,
        skip: Option<Uuid>,
    ) -> CoreResult<Vec<(time::Date, Option<time::Date>)>>;
    async fn insert_request(
        &self,
        r: &RemoteRequest,
        notices: &[Notice],
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    async fn request(&self, id: Uuid) -> CoreResult<Option<RemoteRequest>>;
    async fn requests(
        &self,
        filter: &RequestFilter,
        paging: Paging,
    ) -> CoreResult<Page<RemoteRequest>>;
    /// Writes `r` (state, decision, arrangement) if its stored version is
    /// still `expected`, with the new event and, on approval, the agreement;
    /// `Conflict` when someone else changed it first.
    async fn update_request(
        &self,
        r: &RemoteRequest,
        expected: i64,
        event: &RequestEvent,
        agreement: Option<&Agreement>,
        notices: &[Notice],
        audit: NewAuditEntry,
    ) -> CoreResult<()>;

    // Agreements.
    async fn agreement(&self, id: Uuid) -> CoreResult<Option<Agreement>>;
    async fn agreements_of(&self, person: Uuid) -> CoreResult<Vec<Agreement>>;
    /// Drafts the person decided and has not yet sent for signatures.
    async fn agreements_drafted_by(&self, person: Uuid) -> CoreResult<Vec<Agreement>>;
    /// Agreements the person must sign for the employer.
    async fn agreements_to_sign_as_decider(&self, person: Uuid) -> CoreResult<Vec<Agreement>>;
    /// Writes `a` if its stored version is still `expected`.
    async fn update_agreement(
        &self,
        a: &Agreement,
        expected: i64,
        notices: &[Notice],
        audit: NewAuditEntry,
    ) -> CoreResult<()>;

    /// Live agreements whose last day is at most `until` and whose parties
    /// have not yet been told it is ending.
    async fn agreements_ending(&self, until: time::Date, limit: i64) -> CoreResult<Vec<Agreement>>;
    /// Records that the parties were told, with the notices.
    async fn mark_agreement_ending_notified(
        &self,
        id: Uuid,
        at: OffsetDateTime,
        notices: &[Notice],
        audit: NewAuditEntry,
    ) -> CoreResult<bool>;

    // Temporary decisions.
    async fn insert_temporary_decision(
        &self,
        d: &TemporaryDecision,
        notices: &[Notice],
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    /// Decisions, newest first; only those in force on `on` if given.
    async fn temporary_decisions(
        &self,
        on: Option<time::Date>,
        paging: Paging,
    ) -> CoreResult<Page<TemporaryDecision>>;

    // People to notify.
    /// Holders of a granted role (at most 100), with e-mail.
    async fn people_with_role(&self, role: &str) -> CoreResult<Vec<(PersonRef, Option<String>)>>;

    // Notifications and the e-mail outbox.
    async fn notifications(&self, person: Uuid, paging: Paging) -> CoreResult<Page<Notification>>;
    async fn unread_notifications(&self, person: Uuid) -> CoreResult<i64>;
    async fn mark_notifications_read(&self, person: Uuid, at: OffsetDateTime) -> CoreResult<()>;
    /// Claims up to `limit` mails due at `now` for `lease` seconds: two
    /// workers never claim the same mail.
    async fn outbox_claim(
        &self,
        now: OffsetDateTime,
        lease_secs: i64,
        limit: i64,
    ) -> CoreResult<Vec<OutboxMail>>;
    async fn outbox_sent(&self, id: Uuid, at: OffsetDateTime) -> CoreResult<()>;
    async fn outbox_failed(
        &self,
        id: Uuid,
        error: &str,
        retry_at: OffsetDateTime,
    ) -> CoreResult<()>;
    /// Mails not yet sent (for the administrator's overview and tests).
    async fn outbox_pending(&self) -> CoreResult<i64>;

    // The plan.
    /// The rules and exceptions of these people for a period.
    async fn plan_rules(
        &self,
        people: &[Uuid],
        from: time::Date,
        to: time::Date,
    ) -> CoreResult<std::collections::HashMap<Uuid, crate::plan::PersonRules>>;
    /// The organisation's own closed days in a period.
    async fn closed_days(&self, from: time::Date, to: time::Date) -> CoreResult<Vec<time::Date>>;
    /// The organisation's closed days in a period, with their names.
    async fn closed_days_named(
        &self,
        from: time::Date,
        to: time::Date,
    ) -> CoreResult<Vec<(time::Date, String)>>;
    /// Adds a closed day; `Conflict` if it is one already.
    async fn insert_closed_day(
        &self,
        day: time::Date,
        name: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    /// Removes a closed day; false if it was none.
    async fn delete_closed_day(
        &self,
        day: time::Date,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<bool>;
    /// Sets (or with `None` removes) an occasional day.
    async fn set_occasional(
        &self,
        person: Uuid,
        day: time::Date,
        value: Option<crate::plan::Occasional>,
        by: Uuid,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<()>;

    // Coverage.
    /// The coverage rules of these units.
    async fn coverage_rules(
        &self,
        units: &[Uuid],
    ) -> CoreResult<Vec<crate::coverage::CoverageRule>>;
    async fn coverage_rule(&self, id: Uuid) -> CoreResult<Option<crate::coverage::CoverageRule>>;
    /// Inserts a rule (`expected_version` `None`) or updates it if it still
    /// has that version (else `Conflict`).
    async fn save_coverage_rule(
        &self,
        rule: &crate::coverage::CoverageRule,
        expected_version: Option<i64>,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    /// Inserts many rules in one transaction with one audit entry (the demo).
    async fn insert_coverage_rules(
        &self,
        rules: &[crate::coverage::CoverageRule],
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    async fn delete_coverage_rule(
        &self,
        id: Uuid,
        expected_version: Option<i64>,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    /// The people whose home unit is at or below `unit_path`, with skills
    /// and site, in name order; `Invalid` if more than `limit`.
    async fn members_under(
        &self,
        unit_path: &str,
        limit: i64,
    ) -> CoreResult<Vec<crate::coverage::Member>>;
    /// Everyone sitting at `site` (or at any site, with `None`), with their
    /// site and their plan's rules for a period. Bounded by the organisation
    /// size; used for occupancy, one site or one day at a time.
    async fn site_plan_rules(
        &self,
        site: Option<Uuid>,
        from: time::Date,
        to: time::Date,
    ) -> CoreResult<crate::plan::SitePeople>;
    /// Stores a published rotation: its days replace earlier rotations'
    /// days of the same people in its period.
    #[allow(clippy::too_many_arguments)]
    async fn publish_rotation(
        &self,
        id: Uuid,
        unit: Uuid,
        first: time::Date,
        last: time::Date,
        cost: i64,
        days: &[(Uuid, time::Date, crate::plan::DayState)],
        by: Uuid,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<()>;

    // Planner runs (rotation jobs), shared by every app server.
    /// Stores a new run, unless its owner already has `max_running`
    /// unfinished runs that reported after `fresh_after` (then Conflict).
    /// Runs created before `purge_before` are removed.
    async fn insert_planner_job(
        &self,
        job: &crate::rotation::PlannerJobRow,
        max_running: i64,
        fresh_after: OffsetDateTime,
        purge_before: OffsetDateTime,
    ) -> CoreResult<()>;
    async fn planner_job(&self, id: Uuid) -> CoreResult<Option<crate::rotation::PlannerJobRow>>;
    /// Records progress and the heartbeat; answers whether cancel was asked.
    async fn planner_job_progress(
        &self,
        id: Uuid,
        done: i64,
        total: i64,
        best_cost: Option<i64>,
        at: OffsetDateTime,
    ) -> CoreResult<bool>;
    /// Stores the result (the output's JSON) and marks the run finished.
    async fn planner_job_finish(
        &self,
        id: Uuid,
        result: &str,
        elapsed_ms: i64,
        at: OffsetDateTime,
    ) -> CoreResult<()>;
    /// Asks the server computing the run to stop.
    async fn planner_job_cancel(&self, id: Uuid) -> CoreResult<()>;
    /// Records the rotation the run was published as.
    async fn planner_job_published(&self, id: Uuid, rotation: Uuid) -> CoreResult<()>;

    /// Every site.
    async fn sites(&self) -> CoreResult<Vec<Site>>;
    /// Records an audit entry on its own (a decision that needs no other write).
    async fn append_audit(&self, at: OffsetDateTime, audit: NewAuditEntry) -> CoreResult<()>;
    // Absences.
    /// A person's absences that touch a period, by first day (at most 1000).
    async fn absences(
        &self,
        person: Uuid,
        from: time::Date,
        to: time::Date,
    ) -> CoreResult<Vec<crate::absence::Absence>>;
    async fn absence(&self, id: Uuid) -> CoreResult<Option<crate::absence::Absence>>;
    /// Adds an absence; `Conflict` when it overlaps one of the person's.
    async fn insert_absence(
        &self,
        a: &crate::absence::Absence,
        by: Option<Uuid>,
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    /// Removes an absence; false if there was none.
    async fn delete_absence(
        &self,
        id: Uuid,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<bool>;
    /// Imports absences in one transaction: all or nothing.
    async fn import_absences(
        &self,
        rows: &[crate::absence::AbsenceRow],
        actor_id: Option<Uuid>,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<crate::absence::AbsenceImportReport, ImportError>;

    // Calendar feeds.
    /// The person's feed secret, if any.
    async fn calendar_feed_secret(&self, person: Uuid) -> CoreResult<Option<String>>;
    /// Gives the person this secret unless they have one already; returns
    /// the one they have (an audit entry only when it was created).
    async fn create_calendar_feed(
        &self,
        person: Uuid,
        secret: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<String>;
    /// Gives the person this secret, replacing any they had.
    async fn replace_calendar_feed(
        &self,
        person: Uuid,
        secret: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    /// Removes the person's feed; false if there was none (then nothing is audited).
    async fn delete_calendar_feed(
        &self,
        person: Uuid,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<bool>;
    /// The person a feed secret belongs to.
    async fn person_by_calendar_secret(&self, secret: &str) -> CoreResult<Option<Uuid>>;

    // The demo.
    /// Every person's employee number and id.
    async fn employee_ids(&self) -> CoreResult<Vec<(String, Uuid)>>;
    /// Writes the demo's plan data in one transaction, unless there are
    /// agreements, occasional days or absences already (then false).
    async fn insert_demo_plan(
        &self,
        plan: &crate::demo::DemoPlan,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> CoreResult<bool>;

    /// A consistent copy of the database at `dest`, taken while it runs.
    async fn backup(&self, dest: &str) -> CoreResult<()>;

    // Equipment and redeployment.
    /// The inventory, filtered, in identifier order.
    async fn equipment_items(
        &self,
        filter: &crate::equipment::ItemFilter,
        paging: Paging,
    ) -> CoreResult<Page<crate::equipment::Item>>;
    async fn equipment_item(&self, id: Uuid) -> CoreResult<Option<crate::equipment::Item>>;
    async fn equipment_item_by_identifier(
        &self,
        identifier: &str,
    ) -> CoreResult<Option<crate::equipment::Item>>;
    /// Adds an item; `Conflict` if its identifier is taken.
    async fn insert_equipment_item(
        &self,
        item: &crate::equipment::Item,
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    /// Stores an item's new state and description if it still has
    /// `expected_version` and is not on loan (else `Conflict`).
    async fn update_equipment_item(
        &self,
        item: &crate::equipment::Item,
        expected_version: i64,
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    /// Stores a loan and puts the item on loan, in one transaction, only if
    /// the item is still available (else `Conflict`).
    async fn insert_loan(
        &self,
        loan: &crate::equipment::NewLoan,
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    async fn loan(&self, id: Uuid) -> CoreResult<Option<crate::equipment::Loan>>;
    /// Ends an open loan that still has `expected_version` and sets the
    /// item's state (else `Conflict`).
    async fn return_loan(
        &self,
        id: Uuid,
        expected_version: i64,
        by: Uuid,
        at: OffsetDateTime,
        item_state: crate::equipment::ItemState,
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    /// Loans in a scope, newest first.
    async fn loans(
        &self,
        scope: &crate::equipment::LoanScope,
        open_only: bool,
        paging: Paging,
    ) -> CoreResult<Page<crate::equipment::Loan>>;
    /// Open loans whose agreement has ended, has notice given, or whose last
    /// day is at most `until`; by that last day.
    async fn loans_to_collect(
        &self,
        scope: &crate::equipment::LoanScope,
        until: time::Date,
        paging: Paging,
    ) -> CoreResult<Page<crate::equipment::Loan>>;
    /// The open loans made under an agreement.
    async fn open_loans_of_agreement(
        &self,
        agreement: Uuid,
    ) -> CoreResult<Vec<crate::equipment::Loan>>;
    /// People by skill and unit, in name order after `after`, at most `limit`.
    async fn redeployment_people(
        &self,
        filter: &crate::redeployment::RedeployFilter,
        after: Option<Uuid>,
        limit: i64,
    ) -> CoreResult<Vec<crate::redeployment::RedeployPerson>>;
    /// The distinct skills people have, in order (at most `limit`).
    async fn known_skills(&self, limit: i64) -> CoreResult<Vec<String>>;
    // Deviations.
    /// Adds a reported deviation with its first event and notices.
    async fn insert_deviation(
        &self,
        d: &crate::deviation::Deviation,
        notices: &[Notice],
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    /// A deviation with its trail, unredacted.
    async fn deviation(&self, id: Uuid) -> CoreResult<Option<crate::deviation::Deviation>>;
    /// Deviations (without their trails), newest first.
    async fn deviations(
        &self,
        filter: &crate::deviation::DeviationFilter,
        paging: Paging,
    ) -> CoreResult<Page<crate::deviation::Deviation>>;
    /// Writes `d`'s state and action if its stored version is still
    /// `expected`, with the new events and notices; `Conflict` otherwise.
    async fn update_deviation(
        &self,
        d: &crate::deviation::Deviation,
        expected: i64,
        events: &[crate::deviation::DeviationEvent],
        notices: &[Notice],
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    // Follow-ups.
    /// The newest version of each checklist template.
    async fn checklists(&self) -> CoreResult<Vec<crate::checklist::ChecklistTemplate>>;
    /// A checklist's newest version, or the version asked for.
    async fn checklist(
        &self,
        key: &str,
        version: Option<i64>,
    ) -> CoreResult<Option<crate::checklist::ChecklistTemplate>>;
    /// Every version of a checklist, newest first (at most 100).
    async fn checklist_versions(
        &self,
        key: &str,
    ) -> CoreResult<Vec<crate::checklist::ChecklistTemplate>>;
    /// Saves `t` as version `expected + 1`; `Conflict` unless `expected` is
    /// the newest version (0: none yet).
    async fn save_checklist(
        &self,
        t: &crate::checklist::ChecklistTemplate,
        expected: i64,
        audit: NewAuditEntry,
    ) -> CoreResult<crate::checklist::ChecklistTemplate>;
    /// [`Store::update_agreement`] that also adds and cancels follow-ups, in
    /// the same transaction.
    async fn update_agreement_scheduling(
        &self,
        a: &Agreement,
        expected: i64,
        notices: &[Notice],
        audit: NewAuditEntry,
        schedule: &crate::followup::FollowUpSchedule,
    ) -> CoreResult<()>;
    /// Inserts follow-ups (a development talk; the demo's) in one transaction.
    async fn insert_followups(
        &self,
        items: &[crate::followup::FollowUp],
        notices: &[Notice],
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    /// Follow-ups by due date (state as stored: open ones come as `due`).
    async fn followups(
        &self,
        filter: &crate::followup::FollowUpFilter,
        paging: Paging,
    ) -> CoreResult<Page<crate::followup::FollowUp>>;
    async fn followup(&self, id: Uuid) -> CoreResult<Option<crate::followup::FollowUp>>;
    /// Writes answers, confirmations and state if the stored version is
    /// still `expected` (else `Conflict`), with the actions completion made.
    async fn save_followup(
        &self,
        f: &crate::followup::FollowUp,
        expected: i64,
        actions: &[crate::followup::FollowUpAction],
        notices: &[Notice],
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    /// Actions by due date.
    async fn followup_actions(
        &self,
        filter: &crate::followup::ActionFilter,
        paging: Paging,
    ) -> CoreResult<Page<crate::followup::FollowUpAction>>;
    async fn followup_action(
        &self,
        id: Uuid,
    ) -> CoreResult<Option<crate::followup::FollowUpAction>>;
    /// Writes owner, due date, state and note if the stored version is still `expected`.
    async fn update_followup_action(
        &self,
        a: &crate::followup::FollowUpAction,
        expected: i64,
        notices: &[Notice],
        audit: NewAuditEntry,
    ) -> CoreResult<()>;
    /// Open follow-ups due from `today` to `until` not yet reminded, and
    /// those overdue not yet reminded of that.
    async fn followups_to_remind(
        &self,
        today: time::Date,
        until: time::Date,
        limit: i64,
    ) -> CoreResult<Vec<crate::followup::FollowUp>>;
    /// Marks the reminder sent (the overdue one, or the one before) with
    /// its notices; false when another server was first.
    async fn mark_followup_reminded(
        &self,
        id: Uuid,
        overdue: bool,
        at: OffsetDateTime,
        notices: &[Notice],
        audit: NewAuditEntry,
    ) -> CoreResult<bool>;
    /// Open actions past their due date whose owner was not yet reminded.
    async fn actions_to_remind(
        &self,
        today: time::Date,
        limit: i64,
    ) -> CoreResult<Vec<crate::followup::FollowUpAction>>;
    async fn mark_action_reminded(
        &self,
        id: Uuid,
        at: OffsetDateTime,
        notices: &[Notice],
        audit: NewAuditEntry,
    ) -> CoreResult<bool>;
    /// Active agreements without any follow-up (the demo).
    async fn agreements_without_followups(&self, limit: i64) -> CoreResult<Vec<Agreement>>;
}
