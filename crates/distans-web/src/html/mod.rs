//! The web pages: rendered on the server, plain forms, no JavaScript
//! needed. Every form carries the session's CSRF token.

mod cases;
mod ctx;
mod pages;
mod plan;
mod rotation;
mod workdays;
// Equipment and redeployment.
mod equipment;
pub use equipment::person_loans;
// Deviations.
mod deviations;
// Follow-ups.
mod followups;

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
        .route(
            "/mina-nycklar/kalender/{what}",
            post(pages::calendar_feed_action),
        )
        .route("/static/distans.css", get(pages::css))
        .route("/distanspolicy", get(cases::policy_page))
        .route(
            "/distanspolicy/ny",
            get(cases::policy_form).post(cases::policy_submit),
        )
        .route(
            "/distanspolicy/mall",
            get(cases::template_form).post(cases::template_submit),
        )
        .route("/ansokningar", get(cases::requests_page))
        .route(
            "/ansokningar/ny",
            get(cases::request_new).post(cases::request_check),
        )
        .route("/ansokningar/skicka", post(cases::request_send))
        .route("/ansokningar/{id}", get(cases::request_page))
        .route("/ansokningar/{id}/beslut", post(cases::request_decide))
        .route(
            "/ansokningar/{id}/andra",
            get(cases::request_edit).post(cases::request_resubmit),
        )
        .route("/ansokningar/{id}/aterkalla", post(cases::request_withdraw))
        .route("/overenskommelser/{id}", get(cases::agreement_page))
        .route(
            "/overenskommelser/{id}/signera",
            post(cases::agreement_sign),
        )
        .route("/overenskommelser/{id}/avsluta", post(cases::agreement_end))
        .route("/overenskommelser/{id}/skicka", post(cases::agreement_send))
        .route(
            "/tillfalliga-beslut",
            get(cases::temporary_page).post(cases::temporary_issue),
        )
        .route("/notiser", get(cases::notifications_page))
        .route("/enheter/{id}/policy", post(cases::unit_policy_submit))
        .route("/notiser/last", post(cases::notifications_read))
        .route("/plan", get(plan::my_plan))
        .route(
            "/personer/{id}/plan",
            get(plan::person_plan).post(plan::set_day),
        )
        .route("/enheter/{id}/plan", get(plan::unit_plan))
        .route("/enheter/{id}/tackning", post(plan::add_rule))
        .route("/tackningsregler/{id}/ta-bort", post(plan::delete_rule))
        .route("/oversikt", get(plan::overview))
        .route(
            "/enheter/{id}/rotation",
            get(rotation::form).post(rotation::start),
        )
        .route("/rotation/{id}", get(rotation::job_page))
        .route("/rotation/{id}/status", get(rotation::job_status))
        .route("/rotation/{id}/avbryt", post(rotation::cancel))
        .route("/rotation/{id}/publicera", post(rotation::publish))
        .route("/static/rotation.js", get(pages::rotation_js))
        .route("/arbetsplatser", get(plan::sites))
        .route(
            "/arbetsdagar",
            get(workdays::workdays_page).post(workdays::add_closed_day),
        )
        .route(
            "/arbetsdagar/{date}/ta-bort",
            post(workdays::remove_closed_day),
        )
        // Equipment and redeployment.
        .route(
            "/utrustning",
            get(equipment::equipment_page).post(equipment::add_item),
        )
        .route("/utrustning/lana-ut", post(equipment::lend))
        .route("/utrustning/{id}/status", post(equipment::set_item_state))
        .route("/utlan/{id}/aterlamna", post(equipment::return_loan))
        .route("/omplacering", get(equipment::redeployment_page))
        // Deviations.
        .route("/avvikelser", get(deviations::list_page))
        .route(
            "/avvikelser/ny",
            get(deviations::report_form).post(deviations::report_submit),
        )
        .route("/avvikelser/{id}", get(deviations::deviation_page))
        .route("/avvikelser/{id}/kvittera", post(deviations::acknowledge))
        .route("/avvikelser/{id}/stang", post(deviations::close))
        // Follow-ups.
        .route("/uppfoljningar", get(followups::list_page))
        .route(
            "/uppfoljningar/{id}",
            get(followups::followup_get).post(followups::followup_post),
        )
        .route("/atgarder/{id}", post(followups::action_update))
        .route("/atgarder/{id}/stang", post(followups::action_close))
        .route("/checklistor", get(followups::checklists_page))
        .route(
            "/checklistor/{key}",
            get(followups::checklist_get).post(followups::checklist_post),
        )
        .route(
            "/overenskommelser/{id}/medarbetarsamtal",
            post(followups::development_talk),
        )
}

pub async fn not_found(c: Ctx) -> HtmlError {
    HtmlError::Core(distans_core::CoreError::NotFound("page"), Box::new(c))
}
