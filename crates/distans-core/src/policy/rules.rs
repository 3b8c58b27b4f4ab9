//! The policy engine: pure functions that check a policy, resolve it for a
//! unit, parse a request and judge it against the policy and the person's
//! tasks, saying who decides.

use crate::kernel::UnitId;
use time::Date;

use crate::kernel::dates::{parse_date, Weekdays};
use crate::kernel::error::CoreError;
use crate::policy::model::*;
use crate::policy::terms::{RemoteDays, Terms};

impl PolicyRules {
    /// Every field checked; the error names the field.
    pub fn validate(&self) -> Result<(), CoreError> {
        if !(1..=5).contains(&self.max_days_per_week) {
            return Err(CoreError::invalid(
                "max_days_per_week",
                "must be between 1 and 5",
            ));
        }
        if self.manager_limit_days > self.max_days_per_week {
            return Err(CoreError::invalid(
                "manager_limit_days",
                "must not be above max_days_per_week",
            ));
        }
        let mut keys = std::collections::HashSet::new();
        for (i, p) in self.prerequisites.iter().enumerate() {
            let key_ok = !p.key.is_empty()
                && p.key.len() <= 40
                && p.key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !key_ok {
                return Err(CoreError::invalid(
                    format!("prerequisites[{i}].key"),
                    "must be 1–40 characters a–z, 0–9 or '-'",
                ));
            }
            if !keys.insert(p.key.clone()) {
                return Err(CoreError::invalid(
                    format!("prerequisites[{i}].key"),
                    format!("\"{}\" appears twice", p.key),
                ));
            }
            if p.text.trim().is_empty() || p.text.len() > 1000 {
                return Err(CoreError::invalid(
                    format!("prerequisites[{i}].text"),
                    "must be 1–1000 characters",
                ));
            }
        }
        for (i, t) in self.secrecy_tasks.iter().enumerate() {
            crate::org::model::Skill::parse(t)
                .map_err(|m| CoreError::invalid(format!("secrecy_tasks[{i}]"), m))?;
        }
        if self.presence_requirements.len() > 4000 {
            return Err(CoreError::invalid(
                "presence_requirements",
                "must be at most 4000 characters",
            ));
        }
        if !(1..=24).contains(&self.follow_up_interval_months) {
            return Err(CoreError::invalid(
                "follow_up_interval_months",
                "must be between 1 and 24",
            ));
        }
        if self.notice_period_days > 365 {
            return Err(CoreError::invalid(
                "notice_period_days",
                "must be at most 365",
            ));
        }
        if self.extra_aids_above_days > 5 {
            return Err(CoreError::invalid(
                "extra_aids_above_days",
                "must be between 0 and 5",
            ));
        }
        if self.occasional_days_per_week.is_some_and(|d| d > 5) {
            return Err(CoreError::invalid(
                "occasional_days_per_week",
                "must be between 0 and 5",
            ));
        }
        for (i, o) in self.unit_overrides.iter().enumerate() {
            let max = o.max_days_per_week.unwrap_or(self.max_days_per_week);
            if o.max_days_per_week.is_some_and(|d| !(1..=5).contains(&d)) {
                return Err(CoreError::invalid(
                    format!("unit_overrides[{i}].max_days_per_week"),
                    "must be between 1 and 5",
                ));
            }
            if o.manager_limit_days.is_some_and(|d| d > max) {
                return Err(CoreError::invalid(
                    format!("unit_overrides[{i}].manager_limit_days"),
                    "must not be above the unit's max_days_per_week",
                ));
            }
        }
        // Deviations.
        let mut seen = std::collections::HashSet::new();
        for (i, r) in self.security_deviation_roles.iter().enumerate() {
            let role = crate::kernel::Role::parse_granted(r)
                .map_err(|m| CoreError::invalid(format!("security_deviation_roles[{i}]"), m))?;
            if role.as_str() != r {
                return Err(CoreError::invalid(
                    format!("security_deviation_roles[{i}]"),
                    format!("write the role as \"{}\"", role.as_str()),
                ));
            }
            if !seen.insert(role) {
                return Err(CoreError::invalid(
                    format!("security_deviation_roles[{i}]"),
                    format!("\"{r}\" appears twice"),
                ));
            }
        }
        Ok(())
    }

    /// The rules as they apply in a unit, given its ancestors' ids from the
    /// top down (the nearest override wins).
    pub fn for_unit(&self, unit_chain: &[UnitId]) -> EffectiveRules {
        let mut e = EffectiveRules {
            manager_limit_days: self.manager_limit_days,
            max_days_per_week: self.max_days_per_week,
            presence_requirements: self.presence_requirements.clone(),
        };
        for u in unit_chain {
            for o in self.unit_overrides.iter().filter(|o| o.unit_id == (*u)) {
                if let Some(v) = o.manager_limit_days {
                    e.manager_limit_days = v;
                }
                if let Some(v) = o.max_days_per_week {
                    e.max_days_per_week = v;
                }
                if let Some(v) = &o.presence_requirements {
                    e.presence_requirements = v.clone();
                }
            }
        }
        e.manager_limit_days = e.manager_limit_days.min(e.max_days_per_week);
        e
    }
}

impl RequestInput {
    /// Parses the shape of a request; the policy is judged separately.
    pub fn parse(&self) -> Result<Arrangement, CoreError> {
        let weekdays = Weekdays::parse("weekdays", &self.weekdays)?;
        let days = match self.days_per_week {
            Some(d) => RemoteDays::new(d).map_err(|m| CoreError::invalid("days_per_week", m))?,
            None if !weekdays.is_empty() => RemoteDays::new(weekdays.len() as i64)
                .map_err(|m| CoreError::invalid("weekdays", m))?,
            None => {
                return Err(CoreError::invalid(
                    "days_per_week",
                    "give days_per_week or weekdays",
                ))
            }
        };
        let start = parse_date(
            "start",
            self.start
                .as_deref()
                .ok_or_else(|| CoreError::invalid("start", "is required"))?,
        )?;
        let end = match self.end.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(e) => Some(parse_date("end", e)?),
            None => None,
        };
        let place = match self.place.as_deref().map(str::trim) {
            Some("home") | Some("hemma") | None | Some("") => Place::Home,
            Some("other") | Some("annan") => Place::Other,
            Some(o) => {
                return Err(CoreError::invalid(
                    "place",
                    format!("\"{o}\" is not home or other"),
                ))
            }
        };
        let terms = Terms::new(
            days,
            weekdays,
            (start, end),
            place,
            self.place_address.clone(),
        )?;
        let reason = self.reason.trim().to_string();
        if reason.is_empty() {
            return Err(CoreError::invalid("reason", "say why you apply"));
        }
        if reason.chars().count() > 2000 {
            return Err(CoreError::invalid(
                "reason",
                "must be at most 2000 characters",
            ));
        }
        let mut confirmations: Vec<String> = self
            .confirmations
            .iter()
            .map(|c| c.trim().to_string())
            .collect();
        confirmations.sort();
        confirmations.dedup();
        Ok(Arrangement {
            terms,
            reason,
            confirmations,
        })
    }
}

fn overlaps(a: (Date, Option<Date>), b: (Date, Option<Date>)) -> bool {
    let a_end = a.1.unwrap_or(Date::MAX);
    let b_end = b.1.unwrap_or(Date::MAX);
    a.0 <= b_end && b.0 <= a_end
}

/// Judges a request: the first rule it breaks, naming the field, or who
/// decides it.
pub fn judge(
    rules: &PolicyRules,
    effective: &EffectiveRules,
    who: &Applicant,
    a: &Arrangement,
    today: Date,
) -> Result<Judgement, CoreError> {
    let rule = |field: &str, message: String| CoreError::Rule {
        field: Some(field.into()),
        message,
    };
    if a.terms.start() < today {
        return Err(rule(
            "start",
            format!("the start {} is in the past", a.terms.start()),
        ));
    }
    if a.terms.days_per_week() > effective.max_days_per_week {
        return Err(rule(
            "days_per_week",
            format!(
                "the policy allows at most {} remote days a week",
                effective.max_days_per_week
            ),
        ));
    }
    if let Some(t) = who.tasks.iter().find(|t| rules.secrecy_tasks.contains(t)) {
        return Err(rule(
            "tasks",
            format!("your task \"{t}\" is secrecy-classified and may not be done remotely"),
        ));
    }
    let missing: Vec<&str> = rules
        .prerequisites
        .iter()
        .filter(|p| !a.confirmations.contains(&p.key))
        .map(|p| p.key.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(rule(
            "confirmations",
            format!("confirm the prerequisites: {}", missing.join(", ")),
        ));
    }
    if let Some(unknown) = a
        .confirmations
        .iter()
        .find(|c| !rules.prerequisites.iter().any(|p| &p.key == *c))
    {
        return Err(CoreError::invalid(
            "confirmations",
            format!("\"{unknown}\" is not a prerequisite of the policy"),
        ));
    }
    if let Some(b) = who
        .busy
        .iter()
        .find(|b| overlaps(**b, (a.terms.start(), a.terms.end())))
    {
        return Err(rule(
            "start",
            format!(
                "the period overlaps your arrangement from {}{}",
                b.0,
                b.1.map(|e| format!(" to {e}")).unwrap_or_default()
            ),
        ));
    }
    Ok(Judgement {
        decider: if a.terms.days_per_week() <= effective.manager_limit_days {
            Decider::Manager
        } else {
            Decider::Hr
        },
        days_per_week: a.terms.days_per_week(),
        manager_limit_days: effective.manager_limit_days,
        needs_agreement: rules.agreement_required,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;
    use uuid::Uuid;

    fn input(days: Option<i64>, weekdays: &[&str]) -> RequestInput {
        RequestInput {
            days_per_week: days,
            weekdays: weekdays.iter().map(|s| s.to_string()).collect(),
            start: Some("2026-12-01".into()),
            end: None,
            place: Some("home".into()),
            place_address: None,
            reason: "Kortare pendling".into(),
            confirmations: vec![
                "wifi".into(),
                "it-security".into(),
                "vpn".into(),
                "home-insurance".into(),
            ],
        }
    }

    fn ok(days: Option<i64>, weekdays: &[&str]) -> Result<Judgement, CoreError> {
        let rules = PolicyRules::default();
        let a = input(days, weekdays).parse()?;
        judge(
            &rules,
            &rules.for_unit(&[]),
            &Applicant::default(),
            &a,
            date!(2026 - 11 - 23),
        )
    }

    #[test]
    fn routing_by_the_manager_limit() {
        assert_eq!(ok(Some(2), &[]).map(|j| j.decider), Ok(Decider::Manager));
        assert_eq!(
            ok(None, &["mon", "fri"]).map(|j| j.decider),
            Ok(Decider::Manager)
        );
        assert_eq!(ok(Some(3), &["mon"]).map(|j| j.decider), Ok(Decider::Hr));
        assert!(
            matches!(ok(Some(5), &[]), Err(CoreError::Rule { .. })),
            "above the maximum"
        );
    }

    #[test]
    fn parse_refuses_bad_shapes_naming_the_field() {
        let field =
            |r: Result<Arrangement, CoreError>| r.err().and_then(|e| e.field().map(str::to_string));
        assert_eq!(
            field(input(Some(0), &[]).parse()),
            Some("days_per_week".into())
        );
        assert_eq!(
            field(input(None, &["mon", "sat"]).parse()),
            Some("weekdays[1]".into())
        );
        assert_eq!(
            field(input(None, &["mon", "mon"]).parse()),
            Some("weekdays[1]".into())
        );
        assert_eq!(
            field(input(Some(1), &["mon", "tue"]).parse()),
            Some("weekdays".into())
        );
        assert_eq!(
            field(input(None, &[]).parse()),
            Some("days_per_week".into())
        );
        let mut i = input(Some(2), &[]);
        i.end = Some("2026-01-01".into());
        assert_eq!(field(i.parse()), Some("end".into()));
        let mut i = input(Some(2), &[]);
        i.place = Some("other".into());
        assert_eq!(field(i.parse()), Some("place_address".into()));
        let mut i = input(Some(2), &[]);
        i.reason = " ".into();
        assert_eq!(field(i.parse()), Some("reason".into()));
        let mut i = input(Some(2), &[]);
        i.start = Some("1 dec".into());
        assert_eq!(field(i.parse()), Some("start".into()));
    }

    #[test]
    fn refusals_are_specific() {
        let rules = PolicyRules::default();
        let eff = rules.for_unit(&[]);
        let today = date!(2026 - 11 - 23);
        let a = input(Some(2), &[])
            .parse()
            .unwrap_or_else(|_| unreachable!());
        let secret = Applicant {
            tasks: vec!["reception".into(), "sekretessklassad".into()],
            busy: vec![],
        };
        let e = judge(&rules, &eff, &secret, &a, today)
            .err()
            .unwrap_or(CoreError::Unauthenticated);
        assert_eq!(e.field(), Some("tasks"));
        assert!(e.to_string().contains("sekretessklassad"));
        let mut b = a.clone();
        b.confirmations.retain(|c| c != "vpn");
        let e = judge(&rules, &eff, &Applicant::default(), &b, today)
            .err()
            .unwrap_or(CoreError::Unauthenticated);
        assert!(e.to_string().contains("vpn") && e.field() == Some("confirmations"));
        let busy = Applicant {
            tasks: vec![],
            busy: vec![(date!(2026 - 06 - 01), Some(date!(2026 - 12 - 31)))],
        };
        let e = judge(&rules, &eff, &busy, &a, today)
            .err()
            .unwrap_or(CoreError::Unauthenticated);
        assert_eq!(e.field(), Some("start"));
        let past = Applicant {
            tasks: vec![],
            busy: vec![(date!(2026 - 01 - 01), Some(date!(2026 - 11 - 30)))],
        };
        assert!(
            judge(&rules, &eff, &past, &a, today).is_ok(),
            "an earlier period does not overlap"
        );
        let mut c = a.clone();
        c.terms = c.terms.with_start(date!(2026 - 11 - 01));
        assert_eq!(
            judge(&rules, &eff, &Applicant::default(), &c, today)
                .err()
                .and_then(|e| e.field().map(String::from)),
            Some("start".into())
        );
    }

    #[test]
    fn unit_overrides_nearest_wins() {
        let (top, mid, leaf) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let mut rules = PolicyRules::default();
        rules.unit_overrides = vec![
            UnitOverride {
                unit_id: top.into(),
                manager_limit_days: Some(1),
                ..Default::default()
            },
            UnitOverride {
                unit_id: mid.into(),
                manager_limit_days: Some(3),
                presence_requirements: Some("Mottagningen kräver närvaro".into()),
                ..Default::default()
            },
        ];
        assert!(rules.validate().is_ok());
        assert_eq!(rules.for_unit(&[top.into()]).manager_limit_days, 1);
        let e = rules.for_unit(&[top.into(), mid.into(), leaf.into()]);
        assert_eq!(e.manager_limit_days, 3);
        assert_eq!(e.presence_requirements, "Mottagningen kräver närvaro");
        rules.unit_overrides[1].manager_limit_days = Some(5);
        assert_eq!(
            rules
                .validate()
                .err()
                .and_then(|e| e.field().map(String::from)),
            Some("unit_overrides[1].manager_limit_days".into())
        );
    }

    #[test]
    fn default_policy_is_valid() {
        assert!(PolicyRules::default().validate().is_ok());
        let mut r = PolicyRules::default();
        r.manager_limit_days = 5;
        assert_eq!(
            r.validate().err().and_then(|e| e.field().map(String::from)),
            Some("manager_limit_days".into())
        );
        r = PolicyRules::default();
        r.prerequisites[1].key = "wifi".into();
        assert_eq!(
            r.validate().err().and_then(|e| e.field().map(String::from)),
            Some("prerequisites[1].key".into())
        );
    }

    proptest! {
        /// Whatever the request, the engine never panics, and a request it
        /// accepts goes to the manager exactly when it is within the limit.
        #[test]
        fn routing_matches_the_limit(days in 0i64..8, limit in 0u8..=5, max in 1u8..=5, wd in proptest::collection::vec(0usize..6, 0..6)) {
            let names = ["mon", "tue", "wed", "thu", "fri", "sun"];
            let weekdays: Vec<&str> = wd.iter().map(|i| names[*i]).collect();
            let mut rules = PolicyRules::default();
            rules.max_days_per_week = max;
            rules.manager_limit_days = limit.min(max);
            let eff = rules.for_unit(&[]);
            if let Ok(a) = input(Some(days), &weekdays).parse() {
                match judge(&rules, &eff, &Applicant::default(), &a, date!(2026 - 11 - 23)) {
                    Ok(j) => {
                        prop_assert!(a.terms.days_per_week() <= max);
                        prop_assert_eq!(j.decider == Decider::Manager, a.terms.days_per_week() <= rules.manager_limit_days);
                    }
                    Err(e) => prop_assert!(a.terms.days_per_week() > max, "{e}"),
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod more_tests;

#[cfg(test)]
#[path = "rules_props.rs"]
mod props;
