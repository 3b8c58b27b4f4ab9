//! The change history of a person or a unit, from the audit log, as
//! people read it: when (local time), who, what was done in words, and
//! each field that changed from what to what — names, never ids.

use std::collections::HashMap;

use distans_core::audit::{AuditEntry, AuditFilter};
use distans_core::kernel::{Actor, Paging, Role};
use serde_json::Value;
use uuid::Uuid;

use super::ctx::{Ctx, OrPage};
use super::HtmlError;
use crate::localtime;

/// How many of the latest changes a page shows (the log has them all).
const SHOWN: i64 = 20;

/// One change as shown.
pub struct Change {
    pub when: String,
    pub who: String,
    pub what: String,
    /// Each field changed, and from what to what in words.
    pub fields: Vec<(String, String)>,
}

/// The latest changes of one record, and how many there are in all.
pub struct History {
    pub changes: Vec<Change>,
    pub total: i64,
    /// The audit log, filtered to this record.
    pub log: String,
}

/// The fields a change shows, in this order; the others are left out.
const FIELDS: &[&str] = &[
    "name",
    "given_name",
    "family_name",
    "employee_number",
    "email",
    "title",
    "unit_id",
    "parent_id",
    "manager_id",
    "deputy_id",
    "site_id",
    "skills",
    "roles",
    "username",
    "language",
    "last_day",
    "reason",
];

/// The history of `entity` `id` for those who may read the log (none for
/// others).
pub async fn history(
    c: &Ctx,
    actor: &Actor,
    entity: &str,
    id: Uuid,
) -> Result<Option<History>, HtmlError> {
    if !c.can.audit {
        return Ok(None);
    }
    let filter = AuditFilter {
        entity: Some(entity.into()),
        entity_id: Some(id.to_string()),
        from: None,
        ..Default::default()
    };
    let page = c
        .core()
        .audit
        .audit(actor, &filter, Paging::first(SHOWN))
        .await
        .or_page(c)?;
    let mut names = Names::default();
    let mut changes = Vec::with_capacity(page.items.len());
    for e in &page.items {
        changes.push(change(c, actor, e, &mut names).await);
    }
    Ok(Some(History {
        changes,
        total: page.total,
        log: format!("/logg?typ={entity}&post={id}"),
    }))
}

/// Names of the units, sites and people a history names, looked up once.
#[derive(Default)]
pub(crate) struct Names(HashMap<(String, String), String>);

impl Names {
    pub(crate) async fn of(&mut self, c: &Ctx, actor: &Actor, field: &str, id: &str) -> String {
        let key = (field.to_string(), id.to_string());
        if let Some(n) = self.0.get(&key) {
            return n.clone();
        }
        let name = lookup(c, actor, field, id)
            .await
            .unwrap_or_else(|| c.t("history-unknown"));
        self.0.insert(key, name.clone());
        name
    }
}

async fn lookup(c: &Ctx, actor: &Actor, field: &str, id: &str) -> Option<String> {
    let uuid = Uuid::parse_str(id).ok()?;
    let org = &c.core().org;
    match field {
        "unit_id" | "parent_id" => org.unit(actor, uuid.into()).await.ok().map(|u| u.unit.name),
        "site_id" => org
            .sites_with_versions(actor)
            .await
            .ok()?
            .into_iter()
            .find(|(s, _)| s.id == uuid.into())
            .map(|(s, _)| s.name),
        "manager_id" | "deputy_id" | "person" => {
            org.person(actor, uuid.into()).await.ok().map(|p| p.name)
        }
        "unit" => org.unit(actor, uuid.into()).await.ok().map(|u| u.unit.name),
        _ => None,
    }
}

/// One log entry in words.
pub(crate) async fn change(c: &Ctx, actor: &Actor, e: &AuditEntry, names: &mut Names) -> Change {
    let action = e.entry.action.replace('.', "-");
    let what = c
        .lang
        .try_t(&format!("history-{action}"))
        .unwrap_or_else(|| c.t("history-other"));
    let empty = Value::Null;
    let before = e.entry.before.as_ref().unwrap_or(&empty);
    let after = e.entry.after.as_ref().unwrap_or(&empty);
    let mut fields = vec![];
    // Only a change lists fields: an entry with nothing before (the record
    // made) or nothing after (a unit closed) changed none.
    let listed = if e.entry.before.is_some() && e.entry.after.is_some() {
        FIELDS
    } else {
        &[]
    };
    for f in listed {
        let (b, a) = (&before[*f], &after[*f]);
        if a == b {
            continue;
        }
        let label = c.t(&format!("history-field-{f}"));
        let b = shown(c, actor, f, b, names).await;
        let a = shown(c, actor, f, a, names).await;
        fields.push((
            label,
            c.lang.ta("history-from-to", &[("from", b), ("to", a)]),
        ));
    }
    Change {
        when: localtime::minute(&e.at),
        who: e.entry.actor.clone(),
        what,
        fields,
    }
}

/// A field's value in words.
async fn shown(c: &Ctx, actor: &Actor, field: &str, v: &Value, names: &mut Names) -> String {
    match v {
        Value::Null => "–".into(),
        Value::String(s) if s.is_empty() => "–".into(),
        Value::String(s) if field.ends_with("_id") => names.of(c, actor, field, s).await,
        Value::String(s) if field == "language" => match s.as_str() {
            "en" => "English".into(),
            _ => "Svenska".into(),
        },
        Value::String(s) => s.clone(),
        Value::Array(items) if field == "roles" => {
            let roles: Vec<String> = items
                .iter()
                .filter_map(Value::as_str)
                .filter_map(|r| Role::parse_granted(r).ok())
                .map(|r| c.role_name(&r))
                .collect();
            if roles.is_empty() {
                "–".into()
            } else {
                roles.join(", ")
            }
        }
        Value::Array(items) if items.is_empty() => "–".into(),
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| i.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}
