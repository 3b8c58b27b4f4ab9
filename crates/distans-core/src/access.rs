//! Who may do what — in one place. Every service asks here before it reads
//! or changes anything; the web layer's role × route test matrix checks the
//! outcome. A rule here is a pure function of the actor and the target.

use crate::kernel::error::CoreError;
use crate::kernel::{Actor, Role};
use uuid::Uuid;

/// Something an actor wants to do, with what the rule needs to know of the
/// target.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// See the organisation tree and a unit's public facts (name, manager, children).
    ReadUnits,
    /// List the people of a unit (path of the unit).
    ListPeople { unit_path: &'a str },
    /// Read the audit log and verify its chain.
    ReadAudit,
    /// Import or update the organisation.
    ImportOrganisation,
    /// See the administrator's overview (system facts, counts).
    AdminOverview,
    /// Create and revoke one's own API tokens.
    ManageOwnTokens,
    /// Create, renew and revoke one's own secret calendar feed.
    ManageOwnCalendarFeed,
    /// Write a new policy version or the agreement template.
    EditPolicy,
    /// Issue a temporary (crisis) decision.
    IssueTemporaryDecision,
    /// Read every request (not only one's own or one's units').
    ReadAllRequests,
    /// Change or withdraw a request: only the applicant.
    ChangeOwnRequest { person_id: Uuid },
    /// Send a drafted agreement for signatures: who decided, or HR.
    SendAgreement { person_id: Uuid, decider_id: Uuid },
    /// Sign an agreement: its two parties.
    SignAgreement { person_id: Uuid, decider_id: Uuid },
    /// Give notice on an agreement: its parties, or HR.
    EndAgreement { person_id: Uuid, decider_id: Uuid },
    /// See every temporary decision, not only those that concern one.
    ReadAllTemporaryDecisions,
    /// See a request or agreement of a person (the person's id and unit path).
    ReadCase { person_id: Uuid, unit_path: &'a str },
    /// Enter or remove a person's absence (the person's id and unit path).
    EnterAbsence { person_id: Uuid, unit_path: &'a str },
    /// Import absences from a file.
    ImportAbsences,
    /// Add and remove the organisation's closed days.
    EditClosedDays,
    /// Decide a request at a level, for a person.
    DecideRequest {
        hr_level: bool,
        person_id: Uuid,
        unit_path: &'a str,
    },
    /// Set a person's occasional days (the person, their managers, HR).
    SetPlanDay { person_id: Uuid, unit_path: &'a str },
    /// See a unit's plan, coverage and who is on site (its managers, HR).
    ReadUnitPlan { unit_path: &'a str },
    /// Edit a unit's coverage rules (its managers, HR).
    EditCoverage { unit_path: &'a str },
    /// Save a change that opens a coverage gap in a unit (its managers, HR).
    AllowCoverageGap { unit_path: &'a str },
    /// Publish a rotation plan for a unit (its managers, HR).
    PublishRotation { unit_path: &'a str },
    /// See the sites' occupancy across the organisation (HR, managers, administrators).
    ReadOccupancy,
    // Equipment and redeployment.
    /// See the equipment inventory (HR, administrators, managers).
    ListEquipment,
    /// Add items to the inventory and change their state (HR, administrators).
    ManageEquipment,
    /// Lend an item to a person of a unit, or take it back (its managers, HR).
    LendEquipment { unit_path: &'a str },
    /// See a person's loans (the person, their managers, HR).
    ReadLoans { person_id: Uuid, unit_path: &'a str },
    /// See the loans to collect when agreements end (managers, HR).
    ReadLoansToCollect,
    /// Use the cross-unit redeployment view (HR, directors).
    ReadRedeployment,
    // Deviations.
    /// See a deviation: its reporter, its responsible manager, the managers
    /// of the concerned person's unit (not the person), HR, and — for a
    /// serious information-security one — holders of the policy's roles
    /// (`security_role`: the actor holds one and it is such a deviation).
    ReadDeviation {
        reporter: Uuid,
        person_id: Uuid,
        responsible: Option<Uuid>,
        unit_path: &'a str,
        security_role: bool,
    },
    /// Acknowledge and close a deviation: the responsible manager, the
    /// managers above, HR — never the reporter or the person it concerns.
    HandleDeviation {
        reporter: Uuid,
        person_id: Uuid,
        responsible: Option<Uuid>,
        unit_path: &'a str,
    },
    /// See who reported an anonymous deviation: the reporter and HR.
    SeeDeviationReporter { reporter: Uuid },
    // Follow-ups.
    /// Write a new version of a checklist template (HR).
    EditChecklists,
    /// See a person's follow-ups and their actions (the person, their managers, HR).
    ReadFollowUp { person_id: Uuid, unit_path: &'a str },
    /// Answer and confirm a person's follow-up (the person, their managers, HR).
    AnswerFollowUp { person_id: Uuid, unit_path: &'a str },
    /// Set the development talk of a person's agreement (their managers, HR; not oneself).
    ScheduleDevelopmentTalk { person_id: Uuid, unit_path: &'a str },
    /// Close or change an action from a follow-up (its owner, the person's managers, HR).
    HandleFollowUpAction { owner_id: Uuid, unit_path: &'a str },
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

pub fn person_visibility(actor: &Actor, person_id: Uuid, unit_path: &str) -> Visibility {
    if actor.person_id == person_id || actor.has(Role::Hr) || actor.manages_path(unit_path) {
        Visibility::Full
    } else if actor.has(Role::Admin) || actor.has(Role::Auditor) {
        Visibility::Directory
    } else {
        Visibility::None
    }
}

/// May `actor` do `action`? For what a page offers (links, buttons, forms).
pub fn can(actor: &Actor, action: Action<'_>) -> bool {
    authorize(actor, action).is_ok()
}

/// May `actor` do `action`? `Ok(())` or `Forbidden` with the reason.
pub fn authorize(actor: &Actor, action: Action<'_>) -> Result<(), CoreError> {
    let allowed = match action {
        Action::ReadUnits | Action::ManageOwnTokens | Action::ManageOwnCalendarFeed => true,
        Action::ListPeople { unit_path } => {
            actor.has(Role::Hr)
                || actor.has(Role::Admin)
                || actor.has(Role::Auditor)
                || actor.manages_path(unit_path)
        }
        Action::ReadAudit => {
            actor.has(Role::Hr) || actor.has(Role::Auditor) || actor.has(Role::Admin)
        }
        Action::ImportOrganisation | Action::AdminOverview => actor.has(Role::Admin),
        Action::EditPolicy => actor.has(Role::Hr),
        Action::IssueTemporaryDecision => actor.has(Role::Hr) || actor.has(Role::Director),
        Action::ReadAllRequests => actor.has(Role::Hr) || actor.has(Role::Auditor),
        Action::ChangeOwnRequest { person_id } => actor.person_id == person_id,
        Action::SendAgreement {
            person_id,
            decider_id,
        } => actor.person_id != person_id && (actor.person_id == decider_id || actor.has(Role::Hr)),
        Action::SignAgreement {
            person_id,
            decider_id,
        } => actor.person_id == person_id || actor.person_id == decider_id,
        Action::EndAgreement {
            person_id,
            decider_id,
        } => actor.person_id == person_id || actor.person_id == decider_id || actor.has(Role::Hr),
        Action::ReadAllTemporaryDecisions => {
            actor.has(Role::Hr)
                || actor.has(Role::Auditor)
                || actor.has(Role::Admin)
                || actor.has(Role::Director)
        }
        Action::ReadCase {
            person_id,
            unit_path,
        } => {
            actor.person_id == person_id
                || actor.has(Role::Hr)
                || actor.has(Role::Auditor)
                || actor.manages_path(unit_path)
        }
        Action::SetPlanDay {
            person_id,
            unit_path,
        } => actor.person_id == person_id || actor.has(Role::Hr) || actor.manages_path(unit_path),
        Action::ReadUnitPlan { unit_path }
        | Action::PublishRotation { unit_path }
        | Action::EditCoverage { unit_path }
        | Action::AllowCoverageGap { unit_path } => {
            actor.has(Role::Hr) || actor.manages_path(unit_path)
        }
        Action::ReadOccupancy => {
            actor.has(Role::Hr) || actor.has(Role::Admin) || !actor.manages.is_empty()
        }
        Action::EnterAbsence {
            person_id,
            unit_path,
        } => actor.person_id == person_id || actor.has(Role::Hr) || actor.manages_path(unit_path),
        Action::ImportAbsences | Action::EditClosedDays => {
            actor.has(Role::Hr) || actor.has(Role::Admin)
        }
        Action::DecideRequest {
            hr_level,
            person_id,
            unit_path,
        } => {
            actor.person_id != person_id
                && (actor.has(Role::Hr) || (!hr_level && actor.manages_path(unit_path)))
        }
        // Equipment and redeployment.
        Action::ListEquipment => {
            actor.has(Role::Hr) || actor.has(Role::Admin) || !actor.manages.is_empty()
        }
        Action::ManageEquipment => actor.has(Role::Hr) || actor.has(Role::Admin),
        Action::LendEquipment { unit_path } => actor.has(Role::Hr) || actor.manages_path(unit_path),
        Action::ReadLoans {
            person_id,
            unit_path,
        } => actor.person_id == person_id || actor.has(Role::Hr) || actor.manages_path(unit_path),
        Action::ReadLoansToCollect => actor.has(Role::Hr) || !actor.manages.is_empty(),
        Action::ReadRedeployment => actor.has(Role::Hr) || actor.has(Role::Director),
        // Deviations.
        Action::ReadDeviation {
            reporter,
            person_id,
            responsible,
            unit_path,
            security_role,
        } => {
            actor.person_id == reporter
                || responsible == Some(actor.person_id)
                || actor.has(Role::Hr)
                || security_role
                || (actor.person_id != person_id && actor.manages_path(unit_path))
        }
        Action::HandleDeviation {
            reporter,
            person_id,
            responsible,
            unit_path,
        } => {
            actor.person_id != reporter
                && actor.person_id != person_id
                && (responsible == Some(actor.person_id)
                    || actor.has(Role::Hr)
                    || actor.manages_path(unit_path))
        }
        Action::SeeDeviationReporter { reporter } => {
            actor.person_id == reporter || actor.has(Role::Hr)
        }
        // Follow-ups.
        Action::EditChecklists => actor.has(Role::Hr),
        Action::ReadFollowUp {
            person_id,
            unit_path,
        }
        | Action::AnswerFollowUp {
            person_id,
            unit_path,
        } => actor.person_id == person_id || actor.has(Role::Hr) || actor.manages_path(unit_path),
        Action::ScheduleDevelopmentTalk {
            person_id,
            unit_path,
        } => actor.person_id != person_id && (actor.has(Role::Hr) || actor.manages_path(unit_path)),
        Action::HandleFollowUpAction {
            owner_id,
            unit_path,
        } => actor.person_id == owner_id || actor.has(Role::Hr) || actor.manages_path(unit_path),
    };
    if allowed {
        Ok(())
    } else {
        Err(CoreError::forbidden(match action {
            Action::ListPeople { .. } => {
                "only the unit's managers, HR, administrators and auditors may list its people"
            }
            Action::ReadAudit => "only HR, auditors and administrators may read the audit log",
            Action::ImportOrganisation => "only administrators may import the organisation",
            Action::AdminOverview => "only administrators may see this",
            Action::EditPolicy => "only HR may change the policy and the agreement template",
            Action::IssueTemporaryDecision => "only HR and directors may issue temporary decisions",
            Action::ReadAllRequests => "only HR and auditors see every request",
            Action::ChangeOwnRequest { .. } => {
                "only the applicant may change or withdraw a request"
            }
            Action::SendAgreement { person_id, .. } if person_id == actor.person_id => {
                "nobody sends their own agreement"
            }
            Action::SendAgreement { .. } => {
                "only the one who decided (or HR) sends the agreement for signatures"
            }
            Action::SignAgreement { .. } => {
                "only the employee and the one who decided sign the agreement"
            }
            Action::EndAgreement { .. } => "only the parties (or HR) may end the agreement",
            Action::ReadAllTemporaryDecisions => {
                "only HR, auditors, administrators and directors see every temporary decision"
            }
            Action::ReadCase { .. } => "not allowed",
            Action::EnterAbsence { .. } => {
                "only the person, their managers and HR enter their absences"
            }
            Action::ImportAbsences => "only HR and administrators may import absences",
            Action::EditClosedDays => "only HR and administrators may change the closed days",
            Action::DecideRequest {
                hr_level: true,
                person_id,
                ..
            } if person_id == actor.person_id => "nobody may decide their own request",
            Action::DecideRequest { hr_level: true, .. } => {
                "this request is above the manager's limit: HR decides it"
            }
            Action::DecideRequest { person_id, .. } if person_id == actor.person_id => {
                "nobody may decide their own request"
            }
            Action::DecideRequest { .. } => {
                "only the employee's managers or HR may decide this request"
            }
            Action::SetPlanDay { .. } => "only the person, their managers and HR set their days",
            Action::ReadUnitPlan { .. } => "only the unit's managers and HR see its plan",
            Action::PublishRotation { .. } => {
                "only the unit's managers and HR publish its rotation"
            }
            Action::EditCoverage { .. } => {
                "only the unit's managers and HR edit its coverage rules"
            }
            Action::AllowCoverageGap { .. } => {
                "this change opens a coverage gap: only the unit's managers and HR may allow it"
            }
            Action::ReadOccupancy => {
                "only managers, HR and administrators see the sites' occupancy"
            }
            Action::ReadUnits | Action::ManageOwnTokens | Action::ManageOwnCalendarFeed => {
                "not allowed"
            }
            // Equipment and redeployment.
            Action::ListEquipment => "only HR, administrators and managers see the equipment",
            Action::ManageEquipment => "only HR and administrators manage the equipment",
            Action::LendEquipment { .. } => {
                "only the person's managers and HR lend equipment to them and take it back"
            }
            Action::ReadLoans { .. } => "only the person, their managers and HR see their loans",
            Action::ReadLoansToCollect => "only managers and HR see the equipment to collect",
            Action::ReadRedeployment => "only HR and directors use the redeployment view",
            // Deviations.
            Action::ReadDeviation { .. } => "not allowed",
            Action::HandleDeviation {
                reporter,
                person_id,
                ..
            } if reporter == actor.person_id || person_id == actor.person_id => {
                "nobody handles a deviation they reported or that concerns them"
            }
            Action::HandleDeviation { .. } => {
                "only the responsible manager, the managers above and HR handle a deviation"
            }
            Action::SeeDeviationReporter { .. } => "only HR sees who reported anonymously",
            // Follow-ups.
            Action::EditChecklists => "only HR may change the checklists",
            Action::ReadFollowUp { .. } | Action::AnswerFollowUp { .. } => {
                "only the person, their managers and HR take part in their follow-ups"
            }
            Action::ScheduleDevelopmentTalk { .. } => {
                "only the employee's managers and HR set a development talk"
            }
            Action::HandleFollowUpAction { .. } => {
                "only the action's owner, the employee's managers and HR handle an action"
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::{ManagedUnit, UnitRef};

    fn actor(roles: &[Role], manages: &[&str]) -> Actor {
        Actor {
            person_id: Uuid::from_u128(1),
            name: "T".into(),
            unit: UnitRef {
                id: Uuid::from_u128(9),
                name: "U".into(),
            },
            roles: roles.to_vec(),
            manages: manages
                .iter()
                .map(|p| ManagedUnit {
                    id: Uuid::from_u128(2),
                    name: "M".into(),
                    path: (*p).to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn managers_see_their_subtree_only() {
        let m = actor(&[Role::Employee, Role::Manager], &["/a/b/"]);
        assert_eq!(
            person_visibility(&m, Uuid::from_u128(5), "/a/b/c/"),
            Visibility::Full
        );
        assert_eq!(
            person_visibility(&m, Uuid::from_u128(5), "/a/b/"),
            Visibility::Full
        );
        assert_eq!(
            person_visibility(&m, Uuid::from_u128(5), "/a/"),
            Visibility::None
        );
        assert_eq!(
            person_visibility(&m, Uuid::from_u128(5), "/a/bb/"),
            Visibility::None
        );
        assert!(authorize(
            &m,
            Action::ListPeople {
                unit_path: "/a/b/c/"
            }
        )
        .is_ok());
        assert!(authorize(&m, Action::ListPeople { unit_path: "/a/x/" }).is_err());
    }

    #[test]
    fn employees_see_themselves_only() {
        let e = actor(&[Role::Employee], &[]);
        assert_eq!(
            person_visibility(&e, Uuid::from_u128(1), "/a/"),
            Visibility::Full
        );
        assert_eq!(
            person_visibility(&e, Uuid::from_u128(2), "/a/"),
            Visibility::None
        );
        assert!(authorize(&e, Action::ListPeople { unit_path: "/a/" }).is_err());
        assert!(authorize(&e, Action::ReadAudit).is_err());
        assert!(authorize(&e, Action::ReadUnits).is_ok());
    }

    #[test]
    fn who_decides() {
        let m = actor(&[Role::Employee, Role::Manager], &["/a/b/"]);
        let hr = actor(&[Role::Employee, Role::Hr], &[]);
        let other = Uuid::from_u128(5);
        let d = |hr_level, person_id, unit_path| Action::DecideRequest {
            hr_level,
            person_id,
            unit_path,
        };
        assert!(authorize(&m, d(false, other, "/a/b/c/")).is_ok());
        assert!(
            authorize(&m, d(true, other, "/a/b/c/")).is_err(),
            "above the limit"
        );
        assert!(
            authorize(&m, d(false, other, "/a/x/")).is_err(),
            "another unit"
        );
        assert!(
            authorize(&m, d(false, m.person_id, "/a/b/")).is_err(),
            "own request"
        );
        assert!(authorize(&hr, d(true, other, "/x/")).is_ok());
        assert!(authorize(&hr, d(true, hr.person_id, "/x/")).is_err());
    }

    #[test]
    fn hr_admin_auditor() {
        let hr = actor(&[Role::Employee, Role::Hr], &[]);
        let ad = actor(&[Role::Employee, Role::Admin], &[]);
        let au = actor(&[Role::Employee, Role::Auditor], &[]);
        assert_eq!(
            person_visibility(&hr, Uuid::from_u128(7), "/x/"),
            Visibility::Full
        );
        assert_eq!(
            person_visibility(&ad, Uuid::from_u128(7), "/x/"),
            Visibility::Directory
        );
        assert_eq!(
            person_visibility(&au, Uuid::from_u128(7), "/x/"),
            Visibility::Directory
        );
        assert!(authorize(&hr, Action::ImportOrganisation).is_err());
        assert!(authorize(&ad, Action::ImportOrganisation).is_ok());
        for a in [&hr, &ad, &au] {
            assert!(authorize(a, Action::ReadAudit).is_ok());
        }
    }

    // Follow-ups.
    #[test]
    fn who_takes_part_in_follow_ups() {
        let m = actor(&[Role::Employee, Role::Manager], &["/a/b/"]);
        let e = actor(&[Role::Employee], &[]);
        let hr = actor(&[Role::Employee, Role::Hr], &[]);
        let other = Uuid::from_u128(5);
        let answer = |person_id, unit_path| Action::AnswerFollowUp {
            person_id,
            unit_path,
        };
        assert!(authorize(&m, answer(other, "/a/b/c/")).is_ok());
        assert!(authorize(&m, answer(other, "/a/x/")).is_err());
        assert!(authorize(&e, answer(e.person_id, "/a/x/")).is_ok());
        assert!(authorize(&e, answer(other, "/a/x/")).is_err());
        assert!(authorize(&hr, answer(other, "/x/")).is_ok());
        let talk = |person_id, unit_path| Action::ScheduleDevelopmentTalk {
            person_id,
            unit_path,
        };
        assert!(authorize(&m, talk(other, "/a/b/")).is_ok());
        assert!(
            authorize(&m, talk(m.person_id, "/a/b/")).is_err(),
            "not one's own"
        );
        assert!(authorize(&e, talk(e.person_id, "/a/")).is_err());
        let handle = |owner_id, unit_path| Action::HandleFollowUpAction {
            owner_id,
            unit_path,
        };
        assert!(
            authorize(&e, handle(e.person_id, "/a/x/")).is_ok(),
            "the owner"
        );
        assert!(authorize(&e, handle(other, "/a/x/")).is_err());
        assert!(authorize(&m, handle(other, "/a/x/")).is_err());
        assert!(authorize(&m, handle(other, "/a/b/c/")).is_ok());
        assert!(authorize(&hr, handle(other, "/x/")).is_ok());
        assert!(authorize(&e, Action::EditChecklists).is_err());
        assert!(authorize(&hr, Action::EditChecklists).is_ok());
    }
}
