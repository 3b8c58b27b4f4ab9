//! The access policy's promises as properties: nobody decides about
//! themselves, an auditor never writes, and more roles or units never take
//! a right away.

use super::policy_tests::*;
use super::*;
use crate::kernel::ids::PersonId;
use crate::kernel::ManagedUnit;
use proptest::prelude::*;
use uuid::Uuid;

fn roles() -> impl Strategy<Value = Vec<Role>> {
    proptest::sample::subsequence(
        vec![
            Role::Manager,
            Role::Hr,
            Role::Admin,
            Role::Auditor,
            Role::Director,
            Role::Records,
        ],
        0..=6,
    )
}

fn path() -> impl Strategy<Value = String> {
    proptest::sample::select(vec!["/k/", "/k/a/", "/k/a/x/", "/k/ab/", "/q/"])
        .prop_map(String::from)
}

prop_compose! {
    fn any_actor()(id in 1u128..6, roles in roles(), manages in proptest::collection::vec(path(), 0..3)) -> Actor {
        let paths: Vec<&str> = manages.iter().map(String::as_str).collect();
        actor(id, &roles, &paths)
    }
}

proptest! {
    /// Whatever roles and units, nobody decides their own request, sends
    /// their own agreement, sets their own development talk or handles a
    /// deviation they reported or that concerns them.
    #[test]
    fn nobody_decides_about_themselves(a in any_actor(), p in path(), other in 1u128..6, security in any::<bool>()) {
        let me = a.person_id;
        let other = PersonId::from_u128(other);
        for (name, x) in every_action(me, other, other, &p, security) {
            if ["DecideRequest", "DecideRequest(HR)", "SendAgreement", "ScheduleDevelopmentTalk", "HandleDeviation"].contains(&name) {
                prop_assert!(!can(&a, x), "{name}");
            }
        }
        let reported = Action::HandleDeviation { reporter: me, person_id: other, responsible: Some(me), unit_path: &p };
        prop_assert!(!can(&a, reported));
    }

    /// HR reads every case, plan, loan and follow-up, whoever and wherever.
    #[test]
    fn hr_reads_any_case(mut a in any_actor(), p in path(), person in 1u128..20) {
        a.roles.push(Role::Hr);
        let person = Uuid::from_u128(person);
        let reads = [
            Action::ReadCase { person_id: person.into(), unit_path: &p },
            Action::ReadUnitPlan { unit_path: &p },
            Action::ReadLoans { person_id: person.into(), unit_path: &p },
            Action::ReadFollowUp { person_id: person.into(), unit_path: &p },
            Action::Plain(Kind::ReadAllRequests),
        ];
        for x in reads {
            prop_assert!(can(&a, x), "{:?}", x);
        }
        prop_assert_eq!(person_visibility(&a, person.into(), &p), Visibility::Full);
    }

    /// An auditor reads, never writes: about anyone but themselves, no
    /// action that changes something is allowed.
    #[test]
    fn an_auditor_never_writes(p in path(), person in 6u128..20, decider in 6u128..20, security in any::<bool>()) {
        let a = actor(1, &[Role::Auditor], &[]);
        let person = PersonId::from_u128(person);
        for (name, x) in every_action(person, PersonId::from_u128(decider), person, &p, security) {
            if WRITES.contains(&name) {
                prop_assert!(!can(&a, x), "{name}");
            }
        }
        let case = Action::ReadCase { person_id: person, unit_path: &p };
        prop_assert!(can(&a, case) && can(&a, Action::Plain(Kind::ReadAudit)));
    }

    /// More roles or more units never take a right away, and `can` and
    /// `authorize` always agree, a refusal being Forbidden with a reason.
    #[test]
    fn more_roles_and_units_never_take_a_right_away(
        a in any_actor(),
        more in roles(),
        unit in proptest::option::of(path()),
        p in path(),
        person in 1u128..8,
        decider in 1u128..8,
        reporter in 1u128..8,
        security in any::<bool>(),
    ) {
        let mut b = a.clone();
        b.roles.extend(more);
        if let Some(u) = &unit {
            b.manages.push(ManagedUnit { id: Uuid::nil().into(), name: "N".into(), path: u.clone() });
        }
        let actions = every_action(PersonId::from_u128(person), PersonId::from_u128(decider), PersonId::from_u128(reporter), &p, security);
        for (name, x) in actions {
            if can(&a, x) {
                prop_assert!(can(&b, x), "{name} lost");
            }
            match authorize(&a, x) {
                Ok(()) => prop_assert!(can(&a, x)),
                Err(CoreError::Forbidden(why)) => prop_assert!(!can(&a, x) && !why.is_empty()),
                Err(e) => prop_assert!(false, "{name}: {e:?}"),
            }
        }
        prop_assert!(person_visibility(&b, Uuid::from_u128(person).into(), &p) >= person_visibility(&a, Uuid::from_u128(person).into(), &p));
    }

    /// A manager without other roles acts in a unit's matters exactly when
    /// the unit is theirs or below one of theirs.
    #[test]
    fn a_managers_reach_is_their_subtrees(manages in proptest::collection::vec(path(), 1..3), p in path()) {
        let paths: Vec<&str> = manages.iter().map(String::as_str).collect();
        let m = actor(2, &[Role::Manager], &paths);
        let below = manages.iter().any(|u| p.starts_with(u.as_str()));
        for x in [
            Action::ReadUnitPlan { unit_path: &p },
            Action::EditCoverage { unit_path: &p },
            Action::PublishRotation { unit_path: &p },
            Action::LendEquipment { unit_path: &p },
            Action::ListPeople { unit_path: &p },
            Action::DecideRequest { hr_level: false, person_id: OTHER, unit_path: &p },
            Action::ReadCase { person_id: OTHER, unit_path: &p },
        ] {
            prop_assert_eq!(can(&m, x), below, "{:?}", x);
        }
    }
}
