//! Importing the organisation: a CSV export of the HR system (or the demo
//! generator) becomes [`OrgData`]; [`resolve`] compares it with what is
//! stored and works out exactly what to insert and update. All of this is
//! pure; the store runs it inside one transaction, so a file with any bad row
//! changes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::NewAuditEntry;
use crate::model::{
    parse_name, CommuteMode, Email, EmployeeNumber, Person, Role, Site, Skill, Unit, UnitCode,
    UnitKind, Username,
};

/// One bad row (or header) of an import, with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SiteRow {
    pub name: String,
    pub address: String,
    pub desks: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    pub line: u64,
    pub code: UnitCode,
    pub name: String,
    pub kind: Option<UnitKind>,
    pub parent_code: Option<UnitCode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub line: u64,
    pub employee_number: EmployeeNumber,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<Email>,
    pub title: Option<String>,
    pub unit_code: UnitCode,
    pub site_name: Option<String>,
    pub skills: Vec<Skill>,
    pub commute_km: Option<f64>,
    pub commute_mode: Option<CommuteMode>,
    /// `None` when the file has no roles column: roles are left as they are.
    pub roles: Option<Vec<Role>>,
    pub username: Option<Username>,
    pub manages: Vec<UnitCode>,
}

/// The organisation as a file describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgData {
    pub sites: Vec<SiteRow>,
    pub units: Vec<UnitRow>,
    pub people: Vec<PersonRow>,
}

/// The columns of the people CSV. Order is free; names are case-insensitive.
pub const COLUMNS: &[(&str, bool, &str)] = &[
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

/// Reads a people CSV. Comma or semicolon separated (guessed from the
/// header), UTF-8 with or without BOM. Every bad row is reported.
pub fn parse_people_csv(bytes: &[u8]) -> Result<OrgData, Vec<RowError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Err(vec![RowError {
                line: 1 + bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count() as u64,
                field: "file".into(),
                message: "is not UTF-8 text (save the export as UTF-8)".into(),
            }])
        }
    };
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());

    let mut errors = vec![];
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![RowError {
                line: 1,
                field: "header".into(),
                message: e.to_string(),
            }])
        }
    };
    let mut col: HashMap<&'static str, usize> = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim().to_lowercase();
        match COLUMNS.iter().find(|(name, _, _)| *name == h) {
            Some((name, _, _)) => {
                if col.insert(name, i).is_some() {
                    errors.push(RowError {
                        line: 1,
                        field: h.clone(),
                        message: "column appears twice".into(),
                    });
                }
            }
            None => errors.push(RowError {
                line: 1,
                field: if h.is_empty() {
                    format!("column {}", i + 1)
                } else {
                    h.clone()
                },
                message: format!(
                    "unknown column (known columns: {})",
                    COLUMNS.iter().map(|c| c.0).collect::<Vec<_>>().join(", ")
                ),
            }),
        }
    }
    for (name, required, _) in COLUMNS {
        if *required && !col.contains_key(name) {
            errors.push(RowError {
                line: 1,
                field: (*name).into(),
                message: "required column is missing".into(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let has_roles = col.contains_key("roles");

    let mut data = OrgData::default();
    let mut sites: BTreeMap<String, (u64, SiteRow)> = BTreeMap::new();
    let mut units: BTreeMap<String, UnitRow> = BTreeMap::new();
    let mut seen_numbers: HashMap<String, u64> = HashMap::new();
    let mut seen_usernames: HashMap<String, u64> = HashMap::new();
    let mut managers: HashMap<String, u64> = HashMap::new();

    for record in rdr.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                errors.push(RowError {
                    line,
                    field: "row".into(),
                    message: match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => {
                            format!("has {len} fields, the header has {expected_len}")
                        }
                        _ => e.to_string(),
                    },
                });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let get = |name: &str| -> &str {
            col.get(name)
                .and_then(|i| record.get(*i))
                .map(str::trim)
                .unwrap_or("")
        };
        let opt = |name: &str| -> Option<&str> {
            let v = get(name);
            if v.is_empty() {
                None
            } else {
                Some(v)
            }
        };
        let mut err = |field: &str, message: String| {
            errors.push(RowError {
                line,
                field: field.into(),
                message,
            })
        };

        let number = EmployeeNumber::parse(get("employee_number"))
            .map_err(|m| err("employee_number", m))
            .ok();
        if let Some(n) = &number {
            if let Some(first) = seen_numbers.insert(n.as_str().to_string(), line) {
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
            match units.get(code.as_str()) {
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
                    units.insert(
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
                    if let Some(first) = managers.insert(c.as_str().to_string(), line) {
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
                match sites.get(sn) {
                    Some((first, s)) => {
                        if (!row.address.is_empty() && row.address != s.address)
                            || (opt("site_desks").is_some() && row.desks != s.desks)
                        {
                            err(
                                "site_address",
                                format!("site \"{sn}\" has another address or desk count on line {first}"),
                            );
                        }
                    }
                    None => {
                        sites.insert(sn.clone(), (line, row));
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
        let roles = if has_roles {
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
                    if let Some(first) = seen_usernames.insert(u.as_str().to_string(), line) {
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
            data.people.push(PersonRow {
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
    if data.people.is_empty() && errors.is_empty() {
        errors.push(RowError {
            line: 2,
            field: "file".into(),
            message: "has no rows".into(),
        });
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }
    data.sites = sites.into_values().map(|(_, s)| s).collect();
    data.units = units.into_values().collect();
    Ok(data)
}

/// Writes an organisation as a people CSV in the import format (comma
/// separated). Used to export the demo organisation and by the benchmarks.
pub fn to_csv(data: &OrgData) -> String {
    let units: HashMap<&str, &UnitRow> = data.units.iter().map(|u| (u.code.as_str(), u)).collect();
    let sites: HashMap<&str, &SiteRow> = data.sites.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut w = csv::Writer::from_writer(vec![]);
    let header: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
    let _ = w.write_record(&header);
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
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// What is stored now, as far as an import needs to know it.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub sites: Vec<Site>,
    pub units: Vec<Unit>,
    pub people: Vec<Person>,
}

/// What an import will write.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub sites: Vec<Site>,
    /// New and changed units, parents before children. `manager_id` is set
    /// afterwards by `managers` (people may be new).
    pub units: Vec<Unit>,
    pub people: Vec<Person>,
    /// (unit, manager) for every unit whose manager changes.
    pub managers: Vec<(Uuid, Option<Uuid>)>,
    pub audit: Vec<NewAuditEntry>,
    pub report: ImportReport,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    pub sites_created: u64,
    pub sites_updated: u64,
    pub units_created: u64,
    pub units_updated: u64,
    pub people_created: u64,
    pub people_updated: u64,
    pub people_unchanged: u64,
}

fn person_json(p: &Person) -> serde_json::Value {
    json!({
        "employee_number": p.employee_number,
        "name": p.name(),
        "email": p.email,
        "title": p.title,
        "unit_id": p.unit_id,
        "site_id": p.site_id,
        "commute_km": p.commute_km,
        "commute_mode": p.commute_mode,
        "skills": p.skills,
        "roles": p.granted_roles,
        "username": p.username,
    })
}

fn unit_json(u: &Unit) -> serde_json::Value {
    json!({
        "code": u.code,
        "name": u.name,
        "kind": u.kind,
        "parent_id": u.parent_id,
        "manager_id": u.manager_id,
        "site_id": u.site_id,
    })
}

/// Works out what `data` changes in `snap`. Pure; `new_id` makes ids.
pub fn resolve(
    snap: &Snapshot,
    data: &OrgData,
    actor_id: Option<Uuid>,
    actor: &str,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Result<Changes, Vec<RowError>> {
    let mut errors: Vec<RowError> = vec![];
    let mut ch = Changes::default();
    let audit = |action: &str, entity: &str, id: String, before, after| NewAuditEntry {
        actor_id,
        actor: actor.to_string(),
        action: action.into(),
        entity: entity.into(),
        entity_id: id,
        before,
        after,
    };

    // Sites, by name.
    let mut site_ids: HashMap<String, Uuid> =
        snap.sites.iter().map(|s| (s.name.clone(), s.id)).collect();
    let old_sites: HashMap<Uuid, &Site> = snap.sites.iter().map(|s| (s.id, s)).collect();
    for s in &data.sites {
        match site_ids.get(&s.name).and_then(|id| old_sites.get(id)) {
            Some(old) => {
                let new = Site {
                    id: old.id,
                    name: s.name.clone(),
                    address: if s.address.is_empty() {
                        old.address.clone()
                    } else {
                        s.address.clone()
                    },
                    desks: s.desks,
                };
                if &new != *old {
                    ch.audit.push(audit(
                        "site.update",
                        "site",
                        new.id.to_string(),
                        Some(serde_json::to_value(old).unwrap_or_default()),
                        Some(serde_json::to_value(&new).unwrap_or_default()),
                    ));
                    ch.sites.push(new);
                    ch.report.sites_updated += 1;
                }
            }
            None => {
                let new = Site {
                    id: new_id(),
                    name: s.name.clone(),
                    address: s.address.clone(),
                    desks: s.desks,
                };
                site_ids.insert(new.name.clone(), new.id);
                ch.audit.push(audit(
                    "site.create",
                    "site",
                    new.id.to_string(),
                    None,
                    Some(serde_json::to_value(&new).unwrap_or_default()),
                ));
                ch.sites.push(new);
                ch.report.sites_created += 1;
            }
        }
    }

    // Units: merge the file's units into the stored tree by code.
    let old_units: HashMap<&str, &Unit> = snap.units.iter().map(|u| (u.code.as_str(), u)).collect();
    let code_of: HashMap<Uuid, &str> = snap.units.iter().map(|u| (u.id, u.code.as_str())).collect();
    // code -> (id, name, kind, parent code)
    let mut tree: BTreeMap<String, (Uuid, String, Option<UnitKind>, Option<String>)> =
        BTreeMap::new();
    for u in &snap.units {
        let parent = u
            .parent_id
            .and_then(|p| code_of.get(&p))
            .map(|c| c.to_string());
        tree.insert(u.code.clone(), (u.id, u.name.clone(), Some(u.kind), parent));
    }
    let file_units: HashMap<&str, &UnitRow> =
        data.units.iter().map(|u| (u.code.as_str(), u)).collect();
    for u in &data.units {
        let id = old_units
            .get(u.code.as_str())
            .map(|o| o.id)
            .unwrap_or_else(&mut *new_id);
        let kind = u
            .kind
            .or_else(|| old_units.get(u.code.as_str()).map(|o| o.kind));
        tree.insert(
            u.code.as_str().to_string(),
            (
                id,
                u.name.clone(),
                kind,
                u.parent_code.as_ref().map(|c| c.as_str().to_string()),
            ),
        );
    }
    for u in &data.units {
        if let Some(p) = &u.parent_code {
            if !tree.contains_key(p.as_str()) {
                errors.push(RowError {
                    line: u.line,
                    field: "parent_unit_code".into(),
                    message: format!("unit {p} is neither in the file nor in the organisation"),
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Paths, detecting cycles.
    let mut paths: HashMap<String, (String, usize)> = HashMap::new();
    for code in tree.keys() {
        let mut chain = vec![code.clone()];
        let mut seen: HashSet<String> = HashSet::from([code.clone()]);
        let mut cur = code.clone();
        let mut cyclic = false;
        while let Some((_, _, _, Some(parent))) = tree.get(&cur) {
            if !seen.insert(parent.clone()) {
                cyclic = true;
                break;
            }
            chain.push(parent.clone());
            cur = parent.clone();
        }
        if cyclic {
            let line = file_units.get(code.as_str()).map(|u| u.line).unwrap_or(0);
            errors.push(RowError {
                line,
                field: "parent_unit_code".into(),
                message: format!("unit {code} would be below itself ({})", chain.join(" → ")),
            });
            continue;
        }
        chain.reverse();
        let mut path = String::from("/");
        for c in &chain {
            if let Some((id, ..)) = tree.get(c) {
                path.push_str(&id.to_string());
                path.push('/');
            }
        }
        paths.insert(code.clone(), (path, chain.len() - 1));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        errors.dedup();
        return Err(errors);
    }

    // Managers named by the file, and each unit's site from its first person.
    let mut manager_of: HashMap<&str, &str> = HashMap::new(); // unit code -> employee number
    let mut first_site: HashMap<&str, &str> = HashMap::new();
    for p in &data.people {
        for m in &p.manages {
            if !tree.contains_key(m.as_str()) {
                errors.push(RowError {
                    line: p.line,
                    field: "manages".into(),
                    message: format!("unit {m} is neither in the file nor in the organisation"),
                });
            }
            manager_of.insert(m.as_str(), p.employee_number.as_str());
        }
        if let Some(s) = &p.site_name {
            first_site.entry(p.unit_code.as_str()).or_insert(s.as_str());
        }
    }

    let mut unit_list: Vec<Unit> = vec![];
    for (code, (id, name, kind, parent)) in &tree {
        let Some((path, depth)) = paths.get(code) else {
            continue;
        };
        let old = old_units.get(code.as_str());
        let in_file = file_units.contains_key(code.as_str());
        let site_id = match (in_file, first_site.get(code.as_str())) {
            (true, Some(s)) => site_ids.get(*s).copied(),
            _ => old.and_then(|o| o.site_id),
        };
        let unit = Unit {
            id: *id,
            code: code.clone(),
            name: name.clone(),
            kind: kind.unwrap_or_else(|| UnitKind::from_depth(*depth)),
            parent_id: parent.as_ref().and_then(|p| tree.get(p)).map(|t| t.0),
            path: path.clone(),
            depth: *depth as i64,
            manager_id: old.and_then(|o| o.manager_id),
            site_id,
        };
        match old {
            Some(o) if **o == unit => {}
            Some(o) => {
                ch.audit.push(audit(
                    "unit.update",
                    "unit",
                    unit.id.to_string(),
                    Some(unit_json(o)),
                    Some(unit_json(&unit)),
                ));
                ch.report.units_updated += 1;
                unit_list.push(unit);
            }
            None => {
                ch.audit.push(audit(
                    "unit.create",
                    "unit",
                    unit.id.to_string(),
                    None,
                    Some(unit_json(&unit)),
                ));
                ch.report.units_created += 1;
                unit_list.push(unit);
            }
        }
    }
    unit_list.sort_by_key(|u| u.depth);
    ch.units = unit_list;

    // People, by employee number.
    let old_people: HashMap<&str, &Person> = snap
        .people
        .iter()
        .map(|p| (p.employee_number.as_str(), p))
        .collect();
    let username_owner: HashMap<&str, &str> = snap
        .people
        .iter()
        .filter_map(|p| {
            p.username
                .as_deref()
                .map(|u| (u, p.employee_number.as_str()))
        })
        .collect();
    let mut person_ids: HashMap<&str, Uuid> = snap
        .people
        .iter()
        .map(|p| (p.employee_number.as_str(), p.id))
        .collect();
    for p in &data.people {
        let old = old_people.get(p.employee_number.as_str());
        let Some((unit_id, ..)) = tree.get(p.unit_code.as_str()) else {
            continue;
        };
        if let Some(u) = &p.username {
            if let Some(owner) = username_owner.get(u.as_str()) {
                if *owner != p.employee_number.as_str() {
                    errors.push(RowError {
                        line: p.line,
                        field: "username".into(),
                        message: format!("{u} already belongs to employee {owner}"),
                    });
                    continue;
                }
            }
        }
        let mut skills: Vec<String> = p.skills.iter().map(|s| s.as_str().to_string()).collect();
        skills.sort();
        let mut roles = match (&p.roles, old) {
            (Some(r), _) => r.clone(),
            (None, Some(o)) => o.granted_roles.clone(),
            (None, None) => vec![],
        };
        roles.sort();
        let person = Person {
            id: old.map(|o| o.id).unwrap_or_else(&mut *new_id),
            employee_number: p.employee_number.as_str().to_string(),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            email: p.email.as_ref().map(|e| e.as_str().to_string()),
            title: p.title.clone(),
            unit_id: *unit_id,
            site_id: p.site_name.as_ref().and_then(|s| site_ids.get(s)).copied(),
            commute_km: p.commute_km,
            commute_mode: p.commute_mode,
            skills,
            granted_roles: roles,
            username: p
                .username
                .as_ref()
                .map(|u| u.as_str().to_string())
                .or_else(|| old.and_then(|o| o.username.clone())),
            version: old.map(|o| o.version).unwrap_or(1),
        };
        person_ids.insert(p.employee_number.as_str(), person.id);
        match old {
            Some(o) if **o == person => ch.report.people_unchanged += 1,
            Some(o) => {
                ch.audit.push(audit(
                    "person.update",
                    "person",
                    person.id.to_string(),
                    Some(person_json(o)),
                    Some(person_json(&person)),
                ));
                ch.report.people_updated += 1;
                ch.people.push(Person {
                    version: o.version + 1,
                    ..person
                });
            }
            None => {
                ch.audit.push(audit(
                    "person.create",
                    "person",
                    person.id.to_string(),
                    None,
                    Some(person_json(&person)),
                ));
                ch.report.people_created += 1;
                ch.people.push(person);
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }

    // Units in the file get their manager from the file (none if nobody is named).
    for (code, (id, ..)) in &tree {
        let in_file = file_units.contains_key(code.as_str());
        let named = manager_of
            .get(code.as_str())
            .and_then(|n| person_ids.get(n))
            .copied();
        if !in_file && named.is_none() {
            continue;
        }
        let old = old_units.get(code.as_str()).and_then(|o| o.manager_id);
        if old != named {
            ch.managers.push((*id, named));
            ch.audit.push(audit(
                "unit.manager",
                "unit",
                id.to_string(),
                Some(json!({"manager_id": old})),
                Some(json!({"manager_id": named})),
            ));
        }
    }

    ch.audit.push(audit(
        "import.people",
        "organisation",
        String::new(),
        None,
        Some(serde_json::to_value(&ch.report).unwrap_or_default()),
    ));
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "employee_number;given_name;family_name;email;unit_code;unit_name;parent_unit_code;manages;site_name;site_address;site_desks;skills;commute_km;commute_mode\n\
        1;Karin;Berg;karin@k.se;K;Kommunen;;K;Stadshuset;Storgatan 1;100;;3,5;cykel\n\
        2;Anna;Lind;anna@k.se;KC;Kontaktcenter;K;;Stadshuset;;;reception|Myndighetsutövning;12;bil\n\
        3;Chef;Holm;;KC;Kontaktcenter;K;KC;Stadshuset;;;reception;;\n";

    fn ids() -> impl FnMut() -> Uuid {
        let mut n = 0u128;
        move || {
            n += 1;
            Uuid::from_u128(n)
        }
    }

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

    #[test]
    fn resolve_creates_then_updates_nothing_twice() {
        let d = parse_people_csv(GOOD.as_bytes()).unwrap_or_default();
        let mut gen = ids();
        let ch = resolve(&Snapshot::default(), &d, None, "cli", &mut gen).unwrap_or_default();
        assert_eq!(ch.report.people_created, 3);
        assert_eq!(ch.report.units_created, 2);
        assert_eq!(ch.managers.len(), 2);
        let kc = ch.units.iter().find(|u| u.code == "KC").cloned();
        let k = ch.units.iter().find(|u| u.code == "K").cloned();
        let (Some(kc), Some(k)) = (kc, k) else {
            panic!("units missing")
        };
        assert!(kc.path.starts_with(&k.path));
        assert_eq!(kc.kind, UnitKind::Forvaltning);
        assert_eq!(kc.site_id, Some(ch.sites[0].id));

        // Apply to a snapshot, then import again: nothing changes.
        let mut units = ch.units.clone();
        for (u, m) in &ch.managers {
            if let Some(x) = units.iter_mut().find(|x| x.id == *u) {
                x.manager_id = *m;
            }
        }
        let snap = Snapshot {
            sites: ch.sites.clone(),
            units,
            people: ch.people.clone(),
        };
        let again = resolve(&snap, &d, None, "cli", &mut gen).unwrap_or_default();
        assert_eq!(again.report.people_unchanged, 3);
        assert_eq!(again.report.people_created + again.report.people_updated, 0);
        assert!(again.units.is_empty());
        assert!(again.managers.is_empty());
        assert_eq!(again.audit.len(), 1); // only the import summary
    }

    #[test]
    fn the_demo_round_trips_through_csv() {
        let demo = crate::demo::generate(500);
        let csv = to_csv(&demo);
        let back = parse_people_csv(csv.as_bytes()).unwrap();
        assert_eq!(back.people.len(), 500);
        assert_eq!(back.units.len(), demo.units.len());
        // Units that only appear as parents (none here) would be missing; the kinds survive.
        let a = resolve(&Snapshot::default(), &demo, None, "t", &mut ids()).unwrap();
        let b = resolve(&Snapshot::default(), &back, None, "t", &mut ids()).unwrap();
        assert_eq!(a.report, b.report);
    }

    #[test]
    fn resolve_refuses_unknown_parent_and_cycles() {
        let f = "employee_number,given_name,family_name,unit_code,unit_name,parent_unit_code\n\
            1,A,B,X,Xen,Y\n2,C,D,Y,Yen,X\n3,E,F,Z,Zen,NOPE\n";
        let d = parse_people_csv(f.as_bytes()).unwrap_or_default();
        let errs = resolve(&Snapshot::default(), &d, None, "cli", &mut ids())
            .err()
            .unwrap_or_default();
        assert!(
            errs.iter()
                .any(|e| e.line == 4 && e.message.contains("NOPE")),
            "{errs:?}"
        );
        let f = "employee_number,given_name,family_name,unit_code,unit_name,parent_unit_code\n\
            1,A,B,X,Xen,Y\n2,C,D,Y,Yen,X\n";
        let d = parse_people_csv(f.as_bytes()).unwrap_or_default();
        let errs = resolve(&Snapshot::default(), &d, None, "cli", &mut ids())
            .err()
            .unwrap_or_default();
        assert!(
            errs.iter().any(|e| e.message.contains("below itself")),
            "{errs:?}"
        );
    }
}
