//! The audit log, a page at a time, and the check of its hash chain.

use askama::Template;
use axum::extract::Query;
use distans_core::audit::{AuditEntry, AuditFilter, ChainReport};
use distans_core::kernel::dates::parse_date;
use distans_core::kernel::{Actor, Paging};
use serde::Deserialize;
use time::OffsetDateTime;

use super::history::{change, Change, Names};

use super::ctx::{render, OrPage};
use super::pager::{paging, Pager};
use super::{Ctx, Reply};

/// The record kinds the filter offers, as the log names them.
const KINDS: &[&str] = &[
    "person",
    "unit",
    "site",
    "request",
    "agreement",
    "agreement_template",
    "policy",
    "temporary_decision",
    "absence",
    "followup",
    "followup_action",
    "checklist",
    "deviation",
    "equipment",
    "loan",
    "legal_hold",
    "disposal_rule",
    "privacy_notice",
    "token",
    "scim_token",
    "scim_group",
];

/// An entry as the page shows it: in words, local time, names.
pub struct Shown {
    pub seq: i64,
    pub change: Change,
    /// What the entry is about: the kind in words and, for a person or a
    /// unit, its name and a link to its log.
    pub about: String,
    pub about_name: Option<String>,
    pub link: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    c: &'a Ctx,
    entries: Vec<Shown>,
    pager: Pager,
    report: Option<ChainReport>,
    /// Only the entries about one record are shown.
    filtered: bool,
    q: AuditPageQuery,
    kinds: Vec<(&'static str, String)>,
    /// A filter that could not be read: its field and what is wrong.
    error: Option<(&'static str, String)>,
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[derive(Deserialize, Default, Clone)]
pub struct AuditPageQuery {
    sida: Option<i64>,
    kontroll: Option<String>,
    /// Only the entries about one record: its kind (`person`, `unit`, …)
    /// and its id.
    typ: Option<String>,
    post: Option<String>,
    /// Who did it: a part of their name.
    vem: Option<String>,
    /// From and to this day (local dates, both included).
    fran: Option<String>,
    till: Option<String>,
}

impl AuditPageQuery {
    fn get(v: &Option<String>) -> &str {
        v.as_deref().map(str::trim).unwrap_or("")
    }
    /// The filters as a query string, for paging.
    fn base(&self) -> String {
        let parts: Vec<String> = [
            ("typ", &self.typ),
            ("post", &self.post),
            ("vem", &self.vem),
            ("fran", &self.fran),
            ("till", &self.till),
        ]
        .iter()
        .filter(|(_, v)| !Self::get(v).is_empty())
        .map(|(k, v)| format!("{k}={}", enc(Self::get(v))))
        .collect();
        if parts.is_empty() {
            "/logg".into()
        } else {
            format!("/logg?{}", parts.join("&"))
        }
    }
}

impl AuditPage<'_> {
    fn val(&self, field: &str) -> &str {
        AuditPageQuery::get(match field {
            "vem" => &self.q.vem,
            "fran" => &self.q.fran,
            "till" => &self.q.till,
            _ => &self.q.typ,
        })
    }
    fn has_error(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|(f, _)| *f == field)
    }
}

/// A filter's day as the start of that day in the organisation's time.
fn day_start(
    c: &Ctx,
    field: &'static str,
    v: &str,
    next: bool,
) -> Result<Option<OffsetDateTime>, (&'static str, String)> {
    if v.is_empty() {
        return Ok(None);
    }
    let d = parse_date(field, v).map_err(|_| (field, c.t("audit-bad-date")))?;
    let d = if next { d.next_day().unwrap_or(d) } else { d };
    Ok(Some(crate::localtime::start_of(d)))
}

pub async fn audit_page(mut c: Ctx, Query(q): Query<AuditPageQuery>) -> Reply {
    let actor = c.page("audit").await?;
    let (page, paging) = paging(q.sida);
    let audit = &c.core().audit;
    let get = AuditPageQuery::get;
    let mut error = None;
    let from = day_start(&c, "fran", get(&q.fran), false).unwrap_or_else(|e| {
        error = Some(e);
        None
    });
    let to = day_start(&c, "till", get(&q.till), true).unwrap_or_else(|e| {
        error = Some(e);
        None
    });
    let actors = match get(&q.vem) {
        "" => None,
        name => {
            let found = c
                .core()
                .org
                .people(&actor, None, true, Some(name), Paging::first(100))
                .await
                .or_page(&c)?;
            if found.items.is_empty() {
                error = Some(("vem", c.t("audit-nobody")));
            }
            Some(found.items.into_iter().map(|p| p.id).collect())
        }
    };
    let filter = AuditFilter {
        entity: q.typ.clone().filter(|t| !t.trim().is_empty()),
        entity_id: q.post.clone().filter(|p| !p.trim().is_empty()),
        from,
        to,
        actors,
    };
    let entries = audit.audit(&actor, &filter, paging).await.or_page(&c)?;
    let report = if q.kontroll.is_some() {
        Some(audit.verify_audit(Some(&actor)).await.or_page(&c)?)
    } else {
        None
    };
    let base = q.base();
    let filtered = filter.entity_id.is_some();
    let pager = Pager::new(&entries, page, &base);
    let mut names = Names::default();
    let mut shown = Vec::with_capacity(entries.items.len());
    for e in &entries.items {
        shown.push(show(&c, &actor, e, &mut names).await);
    }
    let kinds = KINDS
        .iter()
        .map(|k| (*k, c.t(&format!("audit-entity-{k}"))))
        .collect();
    render(
        &c,
        &AuditPage {
            c: &c,
            entries: shown,
            pager,
            report,
            filtered,
            q,
            kinds,
            error,
        },
    )
}

async fn show(c: &Ctx, actor: &Actor, e: &AuditEntry, names: &mut Names) -> Shown {
    let mut change = change(c, actor, e, names).await;
    if change.who.is_empty() || change.who == "system" {
        change.who = c.t("audit-by-system");
    }
    let entity = e.entry.entity.as_str();
    let about = c
        .lang
        .try_t(&format!("audit-entity-{entity}"))
        .unwrap_or_else(|| c.t("audit-entity-other"));
    let about_name = match entity {
        "person" | "unit" => Some(names.of(c, actor, entity, &e.entry.entity_id).await),
        _ => None,
    };
    Shown {
        seq: e.seq,
        change,
        about,
        about_name,
        link: format!("/logg?typ={}&post={}", enc(entity), enc(&e.entry.entity_id)),
    }
}
