//! The rules of requests: who decides, whose requests a list holds, what a
//! decision needs, and the agreement an approval writes. Pure.

use crate::kernel::AgreementId;
use time::{Date, OffsetDateTime};

use crate::access::{self, Kind};
use crate::agreements::model::{Agreement, AgreementFacts, Parties};
use crate::agreements::rules::render;
use crate::cases::model::*;
use crate::kernel::dates::{plus_days_clamped, DateRange};
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
    busy.iter().any(|b| {
        b.0 <= a.terms.end().unwrap_or(Date::MAX) && a.terms.start() <= b.1.unwrap_or(Date::MAX)
    })
}

/// Where an approval's fixed weekdays are checked for coverage gaps: its
/// first four weeks from today on, within the years accepted (`None`
/// without fixed weekdays, or when nothing of it is left).
pub fn gap_window(a: &Arrangement, today: Date) -> Option<DateRange> {
    let from = a.terms.start().max(today);
    let to = plus_days_clamped(from, 27).min(a.terms.end().unwrap_or(Date::MAX));
    if a.terms.weekdays().is_empty() {
        return None;
    }
    DateRange::new(("start", "end"), from, to).ok()
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
pub fn draft_agreement(ap: &Approval<'_>, id: AgreementId) -> Agreement {
    let (r, a) = (ap.request, &ap.request.arrangement);
    let facts = AgreementFacts {
        organisation: ap.organisation.clone(),
        employee: r.person.name.clone(),
        employee_number: ap.employee.person.employee_number.clone(),
        unit: ap.employee.unit.name.clone(),
        decider: ap.decider.name.clone(),
        terms: a.terms.clone(),
        presence: ap.effective.presence_requirements.clone(),
        follow_up_months: ap.policy.rules.follow_up_interval_months,
        notice_days: ap.policy.rules.notice_period_days,
        policy_version: r.policy_version,
    };
    Agreement::draft(
        id,
        Parties {
            request_id: r.id,
            person: r.person.clone(),
            decider: PersonRef {
                id: ap.decider.person_id,
                name: ap.decider.name.clone(),
            },
        },
        a.terms.clone(),
        (r.policy_version, ap.policy.rules.notice_period_days as i64),
        render(ap.template, &facts),
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreements::model::AgreementState;
    use crate::kernel::dates::Weekday;
    use crate::kernel::{ManagedUnit, Role, UnitRef};
    use crate::kernel::{PersonId, UnitId};
    use crate::org::model::Person;
    use crate::policy::model::{Place, PolicyRules};
    use crate::policy::terms::Terms;
    use proptest::prelude::*;
    use time::macros::date;
    use time::Duration;
    use uuid::Uuid;

    fn record(manager: Option<&str>) -> PersonRecord {
        PersonRecord {
            person: Person {
                id: Uuid::from_u128(1).into(),
                employee_number: "100123".into(),
                given_name: "Åsa".into(),
                family_name: "Öberg".into(),
                email: None,
                title: None,
                unit_id: UnitId::from_u128(5),
                site_id: None,
                commute_km: None,
                commute_mode: None,
                skills: vec![],
                granted_roles: vec![],
                username: None,
                departure: None,
                version: 1,
            },
            unit: UnitRef {
                id: Uuid::from_u128(5).into(),
                name: "Kontaktcenter".into(),
            },
            unit_path: "/k/kc/".into(),
            manages: vec![],
            manager: manager.map(|n| PersonRef {
                id: Uuid::from_u128(2).into(),
                name: n.into(),
            }),
            site: None,
        }
    }

    fn actor(roles: &[Role], manages: &[&str]) -> Actor {
        Actor {
            language: Default::default(),
            person_id: PersonId::from_u128(2),
            name: "Karin Holm".into(),
            unit: UnitRef {
                id: Uuid::from_u128(5).into(),
                name: "Kontaktcenter".into(),
            },
            roles: roles.to_vec(),
            manages: manages
                .iter()
                .map(|p| ManagedUnit {
                    id: Uuid::from_u128(9).into(),
                    name: "M".into(),
                    path: p.to_string(),
                })
                .collect(),
        }
    }

    fn arrangement(start: Date, end: Option<Date>, weekdays: Vec<Weekday>) -> Arrangement {
        Arrangement {
            terms: Terms::loose(2, &weekdays, (start, end), Place::Home, None),
            reason: "Pendling".into(),
            confirmations: vec![],
        }
    }

    fn request(state: RequestState, version: i64) -> RemoteRequest {
        RemoteRequest {
            id: (Uuid::from_u128(20)).into(),
            person: PersonRef {
                id: Uuid::from_u128(1).into(),
                name: "Åsa Öberg".into(),
            },
            unit: UnitRef {
                id: Uuid::from_u128(5).into(),
                name: "Kontaktcenter".into(),
            },
            state,
            decider: Decider::Manager,
            assigned_to: None,
            arrangement: arrangement(
                date!(2026 - 12 - 01),
                None,
                vec![Weekday::Mon, Weekday::Fri],
            ),
            policy_version: 4,
            decided_by: None,
            decision_reason: None,
            agreement_id: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            version,
            unit_path: "/k/kc/".into(),
            history: vec![],
        }
    }

    #[test]
    fn a_manager_level_request_goes_to_the_manager_else_to_hr() {
        let with = record(Some("Karin Holm"));
        let (d, to) = route(Decider::Manager, &with);
        assert_eq!(
            (d, to.map(|p| p.name)),
            (Decider::Manager, Some("Karin Holm".into()))
        );
        assert_eq!(route(Decider::Hr, &with), (Decider::Hr, None));
        assert_eq!(
            route(Decider::Manager, &record(None)),
            (Decider::Hr, None),
            "no manager"
        );
        assert_eq!(decider_name(Decider::Manager, &with), "Karin Holm");
        assert_eq!(decider_name(Decider::Manager, &record(None)), "HR");
        assert_eq!(decider_name(Decider::Hr, &with), "HR");
    }

    #[test]
    fn whose_requests_a_list_holds() {
        let hr = actor(&[Role::Employee, Role::Hr], &[]);
        let m = actor(&[Role::Employee, Role::Manager], &["/k/a/", "/k/b/"]);
        let e = actor(&[Role::Employee], &[]);
        let me = Some(Uuid::from_u128(2));
        assert_eq!(list_filter(&hr, true, false), RequestFilter::default());
        assert_eq!(
            list_filter(&hr, true, true).person,
            me.map(Into::into),
            "mine wins"
        );
        let under = list_filter(&m, false, false);
        assert_eq!(
            (under.person, under.under),
            (None, Some(vec!["/k/a/".into(), "/k/b/".into()]))
        );
        assert_eq!(list_filter(&e, false, false).person, me.map(Into::into));
        assert_eq!(list_filter(&m, false, true).person, me.map(Into::into));
    }

    #[test]
    fn what_waits_for_a_decision() {
        let both = actor(&[Role::Employee, Role::Manager, Role::Hr], &["/k/a/"]);
        let f = to_decide_filters(&both);
        assert_eq!(f.len(), 2);
        assert_eq!(
            (f[0].state, f[0].decider, f[0].under.clone()),
            (
                Some(RequestState::Submitted),
                Some(Decider::Manager),
                Some(vec!["/k/a/".into()])
            )
        );
        assert_eq!(
            (f[1].state, f[1].decider, f[1].under.clone()),
            (Some(RequestState::Submitted), Some(Decider::Hr), None)
        );
        assert!(to_decide_filters(&actor(&[Role::Employee, Role::Auditor], &[])).is_empty());
    }

    #[test]
    fn only_a_submitted_request_of_the_version_seen_is_decided() {
        assert!(check_decidable(&request(RequestState::Submitted, 3), Some(3)).is_ok());
        assert!(check_decidable(&request(RequestState::Submitted, 3), None).is_ok());
        let e = check_decidable(&request(RequestState::Submitted, 3), Some(2)).unwrap_err();
        assert!(e.to_string().contains("reload"), "{e}");
        for s in [
            RequestState::ChangesRequested,
            RequestState::Approved,
            RequestState::Declined,
            RequestState::Withdrawn,
        ] {
            let e = check_decidable(&request(s, 1), Some(1)).unwrap_err();
            assert_eq!(e.code(), "conflict");
            assert!(e.to_string().contains(s.as_str()), "{e}");
            assert_eq!(RequestState::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_decision_has_its_word_and_state() {
        let all = [
            (Decision::Approve, "approved", RequestState::Approved),
            (Decision::Decline, "declined", RequestState::Declined),
            (Decision::Changes, "changes", RequestState::ChangesRequested),
        ];
        for (d, word, state) in all {
            assert_eq!((decision_kind(d), decided_state(d)), (word, state));
            assert_eq!(
                state.is_open(),
                d == Decision::Changes,
                "changes wait for the applicant"
            );
        }
        assert!(RequestState::Submitted.is_open() && RequestState::ChangesRequested.is_open());
    }

    #[test]
    fn an_approval_drafts_the_agreement_from_the_template() {
        let r = request(RequestState::Submitted, 1);
        let employee = record(Some("Karin Holm"));
        let decider = actor(&[Role::Employee, Role::Manager], &["/k/"]);
        let policy = PolicyVersion {
            id: (Uuid::nil()).into(),
            version: 4,
            valid_from: date!(2026 - 01 - 01),
            rules: PolicyRules::default(),
            created_by: "hr".into(),
        };
        let effective = EffectiveRules {
            manager_limit_days: 2,
            max_days_per_week: 4,
            presence_requirements: "Tisdagar på plats.".into(),
        };
        let ap = Approval {
            request: &r,
            employee: &employee,
            decider: &decider,
            policy: &policy,
            effective: &effective,
            organisation: "Sjöviks kommun".into(),
            template: "## Avtal\n{medarbetare} ({anstallningsnummer}), {enhet}, {chef}: {veckodagar}. {narvaro} {uppsagningstid_dagar}",
        };
        let g = draft_agreement(&ap, (Uuid::from_u128(30)).into());
        assert_eq!(
            g.text,
            "## Avtal\nÅsa Öberg (100123), Kontaktcenter, Karin Holm: måndag, fredag. Tisdagar på plats. 30"
        );
        assert_eq!(
            (g.state, g.version, g.request_id),
            (AgreementState::Draft, 1, r.id)
        );
        assert_eq!(
            (g.person_id, g.decider_id),
            (r.person.id, decider.person_id)
        );
        assert_eq!((g.notice_days, g.policy_version), (30, 4));
        assert_eq!(g.terms.weekdays().as_slice(), &[Weekday::Mon, Weekday::Fri]);
        assert!(g.text_sha256.is_none() && g.employee_signed_at.is_none());
        let ev = event(&decider, OffsetDateTime::UNIX_EPOCH, "approved", 4);
        assert_eq!(
            (ev.actor.name.as_str(), ev.kind.as_str(), ev.reason),
            ("Karin Holm", "approved", None)
        );
    }

    fn day() -> impl Strategy<Value = Date> {
        (0i64..60).prop_map(|n| date!(2026 - 12 - 01) + Duration::days(n))
    }

    fn period() -> impl Strategy<Value = (Date, Option<Date>)> {
        (day(), proptest::option::of(0i64..20))
            .prop_map(|(s, l)| (s, l.map(|l| s + Duration::days(l))))
    }

    proptest! {
        /// An arrangement overlaps the periods exactly when some day is
        /// in both (an open end runs on).
        #[test]
        fn overlap_is_a_shared_day(a in period(), busy in proptest::collection::vec(period(), 0..4)) {
            let arr = arrangement(a.0, a.1, vec![]);
            let horizon = date!(2027 - 06 - 01);
            let within = |d: Date, p: (Date, Option<Date>)| p.0 <= d && p.1.is_none_or(|e| d <= e);
            let mut d = date!(2026 - 12 - 01);
            let mut shared = false;
            while d <= horizon {
                shared |= within(d, a) && busy.iter().any(|b| within(d, *b));
                d += Duration::days(1);
            }
            prop_assert_eq!(overlaps_any(&arr, &busy), shared);
        }

        /// The gap window is the first four weeks of the arrangement from
        /// today on, within it, and only with fixed weekdays.
        #[test]
        fn the_gap_window_is_four_weeks_within_the_arrangement(
            a in period(),
            today in day(),
            fixed in proptest::sample::subsequence(Weekday::ALL.to_vec(), 0..=2),
        ) {
            let arr = arrangement(a.0, a.1, fixed.clone());
            match gap_window(&arr, today) {
                Some(w) => {
                    let (from, to) = (w.from(), w.to());
                    prop_assert!(!fixed.is_empty());
                    prop_assert_eq!(from, a.0.max(today));
                    prop_assert!(from <= to && (to - from).whole_days() <= 27);
                    prop_assert!(a.1.is_none_or(|e| to <= e));
                    prop_assert!(a.1.is_some() || (to - from).whole_days() == 27);
                }
                None => prop_assert!(fixed.is_empty() || a.1.is_some_and(|e| e < a.0.max(today))),
            }
        }

        /// A reason is needed to decline or ask for changes, at most 2,000
        /// characters, trimmed; a blank one is none.
        #[test]
        fn a_decision_reason_is_required_to_say_no(
            d in prop_oneof![Just(Decision::Approve), Just(Decision::Decline), Just(Decision::Changes)],
            reason in proptest::option::of(prop_oneof!["[ a-zåö]{0,10}", Just(" x".repeat(1000)), Just("x".repeat(2001))]),
        ) {
            let trimmed = reason.as_deref().map(str::trim).filter(|s| !s.is_empty());
            match decision_reason(d, reason.as_deref()) {
                Ok(r) => {
                    prop_assert_eq!(r.as_deref(), trimmed);
                    prop_assert!(r.as_ref().is_none_or(|r| r.chars().count() <= 2000));
                    prop_assert!(d == Decision::Approve || r.is_some());
                }
                Err(e) => {
                    prop_assert_eq!(e.field(), Some("reason"));
                    prop_assert!(trimmed.is_none_or(|t| t.chars().count() > 2000) );
                    prop_assert!(trimmed.is_some() || d != Decision::Approve);
                }
            }
        }
    }
}
