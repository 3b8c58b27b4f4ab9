//! The access policy as a table: action × who may × who never may. Read it
//! top to bottom; `Who` says what each column means.

use crate::access::Target;
use crate::kernel::{Actor, Role};

/// The kinds of action the policy has a rule for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    ReadUnits,
    ListPeople,
    ReadAudit,
    ImportOrganisation,
    /// Add a person, or change one (HR, administrators, provisioning clients).
    EditPeople,
    /// Use the SCIM interface: people, groups and the roles groups grant.
    Provision,
    EditOrganisation,
    SendPasswordLink,
    DeactivatePerson,
    AdminOverview,
    ManageOwnTokens,
    ManageOwnCalendarFeed,
    EditPolicy,
    IssueTemporaryDecision,
    ReadAllTemporaryDecisions,
    ReadAllRequests,
    ChangeOwnRequest,
    ReadCase,
    DecideRequest,
    DecideRequestAboveLimit,
    SendAgreement,
    SignAgreement,
    EndAgreement,
    /// Keep or end the agreement of a person who moved into one's unit.
    ConfirmMovedAgreement,
    EnterAbsence,
    ImportAbsences,
    EditClosedDays,
    SetPlanDay,
    ReadUnitPlan,
    EditCoverage,
    AllowCoverageGap,
    PublishRotation,
    PlanRotation,
    ReadOccupancy,
    ListEquipment,
    ManageEquipment,
    LendEquipment,
    ReadLoans,
    ReadAllLoans,
    ReadLoansToCollect,
    ReadRedeployment,
    ReadDeviation,
    ReadAllDeviations,
    HandleDeviation,
    SeeDeviationReporter,
    EditChecklists,
    ReadFollowUp,
    ReadAllFollowUps,
    AnswerFollowUp,
    ScheduleDevelopmentTalk,
    HandleFollowUpAction,
    /// Read the organisation-wide statistics (everyone signed in).
    ReadStats,
    /// Read the statistics of a unit and the units below it.
    ReadUnitStats,
    /// Change the emission factors of the commuting figures.
    EditEmissionFactors,
    /// Record a person's commute (distance and mode).
    SetCommute,
    // Personal data and public records.
    /// See everything distans holds about oneself.
    ExportOwnData,
    /// Produce a person's data for a request they made (HR).
    ExportPersonData,
    /// See the disposal rules, legal holds and disposal runs.
    ReadRetention,
    /// Change the disposal rules.
    EditRetention,
    /// Place and lift legal holds.
    PlaceLegalHold,
    /// Apply the disposal rules.
    RunRetention,
    /// Edit the privacy notice.
    EditPrivacyNotice,
    /// Record that one has read the privacy notice (at sign-in).
    AcknowledgePrivacyNotice,
    /// See who of a unit plans to be on site on a day.
    ReadWhoIsIn,
    /// Search everyone's people, agreements and requests (others search
    /// their own and, as managers, their units').
    SearchEveryone,
}

/// Who an actor is, to the policy: a role they hold, or how they stand to
/// the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Everyone signed in.
    Anyone,
    /// Holders of a role (employee, manager, HR, administrator, auditor, director).
    Holds(Role),
    /// Managers of any unit.
    AnyManager,
    /// The person the target is about.
    Own,
    /// A manager of the target's unit or a unit above it.
    ManagerOfUnit,
    /// A manager of the target's unit who is not the person it is about.
    OtherManagerOfUnit,
    /// The employer's party of an agreement (who decided).
    Decider,
    /// The owner of a follow-up action.
    Owner,
    /// The reporter of a deviation.
    Reporter,
    /// The manager responsible for a deviation.
    Responsible,
    /// A holder of the roles serious information-security deviations go to.
    SecurityRole,
    /// A person whose home unit is the target's unit.
    InUnit,
}

impl Who {
    pub fn holds(self, actor: &Actor, t: &Target<'_>) -> bool {
        let me = Some(actor.person_id);
        let manages = || t.unit_path.is_some_and(|p| actor.manages_path(p));
        match self {
            Who::Anyone => true,
            Who::Holds(r) => actor.has(r),
            Who::AnyManager => !actor.manages.is_empty(),
            Who::Own => t.person.is_some() && t.person == me,
            Who::ManagerOfUnit => manages(),
            Who::OtherManagerOfUnit => t.person != me && manages(),
            Who::Decider => t.decider.is_some() && t.decider == me,
            Who::Owner => t.owner.is_some() && t.owner == me,
            Who::Reporter => t.reporter.is_some() && t.reporter == me,
            Who::Responsible => t.responsible.is_some() && t.responsible == me,
            Who::SecurityRole => t.security_role,
            Who::InUnit => t.unit.is_some() && t.unit == Some(actor.unit.id),
        }
    }
}

/// One row of the policy.
#[derive(Debug)]
pub struct Rule {
    pub kind: Kind,
    /// Any one of these may.
    pub may: &'static [Who],
    /// None of these ever may, with what they are told.
    pub never: &'static [(Who, &'static str)],
    /// What someone who may not is told.
    pub why: &'static str,
}

use Kind as K;
use Role::{Admin, Auditor, Director, Employee, Hr, Provisioning, Records};
use Who::*;

const fn row(kind: Kind, may: &'static [Who], why: &'static str) -> Rule {
    Rule {
        kind,
        may,
        never: &[],
        why,
    }
}

const fn unless(mut r: Rule, never: &'static [(Who, &'static str)]) -> Rule {
    r.never = never;
    r
}

const OWN_REQUEST: &[(Who, &str)] = &[(Own, "nobody may decide their own request")];

/// Who may do what.
#[rustfmt::skip]
pub const POLICY: &[Rule] = &[
    // The organisation and the system.
    row(K::ReadUnits,              &[Anyone], "not allowed"),
    row(K::ListPeople,             &[Holds(Hr), Holds(Admin), Holds(Auditor), ManagerOfUnit], "only the unit's managers, HR, administrators and auditors may list its people"),
    row(K::ReadAudit,              &[Holds(Hr), Holds(Auditor), Holds(Admin)], "only HR, auditors and administrators may read the audit log"),
    row(K::ImportOrganisation,     &[Holds(Admin)], "only administrators may import the organisation"),
    row(K::EditPeople,             &[Holds(Hr), Holds(Admin), Holds(Provisioning)], "only HR and administrators may add or change people"),
    row(K::Provision,              &[Holds(Provisioning)], "only a provisioning client with a SCIM token may do this"),
    row(K::EditOrganisation,       &[Holds(Hr), Holds(Admin)], "only HR and administrators may change the organisation"),
    row(K::SendPasswordLink,       &[Holds(Admin)], "only administrators may send a link to set a password"),
    row(K::DeactivatePerson,       &[Holds(Hr), Holds(Admin)], "only HR and administrators may deactivate people"),
    row(K::AdminOverview,          &[Holds(Admin)], "only administrators may see this"),
    row(K::ManageOwnTokens,        &[Anyone], "not allowed"),
    row(K::ManageOwnCalendarFeed,  &[Anyone], "not allowed"),
    // The policy and temporary decisions.
    row(K::EditPolicy,             &[Holds(Hr)], "only HR may change the policy and the agreement template"),
    row(K::IssueTemporaryDecision, &[Holds(Hr), Holds(Director)], "only HR and directors may issue temporary decisions"),
    row(K::ReadAllTemporaryDecisions, &[Holds(Hr), Holds(Auditor), Holds(Admin), Holds(Director)], "only HR, auditors, administrators and directors see every temporary decision"),
    // Requests and agreements.
    row(K::ReadAllRequests,        &[Holds(Hr), Holds(Auditor)], "only HR and auditors see every request"),
    row(K::ChangeOwnRequest,       &[Own], "only the applicant may change or withdraw a request"),
    row(K::ReadCase,               &[Own, Holds(Hr), Holds(Auditor), ManagerOfUnit], "not allowed"),
    unless(row(K::DecideRequest,      &[Holds(Hr), ManagerOfUnit], "only the employee's managers or HR may decide this request"), OWN_REQUEST),
    unless(row(K::DecideRequestAboveLimit, &[Holds(Hr)], "this request is above the manager's limit: HR decides it"), OWN_REQUEST),
    unless(row(K::SendAgreement,      &[Decider, Holds(Hr)], "only the one who decided (or HR) sends the agreement for signatures"), &[(Own, "nobody sends their own agreement")]),
    row(K::SignAgreement,          &[Own, Decider], "only the employee and the one who decided sign the agreement"),
    row(K::EndAgreement,           &[Own, Decider, Holds(Hr)], "only the parties (or HR) may end the agreement"),
    unless(row(K::ConfirmMovedAgreement, &[Holds(Hr), ManagerOfUnit], "only the person's new managers or HR decide whether the agreement continues after a move"), &[(Own, "nobody confirms their own agreement")]),
    // The plan, absences and coverage.
    row(K::EnterAbsence,           &[Own, Holds(Hr), ManagerOfUnit], "only the person, their managers and HR enter their absences"),
    row(K::ImportAbsences,         &[Holds(Hr), Holds(Admin)], "only HR and administrators may import absences"),
    row(K::EditClosedDays,         &[Holds(Hr), Holds(Admin)], "only HR and administrators may change the closed days"),
    row(K::SetPlanDay,             &[Own, Holds(Hr), ManagerOfUnit], "only the person, their managers and HR set their days"),
    row(K::ReadUnitPlan,           &[Holds(Hr), ManagerOfUnit], "only the unit's managers and HR see its plan"),
    row(K::EditCoverage,           &[Holds(Hr), ManagerOfUnit], "only the unit's managers and HR edit its coverage rules"),
    row(K::AllowCoverageGap,       &[Holds(Hr), ManagerOfUnit], "this change opens a coverage gap: only the unit's managers and HR may allow it"),
    row(K::PublishRotation,        &[Holds(Hr), ManagerOfUnit], "only the unit's managers and HR publish its rotation"),
    row(K::PlanRotation,           &[Holds(Hr), AnyManager], "only managers and HR may plan rotations"),
    row(K::ReadOccupancy,          &[Holds(Hr), Holds(Admin), AnyManager], "only managers, HR and administrators see the sites' occupancy"),
    // Equipment and redeployment.
    row(K::ListEquipment,          &[Holds(Hr), Holds(Admin), AnyManager], "only HR, administrators and managers see the equipment"),
    row(K::ManageEquipment,        &[Holds(Hr), Holds(Admin)], "only HR and administrators manage the equipment"),
    row(K::LendEquipment,          &[Holds(Hr), ManagerOfUnit], "only the person's managers and HR lend equipment to them and take it back"),
    row(K::ReadLoans,              &[Own, Holds(Hr), ManagerOfUnit], "only the person, their managers and HR see their loans"),
    row(K::ReadAllLoans,           &[Holds(Hr)], "only HR sees every loan"),
    row(K::ReadLoansToCollect,     &[Holds(Hr), AnyManager], "only managers and HR see the equipment to collect"),
    row(K::ReadRedeployment,       &[Holds(Hr), Holds(Director)], "only HR and directors use the redeployment view"),
    // Deviations.
    row(K::ReadDeviation,          &[Reporter, Responsible, Holds(Hr), SecurityRole, OtherManagerOfUnit], "not allowed"),
    row(K::ReadAllDeviations,      &[Holds(Hr)], "only HR sees every deviation"),
    unless(row(K::HandleDeviation,    &[Responsible, Holds(Hr), ManagerOfUnit], "only the responsible manager, the managers above and HR handle a deviation"),
        &[(Reporter, "nobody handles a deviation they reported or that concerns them"), (Own, "nobody handles a deviation they reported or that concerns them")]),
    row(K::SeeDeviationReporter,   &[Reporter, Holds(Hr)], "only HR sees who reported anonymously"),
    // Follow-ups.
    row(K::EditChecklists,         &[Holds(Hr)], "only HR may change the checklists"),
    row(K::ReadFollowUp,           &[Own, Holds(Hr), ManagerOfUnit], "only the person, their managers and HR take part in their follow-ups"),
    row(K::ReadAllFollowUps,       &[Holds(Hr)], "only HR sees every follow-up"),
    row(K::AnswerFollowUp,         &[Own, Holds(Hr), ManagerOfUnit], "only the person, their managers and HR take part in their follow-ups"),
    unless(row(K::ScheduleDevelopmentTalk, &[Holds(Hr), ManagerOfUnit], "only the employee's managers and HR set a development talk"), &[(Own, "only the employee's managers and HR set a development talk")]),
    // Statistics.
    row(K::ReadStats,              &[Anyone], "not allowed"),
    row(K::ReadUnitStats,          &[Holds(Hr), Holds(Auditor), ManagerOfUnit], "only the unit's managers, HR and auditors see its statistics; everyone sees the organisation's"),
    row(K::EditEmissionFactors,    &[Holds(Hr)], "only HR may change the emission factors"),
    row(K::SetCommute,             &[Own, Holds(Hr), Holds(Admin)], "only the person, HR and administrators record a commute"),
    row(K::HandleFollowUpAction,   &[Owner, Holds(Hr), ManagerOfUnit], "only the action's owner, the employee's managers and HR handle an action"),
    // Personal data and public records.
    row(K::ExportOwnData,          &[Holds(Employee)], "only a person has data of their own"),
    row(K::ExportPersonData,       &[Holds(Hr)], "only HR produces a person's data for their request"),
    row(K::ReadRetention,          &[Holds(Hr), Holds(Records), Holds(Admin), Holds(Auditor)], "only HR, records officers, administrators and auditors see the disposal rules and legal holds"),
    row(K::EditRetention,          &[Holds(Hr), Holds(Records)], "only HR and records officers change the disposal rules"),
    row(K::PlaceLegalHold,         &[Holds(Hr), Holds(Records)], "only HR and records officers place and lift legal holds"),
    row(K::RunRetention,           &[Holds(Hr), Holds(Records), Holds(Admin)], "only HR, records officers and administrators apply the disposal rules"),
    row(K::EditPrivacyNotice,      &[Holds(Hr)], "only HR edits the privacy notice"),
    row(K::AcknowledgePrivacyNotice, &[Holds(Employee)], "only a person reads the privacy notice for themselves"),
    // Who is in.
    row(K::ReadWhoIsIn,            &[InUnit, Holds(Hr), ManagerOfUnit], "only the unit's people, its managers and HR see who of it is on site"),
    // Search.
    row(K::SearchEveryone,         &[Holds(Hr)], "only HR finds everyone; others find themselves and their units' people"),
];

/// The rule for a kind of action. Every kind has one row (a test checks).
pub fn rule(kind: Kind) -> &'static Rule {
    POLICY.iter().find(|r| r.kind == kind).unwrap_or(&NOBODY)
}

/// What a kind without a row would get: nobody may.
static NOBODY: Rule = Rule {
    kind: Kind::ReadUnits,
    may: &[],
    never: &[],
    why: "not allowed",
};
