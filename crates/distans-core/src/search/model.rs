//! What a search asks and what it finds, in the words a page shows.

use serde::Serialize;
use time::Date;

use crate::agreements::model::AgreementState;
use crate::cases::model::RequestState;
use crate::kernel::ids::{AgreementId, PersonId, RequestId, UnitId};

/// The kinds of record a search finds, in the order the results show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    People,
    Units,
    Agreements,
    Requests,
}

impl SearchKind {
    pub const ALL: [SearchKind; 4] = [
        SearchKind::People,
        SearchKind::Units,
        SearchKind::Agreements,
        SearchKind::Requests,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::People => "people",
            SearchKind::Units => "units",
            SearchKind::Agreements => "agreements",
            SearchKind::Requests => "requests",
        }
    }
}

/// A search as asked: the words (checked), one kind or all, and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// The words, trimmed, single-spaced, 2 to 100 characters.
    pub text: String,
    /// One kind of record, or every kind (a few of each).
    pub kind: Option<SearchKind>,
    /// How many of each kind, and from where (only with one kind).
    pub limit: i64,
    pub offset: i64,
}

/// Whose records a search reaches, from the access policy's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// The searcher: their own person and records are always in reach.
    pub me: PersonId,
    /// Others' people and records at or below these unit paths; `None`:
    /// everyone's.
    pub under: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonHit {
    pub id: PersonId,
    pub name: String,
    pub title: Option<String>,
    pub unit_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitHit {
    pub id: UnitId,
    pub name: String,
    /// The unit above it, by name.
    pub parent_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgreementHit {
    pub id: AgreementId,
    pub person_name: String,
    pub unit_name: String,
    /// The state as of today (an active one past its last day has expired).
    pub state: AgreementState,
    pub start: Date,
    pub end: Option<Date>,
    /// The last day after notice was given, if it was.
    pub ends_on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestHit {
    pub id: RequestId,
    pub person_name: String,
    pub unit_name: String,
    pub state: RequestState,
    pub start: Date,
    pub days_per_week: i64,
}

/// Some hits of one kind, and whether there are more after them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hits<T> {
    pub items: Vec<T>,
    pub more: bool,
}

impl<T> Default for Hits<T> {
    fn default() -> Self {
        Hits {
            items: vec![],
            more: false,
        }
    }
}

impl<T> Hits<T> {
    /// `limit + 1` rows read: the first `limit`, and whether one more was found.
    pub fn cut(mut rows: Vec<T>, limit: i64) -> Hits<T> {
        let limit = usize::try_from(limit).unwrap_or(0);
        let more = rows.len() > limit;
        rows.truncate(limit);
        Hits { items: rows, more }
    }
}

/// What a search found, by kind (a kind not searched is empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchResults {
    pub people: Hits<PersonHit>,
    pub units: Hits<UnitHit>,
    pub agreements: Hits<AgreementHit>,
    pub requests: Hits<RequestHit>,
}

impl SearchResults {
    pub fn is_empty(&self) -> bool {
        self.people.items.is_empty()
            && self.units.items.is_empty()
            && self.agreements.items.is_empty()
            && self.requests.items.is_empty()
    }
}
