//! More tests of the organisation's rules: what a caller sees of a person,
//! whose people a list covers, what an import changes in a stored
//! organisation, and that importing the same file twice changes nothing.

use super::*;
use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::{ManagedUnit, Role, UnitRef};
use crate::org::model::{
    CommuteMode, EmployeeNumber, PersonRow, SiteRow, Skill, UnitCode, UnitSummary,
};
use proptest::prelude::*;

fn ids() -> impl FnMut() -> Uuid {
    let mut n = 1000u128;
    move || {
        n += 1;
        Uuid::from_u128(n)
    }
}

fn actor(roles: &[Role], manages: &[&str]) -> Actor {
    Actor {
        language: Default::default(),
        person_id: PersonId::from_u128(1),
        name: "Karin Holm".into(),
        unit: UnitRef {
            id: Uuid::from_u128(2).into(),
            name: "Kontaktcenter".into(),
        },
        roles: roles.to_vec(),
        manages: manages
            .iter()
            .enumerate()
            .map(|(i, p)| ManagedUnit {
                id: Uuid::from_u128(10 + i as u128).into(),
                name: "M".into(),
                path: p.to_string(),
            })
            .collect(),
    }
}

fn detail(path: &str) -> UnitDetail {
    UnitDetail {
        unit: UnitSummary {
            id: Uuid::from_u128(77).into(),
            code: "KC".into(),
            name: "Kontaktcenter".into(),
            kind: UnitKind::Enhet,
            parent_id: None,
            depth: 1,
            manager: None,
            people: 0,
            children: 0,
            version: 1,
        },
        ancestors: vec![],
        children: vec![],
        site: None,
        deputy: None,
        closed_at: None,
        path: path.into(),
    }
}

fn person(number: &str, unit: &str) -> PersonRow {
    PersonRow {
        line: 2,
        employee_number: EmployeeNumber::parse(number).unwrap(),
        given_name: "Anna".into(),
        family_name: "Lind".into(),
        email: None,
        title: None,
        unit_code: UnitCode::parse(unit).unwrap(),
        site_name: None,
        skills: vec![],
        commute_km: None,
        commute_mode: None,
        roles: None,
        username: None,
        manages: vec![],
    }
}

fn unit(code: &str, parent: Option<&str>) -> UnitRow {
    UnitRow {
        line: 2,
        code: UnitCode::parse(code).unwrap(),
        name: format!("Enhet {code}"),
        kind: None,
        parent_code: parent.map(|p| UnitCode::parse(p).unwrap()),
    }
}

/// The snapshot after applying `ch` to `snap`.
fn apply(snap: &Snapshot, ch: &Changes) -> Snapshot {
    let mut s = snap.clone();
    for site in &ch.sites {
        s.sites.retain(|x| x.id != site.id);
        s.sites.push(site.clone());
    }
    for u in &ch.units {
        let manager = s
            .units
            .iter()
            .find(|x| x.id == u.id)
            .and_then(|x| x.manager_id);
        s.units.retain(|x| x.id != u.id);
        s.units.push(Unit {
            manager_id: manager,
            ..u.clone()
        });
    }
    for (id, m) in &ch.managers {
        if let Some(x) = s.units.iter_mut().find(|x| x.id == (*id)) {
            x.manager_id = *m;
        }
    }
    for p in &ch.people {
        s.people.retain(|x| x.id != p.id);
        s.people.push(p.clone());
    }
    s
}

fn imported(data: &OrgData) -> Snapshot {
    let ch = resolve(&Snapshot::default(), data, None, "cli", &mut ids()).unwrap();
    apply(&Snapshot::default(), &ch)
}

fn small_org() -> OrgData {
    let mut boss = person("1", "K");
    boss.manages = vec![UnitCode::parse("K").unwrap()];
    boss.roles = Some(vec![Role::Hr]);
    boss.username = Some(crate::org::model::Username::parse("karin").unwrap());
    OrgData {
        sites: vec![SiteRow {
            name: "Stadshuset".into(),
            address: "Storgatan 1".into(),
            desks: 10,
        }],
        units: vec![unit("K", None), unit("KC", Some("K"))],
        people: vec![boss, person("2", "KC")],
        ..OrgData::default()
    }
}

#[test]
fn a_directory_view_leaves_out_skills_commute_and_username() {
    let rec = PersonRecord {
        person: Person {
            id: Uuid::from_u128(5).into(),
            employee_number: "5".into(),
            given_name: "Åsa".into(),
            family_name: "Öberg".into(),
            email: Some("asa@k.se".into()),
            title: Some("Handläggare".into()),
            unit_id: UnitId::from_u128(2),
            site_id: None,
            commute_km: Some(12.0),
            commute_mode: Some(CommuteMode::Car),
            skills: vec!["reception".into()],
            granted_roles: vec![Role::Auditor],
            username: Some("asa".into()),
            departure: None,
            version: 3,
        },
        unit: UnitRef {
            id: Uuid::from_u128(2).into(),
            name: "KC".into(),
        },
        unit_path: "/k/".into(),
        manages: vec![UnitRef {
            id: Uuid::from_u128(9).into(),
            name: "Team".into(),
        }],
        manager: None,
        site: None,
    };
    let full = person_view(rec.clone(), true);
    assert_eq!(full.skills, Some(vec!["reception".to_string()]));
    assert_eq!(
        (full.commute_km, full.username.as_deref()),
        (Some(12.0), Some("asa"))
    );
    assert_eq!(full.visibility, "full");
    assert_eq!(full.name, "Åsa Öberg");
    assert_eq!(
        full.roles,
        vec![Role::Employee, Role::Manager, Role::Auditor]
    );
    let dir = person_view(rec, false);
    assert_eq!(
        (&dir.skills, dir.commute_km, dir.commute_mode, &dir.username),
        (&None, None, None, &None)
    );
    assert_eq!(dir.visibility, "directory");
    assert_eq!(dir.email.as_deref(), Some("asa@k.se"), "a directory fact");
    let json = serde_json::to_value(&dir).unwrap();
    assert!(json.get("skills").is_none() && json.get("commute_km").is_none());
}

#[test]
fn who_may_list_whose_people() {
    let hr = actor(&[Role::Employee, Role::Hr], &[]);
    let m = actor(&[Role::Employee, Role::Manager], &["/k/a/", "/k/b/"]);
    let e = actor(&[Role::Employee], &[]);
    assert_eq!(people_filter(&hr, None, false), Ok(PeopleFilter::All));
    assert_eq!(
        people_filter(&m, None, false),
        Ok(PeopleFilter::Under(vec!["/k/a/".into(), "/k/b/".into()]))
    );
    assert_eq!(
        people_filter(&e, None, false).unwrap_err().code(),
        "forbidden"
    );
    let u = detail("/k/a/x/");
    assert_eq!(
        people_filter(&m, Some(&u), true),
        Ok(PeopleFilter::Under(vec!["/k/a/x/".into()]))
    );
    assert_eq!(
        people_filter(&m, Some(&u), false),
        Ok(PeopleFilter::Unit((Uuid::from_u128(77)).into()))
    );
    assert!(people_filter(&m, Some(&detail("/k/c/")), false).is_err());
    let auditor = actor(&[Role::Employee, Role::Auditor], &[]);
    assert_eq!(people_filter(&auditor, None, true), Ok(PeopleFilter::All));
    let me = me_view(&m);
    assert_eq!(
        me.manages,
        vec![UnitId::from_u128(10), UnitId::from_u128(11)]
    );
    assert_eq!(me.name, "Karin Holm");
}

#[test]
fn a_search_is_trimmed_and_at_most_100_characters() {
    assert_eq!(search_text(None), Ok(None));
    assert_eq!(search_text(Some("   ")), Ok(None));
    assert_eq!(search_text(Some(" Lind ")), Ok(Some("Lind")));
    let long = "ö".repeat(100);
    assert_eq!(search_text(Some(&long)), Ok(Some(long.as_str())));
    let e = search_text(Some(&"ö".repeat(101))).unwrap_err();
    assert_eq!(e.field(), Some("q"));
}

#[test]
fn a_username_of_another_employee_is_refused() {
    let snap = imported(&small_org());
    let mut data = small_org();
    data.people[1].username = Some(crate::org::model::Username::parse("karin").unwrap());
    data.people[1].line = 3;
    let e = resolve(&snap, &data, None, "cli", &mut ids()).unwrap_err();
    assert_eq!((e[0].line, e[0].field.as_str()), (3, "username"));
    assert!(e[0].message.contains("employee 1"), "{}", e[0]);
}

#[test]
fn a_file_without_roles_keeps_them_and_a_change_bumps_the_version() {
    let snap = imported(&small_org());
    let mut data = small_org();
    data.people[0].roles = None;
    data.people[0].title = Some("Kommundirektör".into());
    let ch = resolve(&snap, &data, None, "cli", &mut ids()).unwrap();
    assert_eq!(ch.report.people_updated, 1);
    assert_eq!(ch.report.people_unchanged, 1);
    let p = &ch.people[0];
    assert_eq!(p.granted_roles, vec![Role::Hr], "kept");
    assert_eq!(p.username.as_deref(), Some("karin"), "kept");
    assert_eq!(p.version, 2);
    let a = ch
        .audit
        .iter()
        .find(|a| a.action == "person.update")
        .unwrap();
    assert_eq!(a.entity_id, p.id.to_string());
    assert_eq!(a.after.as_ref().unwrap()["title"], "Kommundirektör");
}

#[test]
fn a_unit_in_the_file_without_a_manager_loses_its_manager() {
    let snap = imported(&small_org());
    let k = snap.units.iter().find(|u| u.code == "K").unwrap().clone();
    assert!(k.manager_id.is_some());
    let mut data = small_org();
    data.people[0].manages.clear();
    let ch = resolve(&snap, &data, None, "cli", &mut ids()).unwrap();
    assert_eq!(ch.managers, vec![(k.id, None)]);
    // A unit left out of the file keeps its manager.
    let mut data = small_org();
    data.people[0].manages.clear();
    data.people[0].unit_code = UnitCode::parse("KC").unwrap();
    data.units.retain(|u| u.code.as_str() == "KC");
    let ch = resolve(&snap, &data, None, "cli", &mut ids()).unwrap();
    assert!(ch.managers.is_empty(), "{:?}", ch.managers);
}

#[test]
fn a_site_keeps_its_address_when_the_file_gives_none() {
    let snap = imported(&small_org());
    let mut data = small_org();
    data.sites[0].address = String::new();
    data.sites[0].desks = 12;
    let ch = resolve(&snap, &data, None, "cli", &mut ids()).unwrap();
    assert_eq!(ch.report.sites_updated, 1);
    assert_eq!(ch.sites[0].address, "Storgatan 1");
    assert_eq!(ch.sites[0].desks, 12);
    assert_eq!(ch.sites[0].id, snap.sites[0].id);
}

#[test]
fn managing_an_unknown_unit_is_refused_on_its_line() {
    let mut data = small_org();
    data.people[1].line = 3;
    data.people[1].manages = vec![UnitCode::parse("NOPE").unwrap()];
    let e = resolve(&Snapshot::default(), &data, None, "cli", &mut ids()).unwrap_err();
    assert_eq!((e[0].line, e[0].field.as_str()), (3, "manages"));
}

// ---- Properties ----

prop_compose! {
    /// An organisation a file could describe: units U0.. each below an
    /// earlier one (or at the top), every unit with people, people with
    /// sites, skills, roles and the units they manage.
    fn org()(
        parents in proptest::collection::vec(proptest::option::of(0usize..4), 4),
        kinds in proptest::collection::vec(proptest::option::of(0usize..4), 4),
        units in 1usize..=4,
        people in proptest::collection::vec(
            (
                0usize..4,
                proptest::option::of(0usize..2),
                proptest::sample::subsequence(vec!["lön", "reception", "it"], 0..=3),
                proptest::option::of(proptest::sample::subsequence(vec![Role::Hr, Role::Admin], 0..=2)),
                proptest::option::of(0usize..4),
                any::<bool>(),
            ),
            0..6,
        ),
        desks in proptest::collection::vec(0i64..50, 2),
    ) -> OrgData {
        let code = |i: usize| UnitCode::parse(&format!("U{i}")).unwrap();
        let kinds_all = [UnitKind::Kommun, UnitKind::Forvaltning, UnitKind::Avdelning, UnitKind::Enhet];
        let mut data = OrgData {
            sites: (0..2)
                .map(|i| SiteRow { name: format!("Hus {i}"), address: format!("Gatan {i}"), desks: desks[i] })
                .collect(),
            units: (0..units)
                .map(|i| UnitRow {
                    line: i as u64 + 2,
                    code: code(i),
                    name: format!("Enhet {i}"),
                    kind: kinds[i].map(|k| kinds_all[k]),
                    parent_code: parents[i].filter(|p| *p < i).map(code),
                })
                .collect(),
            people: vec![],
            ..OrgData::default()
        };
        let mut managed = std::collections::HashSet::new();
        // Everyone first in their own unit, then the rest anywhere.
        let all = (0..units).map(|u| (u, None, vec![], None, None, false)).chain(people);
        for (n, (u, site, skills, roles, manages, named)) in all.enumerate() {
            let mut p = person(&format!("{n}"), &format!("U{}", u % units));
            p.line = n as u64 + 2;
            p.site_name = site.map(|s| format!("Hus {s}"));
            p.skills = skills.into_iter().map(|s| Skill::parse(s).unwrap()).collect();
            p.roles = roles;
            p.username = named.then(|| crate::org::model::Username::parse(&format!("p{n}")).unwrap());
            if let Some(m) = manages.filter(|m| *m < units && managed.insert(*m)) {
                p.manages = vec![code(m)];
            }
            data.people.push(p);
        }
        data
    }
}

proptest! {
    /// Importing the organisation, then the same file again, changes
    /// nothing the second time: no unit, person, site or manager, and only
    /// the import's own summary in the log.
    #[test]
    fn importing_the_same_file_twice_changes_nothing(data in org()) {
        let mut gen = ids();
        let first = resolve(&Snapshot::default(), &data, None, "cli", &mut gen).unwrap();
        prop_assert_eq!(first.report.people_created as usize, data.people.len());
        prop_assert_eq!(first.report.units_created as usize, data.units.len());
        let snap = apply(&Snapshot::default(), &first);
        let again = resolve(&snap, &data, None, "cli", &mut gen).unwrap();
        prop_assert!(again.sites.is_empty(), "{:?}", again.sites);
        prop_assert!(again.units.is_empty(), "{:?}", again.units);
        prop_assert!(again.people.is_empty(), "{:?}", again.people);
        prop_assert!(again.managers.is_empty(), "{:?}", again.managers);
        prop_assert_eq!(again.report.people_unchanged as usize, data.people.len());
        prop_assert_eq!(again.audit.len(), 1);
        prop_assert_eq!(again.audit[0].action.as_str(), "import.people");
    }

    /// Every unit's path is its parent's path and its own id, its depth
    /// one below the parent's, its kind the file's or the one of its
    /// depth; units come parents first; the managers named are set.
    #[test]
    fn an_import_builds_a_consistent_tree(data in org()) {
        let ch = resolve(&Snapshot::default(), &data, None, "cli", &mut ids()).unwrap();
        prop_assert!(ch.units.windows(2).all(|w| w[0].depth <= w[1].depth));
        for u in &ch.units {
            let row = data.units.iter().find(|r| r.code.as_str() == u.code).unwrap();
            match u.parent_id.and_then(|p| ch.units.iter().find(|x| x.id == p)) {
                Some(parent) => {
                    prop_assert_eq!(&u.path, &format!("{}{}/", parent.path, u.id));
                    prop_assert_eq!(u.depth, parent.depth + 1);
                    prop_assert_eq!(Some(parent.code.as_str()), row.parent_code.as_ref().map(|c| c.as_str()));
                }
                None => {
                    prop_assert_eq!(&u.path, &format!("/{}/", u.id));
                    prop_assert_eq!(u.depth, 0);
                }
            }
            let chain = crate::org::model::unit_chain(&u.path);
            prop_assert_eq!(chain.last(), Some(&u.id));
            prop_assert_eq!(u.kind, row.kind.unwrap_or(UnitKind::from_depth(u.depth as usize)));
        }
        for p in &data.people {
            for m in &p.manages {
                let unit = ch.units.iter().find(|u| u.code == m.as_str()).unwrap();
                let person = ch.people.iter().find(|x| x.employee_number == p.employee_number.as_str()).unwrap();
                prop_assert!(ch.managers.contains(&(unit.id, Some(person.id))));
            }
        }
        for p in &ch.people {
            let row = data.people.iter().find(|r| r.employee_number.as_str() == p.employee_number).unwrap();
            let unit = ch.units.iter().find(|u| u.code == row.unit_code.as_str()).unwrap();
            prop_assert_eq!(p.unit_id, unit.id);
        }
    }
}

#[test]
fn every_problem_of_a_file_is_reported_at_once_with_line_and_column() {
    let mut data = small_org();
    data.header = ["employee_number", "email", "unit_code", "parent_unit_code"]
        .map(String::from)
        .to_vec();
    // A row the reader could not read, a unit below one nobody knows, and
    // two units below each other.
    data.problems = vec![RowError::new(9, "email", "is not an e-mail address")];
    let mut lost = unit("X", Some("NOPE"));
    lost.line = 4;
    data.units.push(lost);
    let mut top = unit("K", Some("KC"));
    top.line = 3;
    let mut below = unit("KC", Some("K"));
    below.line = 5;
    data.units = vec![top, below, data.units.pop().unwrap()];
    let e = resolve(&Snapshot::default(), &data, None, "cli", &mut ids()).unwrap_err();
    let got: Vec<(u64, Option<u64>, &str)> = e
        .iter()
        .map(|e| (e.line, e.column, e.field.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, Some(4), "parent_unit_code"),
            (4, Some(4), "parent_unit_code"),
            (9, Some(2), "email"),
        ],
        "{e:?}"
    );
    assert!(e[0].message.contains("below themselves"), "{}", e[0]);
    assert!(e[1].message.contains("NOPE"));
}
