//! The rules of temporary decisions: what a decision may say, and whom it
//! concerns. Pure.

use time::Date;
use uuid::Uuid;

use crate::kernel::dates::parse_date;
use crate::kernel::{Actor, CoreError, CoreResult};
use crate::temporary::model::*;

impl TemporaryDecision {
    pub fn applies_on(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }
    pub fn covers_path(&self, unit_path: &str) -> bool {
        self.unit_paths.is_empty() || self.unit_paths.iter().any(|p| unit_path.starts_with(p))
    }
}

/// Checks a decision's own fields: a title, a period of at most a year,
/// 1–5 remote days, and a checklist (the default when none is given).
pub fn parse_terms(input: &TemporaryDecisionInput) -> CoreResult<DecisionTerms> {
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(CoreError::invalid("title", "must be 1 to 200 characters"));
    }
    if input.description.chars().count() > 10_000 {
        return Err(CoreError::invalid(
            "description",
            "must be at most 10,000 characters",
        ));
    }
    let start = parse_date("start", &input.start)?;
    let end = parse_date("end", &input.end)?;
    if end < start {
        return Err(CoreError::invalid("end", "must not be before start"));
    }
    if (end - start).whole_days() > 366 {
        return Err(CoreError::invalid(
            "end",
            "a temporary decision lasts at most a year",
        ));
    }
    let max = input.max_remote_days.unwrap_or(5);
    if !(1..=5).contains(&max) {
        return Err(CoreError::invalid(
            "max_remote_days",
            "must be between 1 and 5",
        ));
    }
    let checklist: Vec<String> = match &input.checklist {
        Some(c) => c
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        None => DEFAULT_CRISIS_CHECKLIST
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    if checklist.len() > 50 || checklist.iter().any(|c| c.chars().count() > 500) {
        return Err(CoreError::invalid(
            "checklist",
            "at most 50 items of at most 500 characters",
        ));
    }
    Ok(DecisionTerms {
        title: title.into(),
        description: input.description.trim().into(),
        start,
        end,
        max_remote_days: max as u8,
        checklist,
    })
}

/// An id in a list of the input, or an error naming its place.
pub fn parse_id(field: &str, i: usize, s: &str, what: &str) -> CoreResult<Uuid> {
    Uuid::parse_str(s.trim())
        .map_err(|_| CoreError::invalid(format!("{field}[{i}]"), format!("not a {what} id")))
}

/// Does a decision concern the actor: their unit, a unit they manage, or a
/// delegation to them?
pub fn concerns(d: &TemporaryDecision, actor: &Actor, unit_path: &str) -> bool {
    d.covers_path(unit_path)
        || actor.manages.iter().any(|m| d.covers_path(&m.path))
        || d.delegates.iter().any(|p| p.id == actor.person_id)
}

/// The widest limit of remote days a week that decisions in force on `day`
/// give, if any applies.
pub fn crisis_limit(decisions: &[TemporaryDecision], day: Date) -> Option<u8> {
    decisions
        .iter()
        .filter(|d| d.applies_on(day))
        .map(|d| d.max_remote_days)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::{ManagedUnit, PersonRef, Role, UnitRef};
    use time::macros::date;

    fn input() -> TemporaryDecisionInput {
        TemporaryDecisionInput {
            title: " Pandemi ".into(),
            start: "2026-03-01".into(),
            end: "2026-05-31".into(),
            max_remote_days: Some(4),
            ..Default::default()
        }
    }

    fn decision(paths: &[&str], start: Date, end: Date, max: u8) -> TemporaryDecision {
        TemporaryDecision {
            id: Uuid::from_u128(1),
            title: "T".into(),
            description: String::new(),
            start,
            end,
            units: vec![],
            unit_paths: paths.iter().map(|p| p.to_string()).collect(),
            max_remote_days: max,
            without_agreement: true,
            tasks_must_allow: true,
            delegates: vec![PersonRef {
                id: Uuid::from_u128(7),
                name: "D".into(),
            }],
            checklist: vec![],
            issued_by: PersonRef {
                id: Uuid::from_u128(2),
                name: "HR".into(),
            },
            created_at: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn actor(id: u128, manages: &[&str]) -> Actor {
        Actor {
            person_id: Uuid::from_u128(id),
            name: "A".into(),
            unit: UnitRef {
                id: Uuid::from_u128(9),
                name: "U".into(),
            },
            roles: vec![Role::Employee],
            manages: manages
                .iter()
                .map(|p| ManagedUnit {
                    id: Uuid::from_u128(3),
                    name: "M".into(),
                    path: p.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn terms_are_trimmed_and_get_the_default_checklist() {
        let t = parse_terms(&input()).unwrap();
        assert_eq!(t.title, "Pandemi");
        assert_eq!(t.max_remote_days, 4);
        assert_eq!(t.checklist.len(), DEFAULT_CRISIS_CHECKLIST.len());
    }

    #[test]
    fn bad_terms_name_their_field() {
        let field = |f: &dyn Fn(&mut TemporaryDecisionInput)| {
            let mut i = input();
            f(&mut i);
            parse_terms(&i).unwrap_err().field().map(String::from)
        };
        assert_eq!(field(&|i| i.title = " ".into()).as_deref(), Some("title"));
        assert_eq!(
            field(&|i| i.start = "1 mars".into()).as_deref(),
            Some("start")
        );
        assert_eq!(
            field(&|i| i.end = "2026-02-01".into()).as_deref(),
            Some("end")
        );
        assert_eq!(
            field(&|i| i.end = "2027-03-03".into()).as_deref(),
            Some("end")
        );
        assert_eq!(
            field(&|i| i.max_remote_days = Some(6)).as_deref(),
            Some("max_remote_days")
        );
        assert_eq!(
            field(&|i| i.checklist = Some(vec!["x".repeat(501)])).as_deref(),
            Some("checklist")
        );
    }

    #[test]
    fn a_decision_concerns_its_units_their_managers_and_delegates() {
        let d = decision(&["/a/b/"], date!(2026 - 03 - 01), date!(2026 - 03 - 31), 3);
        assert!(concerns(&d, &actor(1, &[]), "/a/b/c/"));
        assert!(!concerns(&d, &actor(1, &[]), "/a/x/"));
        assert!(concerns(&d, &actor(1, &["/a/b/"]), "/z/"));
        assert!(concerns(&d, &actor(7, &[]), "/z/"), "a delegate");
        let all = decision(&[], date!(2026 - 03 - 01), date!(2026 - 03 - 31), 3);
        assert!(
            concerns(&all, &actor(1, &[]), "/q/"),
            "the whole organisation"
        );
    }

    #[test]
    fn the_widest_limit_in_force_wins() {
        let a = decision(&[], date!(2026 - 03 - 01), date!(2026 - 03 - 31), 3);
        let b = decision(&[], date!(2026 - 03 - 15), date!(2026 - 04 - 15), 5);
        assert_eq!(
            crisis_limit(&[a.clone(), b.clone()], date!(2026 - 03 - 10)),
            Some(3)
        );
        assert_eq!(
            crisis_limit(&[a.clone(), b.clone()], date!(2026 - 03 - 20)),
            Some(5)
        );
        assert_eq!(crisis_limit(&[a, b], date!(2026 - 05 - 01)), None);
        assert!(parse_id("units", 2, "nope", "unit").unwrap_err().field() == Some("units[2]"));
    }
}
