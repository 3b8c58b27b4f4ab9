//! Remote-work cases: the policy, applying, deciding, the agreement and its
//! signatures, temporary decisions, notifications.

pub mod agreements;
pub mod decisions;
pub mod notifications;
pub mod policy;
pub mod requests;
pub mod temporary;

use distans_core::agreements::{Agreement, AgreementState};
use distans_core::cases::{RemoteRequest, RequestState};
use distans_core::kernel::dates::Weekday;
use distans_core::kernel::Actor;

use super::ctx::OrPage;
use super::{Ctx, HtmlError};

/// What waits for the actor: requests to decide, agreements to sign.
pub async fn waiting(
    c: &Ctx,
    actor: &Actor,
) -> Result<(Vec<RemoteRequest>, Vec<Agreement>), HtmlError> {
    let core = c.core();
    let to_decide = core.cases.requests_to_decide(actor).await.or_page(c)?;
    let to_sign = core.agreements.agreements_to_sign(actor).await.or_page(c)?;
    Ok((to_decide, to_sign))
}

pub fn weekday_name(c: &Ctx, w: &Weekday) -> String {
    c.t(&format!("weekday-{}", w.as_str()))
}

/// The weekdays of an arrangement, or that they are agreed week by week.
pub fn weekdays_text<'a>(c: &Ctx, days: impl Iterator<Item = &'a Weekday>) -> String {
    let names: Vec<String> = days.map(|w| weekday_name(c, w)).collect();
    if names.is_empty() {
        c.t("weekdays-floating")
    } else {
        names.join(", ")
    }
}

pub fn state_name(c: &Ctx, s: &RequestState) -> String {
    c.t(&format!("request-state-{}", s.as_str()))
}

pub fn agreement_state_name(c: &Ctx, s: &AgreementState) -> String {
    c.t(&format!("agreement-state-{}", s.as_str()))
}
