//! The access policy: the table is complete, and the rules people rely on
//! hold role by role.

use super::*;
use crate::access::table::{rule, Kind, POLICY};
use crate::kernel::ids::PersonId;
use crate::kernel::{ManagedUnit, UnitRef};
use uuid::Uuid;

fn actor(roles: &[Role], manages: &[&str]) -> Actor {
    Actor {
        language: Default::default(),
        person_id: PersonId::from_u128(1),
        name: "T".into(),
        unit: UnitRef {
            id: Uuid::from_u128(9).into(),
            name: "U".into(),
        },
        roles: roles.to_vec(),
        manages: manages
            .iter()
            .map(|p| ManagedUnit {
                id: Uuid::from_u128(2).into(),
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
        person_visibility(&m, Uuid::from_u128(5).into(), "/a/b/c/"),
        Visibility::Full
    );
    assert_eq!(
        person_visibility(&m, Uuid::from_u128(5).into(), "/a/b/"),
        Visibility::Full
    );
    assert_eq!(
        person_visibility(&m, Uuid::from_u128(5).into(), "/a/"),
        Visibility::None
    );
    assert_eq!(
        person_visibility(&m, Uuid::from_u128(5).into(), "/a/bb/"),
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
        person_visibility(&e, Uuid::from_u128(1).into(), "/a/"),
        Visibility::Full
    );
    assert_eq!(
        person_visibility(&e, Uuid::from_u128(2).into(), "/a/"),
        Visibility::None
    );
    assert!(authorize(&e, Action::ListPeople { unit_path: "/a/" }).is_err());
    assert!(authorize(&e, Action::Plain(Kind::ReadAudit)).is_err());
    assert!(authorize(&e, Action::Plain(Kind::ReadUnits)).is_ok());
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
    assert!(authorize(&m, d(false, other.into(), "/a/b/c/")).is_ok());
    assert!(
        authorize(&m, d(true, other.into(), "/a/b/c/")).is_err(),
        "above the limit"
    );
    assert!(
        authorize(&m, d(false, other.into(), "/a/x/")).is_err(),
        "another unit"
    );
    assert!(
        authorize(&m, d(false, m.person_id, "/a/b/")).is_err(),
        "own request"
    );
    assert!(authorize(&hr, d(true, other.into(), "/x/")).is_ok());
    assert!(authorize(&hr, d(true, hr.person_id, "/x/")).is_err());
}

#[test]
fn hr_admin_auditor() {
    let hr = actor(&[Role::Employee, Role::Hr], &[]);
    let ad = actor(&[Role::Employee, Role::Admin], &[]);
    let au = actor(&[Role::Employee, Role::Auditor], &[]);
    assert_eq!(
        person_visibility(&hr, Uuid::from_u128(7).into(), "/x/"),
        Visibility::Full
    );
    assert_eq!(
        person_visibility(&ad, Uuid::from_u128(7).into(), "/x/"),
        Visibility::Directory
    );
    assert_eq!(
        person_visibility(&au, Uuid::from_u128(7).into(), "/x/"),
        Visibility::Directory
    );
    assert!(authorize(&hr, Action::Plain(Kind::ImportOrganisation)).is_err());
    assert!(authorize(&ad, Action::Plain(Kind::ImportOrganisation)).is_ok());
    for a in [&hr, &ad, &au] {
        assert!(authorize(a, Action::Plain(Kind::ReadAudit)).is_ok());
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
    assert!(authorize(&m, answer(other.into(), "/a/b/c/")).is_ok());
    assert!(authorize(&m, answer(other.into(), "/a/x/")).is_err());
    assert!(authorize(&e, answer(e.person_id, "/a/x/")).is_ok());
    assert!(authorize(&e, answer(other.into(), "/a/x/")).is_err());
    assert!(authorize(&hr, answer(other.into(), "/x/")).is_ok());
    let talk = |person_id, unit_path| Action::ScheduleDevelopmentTalk {
        person_id,
        unit_path,
    };
    assert!(authorize(&m, talk(other.into(), "/a/b/")).is_ok());
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
    assert!(authorize(&e, handle(other.into(), "/a/x/")).is_err());
    assert!(authorize(&m, handle(other.into(), "/a/x/")).is_err());
    assert!(authorize(&m, handle(other.into(), "/a/b/c/")).is_ok());
    assert!(authorize(&hr, handle(other.into(), "/x/")).is_ok());
    assert!(authorize(&e, Action::Plain(Kind::EditChecklists)).is_err());
    assert!(authorize(&hr, Action::Plain(Kind::EditChecklists)).is_ok());
}

#[test]
fn every_kind_of_action_has_exactly_one_row() {
    use Kind::*;
    let kinds = [
        ReadUnits,
        ListPeople,
        ReadAudit,
        ImportOrganisation,
        EditPeople,
        Provision,
        DeactivatePerson,
        EditOrganisation,
        SendPasswordLink,
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
        ReadStats,
        ReadUnitStats,
        EditEmissionFactors,
        SetCommute,
        ExportOwnData,
        AcknowledgePrivacyNotice,
        ExportPersonData,
        ReadRetention,
        EditRetention,
        PlaceLegalHold,
        RunRetention,
        EditPrivacyNotice,
        ReadWhoIsIn,
        SearchEveryone,
    ];
    for k in kinds {
        assert_eq!(POLICY.iter().filter(|r| r.kind == k).count(), 1, "{k:?}");
        assert_eq!(rule(k).kind, k);
        assert!(!rule(k).may.is_empty(), "{k:?}: somebody may");
    }
    assert_eq!(POLICY.len(), kinds.len());
}

#[test]
fn lists_reach_everyone_for_hr_their_units_for_managers_and_otherwise_ones_own() {
    let hr = actor(&[Role::Employee, Role::Hr], &[]);
    let m = actor(&[Role::Employee, Role::Manager], &["/a/b/"]);
    let e = actor(&[Role::Employee], &[]);
    let au = actor(&[Role::Employee, Role::Auditor], &[]);
    for l in [
        Listing::Requests,
        Listing::Deviations,
        Listing::FollowUps,
        Listing::Loans,
        Listing::MovedAgreements,
        Listing::Search,
    ] {
        assert_eq!(scope(&hr, l), Scope::All, "{l:?}");
        assert_eq!(scope(&m, l), Scope::Units(vec!["/a/b/".into()]), "{l:?}");
        assert_eq!(scope(&e, l), Scope::Own, "{l:?}");
    }
    assert_eq!(
        scope(&au, Listing::Requests),
        Scope::All,
        "auditors read every request"
    );
    assert_eq!(scope(&au, Listing::Deviations), Scope::Own);
    assert_eq!(scope(&au, Listing::MovedAgreements), Scope::Own);
    assert_eq!(
        scope(&au, Listing::Search),
        Scope::Own,
        "a search finds an auditor only their own"
    );
}

#[test]
fn a_never_wins_over_any_may_and_says_why() {
    let hr = actor(&[Role::Employee, Role::Hr], &["/a/"]);
    let own = |kind_hr_level| Action::DecideRequest {
        hr_level: kind_hr_level,
        person_id: hr.person_id,
        unit_path: "/a/b/",
    };
    for level in [false, true] {
        let e = authorize(&hr, own(level)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "not allowed: nobody may decide their own request"
        );
    }
    let reported = Action::HandleDeviation {
        reporter: hr.person_id,
        person_id: PersonId::from_u128(5),
        responsible: Some(hr.person_id),
        unit_path: "/a/b/",
    };
    assert!(
        !can(&hr, reported),
        "not even HR or the responsible handles their own report"
    );
}

#[test]
fn what_each_role_reaches() {
    let e = reach(&actor(&[Role::Employee], &[]));
    assert_eq!(
        e,
        Can::default(),
        "an employee reaches only their own pages"
    );
    let m = reach(&actor(&[Role::Employee, Role::Manager], &["/a/"]));
    assert!(m.overview && m.sites && m.people && m.equipment && m.handle_deviations);
    assert!(!m.audit && !m.workdays && !m.redeployment && !m.edit_policy && !m.admin);
    let hr = reach(&actor(&[Role::Employee, Role::Hr], &[]));
    assert!(hr.people && hr.audit && hr.workdays && hr.redeployment && hr.edit_policy);
    assert!(hr.issue_temporary_decisions && hr.edit_checklists && hr.manage_equipment);
    assert!(!hr.overview && !hr.admin);
    let ad = reach(&actor(&[Role::Employee, Role::Admin], &[]));
    assert!(ad.admin && ad.audit && ad.workdays && ad.people && ad.sites && !ad.edit_policy);
    let d = reach(&actor(&[Role::Employee, Role::Director], &[]));
    assert!(d.redeployment && d.issue_temporary_decisions && !d.people);
    let au = reach(&actor(&[Role::Employee, Role::Auditor], &[]));
    assert!(au.audit && au.people && au.review && !au.workdays && !au.equipment);
    assert!(
        !hr.review && !ad.review && !m.review,
        "only auditors review"
    );
}
