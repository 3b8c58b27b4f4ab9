//! Search: people, units, agreements and requests the caller may see.

use axum::extract::State;
use axum::Json;
use distans_core::search::{rules, Hits, SearchResults};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiQuery;
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words: 2 to 100 characters; every word must match (a part of a
    /// name, or a whole employee number).
    q: String,
    /// One kind: `people`, `units`, `agreements` or `requests` (default:
    /// every kind, the first few of each).
    kind: Option<String>,
    /// Hits of each kind (default 5 for every kind, 20 for one; at most 50).
    limit: Option<i64>,
    /// With `kind`: from which hit (at most 1,000).
    offset: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct PersonHit {
    id: String,
    name: String,
    title: Option<String>,
    unit: String,
}

#[derive(Serialize, ToSchema)]
pub struct UnitHit {
    id: String,
    name: String,
    /// The unit above, by name.
    parent: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AgreementHit {
    id: String,
    person: String,
    unit: String,
    /// As of today: `draft`, `awaiting_signatures`, `active`, `ended`, `expired`.
    state: String,
    #[schema(format = Date)]
    start: String,
    #[schema(format = Date)]
    end: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RequestHit {
    id: String,
    person: String,
    unit: String,
    /// `submitted`, `changes_requested`, `approved`, `declined`, `withdrawn`.
    state: String,
    #[schema(format = Date)]
    start: String,
    days_per_week: i64,
}

/// Hits of one kind; `more` when there are more after them.
#[derive(Serialize, ToSchema)]
pub struct HitList<T> {
    items: Vec<T>,
    more: bool,
}

fn list<A, B>(h: Hits<A>, f: impl Fn(A) -> B) -> HitList<B> {
    HitList {
        items: h.items.into_iter().map(f).collect(),
        more: h.more,
    }
}

/// What a search found: each kind searched (a kind not asked for is left out).
#[derive(Serialize, ToSchema)]
pub struct SearchAnswer {
    #[serde(skip_serializing_if = "Option::is_none")]
    people: Option<HitList<PersonHit>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    units: Option<HitList<UnitHit>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agreements: Option<HitList<AgreementHit>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requests: Option<HitList<RequestHit>>,
}

fn answer(r: SearchResults, q: &distans_core::search::SearchQuery) -> SearchAnswer {
    use distans_core::search::SearchKind as K;
    let on = |k| rules::searches(q, k);
    SearchAnswer {
        people: on(K::People).then(|| {
            list(r.people, |p| PersonHit {
                id: p.id.to_string(),
                name: p.name,
                title: p.title,
                unit: p.unit_name,
            })
        }),
        units: on(K::Units).then(|| {
            list(r.units, |u| UnitHit {
                id: u.id.to_string(),
                name: u.name,
                parent: u.parent_name,
            })
        }),
        agreements: on(K::Agreements).then(|| {
            list(r.agreements, |g| AgreementHit {
                id: g.id.to_string(),
                person: g.person_name,
                unit: g.unit_name,
                state: g.state.as_str().into(),
                start: g.start.to_string(),
                end: g.end.map(|d| d.to_string()),
            })
        }),
        requests: on(K::Requests).then(|| {
            list(r.requests, |x| RequestHit {
                id: x.id.to_string(),
                person: x.person_name,
                unit: x.unit_name,
                state: x.state.as_str().into(),
                start: x.start.to_string(),
                days_per_week: x.days_per_week,
            })
        }),
    }
}

/// Finds people, units, agreements and requests by name — only what the
/// caller may see: HR everyone; a manager themselves and the people of
/// their units with their agreements and requests; anyone else themselves
/// and their own; units are everyone's.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = SearchAnswer), (status = 400, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> ApiResult<Json<SearchAnswer>> {
    let kind = rules::parse_kind(p.kind.as_deref())?;
    let q = rules::query_at(&p.q, kind, p.limit, p.offset)?;
    let found = state.core.search.search(&actor, &q).await?;
    Ok(Json(answer(found, &q)))
}
