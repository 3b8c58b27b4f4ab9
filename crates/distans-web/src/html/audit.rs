//! The audit log, a page at a time, and the check of its hash chain.

use askama::Template;
use axum::extract::Query;
use distans_core::audit::{AuditEntry, AuditFilter, ChainReport};
use serde::Deserialize;

use super::ctx::{render, OrPage};
use super::pager::{paging, Pager};
use super::{Ctx, Reply};

/// A moment to the second, marked UTC.
pub fn second_utc(t: &time::OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    t.format(&f).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    c: &'a Ctx,
    entries: Vec<AuditEntry>,
    pager: Pager,
    report: Option<ChainReport>,
}

#[derive(Deserialize)]
pub struct AuditPageQuery {
    sida: Option<i64>,
    kontroll: Option<String>,
}

impl AuditPage<'_> {
    fn when(&self, e: &AuditEntry) -> String {
        second_utc(&e.at)
    }
    fn short(&self, h: &str) -> String {
        h.chars().take(12).collect()
    }
}

pub async fn audit_page(mut c: Ctx, Query(q): Query<AuditPageQuery>) -> Reply {
    let actor = c.page("audit").await?;
    let (page, paging) = paging(q.sida);
    let audit = &c.core().audit;
    let entries = audit
        .audit(&actor, &AuditFilter::default(), paging)
        .await
        .or_page(&c)?;
    let report = if q.kontroll.is_some() {
        Some(audit.verify_audit(Some(&actor)).await.or_page(&c)?)
    } else {
        None
    };
    let pager = Pager::new(&entries, page, "/logg");
    render(
        &c,
        &AuditPage {
            c: &c,
            entries: entries.items,
            pager,
            report,
        },
    )
}
