//! The rules of temporary decisions: what a decision may say, and whom it
//! concerns. Pure.

use time::Date;
use uuid::Uuid;

use crate::kernel::dates::parse_date;
use crate::kernel::{Actor, Broadcast, CoreError, CoreResult, Link, Message, MessageKey, PersonId};
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

/// How a decision reaches a person placed in the unit at `unit_path`
/// (named `unit_name`): through the whole organisation, their own unit, a
/// unit above theirs, a delegation, or a unit they manage; `None` when it
/// does not concern them.
pub fn reach(
    d: &TemporaryDecision,
    actor: &Actor,
    unit_path: &str,
    unit_name: &str,
) -> Option<Reach> {
    if d.unit_paths.is_empty() {
        return Some(Reach::WholeOrganisation);
    }
    let named = d.unit_paths.iter().zip(&d.units);
    if let Some((path, named)) = named
        .clone()
        .find(|(p, _)| unit_path.starts_with(p.as_str()))
    {
        return Some(if path == unit_path {
            Reach::OwnUnit {
                unit: named.name.clone(),
            }
        } else {
            Reach::ThroughParent {
                unit: unit_name.to_string(),
                parent: named.name.clone(),
            }
        });
    }
    if d.delegates.iter().any(|p| p.id == actor.person_id) {
        return Some(Reach::Delegated);
    }
    actor
        .manages
        .iter()
        .find(|m| d.covers_path(&m.path))
        .map(|m| Reach::ManagedUnit {
            unit: m.name.clone(),
        })
}

/// The message to everyone a decision covers, when it is issued (its
/// delegates and its issuer are told otherwise).
pub fn announcement(actor: &Actor, d: &TemporaryDecision) -> Broadcast {
    let units: Vec<&str> = d.units.iter().map(|u| u.name.as_str()).collect();
    let mut except: Vec<PersonId> = d.delegates.iter().map(|p| p.id).collect();
    except.push(actor.person_id);
    Broadcast {
        unit_paths: d.unit_paths.clone(),
        except,
        kind: "temporary_decision_issued".into(),
        message: Message::new(
            MessageKey::TemporaryDecisionIssued,
            Link::TemporaryDecisions,
        )
        .arg("by", &actor.name)
        .arg("title", &d.title)
        .arg("start", d.start)
        .arg("end", d.end)
        .arg("days", d.max_remote_days)
        .arg("whole", if units.is_empty() { "yes" } else { "no" })
        .arg("units", units.join(", ")),
    }
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
    use crate::kernel::PersonId;
    use crate::kernel::{PersonRef, Role, UnitRef};
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
            id: (Uuid::from_u128(1)).into(),
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
                id: Uuid::from_u128(7).into(),
                name: "D".into(),
            }],
            checklist: vec![],
            issued_by: PersonRef {
                id: Uuid::from_u128(2).into(),
                name: "HR".into(),
            },
            created_at: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn actor(id: u128, manages: &[&str]) -> Actor {
        crate::kernel::actor::test_actor(id, vec![Role::Employee], manages)
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

    fn named(paths: &[(&str, &str)]) -> TemporaryDecision {
        let mut d = decision(&[], date!(2026 - 03 - 01), date!(2026 - 03 - 31), 3);
        for (i, (path, name)) in paths.iter().enumerate() {
            d.unit_paths.push(path.to_string());
            d.units.push(UnitRef {
                id: Uuid::from_u128(100 + i as u128).into(),
                name: name.to_string(),
            });
        }
        d
    }

    #[test]
    fn a_decision_reaches_a_person_in_words_they_recognise() {
        let d = named(&[("/a/", "Förvaltningen"), ("/x/y/", "Bygglov")]);
        let me = actor(1, &[]);
        assert_eq!(
            reach(&d, &me, "/x/y/", "Bygglov"),
            Some(Reach::OwnUnit {
                unit: "Bygglov".into()
            })
        );
        assert_eq!(
            reach(&d, &me, "/a/b/c/", "Kontaktcenter"),
            Some(Reach::ThroughParent {
                unit: "Kontaktcenter".into(),
                parent: "Förvaltningen".into()
            }),
            "through the unit above"
        );
        assert_eq!(reach(&d, &me, "/q/", "Q"), None);
        assert_eq!(
            reach(&d, &actor(7, &[]), "/q/", "Q"),
            Some(Reach::Delegated)
        );
        assert_eq!(
            reach(&d, &actor(1, &["/x/y/z/"]), "/q/", "Q"),
            Some(Reach::ManagedUnit { unit: "M".into() })
        );
        assert_eq!(
            reach(&named(&[]), &me, "/q/", "Q"),
            Some(Reach::WholeOrganisation)
        );
    }

    #[test]
    fn the_announcement_reaches_the_units_but_not_the_issuer_or_delegates() {
        let d = named(&[("/a/", "Förvaltningen"), ("/x/y/", "Bygglov")]);
        let b = announcement(&actor(1, &[]), &d);
        assert_eq!(b.unit_paths, vec!["/a/".to_string(), "/x/y/".to_string()]);
        assert!(b.except.contains(&PersonId::from_u128(1)));
        assert!(b.except.contains(&PersonId::from_u128(7)));
        assert_eq!(b.message.args["units"], "Förvaltningen, Bygglov");
        assert_eq!(b.message.args["whole"], "no");
        assert_eq!(b.message.args["days"], "3");
        let all = announcement(&actor(1, &[]), &named(&[]));
        assert!(all.unit_paths.is_empty());
        assert_eq!(all.message.args["whole"], "yes");
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

    #[test]
    fn a_checklist_given_is_trimmed_of_blank_items_and_may_be_empty() {
        let mut i = input();
        i.checklist = Some(vec!["  Finns VPN? ".into(), "   ".into(), String::new()]);
        assert_eq!(
            parse_terms(&i).unwrap().checklist,
            vec!["Finns VPN?".to_string()]
        );
        i.checklist = Some(vec![]);
        assert!(parse_terms(&i).unwrap().checklist.is_empty());
        i.checklist = Some(vec!["x".into(); 51]);
        assert_eq!(parse_terms(&i).unwrap_err().field(), Some("checklist"));
        let mut i = input();
        i.max_remote_days = None;
        assert_eq!(
            parse_terms(&i).unwrap().max_remote_days,
            5,
            "the default is every day"
        );
        i.description = "ö".repeat(10_001);
        assert_eq!(parse_terms(&i).unwrap_err().field(), Some("description"));
        i.description = " Bakgrund ".into();
        assert_eq!(parse_terms(&i).unwrap().description, "Bakgrund");
    }

    #[test]
    fn a_decision_applies_from_its_first_to_its_last_day() {
        let d = decision(&["/a/"], date!(2026 - 03 - 01), date!(2026 - 03 - 31), 3);
        assert!(!d.applies_on(date!(2026 - 02 - 28)));
        assert!(d.applies_on(date!(2026 - 03 - 01)));
        assert!(d.applies_on(date!(2026 - 03 - 31)));
        assert!(!d.applies_on(date!(2026 - 04 - 01)));
        assert!(d.covers_path("/a/b/") && !d.covers_path("/b/"));
        assert_eq!(
            parse_id(
                "delegates",
                0,
                " 00000000-0000-0000-0000-000000000007 ",
                "person"
            ),
            Ok(Uuid::from_u128(7))
        );
        let e = parse_id("delegates", 3, "", "person").unwrap_err();
        assert_eq!(e.field(), Some("delegates[3]"));
        assert!(e.to_string().contains("not a person id"));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;
        use time::Duration;

        fn day() -> impl Strategy<Value = Date> {
            (0i64..400).prop_map(|n| date!(2026 - 01 - 01) + Duration::days(n))
        }

        proptest! {
            /// The limit on a day is the widest of the decisions in force
            /// then, and there is none without one.
            #[test]
            fn the_limit_is_the_widest_in_force(
                ds in proptest::collection::vec((day(), 0i64..60, 1u8..=5), 0..5),
                d in day(),
            ) {
                let decisions: Vec<TemporaryDecision> = ds
                    .iter()
                    .map(|(s, len, max)| decision(&[], *s, *s + Duration::days(*len), *max))
                    .collect();
                let in_force: Vec<u8> = ds
                    .iter()
                    .filter(|(s, len, _)| *s <= d && d <= *s + Duration::days(*len))
                    .map(|(_, _, m)| *m)
                    .collect();
                prop_assert_eq!(crisis_limit(&decisions, d), in_force.iter().max().copied());
            }

            /// Whatever is typed, the terms are parsed or refused naming a
            /// field; accepted terms run forwards, at most a year, with 1-5 days.
            #[test]
            fn terms_are_in_shape_or_refused_on_a_field(
                title in "[A-Za-zå][a-zå ]{0,8}|\\PC{0,8}| {0,3}",
                first in day(),
                len in prop_oneof![-400i64..400, proptest::sample::select(vec![-1i64, 0, 365, 366, 367])],
                junk in proptest::option::of("\\PC{0,10}"),
                max in proptest::option::of(-2i64..8),
            ) {
                let start = first.to_string();
                let end = junk.unwrap_or_else(|| (first + Duration::days(len)).to_string());
                let i = TemporaryDecisionInput { title, start, end, max_remote_days: max, ..Default::default() };
                match parse_terms(&i) {
                    Ok(t) => {
                        prop_assert!(!t.title.is_empty() && t.title == t.title.trim());
                        prop_assert!(t.start <= t.end && (t.end - t.start).whole_days() <= 366);
                        prop_assert!((1..=5).contains(&t.max_remote_days));
                    }
                    Err(e) => {
                        let f = e.field().unwrap_or("");
                        prop_assert!(["title", "description", "start", "end", "max_remote_days", "checklist"].contains(&f), "{e:?}");
                    }
                }
            }
        }
    }
}
