//! The SCIM representation of people and groups, read and written; the
//! groups that grant roles; the bounds of a list. Pure.

use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::kernel::{CoreError, CoreResult, Role};
use crate::org::model::{Email, EmployeeNumber, Username};
use crate::scim::filter::get_ci;
use crate::scim::model::{ScimGroup, ScimUser, Window};
use crate::scim::patch::{boolean, EXTENSIONS};

pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const ENTERPRISE: &str = EXTENSIONS[0];
pub const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// The groups whose members hold a role unless `DISTANS_SCIM_GROUPS` says otherwise.
pub const DEFAULT_GROUPS: &[(&str, Role)] = &[
    ("distans-hr", Role::Hr),
    ("distans-admin", Role::Admin),
    ("distans-auditor", Role::Auditor),
    ("distans-director", Role::Director),
    ("distans-records", Role::Records),
];

/// Reads `group=role,group=role` (roles: hr, admin, auditor, director,
/// records).
pub fn parse_group_roles(s: &str) -> Result<Vec<(String, Role)>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (g, r) = p
                .split_once('=')
                .ok_or_else(|| format!("\"{p}\" is not group=role"))?;
            let g = g.trim();
            if g.is_empty() {
                return Err(format!("\"{p}\" names no group"));
            }
            Ok((g.to_string(), Role::parse_granted(r)?))
        })
        .collect()
}

/// The roles membership in these groups grants.
pub fn roles_of(groups: &[String], mapping: &[(String, Role)]) -> Vec<Role> {
    let mut roles: Vec<Role> = mapping
        .iter()
        .filter(|(g, _)| groups.iter().any(|n| n.eq_ignore_ascii_case(g)))
        .map(|(_, r)| *r)
        .collect();
    roles.sort();
    roles.dedup();
    roles
}

/// A list's window from `startIndex` and `count`: from 1 (smaller is 1),
/// at most `max` (a negative count is 0), `default` if not given.
pub fn window(start_index: Option<i64>, count: Option<i64>, default: i64, max: i64) -> Window {
    Window {
        start_index: start_index.unwrap_or(1).max(1),
        count: count.unwrap_or(default).clamp(0, max),
    }
}

fn time(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

fn meta(
    kind: &str,
    location: String,
    created: OffsetDateTime,
    updated: OffsetDateTime,
    version: i64,
) -> Value {
    json!({
        "resourceType": kind,
        "created": time(created),
        "lastModified": time(updated),
        "location": location,
        "version": etag(version),
    })
}

/// The ETag of a version.
pub fn etag(version: i64) -> String {
    format!("W/\"{version}\"")
}

/// A user as SCIM shows them; `base` is the address of `/scim/v2`.
pub fn user_json(u: &ScimUser, base: &str) -> Value {
    let mut d = Map::new();
    let attrs = &u.attributes;
    d.insert("id".into(), json!(u.id));
    if let Some(n) = &u.user_name {
        d.insert("userName".into(), json!(n));
    }
    let mut name = Map::new();
    if !u.given_name.is_empty() {
        name.insert("givenName".into(), json!(u.given_name));
    }
    if !u.family_name.is_empty() {
        name.insert("familyName".into(), json!(u.family_name));
    }
    if !name.is_empty() {
        d.insert("name".into(), Value::Object(name));
    }
    match attrs.get("emails") {
        Some(e) => {
            d.insert("emails".into(), e.clone());
        }
        None => {
            if let Some(e) = &u.email {
                d.insert(
                    "emails".into(),
                    json!([{"value": e, "type": "work", "primary": true}]),
                );
            }
        }
    }
    d.insert("active".into(), json!(u.active));
    if let Some(x) = &u.external_id {
        d.insert("externalId".into(), json!(x));
    }
    let mut ent = Map::new();
    for k in ["employeeNumber", "department", "manager"] {
        if let Some(v) = attrs.get(k) {
            ent.insert(k.into(), v.clone());
        }
    }
    let mut schemas = vec![json!(USER)];
    if !ent.is_empty() {
        schemas.push(json!(ENTERPRISE));
        d.insert(ENTERPRISE.into(), Value::Object(ent));
    }
    d.insert("schemas".into(), Value::Array(schemas));
    d.insert(
        "meta".into(),
        meta(
            "User",
            format!("{base}/Users/{}", u.id),
            u.created_at,
            u.updated_at,
            u.version,
        ),
    );
    Value::Object(d)
}

/// A group as SCIM shows it.
pub fn group_json(g: &ScimGroup, base: &str) -> Value {
    let mut d = Map::new();
    d.insert("schemas".into(), json!([GROUP]));
    d.insert("id".into(), json!(g.id));
    d.insert("displayName".into(), json!(g.display_name));
    if let Some(x) = &g.external_id {
        d.insert("externalId".into(), json!(x));
    }
    if !g.members.is_empty() {
        d.insert(
            "members".into(),
            g.members
                .iter()
                .map(|m| match &m.person {
                    Some((id, name)) => json!({
                        "value": m.value, "display": name, "type": "User",
                        "$ref": format!("{base}/Users/{id}"),
                    }),
                    None => json!({ "value": m.value }),
                })
                .collect(),
        );
    }
    d.insert(
        "meta".into(),
        meta(
            "Group",
            format!("{base}/Groups/{}", g.id),
            g.created_at,
            g.updated_at,
            g.version,
        ),
    );
    Value::Object(d)
}

/// A user as a client wrote them (POST, PUT, or the result of a PATCH).
#[derive(Debug, Clone, PartialEq)]
pub struct UserInput {
    pub user_name: Username,
    pub given_name: String,
    pub family_name: String,
    /// The primary e-mail address, else the first.
    pub email: Option<Email>,
    pub active: bool,
    pub external_id: Option<String>,
    /// The employee number the client gave, if any.
    pub employee_number: Option<EmployeeNumber>,
    /// The department as written (a unit's name, when it names one).
    pub department: Option<String>,
    /// What the product keeps of the client's attributes it does not model.
    pub attributes: Value,
}

fn text(field: &str, v: Option<&Value>, max: usize) -> CoreResult<Option<String>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= max && !s.chars().any(char::is_control) => {
            Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty()))
        }
        Some(Value::String(_)) => Err(CoreError::invalid(
            field,
            format!("{field} must be at most {max} characters, without control characters"),
        )),
        Some(_) => Err(CoreError::invalid(
            field,
            format!("{field} must be a string"),
        )),
    }
}

/// Reads a user's representation, checking every attribute the product uses.
pub fn user_input(doc: &Value) -> CoreResult<UserInput> {
    if !doc.is_object() {
        return Err(CoreError::invalid("body", "a user must be a JSON object"));
    }
    let user_name = text("userName", get_ci(doc, "userName"), 200)?
        .ok_or_else(|| CoreError::invalid("userName", "userName is required"))?;
    let user_name = Username::parse(&user_name)
        .map_err(|e| CoreError::invalid("userName", format!("userName {e}")))?;
    let name = get_ci(doc, "name");
    let part = |k: &str| -> CoreResult<String> {
        Ok(text(&format!("name.{k}"), name.and_then(|n| get_ci(n, k)), 100)?.unwrap_or_default())
    };
    let (given_name, family_name) = (part("givenName")?, part("familyName")?);
    let mut attributes = Map::new();
    let mut email = None;
    match get_ci(doc, "emails") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            if list.len() > 20 {
                return Err(CoreError::invalid("emails", "at most 20 e-mail addresses"));
            }
            let mut first = None;
            for e in list {
                let v = text("emails.value", get_ci(e, "value"), 254)?
                    .ok_or_else(|| CoreError::invalid("emails.value", "an e-mail needs a value"))?;
                let parsed = Email::parse(&v).map_err(|m| CoreError::invalid("emails.value", m))?;
                let primary = match get_ci(e, "primary") {
                    Some(p) => boolean("emails.primary", p)?,
                    None => false,
                };
                text("emails.type", get_ci(e, "type"), 100)?;
                if primary && email.is_none() {
                    email = Some(parsed.clone());
                }
                first.get_or_insert(parsed);
            }
            email = email.or(first);
            if !list.is_empty() {
                attributes.insert("emails".into(), Value::Array(list.clone()));
            }
        }
        Some(_) => return Err(CoreError::invalid("emails", "emails must be a list")),
    }
    let active = match get_ci(doc, "active") {
        None | Some(Value::Null) => true,
        Some(v) => boolean("active", v)?,
    };
    let external_id = text("externalId", get_ci(doc, "externalId"), 200)?;
    let ent = get_ci(doc, ENTERPRISE);
    let employee_number =
        match text(
            "employeeNumber",
            ent.and_then(|e| get_ci(e, "employeeNumber")),
            64,
        )? {
            Some(n) => {
                attributes.insert("employeeNumber".into(), json!(n));
                Some(EmployeeNumber::parse(&n).map_err(|m| {
                    CoreError::invalid("employeeNumber", format!("employeeNumber {m}"))
                })?)
            }
            None => None,
        };
    let department = text("department", ent.and_then(|e| get_ci(e, "department")), 200)?;
    if let Some(d) = &department {
        attributes.insert("department".into(), json!(d));
    }
    match ent.and_then(|e| get_ci(e, "manager")) {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            let v = text(
                "manager.value",
                m.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("value"))
                    .map(|(_, v)| v),
                200,
            )?;
            if let Some(v) = v {
                attributes.insert("manager".into(), json!({"value": v}));
            }
        }
        // Some clients send the manager's id alone.
        Some(Value::String(s)) if !s.trim().is_empty() => {
            let v = text("manager", Some(&json!(s)), 200)?;
            attributes.insert("manager".into(), json!({"value": v}));
        }
        Some(Value::String(_)) => {}
        Some(_) => {
            return Err(CoreError::invalid(
                "manager",
                "manager must be an object with a value",
            ))
        }
    }
    Ok(UserInput {
        user_name,
        given_name,
        family_name,
        email,
        active,
        external_id,
        employee_number,
        department,
        attributes: Value::Object(attributes),
    })
}

/// The employee number of a new user without one: the externalId, else
/// the userName, as far as either is a valid employee number; else a
/// number made from the person's id.
pub fn fallback_employee_number(input: &UserInput, id: &str) -> EmployeeNumber {
    [input.external_id.as_deref(), Some(input.user_name.as_str())]
        .into_iter()
        .flatten()
        .find_map(|c| EmployeeNumber::parse(c).ok())
        .unwrap_or_else(|| EmployeeNumber::trusted(format!("scim-{}", id.replace('-', ""))))
}

/// A group as a client wrote it: its name, externalId and members' ids.
pub fn group_input(doc: &Value) -> CoreResult<(String, Option<String>, Vec<String>)> {
    if !doc.is_object() {
        return Err(CoreError::invalid("body", "a group must be a JSON object"));
    }
    let name = text("displayName", get_ci(doc, "displayName"), 256)?
        .ok_or_else(|| CoreError::invalid("displayName", "displayName is required"))?;
    let external_id = text("externalId", get_ci(doc, "externalId"), 200)?;
    let members = match get_ci(doc, "members") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(list)) => {
            if list.len() > 10_000 {
                return Err(CoreError::invalid("members", "at most 10000 members"));
            }
            list.iter()
                .map(|m| {
                    text("members.value", get_ci(m, "value"), 100)?.ok_or_else(|| {
                        CoreError::invalid("members.value", "a member needs a value")
                    })
                })
                .collect::<CoreResult<_>>()?
        }
        Some(_) => return Err(CoreError::invalid("members", "members must be a list")),
    };
    Ok((name, external_id, members))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_roles_read_and_grant() {
        let m = parse_group_roles("distans-hr=hr, IT=admin,").unwrap();
        assert_eq!(
            m,
            vec![("distans-hr".into(), Role::Hr), ("IT".into(), Role::Admin)]
        );
        assert!(parse_group_roles("x=employee").is_err());
        assert!(parse_group_roles("x").is_err());
        assert!(parse_group_roles("=hr").is_err());
        assert_eq!(
            roles_of(&["it".into(), "other".into()], &m),
            vec![Role::Admin]
        );
        assert_eq!(roles_of(&[], &m), vec![]);
    }

    #[test]
    fn windows_are_bounded() {
        assert_eq!(
            window(None, None, 100, 200),
            Window {
                start_index: 1,
                count: 100
            }
        );
        assert_eq!(
            window(Some(-3), Some(10_000), 100, 200),
            Window {
                start_index: 1,
                count: 200
            }
        );
        assert_eq!(
            window(Some(5), Some(-1), 100, 200),
            Window {
                start_index: 5,
                count: 0
            }
        );
    }

    #[test]
    fn a_user_is_read_with_entra_quirks() {
        let u = user_input(&json!({
            "UserName": "Anna.Lind@Kommun.se",
            "active": "False",
            "name": {"givenName": "Anna", "familyName": "Lind"},
            "emails": [{"value": "a@home.se", "type": "home"}, {"value": "anna@kommun.se", "type": "work", "primary": "True"}],
            ENTERPRISE: {"employeeNumber": "E-1", "department": "Ekonomi", "manager": {"value": "m-1"}},
        }))
        .unwrap();
        assert_eq!(u.user_name.as_str(), "anna.lind@kommun.se");
        assert!(!u.active);
        assert_eq!(
            u.email.unwrap().as_str(),
            "anna@kommun.se",
            "the primary address"
        );
        assert_eq!(u.department.as_deref(), Some("Ekonomi"));
        assert_eq!(u.attributes["manager"]["value"], "m-1");
    }

    #[test]
    fn a_bad_user_names_the_attribute() {
        for (doc, field) in [
            (json!({}), "userName"),
            (json!({"userName": 3}), "userName"),
            (json!({"userName": "a b"}), "userName"),
            (
                json!({"userName": "ab", "emails": [{"value": "nope"}]}),
                "emails.value",
            ),
            (json!({"userName": "ab", "emails": {}}), "emails"),
            (json!({"userName": "ab", "active": "maybe"}), "active"),
            (
                json!({"userName": "ab", "name": {"givenName": 1}}),
                "name.givenName",
            ),
            (
                json!({"userName": "ab", ENTERPRISE: {"employeeNumber": "a b"}}),
                "employeeNumber",
            ),
            (json!([]), "body"),
        ] {
            assert_eq!(user_input(&doc).unwrap_err().field(), Some(field), "{doc}");
        }
    }

    #[test]
    fn a_new_user_without_a_number_gets_a_stable_one() {
        let mut u =
            user_input(&json!({"userName": "anna@kommun.se", "externalId": "E17"})).unwrap();
        assert_eq!(fallback_employee_number(&u, "x").as_str(), "E17");
        u.external_id = None;
        assert_eq!(
            fallback_employee_number(&u, "0190-ab").as_str(),
            "scim-0190ab",
            "a userName with @ is no employee number"
        );
        u.user_name = Username::parse("anna.lind").unwrap();
        assert_eq!(fallback_employee_number(&u, "x").as_str(), "anna.lind");
    }

    #[test]
    fn a_user_shows_what_was_written() {
        let doc = json!({
            "userName": "anna",
            "name": {"givenName": "Anna"},
            "emails": [{"value": "anna@kommun.se", "type": "work"}],
            ENTERPRISE: {"department": "Ekonomi"},
        });
        let i = user_input(&doc).unwrap();
        let u = ScimUser {
            id: crate::kernel::PersonId::from_u128(1),
            user_name: Some(i.user_name.into_inner()),
            given_name: i.given_name,
            family_name: i.family_name,
            email: i.email.map(|e| e.into_inner()),
            employee_number: "anna".into(),
            external_id: None,
            attributes: i.attributes,
            active: true,
            deleted: false,
            version: 3,
            created_at: OffsetDateTime::UNIX_EPOCH,
            updated_at: OffsetDateTime::UNIX_EPOCH,
        };
        let out = user_json(&u, "https://x/scim/v2");
        assert_eq!(out["name"], json!({"givenName": "Anna"}));
        assert_eq!(out["emails"], doc["emails"]);
        assert_eq!(out[ENTERPRISE], json!({"department": "Ekonomi"}));
        assert_eq!(out["meta"]["version"], "W/\"3\"");
        assert_eq!(
            out["meta"]["location"],
            format!("https://x/scim/v2/Users/{}", u.id)
        );
    }
}
