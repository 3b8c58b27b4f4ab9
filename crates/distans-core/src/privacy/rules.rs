//! Pure decisions of the slice: how another person is shown in someone's
//! data, which audit entries a person sees and how much of them, when a
//! record's keeping period is over, what a valid disposal rule is, and the
//! conservative defaults.

use serde_json::{json, Value};
use time::{Date, Month};

use crate::kernel::{CoreError, CoreResult, PersonId};
use crate::privacy::model::*;

/// Records per section in one document; the rest is had from HR.
pub const SECTION_LIMIT: usize = 5000;

/// The sections of a person's data, in the order they are shown.
pub const SECTIONS: &[&str] = &[
    "profile",
    "roles",
    "units_managed",
    "commute",
    "requests",
    "request_events",
    "agreements",
    "plan_days",
    "occasional_days",
    "absences",
    "followups",
    "risk_assessments",
    "followup_actions",
    "deviations_reported",
    "deviations_concerning",
    "equipment_loans",
    "notifications",
    "emails",
    "tokens",
    "sessions",
    "password_links",
    "calendar_feed",
    "audit_entries",
];

/// Another party to a record as the person sees it: `"you"` when it is
/// them, else only the role they acted in (`"manager"`, `"hr"`,
/// `"colleague"`), never a name or an id.
pub fn party(me: PersonId, other: Option<PersonId>, role: &str) -> Value {
    match other {
        None => Value::Null,
        Some(o) if o == me => json!("you"),
        Some(_) => json!(role),
    }
}

/// Who wrote an audit entry, as the person it is about sees it.
pub fn audit_actor(me: PersonId, actor_id: Option<PersonId>, actor: &str) -> Value {
    match actor_id {
        Some(a) if a == me => json!("you"),
        Some(_) => json!("staff"),
        // The system, the command line, a provisioning client: not a person.
        None => json!(actor),
    }
}

/// Whether a person sees what an audit entry recorded (before and after),
/// or only that it happened: the whole entry when it is about them; when
/// they did something to another record, only the action and when.
pub fn audit_payload_shown(me: PersonId, entity: &str, entity_id: &str) -> bool {
    entity == "person" && entity_id == me.to_string()
}

/// The first day a record whose keeping period of `keep_months` ran from
/// `anchor` may be disposed of: records with an anchor before the cut-off
/// `cutoff(as_of, months)` are due on `as_of`.
pub fn cutoff(as_of: Date, keep_months: u32) -> Date {
    let total = as_of.year() as i64 * 12 + (as_of.month() as i64 - 1) - keep_months as i64;
    let year = total.div_euclid(12) as i32;
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let last = month.length(year);
    Date::from_calendar_date(year, month, as_of.day().min(last)).unwrap_or(as_of)
}

/// Longest keeping period a rule may give (a hundred years); "for good"
/// is the action `keep`, not a long period.
pub const MAX_KEEP_MONTHS: u32 = 1200;

/// Checks a change to a rule, naming the field that is wrong.
pub fn check_rule(t: RecordType, c: &RuleChange) -> CoreResult<()> {
    if c.keep_months > MAX_KEEP_MONTHS {
        return Err(CoreError::invalid(
            "keep_months",
            format!("at most {MAX_KEEP_MONTHS} months; to keep for good choose the action keep"),
        ));
    }
    if !t.allows(c.action) {
        return Err(CoreError::invalid(
            "action",
            format!("{} cannot be {}", t.as_str(), c.action.as_str()),
        ));
    }
    let r = c.decision_ref.trim();
    if r.is_empty() {
        return Err(CoreError::invalid(
            "decision_ref",
            "name the decision the rule rests on (the document-management plan's reference)",
        ));
    }
    if r.chars().count() > 200 {
        return Err(CoreError::invalid("decision_ref", "at most 200 characters"));
    }
    Ok(())
}

/// Checks the reason given for a legal hold.
pub fn hold_reason(reason: &str) -> CoreResult<String> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(CoreError::invalid(
            "reason",
            "say why the hold is placed (a dispute, an inspection)",
        ));
    }
    if r.chars().count() > 500 {
        return Err(CoreError::invalid("reason", "at most 500 characters"));
    }
    Ok(r.to_string())
}

/// Checks a privacy notice: every heading has a text (at most 10,000
/// characters), naming the first that is wrong.
pub fn check_notice(n: &NoticeText) -> CoreResult<()> {
    for (field, text) in [
        ("what", &n.what),
        ("why", &n.why),
        ("legal_basis", &n.legal_basis),
        ("how_long", &n.how_long),
        ("rights", &n.rights),
        ("dpo", &n.dpo),
    ] {
        if text.trim().is_empty() {
            return Err(CoreError::invalid(
                field,
                "write what this part of the notice says",
            ));
        }
        if text.chars().count() > 10_000 {
            return Err(CoreError::invalid(field, "at most 10,000 characters"));
        }
    }
    Ok(())
}

/// Whether the privacy notice is shown at sign-in: to someone who never
/// saw it, and again once a newer version is saved (every saved version
/// counts as a change to read; the default texts are version 0).
pub fn notice_due(seen: Option<i64>, current: i64) -> bool {
    seen.is_none_or(|s| s < current)
}

/// The kinds of record a legal hold may name on its own.
pub const HOLD_KINDS: &[&str] = &["request", "agreement", "absence", "followup", "deviation"];

/// Reads `kind:id` (e.g. `agreement:0190…`) as a record to hold.
pub fn parse_record(s: &str) -> CoreResult<(String, uuid::Uuid)> {
    let bad = || {
        CoreError::invalid(
            "record",
            format!("write it as kind:id, kind one of {}", HOLD_KINDS.join(", ")),
        )
    };
    let (kind, id) = s.trim().split_once(':').ok_or_else(bad)?;
    if !HOLD_KINDS.contains(&kind) {
        return Err(bad());
    }
    let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| bad())?;
    Ok((kind.to_string(), id))
}

/// The defaults: conservative (long periods; the archive's records kept
/// for good), to be replaced by the organisation's own plan. The decision
/// named is "not yet decided", which the page shows as a warning.
pub fn default_rules() -> Vec<(RecordType, u32, DisposalAction)> {
    use DisposalAction::*;
    use RecordType::*;
    vec![
        (DeclinedRequest, 24, Delete),
        (EndedAgreement, 24, Keep),
        (PlanDays, 24, Delete),
        (Absences, 24, Delete),
        (FollowUps, 60, Keep),
        (RiskAssessments, 60, Keep),
        (Deviations, 60, Keep),
        (Notifications, 12, Delete),
        (Sessions, 0, Delete),
        (DeactivatedPeople, 24, Keep),
        (Commute, 24, Delete),
        (AuditPayloads, 120, Keep),
    ]
}

/// The reference a default rule names until the organisation decides.
pub const UNDECIDED: &str = "ej beslutad (standardvärde)";

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const ME: PersonId = PersonId::from_u128(1);
    const OTHER: PersonId = PersonId::from_u128(2);

    #[test]
    fn another_person_appears_as_their_role() {
        assert_eq!(party(ME, Some(ME), "manager"), json!("you"));
        assert_eq!(party(ME, Some(OTHER), "manager"), json!("manager"));
        assert_eq!(party(ME, None, "manager"), Value::Null);
        assert_eq!(audit_actor(ME, Some(OTHER), "Bo Ek"), json!("staff"));
        assert_eq!(audit_actor(ME, Some(ME), "Anna"), json!("you"));
        assert_eq!(audit_actor(ME, None, "system"), json!("system"));
    }

    #[test]
    fn only_entries_about_the_person_show_what_they_recorded() {
        assert!(audit_payload_shown(ME, "person", &ME.to_string()));
        assert!(!audit_payload_shown(ME, "person", &OTHER.to_string()));
        assert!(!audit_payload_shown(ME, "request", &ME.to_string()));
    }

    #[test]
    fn cut_off_counts_whole_months_back() {
        assert_eq!(cutoff(date!(2029 - 03 - 15), 24), date!(2027 - 03 - 15));
        assert_eq!(cutoff(date!(2029 - 03 - 31), 1), date!(2029 - 02 - 28));
        assert_eq!(cutoff(date!(2029 - 01 - 10), 13), date!(2027 - 12 - 10));
        assert_eq!(cutoff(date!(2029 - 01 - 10), 0), date!(2029 - 01 - 10));
    }

    #[test]
    fn a_rule_names_its_decision_and_an_action_its_type_allows() {
        let ok = RuleChange {
            keep_months: 24,
            action: DisposalAction::Delete,
            decision_ref: "KS 2024/112".into(),
            decision_date: date!(2024 - 05 - 01),
            version: 1,
        };
        assert!(check_rule(RecordType::Absences, &ok).is_ok());
        let no_ref = RuleChange {
            decision_ref: " ".into(),
            ..ok.clone()
        };
        assert!(matches!(check_rule(RecordType::Absences, &no_ref),
            Err(CoreError::Invalid { field, .. }) if field == "decision_ref"));
        let long = RuleChange {
            keep_months: 5000,
            ..ok.clone()
        };
        assert!(matches!(check_rule(RecordType::Absences, &long),
            Err(CoreError::Invalid { field, .. }) if field == "keep_months"));
        let anon = RuleChange {
            action: DisposalAction::Anonymise,
            ..ok.clone()
        };
        // An audit payload is removed (its hash stays), never anonymised.
        assert!(check_rule(RecordType::AuditPayloads, &anon).is_err());
        assert!(matches!(check_rule(RecordType::Absences, &anon),
            Err(CoreError::Invalid { field, .. }) if field == "action"));
        assert!(check_rule(RecordType::DeactivatedPeople, &anon).is_ok());
        assert!(check_rule(RecordType::DeactivatedPeople, &ok).is_err());
    }

    #[test]
    fn defaults_cover_every_type_with_an_allowed_action() {
        let d = default_rules();
        assert_eq!(d.len(), RecordType::ALL.len());
        for t in RecordType::ALL {
            let (_, _, a) = d.iter().find(|(x, _, _)| x == t).unwrap();
            assert!(t.allows(*a), "{t:?}");
            assert_eq!(RecordType::parse(t.as_str()), Some(*t));
        }
    }

    #[test]
    fn a_held_record_is_named_by_kind_and_id() {
        let id = uuid::Uuid::from_u128(7);
        assert_eq!(
            parse_record(&format!("agreement:{id}")).unwrap(),
            ("agreement".to_string(), id)
        );
        assert!(parse_record("agreement").is_err());
        assert!(parse_record(&format!("table:{id}")).is_err());
        assert!(parse_record("agreement:nope").is_err());
        assert!(hold_reason("  ").is_err());
        assert_eq!(hold_reason(" Tvist ").unwrap(), "Tvist");
    }

    #[test]
    fn the_notice_is_shown_until_its_latest_version_was_seen() {
        assert!(notice_due(None, 0));
        assert!(notice_due(None, 3));
        assert!(!notice_due(Some(0), 0));
        assert!(notice_due(Some(0), 1));
        assert!(notice_due(Some(2), 3));
        assert!(!notice_due(Some(3), 3));
    }

    #[test]
    fn a_notice_has_every_heading() {
        let full = NoticeText {
            what: "a".into(),
            why: "b".into(),
            legal_basis: "c".into(),
            how_long: "d".into(),
            rights: "e".into(),
            dpo: "f".into(),
        };
        assert!(check_notice(&full).is_ok());
        let no_dpo = NoticeText {
            dpo: " ".into(),
            ..full.clone()
        };
        assert!(matches!(check_notice(&no_dpo),
            Err(CoreError::Invalid { field, .. }) if field == "dpo"));
    }

    #[test]
    fn a_document_cuts_a_long_section_and_says_so() {
        let recs = vec![serde_json::Map::new(); 3];
        let s = Section::new("absences", recs, 2);
        assert!(s.truncated);
        assert_eq!(s.records.len(), 2);
    }
}
