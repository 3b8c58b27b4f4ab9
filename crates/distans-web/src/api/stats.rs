//! Statistics: remote share, emissions avoided, agreements, decisions and
//! occupancy as JSON, or as CSV (`?format=csv` or `Accept: text/csv`): in
//! Swedish with `;`, a byte-order mark, decimal commas and Swedish headers;
//! in English with `,` and decimal points. Each row says how many people
//! it stands for and whether it is suppressed (then its figures are empty).

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use distans_core::kernel::dates::parse_date;
use distans_core::kernel::{Actor, CoreError};
use distans_core::org::CommuteMode;
use distans_core::stats::*;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{query_id, ApiJson, ApiQuery};
use super::IdPath;
use crate::auth::ApiActor;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::i18n::Lang;
use crate::AppState;

#[derive(Deserialize, IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// First day (default: the first day of the month eleven months ago).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last day (default: today); at most 400 days after `from`.
    #[param(format = Date)]
    pub to: Option<String>,
    /// A unit, with the units below it (default: the organisation).
    pub unit: Option<String>,
    /// `week` (ISO weeks, the default) or `month`.
    pub by: Option<String>,
    /// `csv` for CSV (also with `Accept: text/csv`), else JSON.
    pub format: Option<String>,
}

#[derive(Deserialize, IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
pub struct OccupancyParams {
    /// Only this site.
    pub site: Option<String>,
    #[param(format = Date)]
    pub from: Option<String>,
    #[param(format = Date)]
    pub to: Option<String>,
    pub format: Option<String>,
}

/// The question a page or the API asks, parsed; bad values name their field.
pub fn parse_query(p: &StatsParams, default: (Date, Date)) -> Result<StatsQuery, ApiError> {
    let date = |field: &str, v: &Option<String>, d: Date| -> Result<Date, ApiError> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Ok(parse_date(field, s)?),
            None => Ok(d),
        }
    };
    let from = date("from", &p.from, default.0)?;
    let to = date("to", &p.to, default.1)?;
    let by = match p.by.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Grouping::parse("by", s)?,
        None => Grouping::Week,
    };
    Ok(StatsQuery {
        from,
        to,
        unit: query_id("unit", p.unit.as_deref())?.map(Into::into),
        by,
    })
}

/// Does the caller want CSV?
fn wants_csv(format: Option<&str>, headers: &HeaderMap) -> Result<bool, ApiError> {
    match format.map(str::trim).filter(|s| !s.is_empty()) {
        Some("csv") => Ok(true),
        Some("json") => Ok(false),
        Some(_) => Err(CoreError::invalid("format", "must be csv or json").into()),
        None => Ok(headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv"))),
    }
}

use super::stats_tables::csv_response;
pub use super::stats_tables::*;

// JSON.

#[derive(Serialize, ToSchema)]
pub struct BucketOut {
    /// `2026-W05` or `2026-01`.
    key: String,
    first: Date,
    last: Date,
}

/// The group a row stands for.
#[derive(Serialize, ToSchema)]
pub struct GroupOut {
    /// The unit (none: the whole organisation).
    unit: Option<Uuid>,
    unit_name: Option<String>,
    /// `organisation`, `total` (the unit and everything below it) or `own`
    /// (the unit's own people, not those below).
    part: String,
    /// People the row stands for.
    people: i64,
    /// Hidden: too few people, or hidden so that no hidden figure can be
    /// worked out from visible ones. Its figures are then null.
    suppressed: bool,
}

fn group_out(g: &GroupRef) -> GroupOut {
    GroupOut {
        unit: g.unit.map(|u| u.uuid()),
        unit_name: (g.part != GroupPart::Organisation).then(|| g.name.clone()),
        part: g.part.as_str().into(),
        people: g.people,
        suppressed: g.suppressed,
    }
}

/// Each of `rows` as `out` makes it, given the JSON of its group (the
/// index `group_of` gives into `groups`).
fn with_groups<R, O>(
    groups: &[GroupRef],
    rows: &[R],
    group_of: fn(&R) -> usize,
    out: impl Fn(GroupOut, &R) -> O,
) -> Vec<O> {
    rows.iter()
        .map(|r| out(group_out(&groups[group_of(r)]), r))
        .collect()
}

fn buckets_out(b: &[Bucket]) -> Vec<BucketOut> {
    b.iter()
        .map(|b| BucketOut {
            key: b.key.clone(),
            first: b.first,
            last: b.last,
        })
        .collect()
}

#[derive(Serialize, ToSchema)]
pub struct ShareRowOut {
    /// The bucket's key.
    period: String,
    #[serde(flatten)]
    group: GroupOut,
    /// Workplace, remote and other days (absences excluded).
    days: Option<f64>,
    remote_days: Option<f64>,
    /// remote_days ÷ days (0–1).
    share: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct RemoteShareOut {
    from: Date,
    to: Date,
    /// `week` or `month`.
    by: String,
    /// The smallest group shown.
    min_group: i64,
    buckets: Vec<BucketOut>,
    rows: Vec<ShareRowOut>,
}

#[derive(Serialize, ToSchema)]
pub struct EmissionRowOut {
    period: String,
    #[serde(flatten)]
    group: GroupOut,
    remote_days: Option<f64>,
    /// kg CO₂e not emitted by commuting, from the remote days of people
    /// with commute data only (never extrapolated).
    gross_kg: Option<f64>,
    /// Gross less the home-office factor for those days (null without one).
    net_kg: Option<f64>,
    /// Share of the remote days whose person has commute data (0–1).
    coverage: Option<f64>,
}

#[derive(Serialize, ToSchema, Deserialize)]
pub struct FactorOut {
    /// `car`, `public_transport`, `bicycle`, `walk` or `car_pool`.
    mode: String,
    /// kg CO₂e per person-km.
    kg_per_km: f64,
}

#[derive(Serialize, ToSchema)]
pub struct FactorsOut {
    /// 0: the defaults, never saved.
    version: i64,
    factors: Vec<FactorOut>,
    /// kg CO₂e a remote day adds at home; null: no net figure.
    home_office_kg_per_day: Option<f64>,
    source: String,
    valid_from: Date,
}

fn factors_out(f: &EmissionFactors) -> FactorsOut {
    FactorsOut {
        version: f.version,
        factors: f
            .factors
            .iter()
            .map(|f| FactorOut {
                mode: f.mode.as_str().into(),
                kg_per_km: f.kg_per_km,
            })
            .collect(),
        home_office_kg_per_day: f.home_office_kg_per_day,
        source: f.source.clone(),
        valid_from: f.valid_from,
    }
}

#[derive(Serialize, ToSchema)]
pub struct EmissionsOut {
    from: Date,
    to: Date,
    by: String,
    min_group: i64,
    buckets: Vec<BucketOut>,
    rows: Vec<EmissionRowOut>,
    factors: FactorsOut,
}

#[derive(Serialize, ToSchema)]
pub struct AgreementRowOut {
    #[serde(flatten)]
    group: GroupOut,
    state: String,
    days_per_week: i64,
    count: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AgreementsOut {
    min_group: i64,
    rows: Vec<AgreementRowOut>,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionRowOut {
    #[serde(flatten)]
    group: GroupOut,
    /// `manager` or `hr`.
    level: String,
    /// `approved` or `declined`.
    outcome: String,
    count: Option<i64>,
    /// Median days from request to decision.
    median_days: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionsOut {
    from: Date,
    to: Date,
    min_group: i64,
    rows: Vec<DecisionRowOut>,
    /// Temporary decisions in force on some day of the period.
    temporary_in_force: i64,
}

#[derive(Serialize, ToSchema)]
pub struct OccupancyRowOut {
    site: Uuid,
    name: String,
    desks: i64,
    people: i64,
    suppressed: bool,
    /// Mean people on site per workday.
    mean: Option<f64>,
    peak: Option<i64>,
    days_over_capacity: Option<i64>,
    /// Mean by weekday, Monday first.
    by_weekday: Vec<Option<f64>>,
}

#[derive(Serialize, ToSchema)]
pub struct OccupancyOut {
    from: Date,
    to: Date,
    workdays: i64,
    min_group: i64,
    rows: Vec<OccupancyRowOut>,
}

#[derive(Serialize, ToSchema)]
pub struct GapRowOut {
    period: String,
    #[serde(flatten)]
    group: GroupOut,
    /// Unit-days with a coverage rule: for each workday of the period, the
    /// group's units with a rule that applies that day.
    unit_days: Option<i64>,
    /// Of those, the unit-days with at least one gap (fewer on site than a
    /// minimum asks, or more than the site's desks).
    gap_days: Option<i64>,
    /// gap_days ÷ unit_days (0–1).
    share: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct CoverageGapsOut {
    from: Date,
    to: Date,
    by: String,
    min_group: i64,
    buckets: Vec<BucketOut>,
    rows: Vec<GapRowOut>,
}

/// A statistics question as asked: CSV or JSON, in the asker's language.
struct Asked {
    csv: bool,
    lang: Lang,
    q: StatsQuery,
}

/// Reads a statistics question: the format first (a bad one is named),
/// then the period, unit and grouping (`by` when not given).
fn ask(
    state: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
    p: &StatsParams,
    by: Grouping,
) -> Result<Asked, ApiError> {
    let csv = wants_csv(p.format.as_deref(), headers)?;
    let mut q = parse_query(p, state.core.stats.default_period())?;
    if p.by.as_deref().map(str::trim).is_none_or(str::is_empty) {
        q.by = by;
    }
    Ok(Asked {
        csv,
        lang: Lang::of(actor.language),
        q,
    })
}

/// Answers a figure as CSV (the file `name`, its table) or as JSON.
fn answer<T, J: Serialize>(
    asked: &Asked,
    name: &str,
    figure: T,
    table: fn(&T, Lang) -> Table,
    json: impl FnOnce(T) -> J,
) -> ApiResult<Response> {
    if asked.csv {
        return Ok(csv_response(
            name,
            table(&figure, asked.lang).csv(asked.lang)?,
        ));
    }
    Ok(Json(json(figure)).into_response())
}

/// The parameters a statistics question is read from.
impl From<&StatsParams> for StatsParams {
    fn from(p: &StatsParams) -> Self {
        p.clone()
    }
}

/// An occupancy question reads its period and format as any other.
impl From<&OccupancyParams> for StatsParams {
    fn from(p: &OccupancyParams) -> Self {
        StatsParams {
            from: p.from.clone(),
            to: p.to.clone(),
            format: p.format.clone(),
            ..Default::default()
        }
    }
}

/// A statistics handler: `GET $path`, its query `$params`, answering
/// `$out` as JSON or the same figures as CSV. The body gets the state, the
/// actor, the question asked (grouped by `$by` unless `by` is given) and
/// the query.
macro_rules! stats_handler {
    ($(#[doc = $doc:tt])* $name:ident: $path:tt, $params:ident => $out:ident, by $by:ident,
     |$state:ident, $actor:ident, $asked:ident, $p:pat_param| { $($body:tt)* }) => {
        $(#[doc = $doc])*
        #[utoipa::path(get, path = $path, tag = "statistics", params($params),
            security(("session" = []), ("token" = [])),
            responses((status = 200, description = "The figures as JSON, or as CSV (`?format=csv` or `Accept: text/csv`)", content(($out = "application/json"), (String = "text/csv"))),
                (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
        pub async fn $name(
            State($state): State<AppState>,
            ApiActor($actor): ApiActor,
            headers: HeaderMap,
            ApiQuery(params): ApiQuery<$params>,
        ) -> ApiResult<Response> {
            let $asked = ask(&$state, &$actor, &headers, &(&params).into(), Grouping::$by)?;
            let $p = params;
            $($body)*
        }
    };
}

/// The JSON of a figure by group and bucket, `$f`, as `$out`: its period,
/// grouping, smallest group and buckets, and each row as `$row` with its
/// bucket's key, its group and the fields named (as the row has them),
/// then any further fields given.
macro_rules! bucketed_out {
    ($out:ident, $f:expr, $row:ident { $($field:ident),* } $(, $extra:ident: $value:expr)*) => {{
        let f = $f;
        $out {
            from: f.from,
            to: f.to,
            by: f.by.as_str().into(),
            min_group: f.min_group,
            buckets: buckets_out(&f.buckets),
            rows: f
                .rows
                .iter()
                .map(|r| $row {
                    period: f.buckets[r.bucket].key.clone(),
                    group: group_out(&f.groups[r.group]),
                    $($field: r.$field,)*
                })
                .collect(),
            $($extra: $value,)*
        }
    }};
}

/// A statistics handler for a figure by group and bucket: the core's
/// `$figure` for the question asked, answered as CSV by `$table` (the file
/// `$file`) or as `$out` with rows of `$row` (see `bucketed_out!`).
macro_rules! bucketed_handler {
    ($(#[doc = $doc:tt])* $name:ident: $path:tt => $out:ident, by $by:ident,
     $figure:ident as $file:tt in $table:ident, $row:ident { $($field:ident),* }) => {
        stats_handler! {
            $(#[doc = $doc])*
            $name: $path, StatsParams => $out, by $by,
            |state, actor, asked, _| {
                let figure = state.core.stats.$figure(&actor, &asked.q).await?;
                answer(&asked, $file, figure, $table, |f| {
                    bucketed_out!($out, &f, $row { $($field),* })
                })
            }
        }
    };
}

bucketed_handler! {
    /// Remote share by ISO week or month: remote days ÷ workplace, remote and
    /// other days (absences, weekends and public holidays excluded; a half day
    /// counts half), for the organisation (everyone) or a unit with the units
    /// below it (its managers, HR, auditors), with its parts.
    stats_remote_share: "/api/v1/stats/remote-share" => RemoteShareOut, by Week,
    remote_share as "distansandel" in share_table, ShareRowOut { days, remote_days, share }
}

bucketed_handler! {
    /// Days with a coverage gap by ISO week or month: for the group's units
    /// with coverage rules, the unit-days with at least one gap of the
    /// unit-days with a rule (from the plan as it stands; workdays only), for
    /// the organisation or a unit with the units below it, with its parts. At
    /// most 366 days.
    stats_coverage_gaps: "/api/v1/stats/coverage" => CoverageGapsOut, by Week,
    coverage_gaps as "tackningsluckor" in gaps_table, GapRowOut { unit_days, gap_days, share }
}

stats_handler! {
    /// Commuting emissions avoided by remote days (kg CO₂e), gross and — with a
    /// home-office factor — net, with the share of remote days that have
    /// commute data.
    stats_emissions: "/api/v1/stats/emissions", StatsParams => EmissionsOut, by Month,
    |state, actor, asked, _| {
        let e = state.core.stats.emissions(&actor, &asked.q).await?;
        answer(&asked, "utslapp", e, emissions_table, |e| {
            bucketed_out!(
                EmissionsOut,
                &e.figures,
                EmissionRowOut { remote_days, gross_kg, net_kg, coverage },
                factors: factors_out(&e.factors)
            )
        })
    }
}

stats_handler! {
    /// Agreements now, by state and days a week.
    stats_agreements: "/api/v1/stats/agreements", StatsParams => AgreementsOut, by Week,
    |state, actor, asked, _| {
        let a = state.core.stats.agreements(&actor, asked.q.unit).await?;
        answer(&asked, "overenskommelser", a, agreements_table, |a| {
            AgreementsOut {
                min_group: a.min_group,
                rows: with_groups(&a.groups, &a.rows, |r| r.group, |group, r| {
                    AgreementRowOut {
                        group,
                        state: r.state.clone(),
                        days_per_week: r.days_per_week,
                        count: r.count,
                    }
                }),
            }
        })
    }
}

stats_handler! {
    /// Requests decided in the period by level and outcome, with the median
    /// days from request to decision; and the temporary decisions in force.
    stats_decisions: "/api/v1/stats/decisions", StatsParams => DecisionsOut, by Week,
    |state, actor, asked, _| {
        let q = &asked.q;
        let d = state
            .core
            .stats
            .decisions(&actor, q.from, q.to, q.unit)
            .await?;
        answer(&asked, "beslut", d, decisions_table, |d| DecisionsOut {
            from: d.from,
            to: d.to,
            min_group: d.min_group,
            rows: with_groups(&d.groups, &d.rows, |r| r.group, |group, r| {
                DecisionRowOut {
                    group,
                    level: r.level.clone(),
                    outcome: r.outcome.clone(),
                    count: r.count,
                    median_days: r.median_days,
                }
            }),
            temporary_in_force: d.temporary_in_force,
        })
    }
}

stats_handler! {
    /// Occupancy per site and workday against its desks: mean, peak, days
    /// over capacity and the mean by weekday.
    stats_occupancy: "/api/v1/stats/occupancy", OccupancyParams => OccupancyOut, by Week,
    |state, actor, asked, p| {
        let site = query_id("site", p.site.as_deref())?;
        let o = state
            .core
            .stats
            .occupancy(&actor, site, asked.q.from, asked.q.to)
            .await?;
        answer(&asked, "belaggning", o, occupancy_table, |o| OccupancyOut {
            from: o.from,
            to: o.to,
            workdays: o.workdays,
            min_group: o.min_group,
            rows: o
                .rows
                .into_iter()
                .map(|r| OccupancyRowOut {
                    site: r.site,
                    name: r.name,
                    desks: r.desks,
                    people: r.people,
                    suppressed: r.suppressed,
                    mean: r.mean,
                    peak: r.peak,
                    days_over_capacity: r.days_over_capacity,
                    by_weekday: r.by_weekday,
                })
                .collect(),
        })
    }
}

/// The emission factors in use (the defaults, with their source, until HR
/// saves its own).
#[utoipa::path(get, path = "/api/v1/stats/emission-factors", tag = "statistics",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = FactorsOut), (status = 403, body = ErrorBody)))]
pub async fn get_factors(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<FactorsOut>> {
    Ok(Json(factors_out(&state.core.stats.factors(&actor).await?)))
}

#[derive(Deserialize, ToSchema)]
pub struct FactorsBody {
    factors: Vec<FactorOut>,
    home_office_kg_per_day: Option<f64>,
    /// Where the figures come from (named, with its year).
    source: String,
    /// The version edited (409 when another was saved meanwhile).
    version: i64,
}

/// Save a new version of the emission factors (HR).
#[utoipa::path(put, path = "/api/v1/stats/emission-factors", tag = "statistics",
    request_body = FactorsBody,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = FactorsOut), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_factors(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<FactorsBody>,
) -> ApiResult<Json<FactorsOut>> {
    let factors = body
        .factors
        .into_iter()
        .map(|f| {
            Ok(EmissionFactor {
                mode: CommuteMode::parse(&f.mode).map_err(|e| CoreError::invalid("factors", e))?,
                kg_per_km: f.kg_per_km,
            })
        })
        .collect::<Result<Vec<_>, CoreError>>()?;
    let saved = state
        .core
        .stats
        .save_factors(
            &actor,
            FactorsInput {
                factors,
                home_office_kg_per_day: body.home_office_kg_per_day,
                source: body.source,
                version: body.version,
            },
        )
        .await?;
    Ok(Json(factors_out(&saved)))
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct CommuteBody {
    /// One-way distance in km (0–1000); null with `mode` null removes it.
    distance_km: Option<f64>,
    /// `car`, `public_transport`, `bicycle`, `walk` or `car_pool`.
    mode: Option<String>,
}

/// Record a person's one-way commute, for the emission figures: the person
/// themselves, HR or administrators. Never shown as anyone's figure.
#[utoipa::path(put, path = "/api/v1/people/{id}/commute", tag = "statistics",
    params(("id" = String, Path, description = "person id")),
    request_body = CommuteBody,
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = CommuteBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_commute(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<CommuteBody>,
) -> ApiResult<Json<CommuteBody>> {
    let mode = body
        .mode
        .as_deref()
        .map(|m| CommuteMode::parse(m).map_err(|e| CoreError::invalid("mode", e)))
        .transpose()?;
    state
        .core
        .stats
        .set_commute(&actor, id.into(), body.distance_km, mode)
        .await?;
    Ok(Json(CommuteBody {
        distance_km: body.distance_km,
        mode: mode.map(|m| m.as_str().to_string()),
    }))
}
