//! PATCH (RFC 7644 §3.5.2) applied to a resource's JSON representation:
//! `add`, `replace` and `remove`, with and without `path`, value filters
//! (`emails[type eq "work"].value`, `members[value eq "…"]`) and extension
//! URNs (`urn:…:enterprise:2.0:User:manager`). Microsoft Entra ID's ways
//! are accepted: capitalised operations ("Replace"), booleans as strings
//! ("False"), a path-less value whose keys are paths. Pure: the service
//! parses the result as a whole resource, so a PATCH is checked exactly
//! like a PUT and nothing is half applied.

use serde_json::{Map, Value};

use crate::kernel::{CoreError, CoreResult};
use crate::scim::filter::{self, Filter};

/// The extension URNs the product knows (names before an attribute).
pub const EXTENSIONS: &[&str] = &["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Add,
    Replace,
    Remove,
}

/// A PATCH path: the extension it is in (if any), the attribute, a value
/// filter, and a sub-attribute.
#[derive(Debug, Clone, PartialEq)]
struct Path {
    urn: Option<String>,
    attr: Option<String>,
    filter: Option<Filter>,
    sub: Option<String>,
}

fn invalid_path(p: &str, why: &str) -> CoreError {
    CoreError::invalid("path", format!("\"{p}\": {why}"))
}

fn parse_path(p: &str) -> CoreResult<Path> {
    let p = p.trim();
    if p.is_empty() || p.len() > 500 {
        return Err(invalid_path(p, "must be 1 to 500 characters"));
    }
    // The extension URN, if the path starts with one.
    let (urn, rest) = match EXTENSIONS
        .iter()
        .find(|u| p.len() >= u.len() && p[..u.len()].eq_ignore_ascii_case(u))
    {
        Some(u) => {
            let rest = &p[u.len()..];
            match rest.strip_prefix(':') {
                Some(r) => (Some(u.to_string()), r),
                None if rest.is_empty() => (Some(u.to_string()), ""),
                None => return Err(invalid_path(p, "unknown schema")),
            }
        }
        None if p.to_ascii_lowercase().starts_with("urn:") => {
            // The core schema's own URN may prefix an attribute.
            let core = "urn:ietf:params:scim:schemas:core:2.0:";
            let lower = p.to_ascii_lowercase();
            let known = ["user:", "group:"]
                .iter()
                .map(|k| format!("{core}{k}"))
                .find(|k| lower.starts_with(k.as_str()));
            match known {
                Some(k) => (None, &p[k.len()..]),
                None => return Err(invalid_path(p, "unknown schema")),
            }
        }
        None => (None, p),
    };
    if rest.is_empty() {
        return Ok(Path {
            urn,
            attr: None,
            filter: None,
            sub: None,
        });
    }
    let (attr, filter, sub) = match rest.find('[') {
        Some(i) => {
            let close = rest
                .rfind(']')
                .filter(|c| *c > i)
                .ok_or_else(|| invalid_path(p, "a \"[\" is not closed"))?;
            let f = filter::parse(&rest[i + 1..close]).map_err(|e| invalid_path(p, &e))?;
            let after = &rest[close + 1..];
            let sub = match after {
                "" => None,
                s => Some(
                    s.strip_prefix('.')
                        .filter(|s| !s.is_empty())
                        .ok_or_else(|| invalid_path(p, "expected \".attribute\" after \"]\""))?
                        .to_string(),
                ),
            };
            (rest[..i].to_string(), Some(f), sub)
        }
        None => match rest.split_once('.') {
            Some((a, s)) => (a.to_string(), None, Some(s.to_string())),
            None => (rest.to_string(), None, None),
        },
    };
    let word = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '-')
    };
    if !word(&attr) || sub.as_deref().is_some_and(|s| !word(s)) {
        return Err(invalid_path(p, "is not an attribute path"));
    }
    Ok(Path {
        urn,
        attr: Some(attr),
        filter,
        sub,
    })
}

/// The key of `obj` equal to `name` but for case, or `name`.
fn key_of(obj: &Map<String, Value>, name: &str) -> String {
    obj.keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .unwrap_or_else(|| name.to_string())
}

/// The object `name` of `obj`, made if missing.
fn object_in<'a>(
    obj: &'a mut Map<String, Value>,
    name: &str,
) -> CoreResult<&'a mut Map<String, Value>> {
    let k = key_of(obj, name);
    let v = obj.entry(k).or_insert_with(|| Value::Object(Map::new()));
    if v.is_null() {
        *v = Value::Object(Map::new());
    }
    v.as_object_mut()
        .ok_or_else(|| CoreError::invalid(name, "is not a complex attribute"))
}

/// Applies the body of a PATCH request (`Operations`) to `doc`.
pub fn apply(doc: &mut Value, body: &Value) -> CoreResult<()> {
    let ops = filter::get_ci(body, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| CoreError::invalid("Operations", "a PATCH needs a list of Operations"))?;
    if ops.len() > 1000 {
        return Err(CoreError::invalid("Operations", "at most 1000 operations"));
    }
    for op in ops {
        let kind = match filter::get_ci(op, "op")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("add") => Kind::Add,
            Some("replace") => Kind::Replace,
            Some("remove") => Kind::Remove,
            _ => return Err(CoreError::invalid("op", "must be add, replace or remove")),
        };
        let value = filter::get_ci(op, "value").cloned();
        match filter::get_ci(op, "path").and_then(Value::as_str) {
            Some(p) => one(doc, kind, &parse_path(p)?, value)?,
            None => {
                if kind == Kind::Remove {
                    return Err(CoreError::invalid("path", "remove needs a path"));
                }
                let Some(Value::Object(map)) = value else {
                    return Err(CoreError::invalid(
                        "value",
                        "without a path, the value must be an object",
                    ));
                };
                for (k, v) in map {
                    let p = parse_path(&k)?;
                    match (&p.attr, v) {
                        // An extension as a whole: each of its attributes.
                        (None, Value::Object(inner)) => {
                            for (ik, iv) in inner {
                                let mut ip = parse_path(&ik)?;
                                ip.urn.clone_from(&p.urn);
                                one(doc, kind, &ip, Some(iv))?;
                            }
                        }
                        (_, v) => one(doc, kind, &p, Some(v))?,
                    }
                }
            }
        }
    }
    Ok(())
}

fn one(doc: &mut Value, kind: Kind, p: &Path, value: Option<Value>) -> CoreResult<()> {
    let root = doc
        .as_object_mut()
        .ok_or_else(|| CoreError::internal("a resource is not an object"))?;
    let container = match &p.urn {
        Some(u) => object_in(root, u)?,
        None => root,
    };
    let Some(attr) = &p.attr else {
        // The extension itself.
        match (kind, value) {
            (Kind::Remove, _) => container.clear(),
            (_, Some(Value::Object(m))) => {
                for (k, v) in m {
                    let key = key_of(container, &k);
                    container.insert(key, v);
                }
            }
            _ => return Err(CoreError::invalid("value", "must be an object")),
        }
        return Ok(());
    };
    let key = key_of(container, attr);
    if kind != Kind::Remove && value.is_none() {
        return Err(CoreError::invalid(
            "value",
            format!("{kind:?} needs a value").to_lowercase(),
        ));
    }
    match (&p.filter, &p.sub) {
        (None, None) => match (kind, value) {
            (Kind::Remove, Some(Value::Array(gone))) => {
                // Remove these members / values of a multi-valued attribute.
                if let Some(Value::Array(items)) = container.get_mut(&key) {
                    items.retain(|i| !gone.iter().any(|g| same_item(i, g)));
                }
            }
            (Kind::Remove, _) => {
                container.remove(&key);
            }
            (Kind::Add, Some(Value::Array(new))) => match container.get_mut(&key) {
                Some(Value::Array(items)) => {
                    for n in new {
                        if !items.iter().any(|i| same_item(i, &n)) {
                            items.push(n);
                        }
                    }
                }
                _ => {
                    container.insert(key, Value::Array(new));
                }
            },
            (Kind::Add, Some(Value::Object(m)))
                if container.get(&key).is_some_and(Value::is_object) =>
            {
                let inner = object_in(container, &key)?;
                for (k, v) in m {
                    let ik = key_of(inner, &k);
                    inner.insert(ik, v);
                }
            }
            (_, Some(v)) => {
                container.insert(key, v);
            }
            (_, None) => {}
        },
        (None, Some(sub)) => {
            let inner = object_in(container, &key)?;
            let sk = key_of(inner, sub);
            match (kind, value) {
                (Kind::Remove, _) => {
                    inner.remove(&sk);
                }
                (_, Some(v)) => {
                    inner.insert(sk, v);
                }
                (_, None) => {}
            }
        }
        (Some(f), sub) => {
            let items = container
                .entry(key.clone())
                .or_insert_with(|| Value::Array(vec![]));
            if items.is_null() {
                *items = Value::Array(vec![]);
            }
            let items = items
                .as_array_mut()
                .ok_or_else(|| CoreError::invalid(attr.as_str(), "is not multi-valued"))?;
            let hits: Vec<usize> = (0..items.len())
                .filter(|i| filter::matches(f, &items[*i]))
                .collect();
            match (kind, sub) {
                (Kind::Remove, None) => {
                    let mut i = 0;
                    items.retain(|_| {
                        let keep = !hits.contains(&i);
                        i += 1;
                        keep
                    });
                }
                (Kind::Remove, Some(s)) => {
                    for i in hits {
                        if let Some(o) = items[i].as_object_mut() {
                            let k = key_of(o, s);
                            o.remove(&k);
                        }
                    }
                }
                (_, Some(s)) => {
                    let v = value.unwrap_or(Value::Null);
                    if hits.is_empty() {
                        // No such value yet: make it, with what the filter says.
                        let mut o = seed(f);
                        o.insert(s.clone(), v);
                        items.push(Value::Object(o));
                    } else {
                        for i in hits {
                            if let Some(o) = items[i].as_object_mut() {
                                let k = key_of(o, s);
                                o.insert(k, v.clone());
                            }
                        }
                    }
                }
                (_, None) => {
                    let v = value.unwrap_or(Value::Null);
                    if hits.is_empty() {
                        items.push(v);
                    } else {
                        for i in hits {
                            items[i] = v.clone();
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// The attributes an `a eq "v"` filter (or several joined by `and`) names.
fn seed(f: &Filter) -> Map<String, Value> {
    let mut m = Map::new();
    match f {
        Filter::Cmp {
            attr,
            op: filter::Op::Eq,
            value: Some(v),
        } => {
            m.insert(attr.clone(), v.clone());
        }
        Filter::And(a, b) => {
            m.extend(seed(a));
            m.extend(seed(b));
        }
        _ => {}
    }
    m
}

/// Two values of a multi-valued attribute are the same when their `value`s
/// are (members, e-mails), else when they are equal.
fn same_item(a: &Value, b: &Value) -> bool {
    match (filter::get_ci(a, "value"), filter::get_ci(b, "value")) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// A boolean as Entra ID may send it: `true`, `"True"`, `"false"`.
pub fn boolean(field: &str, v: &Value) -> CoreResult<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(CoreError::invalid(field, "must be true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ENT: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    fn user() -> Value {
        json!({
            "userName": "anna",
            "active": true,
            "name": {"givenName": "Anna", "familyName": "Lind"},
            "emails": [{"value": "anna@kommun.se", "type": "work", "primary": true}],
        })
    }

    fn patched(ops: Value) -> Value {
        let mut d = user();
        apply(&mut d, &json!({ "Operations": ops })).unwrap();
        d
    }

    #[test]
    fn entra_replaces_active_with_a_string_and_a_capital_op() {
        let d = patched(json!([{"op": "Replace", "path": "active", "value": "False"}]));
        assert!(!boolean("active", &d["active"]).unwrap());
        let d = patched(json!([{"op": "replace", "value": {"active": "True"}}]));
        assert!(boolean("active", &d["active"]).unwrap());
        assert!(boolean("active", &json!("nope")).is_err());
    }

    #[test]
    fn value_filters_change_or_make_the_value_they_name() {
        let d = patched(
            json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "ny@kommun.se"}]),
        );
        assert_eq!(d["emails"][0]["value"], "ny@kommun.se");
        assert_eq!(
            d["emails"][0]["primary"], true,
            "the rest of the value stays"
        );
        let d = patched(
            json!([{"op": "add", "path": "emails[type eq \"home\"].value", "value": "a@home.se"}]),
        );
        assert_eq!(
            d["emails"][1],
            json!({"type": "home", "value": "a@home.se"})
        );
        let d = patched(json!([{"op": "remove", "path": "emails[type eq \"work\"]"}]));
        assert_eq!(d["emails"], json!([]));
    }

    #[test]
    fn extension_paths_and_path_less_values() {
        let d = patched(json!([
            {"op": "Add", "path": format!("{ENT}:manager"), "value": {"value": "m-1"}},
            {"op": "Add", "path": format!("{ENT}:department"), "value": "Ekonomi"},
        ]));
        assert_eq!(d[ENT]["manager"]["value"], "m-1");
        assert_eq!(d[ENT]["department"], "Ekonomi");
        let d = patched(
            json!([{"op": "replace", "value": {"name.givenName": "Anne", ENT: {"employeeNumber": "17"}}}]),
        );
        assert_eq!(d["name"]["givenName"], "Anne");
        assert_eq!(d["name"]["familyName"], "Lind");
        assert_eq!(d[ENT]["employeeNumber"], "17");
        let d = patched(json!([{"op": "remove", "path": format!("{ENT}:manager")}]));
        assert!(d[ENT].get("manager").is_none());
    }

    #[test]
    fn members_are_added_and_removed_by_value_or_filter() {
        let mut g = json!({"displayName": "g", "members": [{"value": "a"}]});
        let ops = json!({"Operations": [
            {"op": "add", "path": "members", "value": [{"value": "b"}, {"value": "a"}]},
            {"op": "remove", "path": "members[value eq \"a\"]"},
            {"op": "Remove", "path": "members", "value": [{"value": "c"}]},
        ]});
        apply(&mut g, &ops).unwrap();
        assert_eq!(g["members"], json!([{"value": "b"}]));
        apply(
            &mut g,
            &json!({"Operations": [{"op": "remove", "path": "members"}]}),
        )
        .unwrap();
        assert!(g.get("members").is_none());
    }

    #[test]
    fn a_bad_operation_names_what_is_wrong() {
        let mut d = user();
        for (ops, field) in [
            (json!({}), "Operations"),
            (json!({"Operations": [{"op": "move", "path": "a"}]}), "op"),
            (json!({"Operations": [{"op": "remove"}]}), "path"),
            (json!({"Operations": [{"op": "add", "value": 3}]}), "value"),
            (
                json!({"Operations": [{"op": "add", "path": "emails[type eq", "value": 3}]}),
                "path",
            ),
            (
                json!({"Operations": [{"op": "add", "path": "urn:x:y", "value": 3}]}),
                "path",
            ),
            (
                json!({"Operations": [{"op": "add", "path": "name.givenName"}]}),
                "value",
            ),
        ] {
            assert_eq!(
                apply(&mut d, &ops).unwrap_err().field(),
                Some(field),
                "{ops}"
            );
        }
    }
}
