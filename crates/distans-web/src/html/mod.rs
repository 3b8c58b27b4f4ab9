//! The web pages: rendered on the server, plain forms, no JavaScript
//! needed. Every form carries the session's CSRF token.

mod about;
mod assets;
mod audit;
mod cases;
mod ctx;
mod departures;
mod deviations;
mod equipment;
mod first_notice;
mod followups;
mod form;
mod history;
mod local;
mod oidc;
mod org;
mod pager;
mod passwords;
mod people;
mod plan;
mod presence;
mod privacy;
mod rotation;
mod search;
mod signin;
mod start;
mod stats;
mod tokens;
mod units;

use axum::routing::{get, post};
use axum::Router;
use distans_core::kernel::Paging;

pub use ctx::{Ctx, HtmlError, Reply};
pub use equipment::person_loans;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(start::start))
        .route(
            "/logga-in",
            get(signin::login_form).post(signin::login_submit),
        )
        .route("/logga-ut", post(signin::logout))
        .route("/auth/oidc/login", get(oidc::login))
        .route("/auth/oidc/callback", get(oidc::callback))
        .route("/sprak/{lang}", get(signin::set_lang))
        .route("/tillganglighet", get(about::accessibility))
        .route("/hjalp", get(about::help))
        .route("/integritet", get(privacy::notice))
        .route(
            "/integritet/forsta",
            get(first_notice::show).post(first_notice::seen),
        )
        .route(
            "/integritet/andra",
            get(privacy::notice_form).post(privacy::notice_save),
        )
        .route("/mina-uppgifter", get(privacy::my_data))
        .route("/mina-uppgifter/pdf", get(privacy::my_data_pdf))
        .route("/personer/{id}/registerutdrag", post(privacy::person_data))
        .route("/gallring", get(privacy::retention))
        .route("/gallring/regler/{kind}", post(privacy::save_rule))
        .route("/gallring/spar", post(privacy::place_hold))
        .route("/gallring/spar/{id}/hav", post(privacy::lift_hold))
        .route("/gallring/korning", post(privacy::run))
        .route("/sok", get(search::search_page))
        .route("/organisation", get(org::org_tree))
        .route("/enheter/{id}", get(org::unit_page))
        .route(
            "/enheter/{id}/andra",
            get(units::unit_form).post(units::unit_save),
        )
        .route("/enheter/{id}/ny", post(units::unit_add))
        .route("/enheter/{id}/stang", post(units::unit_close))
        .route("/arbetsplatser/spara", post(units::site_save))
        .route("/personer", get(org::people_page))
        .route("/personer/{id}", get(org::person_page))
        .route(
            "/personer/{id}/andra",
            get(people::person_form).post(people::person_save),
        )
        .route(
            "/personer/{id}/avsluta",
            get(departures::departure_form).post(departures::departure_submit),
        )
        .route("/personer/{id}/ateraktivera", post(departures::reactivate))
        .route("/personer/{id}/losenordslank", post(passwords::send_link))
        .route(
            "/glomt-losenord",
            get(passwords::forgot_form).post(passwords::forgot_submit),
        )
        .route(
            "/losenord/{secret}",
            get(passwords::set_form).post(passwords::set_submit),
        )
        .route("/mitt-sprak", post(org::set_own_language))
        .route(presence::PATH, get(presence::who_is_in_page))
        .route("/mitt-delande", post(presence::set_own_share))
        .route("/min-pendling", post(stats::set_own_commute))
        .route("/logg", get(audit::audit_page))
        .route(
            "/mina-nycklar",
            get(tokens::tokens_page).post(tokens::create_token),
        )
        .route("/mina-nycklar/{id}/aterkalla", post(tokens::revoke_token))
        .route(
            "/mina-nycklar/kalender/{what}",
            post(tokens::calendar_feed_action),
        )
        .route("/static/distans.css", get(assets::css))
        .route("/distanspolicy", get(cases::policy::policy_page))
        .route(
            "/distanspolicy/ny",
            get(cases::policy::policy_form).post(cases::policy::policy_submit),
        )
        .route(
            "/distanspolicy/mall",
            get(cases::policy::template_form).post(cases::policy::template_submit),
        )
        .route("/ansokningar", get(cases::requests::requests_page))
        .route(
            "/ansokningar/ny",
            get(cases::requests::request_new).post(cases::requests::request_check),
        )
        .route("/ansokningar/skicka", post(cases::requests::request_send))
        .route("/ansokningar/{id}", get(cases::decisions::request_page))
        .route(
            "/ansokningar/{id}/beslut",
            post(cases::decisions::request_decide),
        )
        .route(
            "/ansokningar/{id}/andra",
            get(cases::requests::request_edit).post(cases::requests::request_resubmit),
        )
        .route(
            "/ansokningar/{id}/aterkalla",
            post(cases::requests::request_withdraw),
        )
        .route(
            "/overenskommelser/{id}",
            get(cases::agreements::agreement_page),
        )
        .route(
            "/overenskommelser/{id}/signera",
            post(cases::agreements::agreement_sign),
        )
        .route(
            "/overenskommelser/{id}/avsluta",
            post(cases::agreements::agreement_end),
        )
        .route(
            "/overenskommelser-att-bekrafta",
            get(cases::agreements::agreements_to_confirm),
        )
        .route(
            "/overenskommelser/{id}/bekrafta",
            post(cases::agreements::agreement_confirm),
        )
        .route(
            "/overenskommelser/{id}/skicka",
            post(cases::agreements::agreement_send),
        )
        .route(
            "/tillfalliga-beslut",
            get(cases::temporary::temporary_page).post(cases::temporary::temporary_issue),
        )
        .route("/notiser", get(cases::notifications::notifications_page))
        .route(
            "/enheter/{id}/policy",
            post(cases::policy::unit_policy_submit),
        )
        .route(
            "/notiser/last",
            post(cases::notifications::notifications_read),
        )
        .route("/plan", get(plan::person::my_plan))
        .route(
            "/personer/{id}/plan",
            get(plan::person::person_plan).post(plan::person::set_day),
        )
        .route("/enheter/{id}/plan", get(plan::unit::unit_plan))
        .route("/enheter/{id}/tackning", post(plan::rules::add_rule))
        .route(
            "/tackningsregler/{id}/ta-bort",
            post(plan::rules::delete_rule),
        )
        .route("/oversikt", get(plan::overview::overview))
        .route(
            "/enheter/{id}/rotation",
            get(rotation::form).post(rotation::start),
        )
        .route("/rotation/{id}", get(rotation::job_page))
        .route("/rotation/{id}/status", get(rotation::job_status))
        .route("/rotation/{id}/avbryt", post(rotation::cancel))
        .route("/rotation/{id}/publicera", post(rotation::publish))
        .route("/static/rotation.js", get(assets::rotation_js))
        .route("/static/editors.js", get(assets::editors_js))
        .route("/arbetsplatser", get(plan::sites::sites))
        .route(
            "/arbetsdagar",
            get(plan::workdays::workdays_page).post(plan::workdays::add_closed_day),
        )
        .route(
            "/arbetsdagar/{date}/ta-bort",
            post(plan::workdays::remove_closed_day),
        )
        // Equipment and redeployment.
        .route(
            "/utrustning",
            get(equipment::equipment_page).post(equipment::add_item),
        )
        .route("/utrustning/lana-ut", post(equipment::lend))
        .route("/utrustning/{id}/status", post(equipment::set_item_state))
        .route("/utlan/{id}/aterlamna", post(equipment::return_loan))
        .route(
            "/omplacering",
            get(equipment::redeployment::redeployment_page),
        )
        .route("/statistik", get(stats::stats_page))
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
            get(followups::followup::followup_get).post(followups::followup::followup_post),
        )
        .route("/atgarder/{id}", post(followups::followup::action_update))
        .route(
            "/atgarder/{id}/stang",
            post(followups::followup::action_close),
        )
        .route("/checklistor", get(followups::checklists::checklists_page))
        .route(
            "/checklistor/{key}",
            get(followups::checklists::checklist_get).post(followups::checklists::checklist_post),
        )
        .route(
            "/overenskommelser/{id}/medarbetarsamtal",
            post(followups::agreement::development_talk),
        )
}

pub async fn not_found(c: Ctx) -> HtmlError {
    HtmlError::Core(distans_core::CoreError::NotFound("page"), Box::new(c))
}

/// The first `n` of a list.
fn first(n: i64) -> Paging {
    Paging {
        limit: n,
        offset: 0,
    }
}

/// A moment to the minute, in local time, as the pages show it.
use crate::localtime::minute;
