//! The people CSV: an export of the HR system becomes [`OrgData`], and the
//! organisation can be written back in the same format.

use std::collections::{BTreeMap, HashMap};

use crate::kernel::csv::{locate, read_csv, Column, CsvOut, CsvRow, RowError};
use crate::kernel::text::parse_name;
use crate::kernel::Role;
use crate::org::model::{
    CommuteMode, Email, EmployeeNumber, OrgData, PersonRow, SiteRow, Skill, UnitCode, UnitKind,
    UnitRow, Username,
};

/// The columns of the people CSV. Order is free; names are case-insensitive.
pub const COLUMNS: &[Column] = &[
    (
        "employee_number",
        true,
        "anställningsnummer; the key: re-import updates, never duplicates",
    ),
    ("given_name", true, "förnamn"),
    ("family_name", true, "efternamn"),
    ("email", false, "e-postadress"),
    ("title", false, "befattning"),
    ("unit_code", true, "the code of the person's home unit"),
    ("unit_name", true, "the name of that unit"),
    (
        "parent_unit_code",
        false,
        "the code of the unit above it (empty at the top)",
    ),
    (
        "unit_kind",
        false,
        "kommun, förvaltning, avdelning or enhet (default: by depth)",
    ),
    (
        "manages",
        false,
        "codes of units this person manages, separated by |",
    ),
    ("site_name", false, "the person's workplace (arbetsplats)"),
    ("site_address", false, "its street address"),
    ("site_desks", false, "its number of desks"),
    (
        "skills",
        false,
        "skills/tasks separated by |, e.g. reception|myndighetsutövning",
    ),
    (
        "commute_km",
        false,
        "one-way commute in km (decimal point or comma)",
    ),
    (
        "commute_mode",
        false,
        "car/bil, public_transport/kollektivtrafik, bicycle/cykel, walk/gång, car_pool/samåkning",
    ),
    (
        "roles",
        false,
        "granted roles separated by |: hr, admin, auditor",
    ),
    (
        "username",
        false,
        "sign-in name (for local accounts or single sign-on)",
    ),
];

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split('|').map(str::trim).filter(|x| !x.is_empty())
}

/// What reading a file has seen so far, to find repeats and conflicts.
#[derive(Default)]
struct Reading {
    data: OrgData,
    has_roles: bool,
    sites: BTreeMap<String, (u64, SiteRow)>,
    units: BTreeMap<String, UnitRow>,
    seen_numbers: HashMap<String, u64>,
    seen_usernames: HashMap<String, u64>,
    managers: HashMap<String, u64>,
}

/// Reads a people CSV. Comma or semicolon separated (guessed from the
/// header), UTF-8 with or without BOM. Every bad row is reported.
pub fn parse_people_csv(bytes: &[u8]) -> Result<OrgData, Vec<RowError>> {
    let data = read_people_csv(bytes)?;
    if data.problems.is_empty() {
        Ok(data)
    } else {
        Err(data.problems)
    }
}

/// Reads a people CSV as far as its rows can be read: the rows that can,
/// and the problems of those that cannot (in [`OrgData::problems`]), so
/// that an import reports every problem in one go. Only a file that cannot
/// be read at all (not UTF-8, a bad header, no rows) is an error here.
pub fn read_people_csv(bytes: &[u8]) -> Result<OrgData, Vec<RowError>> {
    let mut file = read_csv(bytes, COLUMNS)?;
    let mut st = Reading {
        has_roles: file.has("roles"),
        ..Reading::default()
    };
    let mut errors = vec![];
    let mut row_errors = vec![];
    file.for_each_row(&mut errors, |r| read_row(&mut st, r, &mut row_errors));
    errors.append(&mut row_errors);
    if st.data.people.is_empty() && errors.is_empty() {
        return Err(vec![RowError::new(2, "file", "has no rows")]);
    }
    let mut data = st.data;
    data.sites = st.sites.into_values().map(|(_, s)| s).collect();
    data.units = st.units.into_values().collect();
    data.header = file.header().to_vec();
    locate(&mut errors, file.header());
    data.problems = errors;
    Ok(data)
}

fn read_row(st: &mut Reading, r: &CsvRow<'_>, errors: &mut Vec<RowError>) {
    let line = r.line;
    let get = |name: &str| r.get(name);
    let opt = |name: &str| r.opt(name);
    let mut err = |field: &str, message: String| errors.push(RowError::new(line, field, message));

    let number = EmployeeNumber::parse(get("employee_number"))
        .map_err(|m| err("employee_number", m))
        .ok();
    if let Some(n) = &number {
        if let Some(first) = st.seen_numbers.insert(n.as_str().to_string(), line) {
            err(
                "employee_number",
                format!("{n} already appears on line {first}"),
            );
        }
    }
    let given = parse_name(get("given_name"))
        .map_err(|m| err("given_name", m))
        .ok();
    let family = parse_name(get("family_name"))
        .map_err(|m| err("family_name", m))
        .ok();
    let email = match opt("email") {
        Some(e) => Email::parse(e).map_err(|m| err("email", m)).ok().map(Some),
        None => Some(None),
    };
    let title = match opt("title") {
        Some(t) => parse_name(t).map_err(|m| err("title", m)).ok().map(Some),
        None => Some(None),
    };
    let unit_code = UnitCode::parse(get("unit_code"))
        .map_err(|m| err("unit_code", m))
        .ok();
    let unit_name = parse_name(get("unit_name"))
        .map_err(|m| err("unit_name", m))
        .ok();
    let parent = match opt("parent_unit_code") {
        Some(p) => UnitCode::parse(p)
            .map_err(|m| err("parent_unit_code", m))
            .ok()
            .map(Some),
        None => Some(None),
    };
    let kind = match opt("unit_kind") {
        Some(k) => UnitKind::parse(k)
            .map_err(|m| err("unit_kind", m))
            .ok()
            .map(Some),
        None => Some(None),
    };
    if let (Some(code), Some(Some(p))) = (&unit_code, &parent) {
        if code == p {
            err(
                "parent_unit_code",
                format!("unit {code} cannot be its own parent"),
            );
        }
    }
    if let (Some(code), Some(name), Some(parent), Some(kind)) =
        (&unit_code, &unit_name, &parent, &kind)
    {
        match st.units.get(code.as_str()) {
            Some(u) => {
                if &u.name != name {
                    err(
                        "unit_name",
                        format!("unit {code} is called \"{}\" on line {}", u.name, u.line),
                    );
                }
                if &u.parent_code != parent {
                    err(
                        "parent_unit_code",
                        format!(
                            "unit {code} has parent \"{}\" on line {}",
                            u.parent_code.as_ref().map(|c| c.as_str()).unwrap_or(""),
                            u.line
                        ),
                    );
                }
                if kind.is_some() && u.kind.is_some() && &u.kind != kind {
                    err(
                        "unit_kind",
                        format!("unit {code} has another kind on line {}", u.line),
                    );
                }
            }
            None => {
                st.units.insert(
                    code.as_str().to_string(),
                    UnitRow {
                        line,
                        code: code.clone(),
                        name: name.clone(),
                        kind: *kind,
                        parent_code: parent.clone(),
                    },
                );
            }
        }
    }

    let mut manages = vec![];
    for m in split_list(get("manages")) {
        match UnitCode::parse(m) {
            Ok(c) => {
                if let Some(first) = st.managers.insert(c.as_str().to_string(), line) {
                    err(
                        "manages",
                        format!("unit {c} is already managed by the person on line {first}"),
                    );
                }
                manages.push(c);
            }
            Err(msg) => err("manages", msg),
        }
    }

    let site_name = match opt("site_name") {
        Some(s) => parse_name(s).map_err(|m| err("site_name", m)).ok(),
        None => None,
    };
    if let Some(sn) = &site_name {
        let address = get("site_address").to_string();
        let desks = match opt("site_desks") {
            Some(d) => match d.parse::<i64>() {
                Ok(v) if (0..=100_000).contains(&v) => Some(v),
                _ => {
                    err(
                        "site_desks",
                        format!("\"{d}\" is not a whole number between 0 and 100000"),
                    );
                    None
                }
            },
            None => Some(0),
        };
        if let Some(desks) = desks {
            let row = SiteRow {
                name: sn.clone(),
                address,
                desks,
            };
            match st.sites.get(sn) {
                Some((first, s)) => {
                    if (!row.address.is_empty() && row.address != s.address)
                        || (opt("site_desks").is_some() && row.desks != s.desks)
                    {
                        err(
                            "site_address",
                            format!(
                                "site \"{sn}\" has another address or desk count on line {first}"
                            ),
                        );
                    }
                }
                None => {
                    st.sites.insert(sn.clone(), (line, row));
                }
            }
        }
    } else if opt("site_address").is_some() || opt("site_desks").is_some() {
        err(
            "site_name",
            "is required when site_address or site_desks is given".into(),
        );
    }

    let mut skills = vec![];
    for s in split_list(get("skills")) {
        match Skill::parse(s) {
            Ok(s) => {
                if !skills.contains(&s) {
                    skills.push(s)
                }
            }
            Err(m) => err("skills", m),
        }
    }
    let commute_km = match opt("commute_km") {
        Some(k) => match k.replace(',', ".").parse::<f64>() {
            Ok(v) if v.is_finite() && (0.0..=1000.0).contains(&v) => Some(Some(v)),
            _ => {
                err(
                    "commute_km",
                    format!("\"{k}\" is not a distance between 0 and 1000 km"),
                );
                None
            }
        },
        None => Some(None),
    };
    let commute_mode = match opt("commute_mode") {
        Some(m) => CommuteMode::parse(m)
            .map_err(|e| err("commute_mode", e))
            .ok()
            .map(Some),
        None => Some(None),
    };
    let roles = if st.has_roles {
        let mut rs = vec![];
        for r in split_list(get("roles")) {
            match Role::parse_granted(r) {
                Ok(r) => {
                    if !rs.contains(&r) {
                        rs.push(r)
                    }
                }
                Err(m) => err("roles", m),
            }
        }
        Some(rs)
    } else {
        None
    };
    let username = match opt("username") {
        Some(u) => match Username::parse(u) {
            Ok(u) => {
                if let Some(first) = st.seen_usernames.insert(u.as_str().to_string(), line) {
                    err("username", format!("{u} already appears on line {first}"));
                }
                Some(Some(u))
            }
            Err(m) => {
                err("username", m);
                None
            }
        },
        None => Some(None),
    };

    if let (
        Some(employee_number),
        Some(given_name),
        Some(family_name),
        Some(email),
        Some(title),
        Some(unit_code),
        Some(commute_km),
        Some(commute_mode),
        Some(username),
    ) = (
        number,
        given,
        family,
        email,
        title,
        unit_code,
        commute_km,
        commute_mode,
        username,
    ) {
        st.data.people.push(PersonRow {
            line,
            employee_number,
            given_name,
            family_name,
            email,
            title,
            unit_code,
            site_name,
            skills,
            commute_km,
            commute_mode,
            roles,
            username,
            manages,
        });
    }
}

/// Writes an organisation as a people CSV in the import format (comma
/// separated). Used to export the demo organisation and by the benchmarks.
pub fn to_csv(data: &OrgData) -> String {
    let units: HashMap<&str, &UnitRow> = data.units.iter().map(|u| (u.code.as_str(), u)).collect();
    let sites: HashMap<&str, &SiteRow> = data.sites.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut w = CsvOut::new(b',', false);
    let _ = w.row(COLUMNS.iter().map(|c| c.0));
    for p in &data.people {
        let u = units.get(p.unit_code.as_str());
        let s = p.site_name.as_deref().and_then(|n| sites.get(n));
        let join = |v: Vec<String>| v.join("|");
        let row: Vec<String> = vec![
            p.employee_number.to_string(),
            p.given_name.clone(),
            p.family_name.clone(),
            p.email.as_ref().map(|e| e.to_string()).unwrap_or_default(),
            p.title.clone().unwrap_or_default(),
            p.unit_code.to_string(),
            u.map(|u| u.name.clone()).unwrap_or_default(),
            u.and_then(|u| u.parent_code.as_ref())
                .map(|c| c.to_string())
                .unwrap_or_default(),
            u.and_then(|u| u.kind)
                .map(|k| k.as_str().to_string())
                .unwrap_or_default(),
            join(p.manages.iter().map(|m| m.to_string()).collect()),
            p.site_name.clone().unwrap_or_default(),
            s.map(|s| s.address.clone()).unwrap_or_default(),
            s.map(|s| s.desks.to_string()).unwrap_or_default(),
            join(p.skills.iter().map(|s| s.to_string()).collect()),
            p.commute_km.map(|k| k.to_string()).unwrap_or_default(),
            p.commute_mode
                .map(|m| m.as_str().to_string())
                .unwrap_or_default(),
            join(
                p.roles
                    .clone()
                    .unwrap_or_default()
                    .iter()
                    .map(|r| r.to_string())
                    .collect(),
            ),
            p.username
                .as_ref()
                .map(|u| u.to_string())
                .unwrap_or_default(),
        ];
        let _ = w.row(&row);
    }
    String::from_utf8(w.finish().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Three people in two units, as an HR system exports them.
    pub(crate) const GOOD: &str = "employee_number;given_name;family_name;email;unit_code;unit_name;parent_unit_code;manages;site_name;site_address;site_desks;skills;commute_km;commute_mode\n\
        1;Karin;Berg;karin@k.se;K;Kommunen;;K;Stadshuset;Storgatan 1;100;;3,5;cykel\n\
        2;Anna;Lind;anna@k.se;KC;Kontaktcenter;K;;Stadshuset;;;reception|Myndighetsutövning;12;bil\n\
        3;Chef;Holm;;KC;Kontaktcenter;K;KC;Stadshuset;;;reception;;\n";

    #[test]
    fn parses_a_good_file() {
        let d = parse_people_csv(GOOD.as_bytes()).unwrap_or_default();
        assert_eq!(d.people.len(), 3);
        assert_eq!(d.units.len(), 2);
        assert_eq!(d.sites.len(), 1);
        assert_eq!(d.sites[0].desks, 100);
        assert_eq!(d.people[1].skills.len(), 2);
        assert_eq!(d.people[0].commute_km, Some(3.5));
        assert_eq!(d.people[1].line, 3);
    }

    #[test]
    fn reports_every_bad_row_with_its_line() {
        let bad =
            "employee_number,given_name,family_name,unit_code,unit_name,commute_mode,skills\n\
            1,Anna,Lind,KC,Kontaktcenter,bil,\n\
            1,Bo,Ek,KC,Kontaktcenter,raket,\n\
            ,Cia,,KC,Annat namn,,a;b\n\
            4,Dan,Ek,KC\n";
        let errs = parse_people_csv(bad.as_bytes()).err().unwrap_or_default();
        let lines: Vec<(u64, &str)> = errs.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert!(lines.contains(&(3, "employee_number")), "{errs:?}");
        assert!(lines.contains(&(3, "commute_mode")), "{errs:?}");
        assert!(lines.contains(&(4, "employee_number")), "{errs:?}");
        assert!(lines.contains(&(4, "family_name")), "{errs:?}");
        assert!(lines.contains(&(4, "unit_name")), "{errs:?}");
        assert!(lines.contains(&(4, "skills")), "{errs:?}");
        assert!(lines.contains(&(5, "row")), "{errs:?}");
    }

    #[test]
    fn header_problems() {
        let errs = parse_people_csv(b"employee_number,given_name,famly_name\n1,a,b\n")
            .err()
            .unwrap_or_default();
        assert!(errs.iter().any(|e| e.field == "famly_name"));
        assert!(errs
            .iter()
            .any(|e| e.field == "unit_code" && e.message.contains("missing")));
        let errs = parse_people_csv(&[0xff, 0xfe, 0x00])
            .err()
            .unwrap_or_default();
        assert_eq!(errs[0].field, "file");
    }
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod more_tests;
