//! Bounded lists: every list request is a [`Paging`], every answer a [`Page`].

use serde::{Deserialize, Serialize};

use crate::kernel::error::CoreError;

/// A page of a list, as the API returns it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// The offset of the next page, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<i64>,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, offset: i64) -> Self {
        let end = offset + items.len() as i64;
        let next = if end < total { Some(end) } else { None };
        Page { items, total, next }
    }

    /// The same page with each item made into another.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            next: self.next,
        }
    }
}

/// Limit and offset of a list request, bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub limit: i64,
    pub offset: i64,
}

impl Paging {
    pub const MAX_LIMIT: i64 = 500;
    pub const DEFAULT_LIMIT: i64 = 50;

    /// The first `limit` items.
    pub fn first(limit: i64) -> Paging {
        Paging { limit, offset: 0 }
    }

    pub fn parse(limit: Option<i64>, offset: Option<i64>) -> Result<Paging, CoreError> {
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT);
        let offset = offset.unwrap_or(0);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(CoreError::invalid(
                "limit",
                format!("must be between 1 and {}", Self::MAX_LIMIT),
            ));
        }
        if offset < 0 {
            return Err(CoreError::invalid("offset", "must not be negative"));
        }
        Ok(Paging { limit, offset })
    }
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            limit: Self::DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_is_bounded() {
        assert!(Paging::parse(Some(0), None).is_err());
        assert!(Paging::parse(Some(501), None).is_err());
        assert!(Paging::parse(None, Some(-1)).is_err());
        assert_eq!(Paging::parse(None, None).ok(), Some(Paging::default()));
        let p: Page<i32> = Page::new(vec![1, 2], 5, 0);
        assert_eq!(p.next, Some(2));
        let p: Page<i32> = Page::new(vec![1], 3, 2);
        assert_eq!(p.next, None);
    }

    #[test]
    fn the_limit_and_offset_are_named_when_refused() {
        assert_eq!(
            Paging::parse(Some(0), None).unwrap_err().field(),
            Some("limit")
        );
        assert_eq!(
            Paging::parse(Some(10), Some(-5)).unwrap_err().field(),
            Some("offset")
        );
        assert_eq!(
            Paging::parse(Some(500), Some(1000)),
            Ok(Paging {
                limit: 500,
                offset: 1000
            })
        );
        assert_eq!(
            Paging::first(3),
            Paging {
                limit: 3,
                offset: 0
            }
        );
        let json = serde_json::to_value(Page::new(vec![1], 1, 0)).unwrap();
        assert!(json.get("next").is_none(), "no next on the last page");
    }

    proptest::proptest! {
        /// Paging accepts exactly 1..=500 items from a non-negative offset.
        #[test]
        fn paging_bounds(limit in proptest::option::of(-5i64..600), offset in proptest::option::of(-5i64..50)) {
            let ok = limit.is_none_or(|l| (1..=500).contains(&l)) && offset.is_none_or(|o| o >= 0);
            proptest::prop_assert_eq!(Paging::parse(limit, offset).is_ok(), ok);
        }

        /// A page points to the next exactly when items remain after it.
        #[test]
        fn the_next_page_starts_where_this_one_ends(len in 0usize..20, offset in 0i64..100, more in 0i64..30) {
            let total = offset + len as i64 + more;
            let p = Page::new(vec![0u8; len], total, offset);
            proptest::prop_assert_eq!(p.next, (more > 0).then_some(offset + len as i64));
        }
    }
}
