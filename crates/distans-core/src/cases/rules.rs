//! The rules of requests: who decides, whose requests a list holds, what a
//! decision needs, and the agreement an approval writes. Pure.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::access::{self, Kind};
use crate::agreements::model::{Agreement, AgreementFacts, AgreementState};
use crate::agreements::rules::render;
use crate::cases::model::*;
use crate::kernel::{Actor, CoreError, CoreResult, PersonRef};
use crate::org::model::PersonRecord;
use crate::policy::model::{Arrangement, Decider, EffectiveRules, PolicyVersion};

/// Who decides, and who is assigned: the person's manager up to the
/// manager's limit, else HR — and HR as well when there is no manager.
pub fn route(judged: Decider, rec: &PersonRecord) -> (Decider, Option<PersonRef>) {
    match (judged, &rec.manager) {
        (Decider::Manager, Some(m)) => (Decider::Manager, Some(m.clone())),
        _ => (Decider::Hr, None),
    }
}

/// The name people read for who decides.
pub fn decider_name(j: Decider, rec: &PersonRecord) -> String {
    match (j, &rec.manager) {
        (Decider::Manager, Some(m)) => m.name.clone(),
        _ => "HR".into(),
    }
}

/// Whose requests a list holds: with `mine` the actor's own; otherwise
/// everyone's for those who may read them all, a manager's units' (and
/// below), or the actor's own.
pub fn list_filter(actor: &Actor, all: bool, mine: bool) -> RequestFilter {
    let mut f = RequestFilter::default();
    if mine {
        f.person = Some(actor.person_id);
    } else if all {
    } else if !actor.manages.is_empty() {
        f.under = Some(actor.manages.iter().map(|m| m.path.clone()).collect());
    } else {
        f.person = Some(actor.person_id);
    }
    f
}

/// The requests waiting for a manager's decision in their units, and for
/// HR's in the whole organisation.
pub fn to_decide_filters(actor: &Actor) -> Vec<RequestFilter> {
    let mut out = vec![];
    if !actor.manages.is_empty() {
        out.push(RequestFilter {
            state: Some(RequestState::Submitted),
            under: Some(actor.manages.iter().map(|m| m.path.clone()).collect()),
            decider: Some(Decider::Manager),
            ..Default::default()
        });
    }
    if access::may(actor, Kind::DecideRequestAboveLimit) {
        out.push(RequestFilter {
            state: Some(RequestState::Submitted),
            decider: Some(Decider::Hr),
            ..Default::default()
        });
    }
    out
}

/// A request can be decided when it is submitted and still has the
/// version the decider saw.
pub fn check_decidable(r: &RemoteRequest, expected: Option<i64>) -> CoreResult<()> {
    if expected.is_some_and(|e| e != r.version) {
        return Err(CoreError::Conflict(
            "the request was changed by someone else meanwhile; reload it".into(),
        ));
    }
    if r.state != RequestState::Submitted {
        return Err(CoreError::Conflict(format!(
            "the request is {} and cannot be decided now",
            r.state.as_str()
        )));
    }
    Ok(())
}

/// The reason of a decision: required to decline or ask for changes, at
/// most 2,000 characters.
pub fn decision_reason(decision: Decision, reason: Option<&str>) -> CoreResult<Option<String>> {
    let reason = reason
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if matches!(decision, Decision::Decline | Decision::Changes) && reason.is_none() {
        return Err(CoreError::invalid("reason", "give a reason"));
    }
    if reason.as_ref().is_some_and(|r| r.chars().count() > 2000) {
        return Err(CoreError::invalid(
            "reason",
            "must be at most 2000 characters",
        ));
    }
    Ok(reason)
}

/// The word of a decision in the request's history and the audit log.
pub fn decision_kind(decision: Decision) -> &'static str {
    match decision {
        Decision::Approve => "approved",
        Decision::Decline => "declined",
        Decision::Changes => "changes",
    }
}

/// The state a decision leaves the request in.
pub fn decided_state(decision: Decision) -> RequestState {
    match decision {
        Decision::Approve => RequestState::Approved,
        Decision::Decline => RequestState::Declined,
        Decision::Changes => RequestState::ChangesRequested,
    }
}

/// Does an arrangement overlap any of these periods (open ends run on)?
pub fn overlaps_any(a: &Arrangement, busy: &[(Date, Option<Date>)]) -> bool {
    busy.iter()
        .any(|b| b.0 <= a.end.unwrap_or(Date::MAX) && a.start <= b.1.unwrap_or(Date::MAX))
}

/// Where an approval's fixed weekdays are checked for coverage gaps: its
/// first four weeks from today on (`None` without fixed weekdays).
pub fn gap_window(a: &Arrangement, today: Date) -> Option<(Date, Date)> {
    let from = a.start.max(today);
    let to = (from + time::Duration::days(27)).min(a.end.unwrap_or(Date::MAX));
    (!a.weekdays.is_empty() && from <= to).then_some((from, to))
}

/// What an approval needs to write its agreement.
pub struct Approval<'a> {
    pub request: &'a RemoteRequest,
    pub employee: &'a PersonRecord,
    pub decider: &'a Actor,
    pub policy: &'a PolicyVersion,
    pub effective: &'a EffectiveRules,
    pub organisation: String,
    pub template: &'a str,
}

/// The draft agreement an approval writes from the template.
pub fn draft_agreement(ap: &Approval<'_>, id: Uuid) -> Agreement {
    let (r, a) = (ap.request, &ap.request.arrangement);
    let facts = AgreementFacts {
        organisation: ap.organisation.clone(),
        employee: r.person.name.clone(),
        employee_number: ap.employee.person.employee_number.clone(),
        unit: ap.employee.unit.name.clone(),
        decider: ap.decider.name.clone(),
        days_per_week: a.days_per_week,
        weekdays: a.weekdays.clone(),
        place: a.place,
        place_address: a.place_address.clone(),
        start: a.start,
        end: a.end,
        presence: ap.effective.presence_requirements.clone(),
        follow_up_months: ap.policy.rules.follow_up_interval_months,
        notice_days: ap.policy.rules.notice_period_days,
        policy_version: r.policy_version,
    };
    Agreement {
        id,
        request_id: r.id,
        person_id: r.person.id,
        person_name: r.person.name.clone(),
        decider_id: ap.decider.person_id,
        decider_name: ap.decider.name.clone(),
        state: AgreementState::Draft,
        days_per_week: a.days_per_week,
        weekdays: a.weekdays.clone(),
        place: a.place,
        place_address: a.place_address.clone(),
        start: a.start,
        end: a.end,
        policy_version: r.policy_version,
        notice_days: ap.policy.rules.notice_period_days as i64,
        text: render(ap.template, &facts),
        text_sha256: None,
        employee_signed_at: None,
        decider_signed_at: None,
        ends_on: None,
        ended_by: None,
        end_reason: None,
        version: 1,
    }
}

/// One step in a request's history.
pub fn event(actor: &Actor, at: OffsetDateTime, kind: &str, policy_version: i64) -> RequestEvent {
    RequestEvent {
        at,
        actor: PersonRef {
            id: actor.person_id,
            name: actor.name.clone(),
        },
        kind: kind.into(),
        reason: None,
        policy_version,
    }
}
