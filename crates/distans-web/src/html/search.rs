//! The search page (`/sok?q=`): people, units, agreements and requests the
//! searcher may see, grouped by kind, in words, each linked to its page.

use askama::Template;
use axum::extract::Query;
use distans_core::search::{rules, SearchKind, SearchResults};
use distans_core::CoreError;
use serde::Deserialize;

use crate::html::cases::{agreement_state_name, state_name};
use crate::html::ctx::OrPage;
use crate::html::form::{render_form, FormErrors};
use crate::html::{Ctx, Reply};

#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    kind: Option<String>,
    sida: Option<String>,
}

/// One group of hits as the page shows it.
pub struct Group {
    pub kind: &'static str,
    pub heading: String,
    pub items: Vec<Hit>,
    /// "Show more" (all kinds) or the next page (one kind).
    pub more: Option<String>,
    pub prev: Option<String>,
}

/// A hit: its words and where it leads.
pub struct Hit {
    pub href: String,
    pub title: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    c: &'a Ctx,
    q: String,
    kind: Option<&'static str>,
    errors: FormErrors,
    searched: bool,
    groups: Vec<Group>,
    page: i64,
}

fn url(q: &str, kind: SearchKind, page: i64) -> String {
    let mut s = format!(
        "/sok?{}",
        serde_urlencoded::to_string([("q", q), ("kind", kind.as_str())]).unwrap_or_default()
    );
    if page > 1 {
        s.push_str(&format!("&sida={page}"));
    }
    s
}

fn groups(c: &Ctx, r: SearchResults, q: &str, kind: Option<SearchKind>, page: i64) -> Vec<Group> {
    let date = |d: time::Date| d.to_string();
    let from = c.t("search-from");
    let links = |k: SearchKind, more: bool| match kind {
        None => (more.then(|| url(q, k, 1)), None),
        Some(_) => (
            more.then(|| url(q, k, page + 1)),
            (page > 1).then(|| url(q, k, page - 1)),
        ),
    };
    // A kind's group: its heading, its hits and its links on.
    let group = |k: SearchKind, items: Vec<Hit>, more: bool| {
        let (more, prev) = links(k, more);
        let heading = match k {
            SearchKind::People => "search-people-heading",
            SearchKind::Units => "search-units-heading",
            SearchKind::Agreements => "search-agreements-heading",
            SearchKind::Requests => "search-requests-heading",
        };
        Group {
            kind: k.as_str(),
            heading: c.t(heading),
            items,
            more,
            prev,
        }
    };
    let people = r.people.items.into_iter().map(|p| Hit {
        href: format!("/personer/{}", p.id),
        title: p.name,
        detail: match p.title {
            Some(t) if !t.trim().is_empty() => format!("{t}, {}", p.unit_name),
            _ => p.unit_name,
        },
    });
    let units = r.units.items.into_iter().map(|u| Hit {
        href: format!("/enheter/{}", u.id),
        title: u.name,
        detail: u
            .parent_name
            .map(|p| c.ta("search-unit-within", "parent", &p))
            .unwrap_or_default(),
    });
    // A hit on a person's agreement or request: its page, "… of <name>"
    // and its detail.
    let of_person = |href: String, title: &str, name: &str, detail: String| Hit {
        href,
        title: c.ta(title, "name", name),
        detail,
    };
    let agreements = r.agreements.items.into_iter().map(|g| {
        let state = agreement_state_name(c, &g.state);
        let detail = format!("{state}, {} {}, {}", from, date(g.start), g.unit_name);
        let href = format!("/overenskommelser/{}", g.id);
        of_person(href, "search-agreement-of", &g.person_name, detail)
    });
    let requests = r.requests.items.into_iter().map(|x| {
        let days = c.ta("search-days-a-week", "days", &x.days_per_week.to_string());
        let detail = format!(
            "{}, {days}, {} {}",
            state_name(c, &x.state),
            from,
            date(x.start)
        );
        let href = format!("/ansokningar/{}", x.id);
        of_person(href, "search-request-of", &x.person_name, detail)
    });
    let mut out = vec![
        group(SearchKind::People, people.collect(), r.people.more),
        group(SearchKind::Units, units.collect(), r.units.more),
        group(
            SearchKind::Agreements,
            agreements.collect(),
            r.agreements.more,
        ),
        group(SearchKind::Requests, requests.collect(), r.requests.more),
    ];
    out.retain(|g| kind.is_none_or(|k| k.as_str() == g.kind));
    out
}

pub async fn search_page(mut c: Ctx, Query(p): Query<SearchParams>) -> Reply {
    let actor = c.page("search").await?;
    let raw = p.q.trim().to_string();
    let mut errors = FormErrors::default();
    let mut groups_found = vec![];
    let mut kind_name = None;
    let mut page = 1;
    if !raw.is_empty() {
        let asked = rules::parse_kind(p.kind.as_deref()).and_then(|kind| {
            let page: Option<i64> = match p.sida.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(s) => Some(
                    s.parse()
                        .map_err(|_| CoreError::invalid("page", "must be a whole number"))?,
                ),
            };
            Ok((kind, page))
        });
        match asked.and_then(|(kind, page)| Ok((rules::query(&raw, kind, page)?, page))) {
            Ok((q, asked_page)) => {
                page = asked_page.unwrap_or(1);
                kind_name = q.kind.map(SearchKind::as_str);
                let found = c.core().search.search(&actor, &q).await.or_page(&c)?;
                groups_found = groups(&c, found, &q.text, q.kind, page);
            }
            Err(e) => {
                let msg = match e.field() {
                    Some("q") => c.t("search-too-short"),
                    _ => c.t("search-bad-page"),
                };
                errors = FormErrors(vec![("search-q".into(), msg)]);
            }
        }
    }
    let page_view = SearchPage {
        c: &c,
        searched: !raw.is_empty() && errors.is_empty(),
        q: raw,
        kind: kind_name,
        errors,
        groups: groups_found,
        page,
    };
    render_form(&c, &page_view, &page_view.errors)
}

impl SearchPage<'_> {
    fn nothing(&self) -> bool {
        self.groups.iter().all(|g| g.items.is_empty())
    }
}
