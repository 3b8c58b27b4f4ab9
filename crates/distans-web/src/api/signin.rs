//! Signing in and out, the signed-in person, personal tokens.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use distans_core::identity::rules::token;
use distans_core::kernel::Actor;
use distans_core::CoreError;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use utoipa::ToSchema;

use super::schema::org::{ApiToken, MeView, NewToken};
use super::schema::Language;
use super::schema::Wire;
use super::{ApiJson, IdPath};
use crate::auth::{self, ApiActor, SESSION_CSRF, SESSION_PERSON};
use crate::error::{ApiResult, ErrorBody};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    username: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    person: MeView,
}

/// The signed-in person, and their own settings.
#[derive(Serialize, ToSchema)]
pub struct Me {
    #[serde(flatten)]
    person: MeView,
    /// The language pages, notices and e-mails come in.
    language: Language,
    /// Whether colleagues of the unit see the days one plans to be on site
    /// ("Vem är på plats?"): one's own choice, or the policy's default.
    share_presence: bool,
    /// One's own choice; `null`: never chose, the policy's default applies.
    share_presence_chosen: Option<bool>,
}

impl Me {
    async fn of(state: &AppState, actor: &Actor) -> Result<Me, CoreError> {
        let share = state.core.presence.share_choice(actor).await?;
        Ok(Me {
            person: state.core.org.me(actor).into(),
            language: actor.language.into(),
            share_presence: share.shares(),
            share_presence_chosen: share.chosen,
        })
    }
}

/// A change to one's own settings.
#[derive(Deserialize, ToSchema)]
pub struct MeChange {
    /// `sv` or `en`.
    language: Option<String>,
    /// Show colleagues of the unit the days one is on site (`true`), do not
    /// (`false`), or follow the policy's default again (`null`). Left out:
    /// unchanged.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>, nullable)]
    share_presence: Option<Option<bool>>,
}

/// A field that is there, even as `null`: `Some(None)`; left out: `None`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<bool>>, D::Error> {
    Option::<bool>::deserialize(d).map(Some)
}

fn session_err(e: tower_sessions::session::Error) -> CoreError {
    CoreError::Internal(format!("session: {e}"))
}

/// Starts a session (cookie) for the person, who signed in `via`
/// (`password` or `oidc`).
pub async fn start_session(
    session: &Session,
    person: uuid::Uuid,
    via: &str,
) -> Result<(), CoreError> {
    session.cycle_id().await.map_err(session_err)?;
    session
        .insert(SESSION_PERSON, person)
        .await
        .map_err(session_err)?;
    session
        .insert(crate::auth::SESSION_VIA, via)
        .await
        .map_err(session_err)?;
    session
        .insert(SESSION_CSRF, token::random_secret())
        .await
        .map_err(session_err)?;
    Ok(())
}

/// Sign in with a username and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/login", tag = "sign-in", request_body = LoginBody,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 400, description = "Missing field", body = ErrorBody),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 403, description = "Sign-in with a password is turned off (DISTANS_LOCAL_LOGIN=false) and the person is not an administrator", body = ErrorBody),
        (status = 429, description = "Too many attempts", body = ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    session: Session,
    crate::client::ClientIp(ip): crate::client::ClientIp,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Json<LoginResponse>> {
    let person = auth::sign_in(&state, &body.username, &body.password, ip).await?;
    let actor = state
        .core
        .identity
        .actor(person.into())
        .await?
        .ok_or(CoreError::BadCredentials)?;
    start_session(&session, person, "password").await?;
    Ok(Json(LoginResponse {
        person: state.core.org.me(&actor).into(),
    }))
}

/// End the session. Like every API request that changes something with a
/// session, it must be JSON (`Content-Type: application/json`, body `{}`
/// or none): a page on another site cannot send that without the browser
/// asking first, so it cannot sign anyone out.
#[utoipa::path(post, path = "/api/v1/logout", tag = "sign-in",
    responses(
        (status = 204, description = "Signed out (also when no one was signed in)"),
        (status = 403, description = "Not sent as JSON", body = ErrorBody),
    ))]
pub async fn logout(session: Session, headers: HeaderMap) -> ApiResult<StatusCode> {
    if !auth::is_json_headers(&headers) {
        return Err(CoreError::forbidden(
            "requests that change something must send Content-Type: application/json",
        )
        .into());
    }
    session.flush().await.map_err(session_err)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in person, their roles and the units they manage.
#[utoipa::path(get, path = "/api/v1/me", tag = "sign-in",
    security(("session" = []), ("token" = [])),
    responses(
        (status = 200, body = Me),
        (status = 401, body = ErrorBody),
    ))]
pub async fn me(State(state): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<Json<Me>> {
    Ok(Json(Me::of(&state, &actor).await?))
}

/// Changes one's own settings: the language pages, notices and e-mails
/// come in, and whether colleagues see the days one is on site.
#[utoipa::path(patch, path = "/api/v1/me", tag = "sign-in", request_body = MeChange,
    security(("session" = []), ("token" = [])),
    responses(
        (status = 200, body = Me),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub async fn change_me(
    State(state): State<AppState>,
    ApiActor(mut actor): ApiActor,
    ApiJson(body): ApiJson<MeChange>,
) -> ApiResult<Json<Me>> {
    if let Some(language) = &body.language {
        actor.language = state.core.identity.set_language(&actor, language).await?;
    }
    if let Some(share) = body.share_presence {
        state.core.presence.set_share_choice(&actor, share).await?;
    }
    Ok(Json(Me::of(&state, &actor).await?))
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    items: Vec<ApiToken>,
}

/// Your personal API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "sign-in",
    security(("session" = []), ("token" = [])),
    responses((status = 200, body = TokenList), (status = 401, body = ErrorBody)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<TokenList>> {
    Ok(Json(TokenList {
        items: state.core.identity.tokens(&actor).await?.wire(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewTokenBody {
    /// What the token is for.
    name: String,
    /// Days until it expires (1–365, default 90).
    days: Option<i64>,
}

/// Create a personal token for scripts: `Authorization: Bearer <secret>`.
/// The secret is shown this once.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "sign-in", request_body = NewTokenBody,
    security(("session" = []), ("token" = [])),
    responses((status = 201, body = NewToken), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<NewTokenBody>,
) -> ApiResult<(StatusCode, Json<NewToken>)> {
    let t = state
        .core
        .identity
        .create_token(&actor, &body.name, body.days)
        .await?;
    Ok((StatusCode::CREATED, Json(t.into())))
}

/// Revoke one of your tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "sign-in",
    params(("id" = String, Path, description = "token id")),
    security(("session" = []), ("token" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    state.core.identity.revoke_token(&actor, id.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}
