//! Search: people, units, agreements and requests whose names match, cut
//! to the searcher's reach. Every query has a LIMIT; people are read in
//! `sort_name` order along `people_sort_idx` (or, for a manager, through
//! `units_path_idx` and `people_unit_idx`), so a page stops reading once
//! it has its rows, even among 50,000 people.

use async_trait::async_trait;
use sqlx::QueryBuilder;
use time::Date;
use uuid::Uuid;

use distans_core::agreements::model::AgreementState;
use distans_core::cases::model::RequestState;
use distans_core::search::{AgreementHit, PersonHit, Reach, RequestHit, UnitHit};
use distans_core::store::SearchPort;
use distans_core::CoreResult;

use crate::db::{on_db, Row};
use crate::sql::{push_below, Sql};
use crate::store::{name, sort_key, SqlStore};

/// At most this many words of a search are matched (each must match).
const MAX_WORDS: usize = 5;

/// `%word%` for `LIKE … ESCAPE '\'`, the word as written.
pub(crate) fn pattern(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    out.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace().take(MAX_WORDS)
}

/// Appends ` AND` a condition per word: the person's sort key holds it.
fn push_name_words(q: &mut impl Sql, text: &str) {
    for w in words(text) {
        q.push(" AND p.sort_name LIKE ")
            .push_bind(pattern(&sort_key(w)))
            .push(" ESCAPE '\\'");
    }
}

/// Appends ` AND (the searcher themselves, or someone at or below the
/// reach's units)`; nothing when the reach is everyone.
fn push_reach(q: &mut impl Sql, person: &str, reach: &Reach) {
    if let Some(paths) = &reach.under {
        q.push(format!(" AND ({person} = "))
            .push_bind(reach.me.uuid());
        q.push(" OR ");
        push_below(q, "u.path", paths);
        q.push(")");
    }
}

/// A search of what people have (agreements, requests): the SELECT over
/// people `p` with their unit `u`, and the order after the people's names.
struct PeopleQuery {
    select: &'static str,
    order: &'static str,
}

/// The rows of `query` for the people whose names hold every word of
/// `text`, within the searcher's reach: a page of `limit` rows from
/// `offset`.
async fn people_rows<R: Row>(
    store: &SqlStore,
    query: &PeopleQuery,
    text: &str,
    reach: &Reach,
    limit: i64,
    offset: i64,
) -> CoreResult<Vec<R>> {
    on_db!(store.db(), pool => {
        let mut q = QueryBuilder::new(query.select);
        push_name_words(&mut q, text);
        push_reach(&mut q, "p.id", reach);
        q.push(" ORDER BY p.sort_name, p.id, ")
            .push(query.order)
            .push(" LIMIT ")
            .push_bind(limit);
        q.push(" OFFSET ").push_bind(offset);
        Ok(q.build_query_as().fetch_all(pool).await?)
    })
}

const AGREEMENTS: PeopleQuery = PeopleQuery {
    select: "SELECT g.id, p.given_name, p.family_name, u.name, g.state, g.start_date, g.end_date, g.ends_on
             FROM people p JOIN units u ON u.id = p.unit_id JOIN agreements g ON g.person_id = p.id
             WHERE p.anonymised_at IS NULL",
    order: "g.start_date DESC, g.id",
};

fn agreement_hit(row: AgreementRow) -> AgreementHit {
    let (id, g, f, unit, state, start, end, ends_on) = row;
    AgreementHit {
        id: id.into(),
        person_name: name(&g, &f),
        unit_name: unit,
        state: AgreementState::parse(&state),
        start,
        end,
        ends_on,
    }
}

const REQUESTS: PeopleQuery = PeopleQuery {
    select:
        "SELECT r.id, p.given_name, p.family_name, u.name, r.state, r.start_date, r.days_per_week
             FROM people p JOIN units u ON u.id = p.unit_id JOIN requests r ON r.person_id = p.id
             WHERE p.anonymised_at IS NULL",
    order: "r.created_at DESC, r.id",
};

/// A request found; none when its state is unknown.
fn request_hit(row: RequestRow) -> Option<RequestHit> {
    let (id, g, f, unit, state, start, days) = row;
    Some(RequestHit {
        id: id.into(),
        person_name: name(&g, &f),
        unit_name: unit,
        state: RequestState::parse(&state)?,
        start,
        days_per_week: days,
    })
}

type PersonRow = (Uuid, String, String, Option<String>, String);
type UnitRow = (Uuid, String, Option<String>);
type AgreementRow = (
    Uuid,
    String,
    String,
    String,
    String,
    Date,
    Option<Date>,
    Option<Date>,
);
type RequestRow = (Uuid, String, String, String, String, Date, i64);

#[async_trait]
impl SearchPort for SqlStore {
    #[tracing::instrument(skip_all)]
    async fn search_people(
        &self,
        text: &str,
        reach: &Reach,
        limit: i64,
        offset: i64,
    ) -> CoreResult<Vec<PersonHit>> {
        let number = text.trim().to_string();
        let rows: Vec<PersonRow> = on_db!(self.db(), pool => {
            let mut q = QueryBuilder::new(
                "SELECT p.id, p.given_name, p.family_name, p.title, u.name
                 FROM people p JOIN units u ON u.id = p.unit_id
                 WHERE p.anonymised_at IS NULL AND ((1 = 1",
            );
            push_name_words(&mut q, text);
            q.push(") OR p.employee_number = ").push_bind(number);
            q.push(")");
            push_reach(&mut q, "p.id", reach);
            q.push(" ORDER BY p.sort_name, p.id LIMIT ").push_bind(limit);
            q.push(" OFFSET ").push_bind(offset);
            Ok(q.build_query_as().fetch_all(pool).await?)
        })?;
        Ok(rows
            .into_iter()
            .map(|(id, g, f, title, unit)| PersonHit {
                id: id.into(),
                name: name(&g, &f),
                title,
                unit_name: unit,
            })
            .collect())
    }

    #[tracing::instrument(skip_all)]
    async fn search_units(&self, text: &str, limit: i64, offset: i64) -> CoreResult<Vec<UnitHit>> {
        let rows: Vec<UnitRow> = on_db!(self.db(), pool => {
            let mut q = QueryBuilder::new(
                "SELECT u.id, u.name, pu.name FROM units u LEFT JOIN units pu ON pu.id = u.parent_id
                 WHERE u.closed_at IS NULL",
            );
            for w in words(text) {
                // lower() folds only ASCII in SQLite: the word as written
                // with its first letter in capitals finds "Östra …" too.
                let mut cap = w.chars();
                let capital: String = cap
                    .next()
                    .map(|c| c.to_uppercase().chain(cap).collect())
                    .unwrap_or_default();
                q.push(" AND (lower(u.name) LIKE ")
                    .push_bind(pattern(&w.to_lowercase()))
                    .push(" ESCAPE '\\' OR u.name LIKE ")
                    .push_bind(pattern(&capital))
                    .push(" ESCAPE '\\')");
            }
            q.push(" ORDER BY u.name, u.id LIMIT ").push_bind(limit);
            q.push(" OFFSET ").push_bind(offset);
            Ok(q.build_query_as().fetch_all(pool).await?)
        })?;
        Ok(rows
            .into_iter()
            .map(|(id, n, parent)| UnitHit {
                id: id.into(),
                name: n,
                parent_name: parent,
            })
            .collect())
    }

    #[tracing::instrument(skip_all)]
    async fn search_agreements(
        &self,
        text: &str,
        reach: &Reach,
        limit: i64,
        offset: i64,
    ) -> CoreResult<Vec<AgreementHit>> {
        let rows = people_rows(self, &AGREEMENTS, text, reach, limit, offset).await?;
        Ok(rows.into_iter().map(agreement_hit).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn search_requests(
        &self,
        text: &str,
        reach: &Reach,
        limit: i64,
        offset: i64,
    ) -> CoreResult<Vec<RequestHit>> {
        let rows = people_rows(self, &REQUESTS, text, reach, limit, offset).await?;
        Ok(rows.into_iter().filter_map(request_hit).collect())
    }
}
