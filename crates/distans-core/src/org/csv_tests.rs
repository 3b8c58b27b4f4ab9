//! More tests of the people CSV: each conflict a file can have, named on
//! its line, and properties: any text is read or refused without a panic,
//! and what `to_csv` writes reads back as the same organisation.

use super::*;
use proptest::prelude::*;

const HEAD: &str = "employee_number,given_name,family_name,unit_code,unit_name";

fn errors(text: &str) -> Vec<(u64, String)> {
    parse_people_csv(text.as_bytes())
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.line, e.field))
        .collect()
}

fn one(field: &str, line: u64) -> Vec<(u64, String)> {
    vec![(line, field.to_string())]
}

#[test]
fn a_site_has_one_address_and_one_desk_count() {
    let head = format!("{HEAD},site_name,site_address,site_desks");
    let ok = format!(
        "{head}\n1,A,B,K,Kom,Hus,Gatan 1,10\n2,C,D,K,Kom,Hus,,\n3,E,F,K,Kom,Hus,Gatan 1,10\n"
    );
    let d = parse_people_csv(ok.as_bytes()).unwrap();
    assert_eq!(d.sites.len(), 1);
    assert_eq!(
        (d.sites[0].address.as_str(), d.sites[0].desks),
        ("Gatan 1", 10)
    );
    let other_address = format!("{head}\n1,A,B,K,Kom,Hus,Gatan 1,10\n2,C,D,K,Kom,Hus,Gatan 2,\n");
    assert_eq!(errors(&other_address), one("site_address", 3));
    let other_desks = format!("{head}\n1,A,B,K,Kom,Hus,Gatan 1,10\n2,C,D,K,Kom,Hus,,11\n");
    assert_eq!(errors(&other_desks), one("site_address", 3));
    let no_site = format!("{head}\n1,A,B,K,Kom,,Gatan 1,\n");
    assert_eq!(errors(&no_site), one("site_name", 2));
    for desks in ["-1", "100001", "tio", "1.5"] {
        let bad = format!("{head}\n1,A,B,K,Kom,Hus,,{desks}\n");
        assert_eq!(errors(&bad), one("site_desks", 2), "{desks}");
    }
}

#[test]
fn a_unit_is_described_the_same_on_every_row() {
    let head = format!("{HEAD},parent_unit_code,unit_kind");
    let name = format!("{head}\n1,A,B,K,Kommunen,,\n2,C,D,K,Kommun,,\n");
    assert_eq!(errors(&name), one("unit_name", 3));
    let parent = format!("{head}\n1,A,B,K,Kom,X,\n2,C,D,K,Kom,Y,\n");
    assert_eq!(errors(&parent), one("parent_unit_code", 3));
    let kind = format!("{head}\n1,A,B,K,Kom,,kommun\n2,C,D,K,Kom,,enhet\n3,E,F,K,Kom,,\n");
    assert_eq!(
        errors(&kind),
        one("unit_kind", 3),
        "a missing kind is no conflict"
    );
    let own = format!("{head}\n1,A,B,K,Kom,K,\n");
    assert_eq!(errors(&own), one("parent_unit_code", 2));
    let d = parse_people_csv(format!("{head}\n1,A,B,K,Kom,,Förvaltning\n").as_bytes()).unwrap();
    assert_eq!(d.units[0].kind, Some(UnitKind::Forvaltning));
}

#[test]
fn a_unit_has_one_manager_and_a_username_one_person() {
    let head = format!("{HEAD},manages,username");
    let managers = format!("{head}\n1,A,B,K,Kom,K|X,a1\n2,C,D,K,Kom, X ,\n");
    let e = parse_people_csv(managers.as_bytes()).unwrap_err();
    assert_eq!((e[0].line, e[0].field.as_str()), (3, "manages"));
    assert!(e[0].message.contains("line 2"), "{}", e[0]);
    let names = format!("{head}\n1,A,B,K,Kom,,Anna\n2,C,D,K,Kom,,anna\n");
    assert_eq!(
        errors(&names),
        one("username", 3),
        "usernames are lower-cased"
    );
    let bad = format!("{head}\n1,A,B,K,Kom,K/1,a\n");
    assert_eq!(
        errors(&bad),
        vec![(2, "manages".into()), (2, "username".into())]
    );
}

#[test]
fn distances_take_a_decimal_comma_and_stay_within_reason() {
    let head = format!("{HEAD},commute_km");
    let km = |v: &str| {
        parse_people_csv(format!("{head}\n1,A,B,K,Kom,\"{v}\"\n").as_bytes())
            .map(|d| d.people[0].commute_km)
            .map_err(|e| e[0].field.clone())
    };
    assert_eq!(km("3,5"), Ok(Some(3.5)));
    assert_eq!(km("0"), Ok(Some(0.0)));
    assert_eq!(km("1000"), Ok(Some(1000.0)));
    assert_eq!(km(""), Ok(None));
    for bad in ["1000.5", "-1", "NaN", "inf", "tre"] {
        assert_eq!(km(bad), Err("commute_km".to_string()), "{bad}");
    }
}

#[test]
fn roles_are_left_alone_without_the_column_and_cleared_by_an_empty_cell() {
    let d = parse_people_csv(format!("{HEAD}\n1,A,B,K,Kom\n").as_bytes()).unwrap();
    assert_eq!(d.people[0].roles, None);
    let d = parse_people_csv(format!("{HEAD},roles\n1,A,B,K,Kom,\n").as_bytes()).unwrap();
    assert_eq!(d.people[0].roles, Some(vec![]));
    let d = parse_people_csv(format!("{HEAD},roles\n1,A,B,K,Kom,hr|Revisor| hr \n").as_bytes())
        .unwrap();
    assert_eq!(d.people[0].roles, Some(vec![Role::Hr, Role::Auditor]));
    assert_eq!(
        errors(&format!("{HEAD},roles\n1,A,B,K,Kom,hr|chef\n")),
        one("roles", 2)
    );
}

#[test]
fn a_file_with_a_header_only_has_no_rows() {
    let e = parse_people_csv(format!("{HEAD}\n").as_bytes()).unwrap_err();
    assert_eq!((e[0].line, e[0].field.as_str()), (2, "file"));
    let written = to_csv(&OrgData::default());
    let header: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
    assert_eq!(written.trim_end(), header.join(","));
}

// ---- Properties ----

fn name() -> impl Strategy<Value = String> {
    "[A-ZÅÄÖ][a-zåäö ,;\"'|-]{0,10}[a-zåäö]"
}

const SKILLS: [&str; 4] = ["reception", "lön", "it-support", "myndighetsutövning"];
const KINDS: [UnitKind; 4] = [
    UnitKind::Kommun,
    UnitKind::Forvaltning,
    UnitKind::Avdelning,
    UnitKind::Enhet,
];
const MODES: [CommuteMode; 5] = [
    CommuteMode::Car,
    CommuteMode::PublicTransport,
    CommuteMode::Bicycle,
    CommuteMode::Walk,
    CommuteMode::CarPool,
];
const ROLES: [Role; 5] = [
    Role::Hr,
    Role::Admin,
    Role::Auditor,
    Role::Director,
    Role::Records,
];

/// A person of a generated organisation: their unit and site by number.
type GenPerson = (
    (String, String, Option<String>, usize, Option<usize>),
    (Vec<&'static str>, Option<u32>, Option<usize>, Vec<Role>),
    (bool, bool, Vec<usize>),
);

fn person() -> impl Strategy<Value = GenPerson> {
    (
        (
            name(),
            name(),
            proptest::option::of(name()),
            0usize..4,
            proptest::option::of(0usize..3),
        ),
        (
            proptest::sample::subsequence(SKILLS.to_vec(), 0..=4),
            proptest::option::of(0u32..100_000),
            proptest::option::of(0usize..5),
            proptest::sample::subsequence(ROLES.to_vec(), 0..=4),
        ),
        (
            any::<bool>(),
            any::<bool>(),
            proptest::collection::vec(0usize..4, 0..3),
        ),
    )
}

prop_compose! {
    /// An organisation as parse_people_csv gives it: units and sites
    /// sorted, each with the line of its first person.
    fn org()(
        units in proptest::collection::vec(
            (name(), proptest::option::of(0usize..4), proptest::option::of(0usize..4)),
            4,
        ),
        sites in proptest::collection::vec(("[A-Z][a-z]{0,8}", "[a-zA-Z0-9 ,]{0,12}", 0i64..=100_000), 3),
        people in proptest::collection::vec(person(), 1..7),
    ) -> OrgData {
        let code = |i: usize| UnitCode::parse(&format!("U{i}")).unwrap();
        let mut managed = std::collections::HashSet::new();
        let mut data = OrgData::default();
        for (n, (who, what, how)) in people.into_iter().enumerate() {
            let line = n as u64 + 2;
            let (given_name, family_name, title, unit, site) = who;
            let (skills, km, mode, roles) = what;
            let (email, username, manages) = how;
            if !data.units.iter().any(|u| u.code == code(unit)) {
                let (uname, parent, kind) = &units[unit];
                data.units.push(UnitRow {
                    line,
                    code: code(unit),
                    name: uname.trim().to_string(),
                    kind: kind.map(|k| KINDS[k]),
                    parent_code: parent.filter(|p| *p != unit).map(code),
                });
            }
            let site_name = site.map(|s| format!("{}{s}", sites[s].0));
            if let Some(s) = site {
                let name = format!("{}{s}", sites[s].0);
                if !data.sites.iter().any(|x| x.name == name) {
                    data.sites.push(SiteRow {
                        name,
                        address: sites[s].1.trim().to_string(),
                        desks: sites[s].2,
                    });
                }
            }
            let mut m: Vec<UnitCode> = vec![];
            for u in manages {
                if managed.insert(u) {
                    m.push(code(u));
                }
            }
            data.people.push(PersonRow {
                line,
                employee_number: EmployeeNumber::parse(&format!("E-{n}")).unwrap(),
                given_name,
                family_name,
                email: email.then(|| Email::parse(&format!("p{n}@kommun.se")).unwrap()),
                title,
                unit_code: code(unit),
                site_name,
                skills: skills.into_iter().map(|s| Skill::parse(s).unwrap()).collect(),
                commute_km: km.map(|k| f64::from(k) / 100.0),
                commute_mode: mode.map(|i| MODES[i]),
                roles: Some(roles),
                username: username.then(|| Username::parse(&format!("user{n}")).unwrap()),
                manages: m,
            });
        }
        data.units.sort_by(|a, b| a.code.cmp(&b.code));
        data.sites.sort_by(|a, b| a.name.cmp(&b.name));
        data
    }
}

/// Cells a people file may have: good ones, bad ones and junk.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[0-9]{1,3}",
        "[A-Za-zåäö ]{0,8}",
        Just("K".to_string()),
        Just("a|b|K".to_string()),
        Just("3,5".to_string()),
        "\\PC{0,8}",
    ]
}

proptest! {
    /// Whatever text is uploaded as a people file, reading it never panics,
    /// and every problem names a line (1 is the header) and a field.
    #[test]
    fn any_text_is_read_or_refused_without_a_panic(
        header in proptest::sample::subsequence(
            COLUMNS.iter().map(|c| c.0).collect::<Vec<_>>(), 0..=COLUMNS.len()),
        extra in proptest::option::of("[a-z_]{1,8}"),
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 0..20), 0..6),
        semicolon in any::<bool>(),
    ) {
        let sep = if semicolon { ";" } else { "," };
        let mut head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        head.extend(extra);
        let mut text = head.join(sep);
        for r in &rows {
            text.push('\n');
            text.push_str(&r.join(sep));
        }
        match parse_people_csv(text.as_bytes()) {
            Ok(d) => {
                prop_assert!(!d.people.is_empty());
                prop_assert!(d.people.iter().all(|p| p.line >= 2));
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                prop_assert!(errors.windows(2).all(|w| w[0].line <= w[1].line), "sorted by line");
                for e in &errors {
                    prop_assert!(e.line >= 1 && !e.field.is_empty(), "{e}");
                }
            }
        }
    }

    /// An organisation written by `to_csv` reads back as the same
    /// organisation: people, units and sites, line by line.
    #[test]
    fn what_to_csv_writes_reads_back_the_same(data in org()) {
        let text = to_csv(&data);
        let back = parse_people_csv(text.as_bytes()).map(|mut d| {
            assert_eq!(d.header, COLUMNS.iter().map(|c| c.0.to_string()).collect::<Vec<_>>());
            d.header.clear();
            d
        });
        prop_assert_eq!(back, Ok(data), "{}", text);
    }
}
