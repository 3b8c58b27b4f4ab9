//! The JSON API of `api.md`, described by the OpenAPI document generated
//! from these very handlers (utoipa), so the two cannot drift apart.

mod absences;
mod cases;
mod coverage;
mod departures;
mod extract;
mod feed;
mod org;
mod people;
mod plan;
mod privacy;
mod rotation;
pub mod schema;
mod search;
mod signin;
pub(crate) mod stats;
mod stats_tables;
mod system;
mod units;
mod workdays;
// Equipment and redeployment.
pub mod equipment;
// Deviations.
mod deviations;
// Follow-ups.
mod followups;

pub use signin::start_session;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub use cases::agreement_document;
pub use extract::{ApiJson, ApiQuery, IdPath};
pub use feed::feed_url;
pub use workdays::parse_year;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "distans",
        description = "Remote and flexible work (distansarbete) for organisations: policy, agreements, the plan, coverage and follow-up. \
Errors have the shape {\"error\": {\"code\", \"message\", \"field\"}}. Lists take limit (1–500, default 50) and offset and return {\"items\", \"total\", \"next\"}. \
Requests that change something with a session cookie must be sent as application/json; scripts use a personal token as Authorization: Bearer.",
        license(name = "EUPL-1.2")
    ),
    modifiers(&Security),
    tags(
        (name = "system", description = "Health and the API description"),
        (name = "sign-in", description = "Sessions, the signed-in person and personal tokens"),
        (name = "organisation", description = "Units and people"),
        (name = "audit", description = "The tamper-evident audit log"),
        (name = "policy", description = "The remote-work policy, versioned, and the agreement template"),
        (name = "requests", description = "Requests for regular remote work and their decisions"),
        (name = "agreements", description = "Signed agreements (överenskommelser om distansarbete)"),
        (name = "temporary decisions", description = "Time-bounded (crisis) decisions"),
        (name = "plan", description = "Who works where: the plan and occasional days"),
        (name = "rotation", description = "The rotation planner (rotation-planning.md)"),
        (name = "equipment", description = "Equipment lent home: the inventory and loans"),
        (name = "redeployment", description = "People across units by skill and availability (HR, directors)"),
        // Deviations.
        (name = "deviations", description = "Deviations (avvikelser): reported by anyone, handled by the responsible manager"),
        (name = "follow-ups", description = "Checklists, follow-ups, risk assessments and their actions"),
        (name = "statistics", description = "Figures for groups, never about one person: remote share, emissions avoided, agreements, decisions, occupancy"),
        (name = "search", description = "People, units, agreements and requests by name, as far as the caller may see them"),
        (name = "personal data", description = "A person's own data (GDPR Art. 15), disposal rules, legal holds, disposal runs and the privacy notice"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::session::COOKIE))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's routes and its OpenAPI document, with the errors every route
/// can answer documented on each.
pub fn routes_and_document() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (routes, doc) = router().split_for_parts();
    (routes, with_standard_errors(doc))
}

/// Adds to every operation of the API the error answers it can give
/// whatever it does (the error shape, `ErrorBody`), where its own
/// description does not name them: 400 for a malformed path, query or body,
/// 401 when not signed in (all but signing in), 403, 404, and 503 while the
/// database cannot take requests; for those that change something also 409
/// (changed meanwhile, or the state forbids it), 413 (a body too large) and
/// 422 (breaks a rule). Health checks answer for themselves.
fn with_standard_errors(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{ContentBuilder, HttpMethod, Ref, ResponseBuilder};
    let error = |what: &str| {
        ResponseBuilder::new()
            .description(what)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build()
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        let ops = [
            (HttpMethod::Get, &mut item.get),
            (HttpMethod::Post, &mut item.post),
            (HttpMethod::Put, &mut item.put),
            (HttpMethod::Patch, &mut item.patch),
            (HttpMethod::Delete, &mut item.delete),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let changes = method != HttpMethod::Get;
            let mut standard = vec![
                (
                    "400",
                    "The path, query or body is malformed; `field` names what",
                ),
                ("403", "The signed-in person may not do this"),
                ("404", "Not found, or not visible to the signed-in person"),
                (
                    "503",
                    "The database cannot take requests now; try again after `Retry-After` seconds",
                ),
            ];
            if path != "/api/v1/login" {
                standard.push(("401", "Not signed in"));
            }
            if method == HttpMethod::Post {
                let p = op.parameters.get_or_insert_with(Vec::new);
                p.push(
                    utoipa::openapi::path::ParameterBuilder::new()
                        .name("Idempotency-Key")
                        .parameter_in(utoipa::openapi::path::ParameterIn::Header)
                        .required(utoipa::openapi::Required::False)
                        .description(Some(
                            "A key of your choosing (a UUID): sent again with the same request, the first answer comes back (marked Idempotent-Replayed) and nothing is done twice. Kept a day.",
                        ))
                        .schema(Some(
                            utoipa::openapi::ObjectBuilder::new()
                                .schema_type(utoipa::openapi::schema::Type::String)
                                .min_length(Some(1))
                                .max_length(Some(255))
                                .pattern(Some("^[!-~]+$")),
                        ))
                        .build(),
                );
            }
            if changes {
                standard.push(("409", "Changed meanwhile, or its state forbids this"));
                standard.push(("413", "The body is too large"));
                standard.push(("422", "Breaks a rule of the policy or the organisation"));
            }
            for (status, what) in standard {
                if !op.responses.responses.contains_key(status) {
                    op.responses
                        .responses
                        .insert(status.to_string(), error(what).into());
                }
            }
        }
    }
    doc
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(system::healthz))
        .routes(routes!(search::search))
        .routes(routes!(system::readyz))
        .routes(routes!(signin::login))
        .routes(routes!(signin::logout))
        .routes(routes!(signin::me, signin::change_me))
        .routes(routes!(signin::list_tokens, signin::create_token))
        .routes(routes!(signin::revoke_token))
        .routes(routes!(org::list_units, units::create_unit))
        .routes(routes!(org::get_unit, units::change_unit))
        .routes(routes!(units::close_unit))
        .routes(routes!(units::list_sites, units::create_site))
        .routes(routes!(units::change_site))
        .routes(routes!(org::list_people, people::create_person))
        .routes(routes!(org::get_person, people::update_person))
        .routes(routes!(departures::deactivate))
        .routes(routes!(departures::reactivate))
        .routes(routes!(stats::put_commute))
        .routes(routes!(stats::stats_remote_share))
        .routes(routes!(stats::stats_coverage_gaps))
        .routes(routes!(stats::stats_emissions))
        .routes(routes!(stats::stats_agreements))
        .routes(routes!(stats::stats_decisions))
        .routes(routes!(stats::stats_occupancy))
        .routes(routes!(stats::get_factors, stats::put_factors))
        .routes(routes!(system::audit))
        .routes(routes!(system::audit_verify))
        .routes(routes!(cases::get_policy))
        .routes(routes!(cases::policy_versions, cases::add_policy_version))
        .routes(routes!(cases::get_template, cases::put_template))
        .routes(routes!(cases::submit_request, cases::list_requests))
        .routes(routes!(cases::preview_request))
        .routes(routes!(cases::get_request, cases::resubmit_request))
        .routes(routes!(cases::withdraw_request))
        .routes(routes!(cases::decide))
        .routes(routes!(cases::get_agreement))
        .routes(routes!(cases::sign_agreement))
        .routes(routes!(cases::send_agreement))
        .routes(routes!(cases::agreement_pdf))
        .routes(routes!(cases::end_agreement))
        .routes(routes!(cases::confirm_agreement))
        .routes(routes!(cases::agreements_to_confirm))
        .routes(routes!(
            cases::issue_temporary_decision,
            cases::list_temporary_decisions
        ))
        .routes(routes!(cases::notifications))
        .routes(routes!(cases::notifications_read))
        .routes(routes!(rotation::plan))
        .routes(routes!(rotation::publish))
        .routes(routes!(plan::get_plan))
        .routes(routes!(plan::put_day, plan::delete_day))
        .routes(routes!(coverage::get_coverage))
        .routes(routes!(coverage::list_rules, coverage::add_rule))
        .routes(routes!(coverage::put_rule, coverage::delete_rule))
        .routes(routes!(coverage::occupancy))
        .routes(routes!(feed::get_calendar, feed::delete_calendar))
        .routes(routes!(feed::reset_calendar))
        .routes(routes!(feed::feed))
        .routes(routes!(absences::add_absence, absences::list_absences))
        .routes(routes!(absences::delete_absence))
        .routes(routes!(
            workdays::list_closed_days,
            workdays::add_closed_day
        ))
        .routes(routes!(workdays::delete_closed_day))
        // Equipment and redeployment.
        .routes(routes!(equipment::list_equipment, equipment::add_equipment))
        .routes(routes!(
            equipment::get_equipment,
            equipment::patch_equipment,
            equipment::post_equipment
        ))
        .routes(routes!(equipment::lend, equipment::list_loans))
        .routes(routes!(equipment::loans_to_collect))
        .routes(routes!(equipment::get_loan))
        .routes(routes!(equipment::return_loan))
        .routes(routes!(equipment::redeployment))
        .routes(routes!(equipment::redeployment_csv))
        // Deviations.
        .routes(routes!(
            deviations::report_deviation,
            deviations::list_deviations
        ))
        .routes(routes!(deviations::get_deviation))
        .routes(routes!(deviations::acknowledge_deviation))
        .routes(routes!(deviations::close_deviation))
        // Follow-ups.
        .routes(routes!(followups::list_checklists))
        .routes(routes!(followups::get_checklist, followups::put_checklist))
        .routes(routes!(followups::checklist_versions))
        .routes(routes!(followups::list_followups))
        .routes(routes!(followups::get_followup))
        .routes(routes!(followups::answer_followup))
        .routes(routes!(followups::development_talk))
        .routes(routes!(followups::list_actions))
        .routes(routes!(followups::update_action))
        .routes(routes!(followups::close_action))
        // Personal data and public records.
        .routes(routes!(privacy::export_my_data))
        .routes(routes!(privacy::export_person_data))
        .routes(routes!(privacy::retention_rules))
        .routes(routes!(privacy::put_retention_rule))
        .routes(routes!(privacy::legal_holds, privacy::place_legal_hold))
        .routes(routes!(privacy::lift_legal_hold))
        .routes(routes!(privacy::retention_runs, privacy::run_retention))
        .routes(routes!(
            privacy::privacy_notice,
            privacy::put_privacy_notice
        ))
}
