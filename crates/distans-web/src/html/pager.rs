//! Long lists a page at a time: `?sida=N`, "page N of M" with previous and
//! next links.

use distans_core::kernel::{Page, Paging};

pub const PAGE_SIZE: i64 = 50;

pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// The pager of page `page` of `p`; its links are `base` with `sida`.
    pub fn new<T>(p: &Page<T>, page: i64, base: &str) -> Pager {
        let pages = ((p.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let sep = if base.contains('?') { '&' } else { '?' };
        Pager {
            page,
            pages,
            total: p.total,
            prev: (page > 1).then(|| format!("{base}{sep}sida={}", page - 1)),
            next: (page < pages).then(|| format!("{base}{sep}sida={}", page + 1)),
        }
    }
}

/// The page asked for (`?sida=`, from 1) and the part of the list it shows.
pub fn paging(page: Option<i64>) -> (i64, Paging) {
    let page = page.unwrap_or(1).clamp(1, 100_000);
    (
        page,
        Paging {
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
        },
    )
}
