//! Pure decisions of search: what counts as a search, how many hits of
//! each kind a page shows, and an agreement's state as of today.

use time::Date;

use crate::agreements::model::AgreementState;
use crate::kernel::CoreError;
use crate::search::model::*;

/// Fewest and most characters a search may have.
pub const MIN_CHARS: usize = 2;
pub const MAX_CHARS: usize = 100;
/// Hits of each kind when every kind is searched (a first look).
pub const PREVIEW: i64 = 5;
/// Hits on a page of one kind.
pub const PAGE: i64 = 20;
/// The furthest a search pages (bounded work for the database).
pub const MAX_OFFSET: i64 = 1000;

/// The words searched for: trimmed, inner whitespace made single spaces,
/// 2 to 100 characters, no control characters.
pub fn search_text(raw: &str) -> Result<String, CoreError> {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = text.chars().count();
    if n < MIN_CHARS {
        return Err(CoreError::invalid(
            "q",
            format!("write at least {MIN_CHARS} characters"),
        ));
    }
    if n > MAX_CHARS {
        return Err(CoreError::invalid(
            "q",
            format!("write at most {MAX_CHARS} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(CoreError::invalid(
            "q",
            "must not contain control characters",
        ));
    }
    Ok(text)
}

/// A kind as written in a query (`people`, `units`, `agreements`,
/// `requests`); empty means every kind.
pub fn parse_kind(raw: Option<&str>) -> Result<Option<SearchKind>, CoreError> {
    match raw.map(str::trim).unwrap_or("") {
        "" | "all" => Ok(None),
        s => SearchKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .map(Some)
            .ok_or_else(|| {
                CoreError::invalid(
                    "kind",
                    format!("\"{s}\" is not a kind (people, units, agreements or requests)"),
                )
            }),
    }
}

/// Most hits of one kind in one answer.
pub const MAX_LIMIT: i64 = 50;

/// The search asked by page (`?sida=`, from 1): every kind shows its
/// first few; one kind is paged.
pub fn query(
    raw: &str,
    kind: Option<SearchKind>,
    page: Option<i64>,
) -> Result<SearchQuery, CoreError> {
    match (kind, page) {
        (None, _) => query_at(raw, None, None, None),
        (Some(_), Some(p)) if p < 1 => Err(CoreError::invalid("page", "must be 1 or more")),
        (Some(k), p) => {
            let offset = (p.unwrap_or(1) - 1).saturating_mul(PAGE);
            query_at(raw, Some(k), Some(PAGE), Some(offset)).map_err(|e| match e.field() {
                Some("offset") => {
                    CoreError::invalid("page", "is too far: make the search narrower")
                }
                _ => e,
            })
        }
    }
}

/// The search asked by `limit` and `offset` (the API): every kind from the
/// start (5 each unless `limit` says), or one kind paged (20 unless
/// `limit` says, at most 50, from at most the 1,000th).
pub fn query_at(
    raw: &str,
    kind: Option<SearchKind>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<SearchQuery, CoreError> {
    let text = search_text(raw)?;
    let limit = limit.unwrap_or(if kind.is_some() { PAGE } else { PREVIEW });
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(CoreError::invalid(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let offset = offset.unwrap_or(0);
    if !(0..=MAX_OFFSET).contains(&offset) {
        return Err(CoreError::invalid(
            "offset",
            format!("must be between 0 and {MAX_OFFSET}: make the search narrower"),
        ));
    }
    if kind.is_none() && offset != 0 {
        return Err(CoreError::invalid(
            "offset",
            "page through one kind at a time (give kind)",
        ));
    }
    Ok(SearchQuery {
        text,
        kind,
        limit,
        offset,
    })
}

/// Is this kind searched by the query?
pub fn searches(q: &SearchQuery, kind: SearchKind) -> bool {
    q.kind.is_none_or(|k| k == kind)
}

/// An agreement's state as a reader sees it today: an active one whose
/// notice has run out has ended, one past its last day has expired.
pub fn state_today(
    stored: AgreementState,
    ends_on: Option<Date>,
    end: Option<Date>,
    today: Date,
) -> AgreementState {
    match stored {
        AgreementState::Active => match (ends_on, end) {
            (Some(e), _) if e < today => AgreementState::Ended,
            (None, Some(e)) if e < today => AgreementState::Expired,
            _ => AgreementState::Active,
        },
        s => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn search_text_is_trimmed_and_bounded() {
        assert_eq!(search_text("  Anna \t  Berg ").unwrap(), "Anna Berg");
        assert_eq!(search_text("Ås").unwrap(), "Ås");
        for bad in ["", " ", "a", " b  "] {
            assert_eq!(search_text(bad).unwrap_err().field(), Some("q"), "{bad:?}");
        }
        assert!(search_text(&"x".repeat(100)).is_ok());
        assert!(search_text(&"x".repeat(101)).is_err());
        // Characters, not bytes: 100 å is 200 bytes and still allowed.
        assert!(search_text(&"å".repeat(100)).is_ok());
    }

    #[test]
    fn kinds_are_parsed_by_name() {
        assert_eq!(parse_kind(None).unwrap(), None);
        assert_eq!(parse_kind(Some("")).unwrap(), None);
        assert_eq!(parse_kind(Some("all")).unwrap(), None);
        for k in SearchKind::ALL {
            assert_eq!(parse_kind(Some(k.as_str())).unwrap(), Some(k));
        }
        let e = parse_kind(Some("salaries")).unwrap_err();
        assert_eq!(e.field(), Some("kind"));
        assert!(e.to_string().contains("salaries"), "{e}");
    }

    #[test]
    fn every_kind_shows_a_few_one_kind_is_paged() {
        let all = query("anna", None, Some(7)).unwrap();
        assert_eq!(
            (all.limit, all.offset),
            (PREVIEW, 0),
            "no paging across kinds"
        );
        assert!(SearchKind::ALL.iter().all(|k| searches(&all, *k)));
        let people = query("anna", Some(SearchKind::People), Some(3)).unwrap();
        assert_eq!((people.limit, people.offset), (PAGE, 2 * PAGE));
        assert!(searches(&people, SearchKind::People));
        assert!(!searches(&people, SearchKind::Units));
        assert_eq!(
            query("anna", Some(SearchKind::Units), Some(0))
                .unwrap_err()
                .field(),
            Some("page")
        );
        let far = MAX_OFFSET / PAGE + 2;
        assert_eq!(
            query("anna", Some(SearchKind::Units), Some(far))
                .unwrap_err()
                .field(),
            Some("page")
        );
        assert!(query("anna", Some(SearchKind::Units), Some(i64::MAX)).is_err());
    }

    #[test]
    fn the_api_pages_one_kind_by_limit_and_offset() {
        let q = query_at("bo", Some(SearchKind::Requests), Some(50), Some(1000)).unwrap();
        assert_eq!((q.limit, q.offset), (50, 1000));
        let q = query_at("bo", None, Some(10), None).unwrap();
        assert_eq!((q.limit, q.offset), (10, 0));
        for (limit, offset, field) in [
            (Some(0), None, "limit"),
            (Some(51), None, "limit"),
            (None, Some(-1), "offset"),
            (None, Some(1001), "offset"),
        ] {
            let e = query_at("bo", Some(SearchKind::People), limit, offset).unwrap_err();
            assert_eq!(e.field(), Some(field), "{limit:?} {offset:?}");
        }
        let e = query_at("bo", None, None, Some(5)).unwrap_err();
        assert_eq!(e.field(), Some("offset"), "all kinds are not paged");
    }

    #[test]
    fn hits_know_whether_there_are_more() {
        let h = Hits::cut(vec![1, 2, 3], 2);
        assert_eq!((h.items, h.more), (vec![1, 2], true));
        let h = Hits::cut(vec![1, 2], 2);
        assert_eq!((h.items, h.more), (vec![1, 2], false));
    }

    #[test]
    fn an_agreement_reads_as_it_stands_today() {
        let today = date!(2027 - 03 - 10);
        use AgreementState::*;
        assert_eq!(state_today(Active, None, None, today), Active);
        assert_eq!(
            state_today(Active, None, Some(date!(2027 - 03 - 09)), today),
            Expired
        );
        assert_eq!(state_today(Active, None, Some(today), today), Active);
        assert_eq!(
            state_today(
                Active,
                Some(date!(2027 - 03 - 01)),
                Some(date!(2027 - 12 - 31)),
                today
            ),
            Ended
        );
        assert_eq!(
            state_today(AwaitingSignatures, None, Some(date!(2020 - 01 - 01)), today),
            AwaitingSignatures
        );
    }
}
