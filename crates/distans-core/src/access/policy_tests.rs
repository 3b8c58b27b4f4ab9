//! The role × action table of the access policy, and its promises as
//! properties: nobody decides their own request, HR reads every case, an
//! auditor never writes, and more roles or units never take a right away.

use super::*;
use crate::kernel::ids::PersonId;
use crate::kernel::{ManagedUnit, UnitRef};
use uuid::Uuid;

/// The person the actions are about, in a unit below the manager's.
pub(super) const OTHER: PersonId = PersonId::from_u128(9);
pub(super) const PATH: &str = "/k/a/x/";

pub(super) fn actor(id: u128, roles: &[Role], manages: &[&str]) -> Actor {
    let mut all = vec![Role::Employee];
    all.extend_from_slice(roles);
    Actor {
        language: Default::default(),
        person_id: PersonId::from_u128(id),
        name: format!("Person {id}"),
        unit: UnitRef {
            id: Uuid::nil().into(),
            name: "U".into(),
        },
        roles: all,
        manages: manages
            .iter()
            .map(|p| ManagedUnit {
                id: Uuid::nil().into(),
                name: "M".into(),
                path: p.to_string(),
            })
            .collect(),
    }
}

/// Employee, manager (of /k/a/, the decider of OTHER's agreement), HR,
/// administrator, auditor, director — by the letter the table uses.
pub(super) fn cast() -> Vec<(char, Actor)> {
    vec![
        ('E', actor(1, &[], &[])),
        ('M', actor(2, &[Role::Manager], &["/k/a/"])),
        ('H', actor(3, &[Role::Hr], &[])),
        ('A', actor(4, &[Role::Admin], &[])),
        ('U', actor(5, &[Role::Auditor], &[])),
        ('D', actor(6, &[Role::Director], &[])),
        ('R', actor(7, &[Role::Records], &[])),
    ]
}

/// Every action, about `person` at `path`, whose agreement `decider`
/// decided, reported by `reporter`.
pub(super) fn every_action<'a>(
    person: PersonId,
    decider: PersonId,
    reporter: PersonId,
    path: &'a str,
    security_role: bool,
) -> Vec<(&'static str, Action<'a>)> {
    vec![
        ("ReadUnits", Action::Plain(Kind::ReadUnits)),
        ("ListPeople", Action::ListPeople { unit_path: path }),
        ("ReadAudit", Action::Plain(Kind::ReadAudit)),
        (
            "ImportOrganisation",
            Action::Plain(Kind::ImportOrganisation),
        ),
        ("EditPeople", Action::Plain(Kind::EditPeople)),
        ("Provision", Action::Plain(Kind::Provision)),
        ("EditOrganisation", Action::Plain(Kind::EditOrganisation)),
        ("SendPasswordLink", Action::Plain(Kind::SendPasswordLink)),
        ("DeactivatePerson", Action::Plain(Kind::DeactivatePerson)),
        ("AdminOverview", Action::Plain(Kind::AdminOverview)),
        ("ManageOwnTokens", Action::Plain(Kind::ManageOwnTokens)),
        (
            "ManageOwnCalendarFeed",
            Action::Plain(Kind::ManageOwnCalendarFeed),
        ),
        ("EditPolicy", Action::Plain(Kind::EditPolicy)),
        (
            "IssueTemporaryDecision",
            Action::Plain(Kind::IssueTemporaryDecision),
        ),
        ("ReadAllRequests", Action::Plain(Kind::ReadAllRequests)),
        (
            "ChangeOwnRequest",
            Action::ChangeOwnRequest { person_id: person },
        ),
        (
            "SendAgreement",
            Action::SendAgreement {
                person_id: person,
                decider_id: decider,
            },
        ),
        (
            "SignAgreement",
            Action::SignAgreement {
                person_id: person,
                decider_id: decider,
            },
        ),
        (
            "EndAgreement",
            Action::EndAgreement {
                person_id: person,
                decider_id: decider,
            },
        ),
        (
            "ConfirmMovedAgreement",
            Action::ConfirmMovedAgreement {
                person_id: person,
                unit_path: path,
            },
        ),
        (
            "ReadAllTemporaryDecisions",
            Action::Plain(Kind::ReadAllTemporaryDecisions),
        ),
        (
            "ReadCase",
            Action::ReadCase {
                person_id: person,
                unit_path: path,
            },
        ),
        (
            "EnterAbsence",
            Action::EnterAbsence {
                person_id: person,
                unit_path: path,
            },
        ),
        ("ImportAbsences", Action::Plain(Kind::ImportAbsences)),
        ("EditClosedDays", Action::Plain(Kind::EditClosedDays)),
        (
            "DecideRequest",
            Action::DecideRequest {
                hr_level: false,
                person_id: person,
                unit_path: path,
            },
        ),
        (
            "DecideRequest(HR)",
            Action::DecideRequest {
                hr_level: true,
                person_id: person,
                unit_path: path,
            },
        ),
        (
            "SetPlanDay",
            Action::SetPlanDay {
                person_id: person,
                unit_path: path,
            },
        ),
        ("ReadUnitPlan", Action::ReadUnitPlan { unit_path: path }),
        ("EditCoverage", Action::EditCoverage { unit_path: path }),
        (
            "AllowCoverageGap",
            Action::AllowCoverageGap { unit_path: path },
        ),
        (
            "PublishRotation",
            Action::PublishRotation { unit_path: path },
        ),
        ("PlanRotation", Action::Plain(Kind::PlanRotation)),
        ("ReadOccupancy", Action::Plain(Kind::ReadOccupancy)),
        ("ListEquipment", Action::Plain(Kind::ListEquipment)),
        ("ManageEquipment", Action::Plain(Kind::ManageEquipment)),
        ("LendEquipment", Action::LendEquipment { unit_path: path }),
        (
            "ReadLoans",
            Action::ReadLoans {
                person_id: person,
                unit_path: path,
            },
        ),
        (
            "ReadLoansToCollect",
            Action::Plain(Kind::ReadLoansToCollect),
        ),
        ("ReadRedeployment", Action::Plain(Kind::ReadRedeployment)),
        (
            "ReadDeviation",
            Action::ReadDeviation {
                reporter,
                person_id: person,
                responsible: None,
                unit_path: path,
                security_role,
            },
        ),
        (
            "HandleDeviation",
            Action::HandleDeviation {
                reporter,
                person_id: person,
                responsible: None,
                unit_path: path,
            },
        ),
        (
            "SeeDeviationReporter",
            Action::SeeDeviationReporter { reporter },
        ),
        ("EditChecklists", Action::Plain(Kind::EditChecklists)),
        (
            "ReadFollowUp",
            Action::ReadFollowUp {
                person_id: person,
                unit_path: path,
            },
        ),
        (
            "AnswerFollowUp",
            Action::AnswerFollowUp {
                person_id: person,
                unit_path: path,
            },
        ),
        (
            "ScheduleDevelopmentTalk",
            Action::ScheduleDevelopmentTalk {
                person_id: person,
                unit_path: path,
            },
        ),
        (
            "HandleFollowUpAction",
            Action::HandleFollowUpAction {
                owner_id: person,
                unit_path: path,
            },
        ),
        ("ReadStats", Action::Plain(Kind::ReadStats)),
        ("ReadUnitStats", Action::ReadUnitStats { unit_path: path }),
        (
            "EditEmissionFactors",
            Action::Plain(Kind::EditEmissionFactors),
        ),
        ("SetCommute", Action::SetCommute { person_id: person }),
        ("ExportOwnData", Action::Plain(Kind::ExportOwnData)),
        ("ExportPersonData", Action::Plain(Kind::ExportPersonData)),
        ("ReadRetention", Action::Plain(Kind::ReadRetention)),
        ("EditRetention", Action::Plain(Kind::EditRetention)),
        ("PlaceLegalHold", Action::Plain(Kind::PlaceLegalHold)),
        ("RunRetention", Action::Plain(Kind::RunRetention)),
        ("EditPrivacyNotice", Action::Plain(Kind::EditPrivacyNotice)),
        (
            "AcknowledgePrivacyNotice",
            Action::Plain(Kind::AcknowledgePrivacyNotice),
        ),
        (
            "ReadWhoIsIn",
            Action::ReadWhoIsIn {
                unit_id: OTHER_UNIT,
                unit_path: path,
            },
        ),
        ("SearchEveryone", Action::Plain(Kind::SearchEveryone)),
    ]
}

/// The unit of the person the actions are about (nobody of the cast's).
pub(super) const OTHER_UNIT: crate::kernel::ids::UnitId = crate::kernel::ids::UnitId::from_u128(77);

/// The actions that change something, and so are never an auditor's.
pub(super) const WRITES: &[&str] = &[
    "ImportOrganisation",
    "EditPeople",
    "Provision",
    "DeactivatePerson",
    "EditOrganisation",
    "SendPasswordLink",
    "EditPolicy",
    "IssueTemporaryDecision",
    "ChangeOwnRequest",
    "SendAgreement",
    "SignAgreement",
    "EndAgreement",
    "ConfirmMovedAgreement",
    "EnterAbsence",
    "ImportAbsences",
    "EditClosedDays",
    "DecideRequest",
    "DecideRequest(HR)",
    "SetPlanDay",
    "EditCoverage",
    "AllowCoverageGap",
    "PublishRotation",
    "ManageEquipment",
    "LendEquipment",
    "HandleDeviation",
    "EditChecklists",
    "AnswerFollowUp",
    "ScheduleDevelopmentTalk",
    "HandleFollowUpAction",
    "EditEmissionFactors",
    "SetCommute",
    "ExportPersonData",
    "EditRetention",
    "PlaceLegalHold",
    "RunRetention",
    "EditPrivacyNotice",
];

#[test]
fn the_role_by_action_table_about_another_person() {
    let table = [
        ("ReadUnits", "EMHAUDR"),
        ("ListPeople", "MHAU"),
        ("ReadAudit", "HAU"),
        ("ImportOrganisation", "A"),
        ("EditPeople", "HA"),
        ("Provision", ""),
        ("EditOrganisation", "HA"),
        ("SendPasswordLink", "A"),
        ("DeactivatePerson", "HA"),
        ("AdminOverview", "A"),
        ("ManageOwnTokens", "EMHAUDR"),
        ("ManageOwnCalendarFeed", "EMHAUDR"),
        ("EditPolicy", "H"),
        ("IssueTemporaryDecision", "HD"),
        ("ReadAllRequests", "HU"),
        ("ChangeOwnRequest", ""),
        ("SendAgreement", "MH"),
        ("SignAgreement", "M"),
        ("EndAgreement", "MH"),
        ("ConfirmMovedAgreement", "MH"),
        ("ReadAllTemporaryDecisions", "HAUD"),
        ("ReadCase", "MHU"),
        ("EnterAbsence", "MH"),
        ("ImportAbsences", "HA"),
        ("EditClosedDays", "HA"),
        ("DecideRequest", "MH"),
        ("DecideRequest(HR)", "H"),
        ("SetPlanDay", "MH"),
        ("ReadUnitPlan", "MH"),
        ("EditCoverage", "MH"),
        ("AllowCoverageGap", "MH"),
        ("PublishRotation", "MH"),
        ("PlanRotation", "MH"),
        ("ReadOccupancy", "MHA"),
        ("ListEquipment", "MHA"),
        ("ManageEquipment", "HA"),
        ("LendEquipment", "MH"),
        ("ReadLoans", "MH"),
        ("ReadLoansToCollect", "MH"),
        ("ReadRedeployment", "HD"),
        ("ReadDeviation", "MH"),
        ("HandleDeviation", "MH"),
        ("SeeDeviationReporter", "H"),
        ("EditChecklists", "H"),
        ("ReadFollowUp", "MH"),
        ("AnswerFollowUp", "MH"),
        ("ScheduleDevelopmentTalk", "MH"),
        ("HandleFollowUpAction", "MH"),
        // The organisation's figures are everyone's; a unit's are its
        // managers', HR's and auditors'; nobody's are about one person.
        ("ReadStats", "EMHAUDR"),
        ("ReadUnitStats", "MHU"),
        ("EditEmissionFactors", "H"),
        ("SetCommute", "HA"),
        ("ExportOwnData", "EMHAUDR"),
        ("ExportPersonData", "H"),
        ("ReadRetention", "HAUR"),
        ("EditRetention", "HR"),
        ("PlaceLegalHold", "HR"),
        ("RunRetention", "HAR"),
        ("EditPrivacyNotice", "H"),
        ("AcknowledgePrivacyNotice", "EMHAUDR"),
        // Who of a unit is on site: its people, its managers, HR.
        ("ReadWhoIsIn", "MH"),
        // A search finds everyone only for HR; the others are cut to their
        // own and their units' (`scope(_, Listing::Search)`).
        ("SearchEveryone", "H"),
    ];
    let actions = every_action(OTHER, PersonId::from_u128(2), OTHER, PATH, false);
    assert_eq!(actions.len(), table.len());
    for ((name, action), (row, allowed)) in actions.iter().zip(table) {
        assert_eq!(*name, row);
        let got: String = cast()
            .into_iter()
            .filter(|(_, a)| can(a, *action))
            .map(|(c, _)| c)
            .collect();
        assert_eq!(got, allowed, "{name}");
    }
}

/// A provisioning client is no person: it keeps people (through SCIM) and
/// nothing else that is not everyone's, and no person may act as one.
#[test]
fn a_provisioning_client_provisions_and_nothing_more() {
    let client = Actor::client(
        "entra",
        UnitRef {
            id: Uuid::nil().into(),
            name: "K".into(),
        },
    );
    let allowed: Vec<&str> = every_action(OTHER, PersonId::from_u128(2), OTHER, PATH, false)
        .into_iter()
        .filter(|(_, a)| can(&client, *a))
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        allowed,
        vec![
            "ReadUnits",
            "EditPeople",
            "Provision",
            "ManageOwnTokens",
            "ManageOwnCalendarFeed",
            "ReadStats"
        ]
    );
    assert!(client.is_client() && !client.has(Role::Employee));
    for (_, a) in cast() {
        assert!(!can(&a, Action::Plain(Kind::Provision)) && !a.is_client());
    }
}

#[test]
fn what_everyone_may_and_may_not_do_about_themselves() {
    for (c, a) in cast() {
        let me = a.person_id;
        let mine = every_action(me, Uuid::from_u128(2).into(), me, "/z/", false);
        let allowed: Vec<&str> = mine
            .iter()
            .filter(|(_, x)| can(&a, *x))
            .map(|(n, _)| *n)
            .collect();
        for n in [
            "ChangeOwnRequest",
            "SignAgreement",
            "EndAgreement",
            "ReadCase",
            "EnterAbsence",
            "SetPlanDay",
            "ReadLoans",
            "ReadDeviation",
            "SeeDeviationReporter",
            "ReadFollowUp",
            "AnswerFollowUp",
            "HandleFollowUpAction",
            "SetCommute",
        ] {
            assert!(allowed.contains(&n), "{c} {n}");
        }
        for n in [
            "SendAgreement",
            "ConfirmMovedAgreement",
            "DecideRequest",
            "DecideRequest(HR)",
            "HandleDeviation",
            "ScheduleDevelopmentTalk",
        ] {
            assert!(!allowed.contains(&n), "{c} {n}");
        }
    }
}

#[test]
fn refusals_say_why() {
    let e = actor(1, &[], &[]);
    let m = actor(2, &[Role::Manager], &["/k/a/"]);
    let why = |a: &Actor, x| authorize(a, x).unwrap_err().to_string();
    let own = Action::DecideRequest {
        hr_level: true,
        person_id: m.person_id,
        unit_path: PATH,
    };
    assert_eq!(
        why(&m, own),
        "not allowed: nobody may decide their own request"
    );
    let above = Action::DecideRequest {
        hr_level: true,
        person_id: OTHER,
        unit_path: PATH,
    };
    assert!(why(&m, above).contains("HR decides it"));
    let send = Action::SendAgreement {
        person_id: e.person_id,
        decider_id: m.person_id,
    };
    assert!(why(&e, send).contains("nobody sends their own agreement"));
    let handle = Action::HandleDeviation {
        reporter: m.person_id,
        person_id: OTHER,
        responsible: Some(m.person_id),
        unit_path: PATH,
    };
    assert!(why(&m, handle).contains("they reported or that concerns them"));
    assert_eq!(
        authorize(&e, Action::Plain(Kind::ReadAudit))
            .unwrap_err()
            .code(),
        "forbidden"
    );
}

#[test]
fn the_responsible_manager_and_a_security_role_see_a_deviation() {
    let elsewhere = actor(7, &[Role::Manager], &["/q/"]);
    let read = |responsible, security_role| Action::ReadDeviation {
        reporter: OTHER,
        person_id: OTHER,
        responsible,
        unit_path: PATH,
        security_role,
    };
    assert!(!can(&elsewhere, read(None, false)));
    assert!(can(&elsewhere, read(Some(elsewhere.person_id), false)));
    assert!(can(&elsewhere, read(None, true)));
    let about_me = Action::ReadDeviation {
        reporter: OTHER,
        person_id: PersonId::from_u128(2),
        responsible: None,
        unit_path: PATH,
        security_role: false,
    };
    assert!(
        !can(&actor(2, &[Role::Manager], &["/k/a/"]), about_me),
        "not the person it concerns, as a manager"
    );
}

#[test]
fn visibility_of_a_person_by_role() {
    let expected = [
        ('E', Visibility::None),
        ('M', Visibility::Full),
        ('H', Visibility::Full),
        ('A', Visibility::Directory),
        ('U', Visibility::Directory),
        ('D', Visibility::None),
        ('R', Visibility::None),
    ];
    for ((c, a), (c2, v)) in cast().into_iter().zip(expected) {
        assert_eq!(c, c2);
        assert_eq!(person_visibility(&a, OTHER, PATH), v, "{c}");
        assert_eq!(
            person_visibility(&a, a.person_id, "/z/"),
            Visibility::Full,
            "{c} sees themselves"
        );
    }
}

/// Who is in: a unit's own people see it (each colleague's switch decides
/// whom they see by name), people of other units do not; its managers and
/// HR do.
#[test]
fn who_is_in_is_for_the_units_people_its_managers_and_hr() {
    let mut colleague = actor(1, &[], &[]);
    colleague.unit.id = OTHER_UNIT;
    let stranger = actor(8, &[], &[]);
    let see = |a: &Actor| {
        can(
            a,
            Action::ReadWhoIsIn {
                unit_id: OTHER_UNIT,
                unit_path: PATH,
            },
        )
    };
    assert!(see(&colleague));
    assert!(!see(&stranger));
    assert!(see(&actor(2, &[Role::Manager], &["/k/a/"])));
    assert!(!see(&actor(2, &[Role::Manager], &["/k/b/"])));
    assert!(see(&actor(3, &[Role::Hr], &[])));
    assert!(!see(&actor(5, &[Role::Auditor], &[])));
}
