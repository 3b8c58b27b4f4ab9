//! The organisation's rules: what an import changes, and how much of a
//! person a caller sees. Pure: data in, decision out.

use crate::kernel::ids::{PersonId, UnitId};
use crate::kernel::SiteId;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::json;
use uuid::Uuid;

use crate::access::{self, Action};
use crate::kernel::csv::{locate, RowError};
use crate::kernel::{Actor, CoreError, CoreResult, NewAuditEntry};
use crate::org::model::{
    Changes, MeView, OrgData, PeopleFilter, Person, PersonRecord, PersonView, Site, Snapshot, Unit,
    UnitDetail, UnitKind, UnitRow,
};

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

/// The signed-in person, as they see themselves.
pub fn me_view(actor: &Actor) -> MeView {
    MeView {
        id: actor.person_id,
        name: actor.name.clone(),
        roles: actor.roles.clone(),
        unit: actor.unit.clone(),
        manages: actor.manages.iter().map(|m| m.id).collect(),
    }
}

/// Which people a list covers: those of `unit` (and below it, if `below`),
/// or without a unit everyone the actor may list.
pub fn people_filter(
    actor: &Actor,
    unit: Option<&UnitDetail>,
    below: bool,
) -> CoreResult<PeopleFilter> {
    match unit {
        Some(u) => {
            access::authorize(actor, Action::ListPeople { unit_path: &u.path })?;
            Ok(if below {
                PeopleFilter::Under(vec![u.path.clone()])
            } else {
                PeopleFilter::Unit(u.unit.id)
            })
        }
        None if access::can(actor, Action::ListPeople { unit_path: "" }) => Ok(PeopleFilter::All),
        None if !actor.manages.is_empty() => Ok(PeopleFilter::Under(
            actor.manages.iter().map(|m| m.path.clone()).collect(),
        )),
        None => Err(CoreError::forbidden(
            "only managers, HR, administrators and auditors may list people",
        )),
    }
}

/// A search text: trimmed, empty is none, at most 100 characters.
pub fn search_text(search: Option<&str>) -> CoreResult<Option<&str>> {
    match search.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) if s.chars().count() > 100 => {
            Err(CoreError::invalid("q", "must be at most 100 characters"))
        }
        s => Ok(s),
    }
}

/// A person cut down to what the caller may see: everything (`full`), or
/// the directory facts only (no skills, commute or username).
pub fn person_view(rec: PersonRecord, full: bool) -> PersonView {
    let p = rec.person;
    PersonView {
        id: p.id,
        name: p.name(),
        roles: Actor::build_roles(&p.granted_roles, !rec.manages.is_empty()),
        unit: rec.unit,
        manages: rec.manages.iter().map(|u| u.id).collect(),
        employee_number: p.employee_number.clone(),
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        email: p.email.clone(),
        title: p.title.clone(),
        manager: rec.manager,
        managed_units: rec.manages,
        site: rec.site,
        skills: full.then(|| p.skills.clone()),
        commute_km: if full { p.commute_km } else { None },
        commute_mode: if full { p.commute_mode } else { None },
        username: if full { p.username.clone() } else { None },
        departure: p.departure.clone(),
        visibility: if full { "full" } else { "directory" }.into(),
        version: p.version,
    }
}

/// Works out what `data` changes in `snap`. Pure; `new_id` makes ids.
pub fn resolve(
    snap: &Snapshot,
    data: &OrgData,
    actor_id: Option<PersonId>,
    actor: &str,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Result<Changes, Vec<RowError>> {
    // The file's own problems first: everything is reported in one go.
    let mut errors: Vec<RowError> = data.problems.clone();
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
    let mut site_ids: HashMap<String, SiteId> =
        snap.sites.iter().map(|s| (s.name.clone(), s.id)).collect();
    let old_sites: HashMap<SiteId, &Site> = snap.sites.iter().map(|s| (s.id, s)).collect();
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
                    id: new_id().into(),
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
    let code_of: HashMap<UnitId, &str> =
        snap.units.iter().map(|u| (u.id, u.code.as_str())).collect();
    // code -> (id, name, kind, parent code)
    let mut tree: BTreeMap<String, (Uuid, String, Option<UnitKind>, Option<String>)> =
        BTreeMap::new();
    for u in &snap.units {
        let parent = u
            .parent_id
            .and_then(|p| code_of.get(&p))
            .map(|c| c.to_string());
        tree.insert(
            u.code.clone(),
            (u.id.into(), u.name.clone(), Some(u.kind), parent),
        );
    }
    let file_units: HashMap<&str, &UnitRow> =
        data.units.iter().map(|u| (u.code.as_str(), u)).collect();
    for u in &data.units {
        let id = old_units
            .get(u.code.as_str())
            .map(|o| o.id)
            .unwrap_or_else(|| new_id().into());
        let kind = u
            .kind
            .or_else(|| old_units.get(u.code.as_str()).map(|o| o.kind));
        tree.insert(
            u.code.as_str().to_string(),
            (
                id.into(),
                u.name.clone(),
                kind,
                u.parent_code.as_ref().map(|c| c.as_str().to_string()),
            ),
        );
    }
    for u in &data.units {
        if let Some(p) = &u.parent_code {
            if !tree.contains_key(p.as_str()) {
                errors.push(RowError::new(
                    u.line,
                    "parent_unit_code",
                    format!("unit {p} is neither in the file nor in the organisation"),
                ));
            }
        }
    }
    // Paths, detecting cycles. The stored tree has none, so a cycle goes
    // through a unit the file moved: it is reported once, on the first line
    // of the file that moves one of its units.
    let mut paths: HashMap<String, (String, usize)> = HashMap::new();
    let mut cycles_seen: HashSet<Vec<String>> = HashSet::new();
    for code in tree.keys() {
        let mut chain = vec![code.clone()];
        let mut seen: HashSet<String> = HashSet::from([code.clone()]);
        let mut cur = code.clone();
        let mut cycle_from = None;
        while let Some((_, _, _, Some(parent))) = tree.get(&cur) {
            if !seen.insert(parent.clone()) {
                cycle_from = Some(parent.clone());
                break;
            }
            chain.push(parent.clone());
            cur = parent.clone();
        }
        if let Some(start) = cycle_from {
            let at = chain.iter().position(|c| *c == start).unwrap_or(0);
            let mut members = chain[at..].to_vec();
            members.sort();
            if cycles_seen.insert(members.clone()) {
                let line = members
                    .iter()
                    .filter_map(|c| file_units.get(c.as_str()).map(|u| u.line))
                    .min()
                    .unwrap_or(1);
                let mut around = chain[at..].to_vec();
                around.push(start);
                errors.push(RowError::new(
                    line,
                    "parent_unit_code",
                    format!("units would be below themselves ({})", around.join(" → ")),
                ));
            }
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

    // Managers named by the file, and each unit's site from its first person.
    let mut manager_of: HashMap<&str, &str> = HashMap::new(); // unit code -> employee number
    let mut first_site: HashMap<&str, &str> = HashMap::new();
    for p in &data.people {
        for m in &p.manages {
            if !tree.contains_key(m.as_str()) {
                errors.push(RowError::new(
                    p.line,
                    "manages",
                    format!("unit {m} is neither in the file nor in the organisation"),
                ));
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
            id: (*id).into(),
            code: code.clone(),
            name: name.clone(),
            kind: kind.unwrap_or_else(|| UnitKind::from_depth(*depth)),
            parent_id: (parent.as_ref().and_then(|p| tree.get(p)).map(|t| t.0)).map(Into::into),
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
    let mut person_ids: HashMap<&str, PersonId> = snap
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
                    errors.push(RowError::new(
                        p.line,
                        "username",
                        format!("{u} already belongs to employee {owner}"),
                    ));
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
            id: old.map(|o| o.id).unwrap_or_else(|| new_id().into()),
            employee_number: p.employee_number.as_str().to_string(),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            email: p.email.as_ref().map(|e| e.as_str().to_string()),
            title: p.title.clone(),
            unit_id: (*unit_id).into(),
            site_id: (p.site_name.as_ref().and_then(|s| site_ids.get(s)).copied()),
            commute_km: p.commute_km,
            commute_mode: p.commute_mode,
            skills,
            granted_roles: roles,
            username: p
                .username
                .as_ref()
                .map(|u| u.as_str().to_string())
                .or_else(|| old.and_then(|o| o.username.clone())),
            // An import does not deactivate or bring back anyone by itself.
            departure: old.and_then(|o| o.departure.clone()),
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
        locate(&mut errors, &data.header);
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
            ch.managers.push(((*id).into(), named));
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
    use crate::org::csv::parse_people_csv;

    use crate::org::csv::tests::GOOD;

    fn ids() -> impl FnMut() -> Uuid {
        let mut n = 0u128;
        move || {
            n += 1;
            Uuid::from_u128(n)
        }
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
            if let Some(x) = units.iter_mut().find(|x| x.id == (*u)) {
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
    fn resolve_refuses_unknown_parent_and_cycles() {
        let f = "employee_number,given_name,family_name,unit_code,unit_name,parent_unit_code\n\
            1,A,B,X,Xen,Y\n2,C,D,Y,Yen,X\n3,E,F,Z,Zen,NOPE\n";
        let d = parse_people_csv(f.as_bytes()).unwrap_or_default();
        let errs = resolve(&Snapshot::default(), &d, None, "cli", &mut ids())
            .err()
            .unwrap_or_default();
        // Both at once: the unknown parent and the cycle, on lines of the file.
        assert!(
            errs.iter()
                .any(|e| e.line == 4 && e.message.contains("NOPE")),
            "{errs:?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.line == 2 && e.message.contains("below themselves")),
            "{errs:?}"
        );
        let f = "employee_number,given_name,family_name,unit_code,unit_name,parent_unit_code\n\
            1,A,B,X,Xen,Y\n2,C,D,Y,Yen,X\n";
        let d = parse_people_csv(f.as_bytes()).unwrap_or_default();
        let errs = resolve(&Snapshot::default(), &d, None, "cli", &mut ids())
            .err()
            .unwrap_or_default();
        assert!(
            errs.iter().any(|e| e.message.contains("below themselves")),
            "{errs:?}"
        );
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod more_tests;
