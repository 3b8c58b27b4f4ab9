//! Who may do what — in one place. Every service asks here before it reads
//! or changes anything, and pages ask here what to offer; the web layer's
//! role × route matrix checks the outcome end to end.
//!
//! The policy is the table [`POLICY`] below, read top to bottom: for each
//! kind of action, who may do it (any one of `may`), who never may (any one
//! of `never` refuses, whatever else holds), and what a refused actor is
//! told. "Who" is a role, or a relation to the target ("the person
//! themselves", "a manager of the person's unit", …); the target's facts
//! come with the [`Action`]. Lists are cut to a [`Scope`] by [`scope`].

use crate::kernel::ids::{PersonId, UnitId};

use crate::kernel::error::CoreError;
use crate::kernel::{Actor, Role};

mod table;

pub use table::{Kind, Rule, Who, POLICY};

/// Something an actor wants to do, with what the rule needs to know of the
/// target.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// An action whose rule needs no facts of a target (reading the audit
    /// log, editing the policy, …): its kind alone.
    Plain(Kind),
    /// List the people of a unit (path of the unit).
    ListPeople { unit_path: &'a str },
    /// Change or withdraw a request: only the applicant.
    ChangeOwnRequest { person_id: PersonId },
    /// Send a drafted agreement for signatures: who decided, or HR.
    SendAgreement {
        person_id: PersonId,
        decider_id: PersonId,
    },
    /// Sign an agreement: its two parties.
    SignAgreement {
        person_id: PersonId,
        decider_id: PersonId,
    },
    /// Give notice on an agreement: its parties, or HR.
    EndAgreement {
        person_id: PersonId,
        decider_id: PersonId,
    },
    /// Keep or end the agreement of a person who moved unit (the person's
    /// id and their new unit's path): the new unit's managers, HR.
    ConfirmMovedAgreement {
        person_id: PersonId,
        unit_path: &'a str,
    },
    /// See a request or agreement of a person (the person's id and unit path).
    ReadCase {
        person_id: PersonId,
        unit_path: &'a str,
    },
    /// Enter or remove a person's absence (the person's id and unit path).
    EnterAbsence {
        person_id: PersonId,
        unit_path: &'a str,
    },
    /// Decide a request at a level, for a person.
    DecideRequest {
        hr_level: bool,
        person_id: PersonId,
        unit_path: &'a str,
    },
    /// Set a person's occasional days (the person, their managers, HR).
    SetPlanDay {
        person_id: PersonId,
        unit_path: &'a str,
    },
    /// See a unit's plan, coverage and who is on site (its managers, HR).
    ReadUnitPlan { unit_path: &'a str },
    /// Edit a unit's coverage rules (its managers, HR).
    EditCoverage { unit_path: &'a str },
    /// Save a change that opens a coverage gap in a unit (its managers, HR).
    AllowCoverageGap { unit_path: &'a str },
    /// Publish a rotation plan for a unit (its managers, HR).
    PublishRotation { unit_path: &'a str },
    // Equipment and redeployment.
    /// Lend an item to a person of a unit, or take it back (its managers, HR).
    LendEquipment { unit_path: &'a str },
    /// See a person's loans (the person, their managers, HR).
    ReadLoans {
        person_id: PersonId,
        unit_path: &'a str,
    },
    // Deviations.
    /// See a deviation: its reporter, its responsible manager, the managers
    /// of the concerned person's unit (not the person), HR, and — for a
    /// serious information-security one — holders of the policy's roles
    /// (`security_role`: the actor holds one and it is such a deviation).
    ReadDeviation {
        reporter: PersonId,
        person_id: PersonId,
        responsible: Option<PersonId>,
        unit_path: &'a str,
        security_role: bool,
    },
    /// Acknowledge and close a deviation: the responsible manager, the
    /// managers above, HR — never the reporter or the person it concerns.
    HandleDeviation {
        reporter: PersonId,
        person_id: PersonId,
        responsible: Option<PersonId>,
        unit_path: &'a str,
    },
    /// See who reported an anonymous deviation: the reporter and HR.
    SeeDeviationReporter { reporter: PersonId },
    // Follow-ups.
    /// See a person's follow-ups and their actions (the person, their managers, HR).
    ReadFollowUp {
        person_id: PersonId,
        unit_path: &'a str,
    },
    /// Answer and confirm a person's follow-up (the person, their managers, HR).
    AnswerFollowUp {
        person_id: PersonId,
        unit_path: &'a str,
    },
    /// Set the development talk of a person's agreement (their managers, HR; not oneself).
    ScheduleDevelopmentTalk {
        person_id: PersonId,
        unit_path: &'a str,
    },
    /// Close or change an action from a follow-up (its owner, the person's managers, HR).
    HandleFollowUpAction {
        owner_id: PersonId,
        unit_path: &'a str,
    },
    // Statistics.
    /// See the statistics of a unit and those below it (its managers, HR,
    /// auditors); everyone sees the organisation's (`Kind::ReadStats`).
    ReadUnitStats { unit_path: &'a str },
    /// Record a person's commute (the person, HR, administrators).
    SetCommute { person_id: PersonId },
    // Who is in.
    /// See which people of a unit plan to be on site on a day (its own
    /// people, as far as each shares it; its managers and HR).
    ReadWhoIsIn { unit_id: UnitId, unit_path: &'a str },
}

/// What [`POLICY`] needs to know of a target: the facts an [`Action`] carries.
#[derive(Debug, Clone, Copy, Default)]
pub struct Target<'a> {
    /// The person the thing is about.
    pub person: Option<PersonId>,
    /// The path of that person's (or the thing's) unit.
    pub unit_path: Option<&'a str>,
    /// Who decided (an agreement's employer party).
    pub decider: Option<PersonId>,
    /// Who owns it (a follow-up action).
    pub owner: Option<PersonId>,
    /// Who reported it (a deviation).
    pub reporter: Option<PersonId>,
    /// The manager responsible for it (a deviation).
    pub responsible: Option<PersonId>,
    /// The actor holds one of the roles a serious information-security
    /// deviation is told to (the policy's `security_deviation_roles`).
    pub security_role: bool,
    /// The unit the thing is about (who is in).
    pub unit: Option<UnitId>,
}

impl From<Kind> for Action<'_> {
    fn from(kind: Kind) -> Self {
        Action::Plain(kind)
    }
}

impl Action<'_> {
    /// The kind of action, and the facts of its target.
    pub fn parts(&self) -> (Kind, Target<'_>) {
        let t = Target::default();
        let of = |person: PersonId, unit_path| Target {
            person: Some(person),
            unit_path: Some(unit_path),
            ..t
        };
        let unit = |unit_path| Target {
            unit_path: Some(unit_path),
            ..t
        };
        match *self {
            Action::Plain(kind) => (kind, t),
            Action::ListPeople { unit_path } => (Kind::ListPeople, unit(unit_path)),
            Action::ChangeOwnRequest { person_id } => (
                Kind::ChangeOwnRequest,
                Target {
                    person: Some(person_id),
                    ..t
                },
            ),
            Action::SendAgreement {
                person_id,
                decider_id,
            }
            | Action::SignAgreement {
                person_id,
                decider_id,
            }
            | Action::EndAgreement {
                person_id,
                decider_id,
            } => (
                match self {
                    Action::SendAgreement { .. } => Kind::SendAgreement,
                    Action::SignAgreement { .. } => Kind::SignAgreement,
                    _ => Kind::EndAgreement,
                },
                Target {
                    person: Some(person_id),
                    decider: Some(decider_id),
                    ..t
                },
            ),
            Action::ReadCase {
                person_id,
                unit_path,
            } => (Kind::ReadCase, of(person_id, unit_path)),
            Action::EnterAbsence {
                person_id,
                unit_path,
            } => (Kind::EnterAbsence, of(person_id, unit_path)),
            Action::DecideRequest {
                hr_level,
                person_id,
                unit_path,
            } => (
                if hr_level {
                    Kind::DecideRequestAboveLimit
                } else {
                    Kind::DecideRequest
                },
                of(person_id, unit_path),
            ),
            Action::SetPlanDay {
                person_id,
                unit_path,
            } => (Kind::SetPlanDay, of(person_id, unit_path)),
            Action::ReadUnitPlan { unit_path } => (Kind::ReadUnitPlan, unit(unit_path)),
            Action::EditCoverage { unit_path } => (Kind::EditCoverage, unit(unit_path)),
            Action::AllowCoverageGap { unit_path } => (Kind::AllowCoverageGap, unit(unit_path)),
            Action::PublishRotation { unit_path } => (Kind::PublishRotation, unit(unit_path)),
            Action::LendEquipment { unit_path } => (Kind::LendEquipment, unit(unit_path)),
            Action::ReadLoans {
                person_id,
                unit_path,
            } => (Kind::ReadLoans, of(person_id, unit_path)),
            Action::ReadDeviation {
                reporter,
                person_id,
                responsible,
                unit_path,
                security_role,
            } => (
                Kind::ReadDeviation,
                Target {
                    reporter: Some(reporter),
                    responsible,
                    security_role,
                    ..of(person_id, unit_path)
                },
            ),
            Action::HandleDeviation {
                reporter,
                person_id,
                responsible,
                unit_path,
            } => (
                Kind::HandleDeviation,
                Target {
                    reporter: Some(reporter),
                    responsible,
                    ..of(person_id, unit_path)
                },
            ),
            Action::SeeDeviationReporter { reporter } => (
                Kind::SeeDeviationReporter,
                Target {
                    reporter: Some(reporter),
                    ..t
                },
            ),
            Action::ReadFollowUp {
                person_id,
                unit_path,
            } => (Kind::ReadFollowUp, of(person_id, unit_path)),
            Action::AnswerFollowUp {
                person_id,
                unit_path,
            } => (Kind::AnswerFollowUp, of(person_id, unit_path)),
            Action::ConfirmMovedAgreement {
                person_id,
                unit_path,
            } => (Kind::ConfirmMovedAgreement, of(person_id, unit_path)),
            Action::ScheduleDevelopmentTalk {
                person_id,
                unit_path,
            } => (Kind::ScheduleDevelopmentTalk, of(person_id, unit_path)),
            Action::ReadUnitStats { unit_path } => (Kind::ReadUnitStats, unit(unit_path)),
            Action::SetCommute { person_id } => (
                Kind::SetCommute,
                Target {
                    person: Some(person_id),
                    ..t
                },
            ),
            Action::ReadWhoIsIn { unit_id, unit_path } => (
                Kind::ReadWhoIsIn,
                Target {
                    unit: Some(unit_id),
                    ..unit(unit_path)
                },
            ),
            Action::HandleFollowUpAction {
                owner_id,
                unit_path,
            } => (
                Kind::HandleFollowUpAction,
                Target {
                    owner: Some(owner_id),
                    unit_path: Some(unit_path),
                    ..t
                },
            ),
        }
    }
}

/// How much of a person an actor may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Visibility {
    /// Not at all: answer 404, as if the person did not exist.
    None,
    /// Directory facts: name, unit, title, roles, e-mail.
    Directory,
    /// Everything, including commute and skills.
    Full,
}

/// How much of a person the actor sees: everything (the person, their
/// managers, HR), directory facts (administrators, auditors), or nothing.
pub fn person_visibility(actor: &Actor, person_id: PersonId, unit_path: &str) -> Visibility {
    let target = Target {
        person: Some(person_id),
        unit_path: Some(unit_path),
        ..Target::default()
    };
    if [Who::Own, Who::Holds(Role::Hr), Who::ManagerOfUnit]
        .iter()
        .any(|w| w.holds(actor, &target))
    {
        Visibility::Full
    } else if actor.has(Role::Admin) || actor.has(Role::Auditor) {
        Visibility::Directory
    } else {
        Visibility::None
    }
}

/// May `actor` do `action`? For what a page offers (links, buttons, forms).
pub fn can(actor: &Actor, action: Action<'_>) -> bool {
    decide(actor, action).is_none()
}

/// May `actor` do `action`? `Ok(())` or `Forbidden` with the reason.
pub fn authorize(actor: &Actor, action: Action<'_>) -> Result<(), CoreError> {
    match decide(actor, action) {
        None => Ok(()),
        Some(why) => Err(CoreError::forbidden(why)),
    }
}

/// `None` when the policy allows it, else why not.
fn decide(actor: &Actor, action: Action<'_>) -> Option<&'static str> {
    let (kind, target) = action.parts();
    let rule = table::rule(kind);
    if let Some((_, why)) = rule.never.iter().find(|(w, _)| w.holds(actor, &target)) {
        return Some(why);
    }
    if rule.may.iter().any(|w| w.holds(actor, &target)) {
        None
    } else {
        Some(rule.why)
    }
}

/// May the actor do this kind of action on some target at all, by a role
/// they hold (for queues and menus: "does this person decide at HR level?").
pub fn may(actor: &Actor, kind: Kind) -> bool {
    table::rule(kind).may.iter().any(|w| {
        matches!(w, Who::Holds(_) | Who::Anyone | Who::AnyManager)
            && w.holds(actor, &Target::default())
    })
}

/// What an actor can reach at all: the menus and start page show exactly
/// this, so no page re-derives who may do what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Can {
    /// A manager's overview of their units this week.
    pub overview: bool,
    /// The sites' occupancy.
    pub sites: bool,
    /// People lists (of some unit at least).
    pub people: bool,
    pub audit: bool,
    /// Keep the closed days.
    pub workdays: bool,
    pub equipment: bool,
    pub manage_equipment: bool,
    pub redeployment: bool,
    pub issue_temporary_decisions: bool,
    pub edit_policy: bool,
    pub edit_checklists: bool,
    pub import_absences: bool,
    /// Deactivate people who leave, and bring them back.
    pub deactivate_people: bool,
    /// Create, change and close units; add and change sites.
    pub edit_organisation: bool,
    /// Change a person's facts, home unit and roles.
    pub edit_people: bool,
    /// Send someone a link to set their password.
    pub send_password_links: bool,
    pub admin: bool,
    /// The organisation's numbers on the start page.
    pub counts: bool,
    /// Deviations to handle (as a manager or HR).
    pub handle_deviations: bool,
    /// Reads every decision and the log without changing the policy (an
    /// auditor's review).
    pub review: bool,
    /// Change the emission factors of the statistics.
    pub edit_emission_factors: bool,
    /// The statistics of every unit (not only the organisation's).
    pub all_stats: bool,
    /// The disposal rules, legal holds and disposal runs.
    pub retention: bool,
    /// Produce a person's data for their request.
    pub export_person_data: bool,
    pub edit_retention: bool,
    pub place_legal_holds: bool,
    pub run_retention: bool,
    pub edit_privacy_notice: bool,
}

/// What `actor` can reach, from the policy's rows.
pub fn reach(actor: &Actor) -> Can {
    let managers = !actor.manages.is_empty();
    Can {
        overview: managers,
        sites: may(actor, Kind::ReadOccupancy),
        people: may(actor, Kind::ListPeople) || managers,
        audit: may(actor, Kind::ReadAudit),
        workdays: may(actor, Kind::EditClosedDays),
        equipment: may(actor, Kind::ListEquipment),
        manage_equipment: may(actor, Kind::ManageEquipment),
        redeployment: may(actor, Kind::ReadRedeployment),
        issue_temporary_decisions: may(actor, Kind::IssueTemporaryDecision),
        edit_policy: may(actor, Kind::EditPolicy),
        edit_checklists: may(actor, Kind::EditChecklists),
        import_absences: may(actor, Kind::ImportAbsences),
        deactivate_people: may(actor, Kind::DeactivatePerson),
        edit_organisation: may(actor, Kind::EditOrganisation),
        edit_people: may(actor, Kind::EditPeople),
        send_password_links: may(actor, Kind::SendPasswordLink),
        admin: may(actor, Kind::AdminOverview),
        counts: may(actor, Kind::ReadAudit),
        handle_deviations: scope(actor, Listing::Deviations) != Scope::Own,
        review: may(actor, Kind::ReadAllRequests)
            && may(actor, Kind::ReadAudit)
            && !may(actor, Kind::EditPolicy),
        edit_emission_factors: may(actor, Kind::EditEmissionFactors),
        all_stats: may(actor, Kind::ReadUnitStats),
        retention: may(actor, Kind::ReadRetention),
        export_person_data: may(actor, Kind::ExportPersonData),
        edit_retention: may(actor, Kind::EditRetention),
        place_legal_holds: may(actor, Kind::PlaceLegalHold),
        run_retention: may(actor, Kind::RunRetention),
        edit_privacy_notice: may(actor, Kind::EditPrivacyNotice),
    }
}

/// Whose things a list holds for an actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everyone's.
    All,
    /// The actor's own and those of people at or below these unit paths.
    Units(Vec<String>),
    /// The actor's own only.
    Own,
}

impl Scope {
    /// The unit paths below which the actor sees others' things besides
    /// their own (none: only their own), or `None` when they see all.
    pub fn under(self) -> Option<Vec<String>> {
        match self {
            Scope::All => None,
            Scope::Units(under) => Some(under),
            Scope::Own => Some(vec![]),
        }
    }
}

/// The lists whose reach depends on who reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Requests,
    Deviations,
    FollowUps,
    Loans,
    /// Agreements waiting for a new manager after their person moved.
    MovedAgreements,
    /// What a search finds of people, agreements and requests (units are
    /// everyone's to find).
    Search,
}

/// Whose things a list holds: everything for those who may read all of
/// them (HR; for requests also auditors), their units' for managers,
/// otherwise the actor's own.
pub fn scope(actor: &Actor, listing: Listing) -> Scope {
    let all = match listing {
        Listing::Requests => Kind::ReadAllRequests,
        Listing::Deviations => Kind::ReadAllDeviations,
        Listing::FollowUps => Kind::ReadAllFollowUps,
        Listing::Loans => Kind::ReadAllLoans,
        Listing::MovedAgreements => Kind::ConfirmMovedAgreement,
        Listing::Search => Kind::SearchEveryone,
    };
    if table::rule(all)
        .may
        .iter()
        .any(|w| w.holds(actor, &Target::default()))
    {
        Scope::All
    } else if !actor.manages.is_empty() {
        Scope::Units(actor.manages.iter().map(|m| m.path.clone()).collect())
    } else {
        Scope::Own
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod policy_tests;

#[cfg(test)]
mod policy_props;
