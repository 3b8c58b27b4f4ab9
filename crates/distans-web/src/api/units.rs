//! The organisation edited: units created, changed, moved and closed;
//! sites listed, added and changed. HR and administrators.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use distans_core::org::units::{NewUnit, SiteInput, UnitChange};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::extract::ApiJson;
use super::schema::org::{Site, UnitDetail};
use super::IdPath;
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

/// A field that may be left out (keep), `null` (remove) or a value (set).
fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Deserialize, ToSchema)]
pub struct NewUnitBody {
    name: String,
    /// The unit it belongs under.
    parent_id: Uuid,
    /// kommun, forvaltning, avdelning or enhet; default one level below the parent.
    kind: Option<String>,
    /// The code the HR system knows it by; default made from its id.
    code: Option<String>,
}

/// Create a unit below another.
#[utoipa::path(post, path = "/api/v1/units", tag = "organisation", request_body = NewUnitBody,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = UnitDetail), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn create_unit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewUnitBody>,
) -> ApiResult<(StatusCode, Json<UnitDetail>)> {
    let input = NewUnit {
        name: b.name,
        parent: Some(b.parent_id.into()),
        kind: b.kind,
        code: b.code,
    };
    let unit = state.core.org.create_unit(&actor, &input).await?;
    Ok((StatusCode::CREATED, Json(unit.into())))
}

#[derive(Deserialize, ToSchema)]
pub struct UnitPatch {
    name: Option<String>,
    /// Move the unit (with the units below it) under this one.
    parent_id: Option<Uuid>,
    /// The manager's person id; `null` removes the manager.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Uuid)]
    manager: Option<Option<Uuid>>,
    /// The deputy's person id; `null` removes the deputy.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Uuid)]
    deputy: Option<Option<Uuid>>,
    /// The unit's site; `null` removes it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Uuid)]
    site_id: Option<Option<Uuid>>,
    /// The unit's `version` you changed; 409 if it changed since.
    version: i64,
}

/// Rename a unit, move it, or set its manager, deputy or site.
#[utoipa::path(patch, path = "/api/v1/units/{id}", tag = "organisation", request_body = UnitPatch,
    params(("id" = String, Path, description = "unit id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = UnitDetail), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_unit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<UnitPatch>,
) -> ApiResult<Json<UnitDetail>> {
    let change = UnitChange {
        name: b.name,
        parent: b.parent_id.map(Into::into),
        manager: b.manager.map(|m| m.map(Into::into)),
        deputy: b.deputy.map(|m| m.map(Into::into)),
        site: b.site_id.map(|s| s.map(Into::into)),
        version: b.version,
    };
    let unit = state
        .core
        .org
        .change_unit(&actor, id.into(), &change)
        .await?;
    Ok(Json(unit.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct CloseBody {
    /// The unit's `version`; 409 if it changed since.
    version: i64,
}

/// Close a unit nobody belongs to and with no open unit below it (422
/// naming what is left). It stays in the history.
#[utoipa::path(post, path = "/api/v1/units/{id}/close", tag = "organisation", request_body = CloseBody,
    params(("id" = String, Path, description = "unit id")),
    security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close_unit(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<CloseBody>,
) -> ApiResult<StatusCode> {
    state
        .core
        .org
        .close_unit(&actor, id.into(), b.version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A site with the version to change it at.
#[derive(Serialize, ToSchema)]
pub struct SiteWithVersion {
    #[serde(flatten)]
    site: Site,
    version: i64,
}

/// Every site (at most 1,000), by name.
#[utoipa::path(get, path = "/api/v1/sites", tag = "organisation",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = Vec<SiteWithVersion>), (status = 401, body = ErrorBody)))]
pub async fn list_sites(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<SiteWithVersion>>> {
    let sites = state.core.org.sites_with_versions(&actor).await?;
    Ok(Json(
        sites
            .into_iter()
            .map(|(s, version)| SiteWithVersion {
                site: s.into(),
                version,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct SiteBody {
    name: Option<String>,
    address: Option<String>,
    /// Desks for those working on site (0–100,000).
    desks: Option<i64>,
    /// When changing: the `version` you changed; 409 if it changed since.
    version: Option<i64>,
}

impl SiteBody {
    fn input(self) -> SiteInput {
        SiteInput {
            name: self.name,
            address: self.address,
            desks: self.desks,
            version: self.version,
        }
    }
}

/// Add a site (name, address and desks).
#[utoipa::path(post, path = "/api/v1/sites", tag = "organisation", request_body = SiteBody,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = SiteWithVersion), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn create_site(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<SiteBody>,
) -> ApiResult<(StatusCode, Json<SiteWithVersion>)> {
    let site = state.core.org.create_site(&actor, &b.input()).await?;
    Ok((
        StatusCode::CREATED,
        Json(SiteWithVersion {
            site: site.into(),
            version: 1,
        }),
    ))
}

/// Change a site's name, address or desks.
#[utoipa::path(patch, path = "/api/v1/sites/{id}", tag = "organisation", request_body = SiteBody,
    params(("id" = String, Path, description = "site id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = SiteWithVersion), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn change_site(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<SiteBody>,
) -> ApiResult<Json<SiteWithVersion>> {
    let (site, version) = state
        .core
        .org
        .change_site(&actor, id.into(), &b.input())
        .await?;
    Ok(Json(SiteWithVersion {
        site: site.into(),
        version,
    }))
}
