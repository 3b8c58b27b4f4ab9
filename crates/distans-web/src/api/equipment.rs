//! Equipment (the inventory and loans) and the redeployment view.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use distans_core::equipment::{ItemFilter, ItemKind, ItemState};

use distans_core::kernel::Paging;
use distans_core::redeployment::RedeployQuery;
use distans_core::CoreError;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::extract::{query_id, query_period};
use super::schema::equipment::{Item, Loan, RedeployPage};
use super::schema::Page;
use super::{ApiJson, ApiQuery, IdPath};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EquipmentQuery {
    /// `available`, `on_loan`, `in_repair` or `retired`.
    state: Option<String>,
    /// `laptop`, `phone`, `screen`, `keyboard`, `mouse`, `headset`, `docking_station`, `laptop_stand`, `other`.
    kind: Option<String>,
    /// The start of an identifier, or a word of the description.
    q: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Parses the inventory filters of a query or a page.
pub fn item_filter(
    state: Option<&str>,
    kind: Option<&str>,
    q: Option<&str>,
) -> Result<ItemFilter, CoreError> {
    fn nonempty(s: Option<&str>) -> Option<&str> {
        s.map(str::trim).filter(|s| !s.is_empty())
    }
    Ok(ItemFilter {
        state: nonempty(state)
            .map(|s| ItemState::parse("state", s))
            .transpose()?,
        kind: nonempty(kind).map(ItemKind::parse).transpose()?,
        search: nonempty(q).map(str::to_string),
    })
}

/// The equipment inventory, in identifier order (HR, administrators, managers).
#[utoipa::path(get, path = "/api/v1/equipment", tag = "equipment", params(EquipmentQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Page<Item>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_equipment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<EquipmentQuery>,
) -> ApiResult<Json<Page<Item>>> {
    let paging = Paging::parse(q.limit, q.offset)?;
    let filter = item_filter(q.state.as_deref(), q.kind.as_deref(), q.q.as_deref())?;
    Ok(Json(
        state
            .core
            .equipment
            .equipment(&actor, filter, paging)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewItemBody {
    kind: String,
    /// Serial or inventory number; unique.
    identifier: String,
    #[serde(default)]
    description: String,
}

/// Add an item to the inventory (HR, administrators); 409 if its identifier is taken.
#[utoipa::path(post, path = "/api/v1/equipment", tag = "equipment", request_body = NewItemBody,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = Item), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn add_equipment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewItemBody>,
) -> ApiResult<(StatusCode, Json<Item>)> {
    let item = state
        .core
        .equipment
        .add_equipment(&actor, &b.kind, &b.identifier, &b.description)
        .await?;
    Ok((StatusCode::CREATED, Json(item.into())))
}

/// An item of the inventory.
#[utoipa::path(get, path = "/api/v1/equipment/{id}", tag = "equipment",
    params(("id" = String, Path, description = "item id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Item), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_equipment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<Item>> {
    Ok(Json(
        state
            .core
            .equipment
            .equipment_item(&actor, id.into())
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ItemChangeBody {
    /// `available`, `in_repair` or `retired` (an item goes on loan by a loan).
    state: Option<String>,
    description: Option<String>,
    /// The version you read; 409 if it changed meanwhile.
    version: Option<i64>,
}

/// Change an item's state or description (HR, administrators). 409 while it is on loan.
#[utoipa::path(patch, path = "/api/v1/equipment/{id}", tag = "equipment", request_body = ItemChangeBody,
    params(("id" = String, Path, description = "item id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Item), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn patch_equipment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<ItemChangeBody>,
) -> ApiResult<Json<Item>> {
    Ok(Json(
        state
            .core
            .equipment
            .update_equipment(
                &actor,
                id.into(),
                b.state.as_deref(),
                b.description.as_deref(),
                b.version,
            )
            .await?
            .into(),
    ))
}

/// The same as `PATCH`, for clients that only send POST.
#[utoipa::path(post, path = "/api/v1/equipment/{id}", tag = "equipment", request_body = ItemChangeBody,
    params(("id" = String, Path, description = "item id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Item), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn post_equipment(
    state: State<AppState>,
    actor: ApiActor,
    id: IdPath,
    body: ApiJson<ItemChangeBody>,
) -> ApiResult<Json<Item>> {
    patch_equipment(state, actor, id, body).await
}

#[derive(Deserialize, ToSchema)]
pub struct LoanBody {
    /// The item's id.
    item: String,
    /// The borrower's id.
    person: String,
    /// The agreement it is lent under (default: the person's current one).
    agreement: Option<String>,
}

/// Lend an item to a person (their managers, HR). 422 when the policy's
/// equipment rule forbids it (an extra aid needs an agreement of more than
/// `extra_aids_above_days` days a week); 409 when the item is not available.
#[utoipa::path(post, path = "/api/v1/loans", tag = "equipment", request_body = LoanBody,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = Loan), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn lend(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<LoanBody>,
) -> ApiResult<(StatusCode, Json<Loan>)> {
    let item = query_id("item", Some(&b.item))?
        .ok_or_else(|| CoreError::invalid("item", "is required"))?;
    let person = query_id("person", Some(&b.person))?
        .ok_or_else(|| CoreError::invalid("person", "is required"))?;
    let agreement = query_id("agreement", b.agreement.as_deref())?.map(Into::into);
    let loan = state
        .core
        .equipment
        .lend(&actor, item.into(), person.into(), agreement)
        .await?;
    Ok((StatusCode::CREATED, Json(loan.into())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoansQuery {
    /// Whose loans (default: all you may see: yours, your units', or for HR everyone's).
    person: Option<String>,
    /// Only loans not yet returned.
    open: Option<bool>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Loans, newest first: an employee sees their own, a manager their units', HR all.
#[utoipa::path(get, path = "/api/v1/loans", tag = "equipment", params(LoansQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Page<Loan>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_loans(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<LoansQuery>,
) -> ApiResult<Json<Page<Loan>>> {
    let paging = Paging::parse(q.limit, q.offset)?;
    let person = query_id("person", q.person.as_deref())?;
    Ok(Json(
        state
            .core
            .equipment
            .loans(
                &actor,
                person.map(Into::into),
                q.open.unwrap_or(false),
                paging,
            )
            .await?
            .into(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PagingQuery {
    limit: Option<i64>,
    offset: Option<i64>,
}

/// Open loans under agreements that have ended or are ending (notice
/// given, or a last day within 14 days): "att hämta in". Managers see their
/// units', HR all.
#[utoipa::path(get, path = "/api/v1/loans/to-collect", tag = "equipment", params(PagingQuery),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Page<Loan>), (status = 403, body = ErrorBody)))]
pub async fn loans_to_collect(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<PagingQuery>,
) -> ApiResult<Json<Page<Loan>>> {
    let paging = Paging::parse(q.limit, q.offset)?;
    Ok(Json(
        state
            .core
            .equipment
            .loans_to_collect(&actor, paging)
            .await?
            .into(),
    ))
}

/// A loan (for those who see the person's loans).
#[utoipa::path(get, path = "/api/v1/loans/{id}", tag = "equipment",
    params(("id" = String, Path, description = "loan id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Loan), (status = 404, body = ErrorBody)))]
pub async fn get_loan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<Loan>> {
    Ok(Json(
        state
            .core
            .equipment
            .visible_loan(&actor, id.into())
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ReturnBody {
    /// The item's state after the return: `available` (default), `in_repair` or `retired`.
    state: Option<String>,
}

/// The item came back (the person's managers, HR). 409 if it was returned already.
#[utoipa::path(post, path = "/api/v1/loans/{id}/return", tag = "equipment", request_body(content = Option<ReturnBody>),
    params(("id" = String, Path, description = "loan id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Loan), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn return_loan(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    body: axum::body::Bytes,
) -> ApiResult<Json<Loan>> {
    // The body is optional: none (or `{}`) returns the item as available.
    let b: ReturnBody = if body.iter().all(u8::is_ascii_whitespace) {
        ReturnBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| CoreError::invalid("body", format!("is not valid JSON: {e}")))?
    };
    Ok(Json(
        state
            .core
            .equipment
            .return_loan(&actor, id.into(), b.state.as_deref())
            .await?
            .into(),
    ))
}

// The redeployment view.

#[derive(Deserialize, IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
pub struct RedeploymentParams {
    /// First day (default: today).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last day (default: 13 days after `from`); at most 8 weeks.
    #[param(format = Date)]
    pub to: Option<String>,
    /// Only people with this skill.
    pub skill: Option<String>,
    /// Only people whose home unit is this unit or below it.
    pub unit: Option<String>,
    /// Only people with at least this many workdays not absent.
    pub available_days_min: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// The `next` of the page before.
    pub after: Option<String>,
}

/// Parses the view's filters (shared with the page).
pub fn redeploy_query(
    p: &RedeploymentParams,
    today: time::Date,
) -> Result<RedeployQuery, CoreError> {
    let nonempty = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let period = query_period(today, p.from.as_deref(), p.to.as_deref(), 14)?;
    let available_days_min = match nonempty(&p.available_days_min) {
        Some(s) => Some(s.parse::<i64>().map_err(|_| {
            CoreError::invalid("available_days_min", format!("\"{s}\" is not a number"))
        })?),
        None => None,
    };
    Ok(RedeployQuery {
        period,
        skill: nonempty(&p.skill),
        unit: query_id("unit", nonempty(&p.unit).as_deref())
            .map_err(|_| CoreError::invalid("unit", "is not a unit id"))?
            .map(Into::into),
        available_days_min,
        limit: p.limit.unwrap_or(50),
        after: query_id("after", nonempty(&p.after).as_deref())
            .map_err(|_| CoreError::invalid("after", "is not a person id"))?,
    })
}

/// People across units by skill, with their availability and plan in a
/// period (HR and directors). Paged with `after` = the `next` of the page before.
#[utoipa::path(get, path = "/api/v1/redeployment", tag = "redeployment", params(RedeploymentParams),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = RedeployPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn redeployment(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<RedeploymentParams>,
) -> ApiResult<Json<RedeployPage>> {
    let q = redeploy_query(&p, state.core.today())?;
    Ok(Json(
        state
            .core
            .redeployment
            .redeployment(&actor, &q)
            .await?
            .into(),
    ))
}

/// The same as CSV in the reader's language, for their spreadsheet (Swedish:
/// `;` between cells; UTF-8 with a byte-order mark; headers and days in
/// words; names first and the person's id last, then a column per workday):
/// every match, up to 10,000 rows (`X-Truncated: true` when there were more).
#[utoipa::path(get, path = "/api/v1/redeployment.csv", tag = "redeployment", params(RedeploymentParams),
    security(("session" = []), ("token" = [])),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn redeployment_csv(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<RedeploymentParams>,
) -> ApiResult<Response> {
    let q = redeploy_query(&p, state.core.today())?;
    let lang = crate::i18n::Lang::of(actor.language);
    let day = |d: &distans_core::plan::model::PlanDay| redeploy_day(lang, d);
    let words = redeploy_words(lang, &day);
    let (bytes, more) = state
        .core
        .redeployment
        .redeployment_csv(&actor, &q, &words)
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"omplacering-{}-{}.csv\"",
                    q.period.from(),
                    q.period.to()
                ),
            ),
            (
                header::HeaderName::from_static("x-truncated"),
                more.to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The redeployment CSV's words in `lang`: Swedish Excel wants `;`.
fn redeploy_words<'a>(
    lang: crate::i18n::Lang,
    day: &'a (dyn Fn(&distans_core::plan::model::PlanDay) -> String + Sync),
) -> distans_core::redeployment::rules::CsvWords<'a> {
    let h = |k: &str| lang.t(&format!("redeploy-csv-{k}"));
    distans_core::redeployment::rules::CsvWords {
        delimiter: if lang == crate::i18n::Lang::Sv {
            b';'
        } else {
            b','
        },
        bom: true,
        headers: [
            h("name"),
            h("unit"),
            h("skills"),
            h("workdays"),
            h("available"),
            h("remote"),
            h("workplace"),
            h("other"),
            h("absent"),
            h("id"),
        ],
        day,
    }
}

/// A day as the reader reads it: "Distans", "Distans (förmiddag)".
fn redeploy_day(lang: crate::i18n::Lang, d: &distans_core::plan::model::PlanDay) -> String {
    use distans_core::plan::model::{DayState, Part};
    let state = lang.t(match d.state {
        DayState::Workplace => "state-workplace",
        DayState::Remote => "state-remote",
        DayState::Other => "state-other",
        DayState::Absent => "state-absent",
    });
    match d.part {
        Some(Part::Am) => format!("{state} ({})", lang.t("part-am").to_lowercase()),
        Some(Part::Pm) => format!("{state} ({})", lang.t("part-pm").to_lowercase()),
        None => state,
    }
}
