//! The web pages: rendered on the server, plain forms, no JavaScript
//! needed. Every form carries the session's CSRF token.

mod ctx;
mod pages;

use axum::routing::{get, post};
use axum::Router;

pub use ctx::{Ctx, HtmlError};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::start))
        .route(
            "/logga-in",
            get(pages::login_form).post(pages::login_submit),
        )
        .route("/logga-ut", post(pages::logout))
        .route("/sprak/{lang}", get(pages::set_lang))
        .route("/organisation", get(pages::org_tree))
        .route("/enheter/{id}", get(pages::unit_page))
        .route("/personer", get(pages::people_page))
        .route("/personer/{id}", get(pages::person_page))
        .route("/logg", get(pages::audit_page))
        .route(
            "/mina-nycklar",
            get(pages::tokens_page).post(pages::create_token),
        )
        .route("/mina-nycklar/{id}/aterkalla", post(pages::revoke_token))
        .route("/static/distans.css", get(pages::css))
}

pub async fn not_found(c: Ctx) -> HtmlError {
    HtmlError::Core(distans_core::CoreError::NotFound("page"), Box::new(c))
}
