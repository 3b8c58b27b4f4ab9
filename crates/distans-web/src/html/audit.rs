//! The audit log, a page at a time, and the check of its hash chain.

use askama::Template;
use axum::extract::Query;
use distans_core::audit::{AuditEntry, AuditFilter, ChainReport};
use serde::Deserialize;

use super::ctx::{render, OrPage};
use super::pager::{paging, Pager};
use super::{Ctx, Reply};

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    c: &'a Ctx,
    entries: Vec<AuditEntry>,
    pager: Pager,
    report: Option<ChainReport>,
    /// Only the entries about one record are shown.
    filtered: bool,
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[derive(Deserialize)]
pub struct AuditPageQuery {
    sida: Option<i64>,
    kontroll: Option<String>,
    /// Only the entries about one record: its kind (`person`, `unit`, …)
    /// and its id.
    typ: Option<String>,
    post: Option<String>,
}

impl AuditPage<'_> {
    fn when(&self, e: &AuditEntry) -> String {
        crate::localtime::second(&e.at)
    }
    fn short(&self, h: &str) -> String {
        h.chars().take(12).collect()
    }
}

pub async fn audit_page(mut c: Ctx, Query(q): Query<AuditPageQuery>) -> Reply {
    let actor = c.page("audit").await?;
    let (page, paging) = paging(q.sida);
    let audit = &c.core().audit;
    let filter = AuditFilter {
        entity: q.typ.clone().filter(|t| !t.is_empty()),
        entity_id: q.post.clone().filter(|p| !p.is_empty()),
        from: None,
    };
    let entries = audit.audit(&actor, &filter, paging).await.or_page(&c)?;
    let report = if q.kontroll.is_some() {
        Some(audit.verify_audit(Some(&actor)).await.or_page(&c)?)
    } else {
        None
    };
    let base = match (&filter.entity, &filter.entity_id) {
        (Some(t), Some(p)) => format!("/logg?typ={}&post={}", enc(t), enc(p)),
        (Some(t), None) => format!("/logg?typ={}", enc(t)),
        (None, Some(p)) => format!("/logg?post={}", enc(p)),
        (None, None) => "/logg".into(),
    };
    let filtered = base != "/logg";
    let pager = Pager::new(&entries, page, &base);
    render(
        &c,
        &AuditPage {
            c: &c,
            entries: entries.items,
            pager,
            report,
            filtered,
        },
    )
}
