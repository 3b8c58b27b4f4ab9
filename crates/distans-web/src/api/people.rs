//! Adding and changing people (HR, administrators): the same use cases as
//! provisioning by SCIM.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use distans_core::org::edit::{NewPerson, PersonChange};
use distans_core::CoreError;
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::query_id;
use super::schema::org::PersonView;
use super::{ApiJson, IdPath};
use crate::auth::ApiActor;
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

/// A new person.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonBody {
    /// Anställningsnummer, unique (at most 64 letters, digits, `-`, `_`, `.`).
    employee_number: String,
    given_name: String,
    family_name: String,
    email: Option<String>,
    title: Option<String>,
    /// The home unit's id.
    unit_id: String,
    /// The site's id.
    site_id: Option<String>,
    #[serde(default)]
    skills: Vec<String>,
    /// Granted roles: hr, admin, auditor, director.
    #[serde(default)]
    roles: Vec<String>,
    /// A sign-in name (an account without a password: single sign-on, or
    /// `distans passwd`).
    username: Option<String>,
}

/// A change of a person: the fields sent are changed, the others kept; an
/// empty string clears an optional field.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonChangeBody {
    /// The person's version as read: a stale one is a 409 and changes nothing.
    version: i64,
    employee_number: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    email: Option<String>,
    title: Option<String>,
    unit_id: Option<String>,
    site_id: Option<String>,
    skills: Option<Vec<String>>,
    roles: Option<Vec<String>>,
    username: Option<String>,
}

/// `""` is "clear it".
fn clearable(v: Option<String>) -> Option<Option<String>> {
    v.map(|s| Some(s).filter(|s| !s.trim().is_empty()))
}

/// Add a person (HR, administrators). 409 when the employee number or the
/// username is taken.
#[utoipa::path(post, path = "/api/v1/people", tag = "organisation", request_body = NewPersonBody,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = PersonView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn create_person(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewPersonBody>,
) -> ApiResult<(StatusCode, Json<PersonView>)> {
    let new = NewPerson {
        employee_number: b.employee_number,
        given_name: b.given_name,
        family_name: b.family_name,
        email: b.email,
        title: b.title,
        unit_id: Some(
            query_id("unit_id", Some(&b.unit_id))?
                .ok_or_else(|| CoreError::invalid("unit_id", "is required"))?
                .into(),
        ),
        site_id: query_id("site_id", b.site_id.as_deref())?.map(Into::into),
        skills: b.skills,
        roles: b.roles,
        username: b.username,
    };
    let view = state.core.org.create_person(&actor, &new).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// Change a person (HR, administrators) as they were at `version`.
#[utoipa::path(patch, path = "/api/v1/people/{id}", tag = "organisation", request_body = PersonChangeBody,
    params(("id" = String, Path, description = "person id")),
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = PersonView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update_person(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<PersonChangeBody>,
) -> ApiResult<Json<PersonView>> {
    let site_id = match clearable(b.site_id) {
        None => None,
        Some(None) => Some(None),
        Some(Some(s)) => Some(query_id("site_id", Some(&s))?.map(Into::into)),
    };
    let change = PersonChange {
        employee_number: b.employee_number,
        given_name: b.given_name,
        family_name: b.family_name,
        email: clearable(b.email),
        title: clearable(b.title),
        unit_id: query_id("unit_id", b.unit_id.as_deref())?.map(Into::into),
        site_id,
        skills: b.skills,
        roles: b.roles,
        username: clearable(b.username),
    };
    let view = state
        .core
        .org
        .update_person(&actor, id.into(), b.version, &change)
        .await?;
    Ok(Json(view.into()))
}
