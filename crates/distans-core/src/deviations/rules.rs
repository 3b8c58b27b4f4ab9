//! A reporter may ask to be anonymous to the unit when the policy allows it
//! (`deviation_reporter_anonymity`): the manager and the unit see "anonym
//! rapportör", but who reported is stored and visible to HR and in the audit
//! log. Hiding is done here, in one function ([`Deviation::redact_for`]), so
//! the API and the pages cannot differ.

use crate::access;
use crate::access::Action;
use crate::deviations::model::*;
use crate::kernel::dates::parse_date;
use crate::kernel::{Actor, CoreError, CoreResult};
use time::Date;
use uuid::Uuid;

impl Deviation {
    /// Is this a serious information-security deviation (told to the policy's roles)?
    pub fn is_serious_security(&self) -> bool {
        self.serious && self.kind == DeviationKind::InformationSecurity
    }

    /// May `actor` see who reported it?
    pub fn reporter_visible_to(&self, actor: &Actor) -> bool {
        !self.anonymous
            || access::authorize(
                actor,
                Action::SeeDeviationReporter {
                    reporter: self.reporter_id,
                },
            )
            .is_ok()
    }

    /// Cuts out who reported an anonymous deviation for those who may not
    /// see it: the reporter, the concerned person when that is the reporter,
    /// and the actor of the report in the trail.
    pub fn redact_for(mut self, actor: &Actor) -> Deviation {
        if !self.reporter_visible_to(actor) {
            self.reporter = None;
            if self.person_id == self.reporter_id {
                self.person = None;
            }
            for e in &mut self.events {
                if e.actor.as_ref().is_some_and(|a| a.id == self.reporter_id) {
                    e.actor = None;
                }
            }
        }
        self
    }

    pub(crate) fn read_action(&self, security_role: bool) -> Action<'_> {
        Action::ReadDeviation {
            reporter: self.reporter_id,
            person_id: self.person_id,
            responsible: self.responsible.as_ref().map(|r| r.id),
            unit_path: &self.unit_path,
            security_role: security_role && self.is_serious_security(),
        }
    }

    pub(crate) fn handle_action(&self) -> Action<'_> {
        Action::HandleDeviation {
            reporter: self.reporter_id,
            person_id: self.person_id,
            responsible: self.responsible.as_ref().map(|r| r.id),
            unit_path: &self.unit_path,
        }
    }
}

/// A text that must be given and not too long.
pub fn required_text(field: &str, s: &str) -> CoreResult<String> {
    let t = s.trim().replace("\r\n", "\n");
    if t.is_empty() {
        return Err(CoreError::invalid(field, "is required"));
    }
    if t.chars().count() > MAX_TEXT {
        return Err(CoreError::invalid(
            field,
            format!("must be at most {MAX_TEXT} characters"),
        ));
    }
    Ok(t)
}

impl DeviationInput {
    /// Checks the shape; the error names the field.
    pub fn parse(&self, today: Date) -> CoreResult<NewDeviation> {
        let kind = DeviationKind::parse(&self.kind).ok_or_else(|| {
            CoreError::invalid(
                "kind",
                format!(
                    "\"{}\" is not a kind (work_environment, information_security, presence, equipment, other)",
                    self.kind
                ),
            )
        })?;
        let date = parse_date("date", &self.date)?;
        if date > today {
            return Err(CoreError::invalid("date", "must not be in the future"));
        }
        let description = required_text("description", &self.description)?;
        let person = match self.person.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(
                Uuid::parse_str(s)
                    .map_err(|_| CoreError::invalid("person", format!("\"{s}\" is not an id")))?,
            ),
        };
        Ok(NewDeviation {
            kind,
            description,
            date,
            serious: self.serious,
            anonymous: self.anonymous,
            person: person.map(Into::into),
        })
    }
}

pub(crate) fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(300).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::PersonId;
    use crate::policy::model::PolicyRules;
    use time::macros::date;

    fn input(kind: &str, description: &str, day: &str) -> DeviationInput {
        DeviationInput {
            kind: kind.into(),
            description: description.into(),
            date: day.into(),
            ..Default::default()
        }
    }

    #[test]
    fn bad_input_names_the_field() {
        let today = date!(2026 - 03 - 10);
        let ok = input("presence", " Kom inte till APT ", "2026-03-10")
            .parse(today)
            .unwrap();
        assert_eq!(ok.kind, DeviationKind::Presence);
        assert_eq!(ok.description, "Kom inte till APT");
        let field = |i: DeviationInput| i.parse(today).unwrap_err().field().map(String::from);
        assert_eq!(
            field(input("fire", "x", "2026-03-01")).as_deref(),
            Some("kind")
        );
        assert_eq!(
            field(input("other", "  ", "2026-03-01")).as_deref(),
            Some("description")
        );
        assert_eq!(
            field(input("other", &"x".repeat(MAX_TEXT + 1), "2026-03-01")).as_deref(),
            Some("description")
        );
        assert_eq!(
            field(input("other", "x", "2026-03-11")).as_deref(),
            Some("date")
        );
        assert_eq!(field(input("other", "x", "igår")).as_deref(), Some("date"));
        let mut i = input("other", "x", "2026-03-01");
        i.person = Some("nobody".into());
        assert_eq!(field(i).as_deref(), Some("person"));
        assert!(StateFilter::parse("open").is_ok());
        assert_eq!(
            StateFilter::parse("done").unwrap_err().field(),
            Some("state")
        );
    }

    #[test]
    fn policy_fields_default_and_validate() {
        // A version stored before these fields existed still reads, with the defaults.
        let mut v = serde_json::to_value(PolicyRules::default()).unwrap();
        let o = v.as_object_mut().unwrap();
        o.remove("security_deviation_roles");
        o.remove("deviation_reporter_anonymity");
        let r: PolicyRules = serde_json::from_value(v).unwrap();
        assert_eq!(r.security_deviation_roles, vec!["admin".to_string()]);
        assert!(r.deviation_reporter_anonymity);
        let mut r = PolicyRules::default();
        r.security_deviation_roles = vec!["hr".into(), "admin".into()];
        assert!(r.validate().is_ok());
        r.security_deviation_roles = vec!["hr".into(), "janitor".into()];
        assert_eq!(
            r.validate().unwrap_err().field(),
            Some("security_deviation_roles[1]")
        );
        r.security_deviation_roles = vec!["hr".into(), "hr".into()];
        assert!(r.validate().is_err());
    }

    mod redaction {
        use super::*;
        use crate::kernel::{ManagedUnit, PersonRef, Role, UnitRef};
        use proptest::prelude::*;
        use time::OffsetDateTime;

        fn who(n: u128) -> PersonRef {
            PersonRef {
                id: Uuid::from_u128(n).into(),
                name: format!("Person {n}"),
            }
        }

        fn actor(n: u128, roles: &[Role], manages: &[&str]) -> Actor {
            Actor {
                language: Default::default(),
                person_id: PersonId::from_u128(n),
                name: format!("Person {n}"),
                unit: UnitRef {
                    id: Uuid::nil().into(),
                    name: "U".into(),
                },
                roles: roles.to_vec(),
                manages: manages
                    .iter()
                    .map(|p| ManagedUnit {
                        id: Uuid::nil().into(),
                        name: "M".into(),
                        path: p.to_string(),
                    })
                    .collect(),
            }
        }

        /// Reported by 1 about `person`, in unit /k/a/, handled by 3.
        fn deviation(anonymous: bool, person: u128) -> Deviation {
            let event = |n: u128, kind: &str| DeviationEvent {
                at: OffsetDateTime::UNIX_EPOCH,
                actor: Some(who(n)),
                kind: kind.into(),
                text: None,
            };
            Deviation {
                id: (Uuid::from_u128(100)).into(),
                kind: DeviationKind::InformationSecurity,
                description: "Skärmen syntes från bussen".into(),
                date: date!(2026 - 03 - 02),
                serious: true,
                anonymous,
                person: Some(who(person)),
                unit: UnitRef {
                    id: Uuid::nil().into(),
                    name: "Kontaktcenter".into(),
                },
                reporter: Some(who(1)),
                responsible: Some(who(3)),
                state: DeviationState::Acknowledged,
                action: None,
                policy_version: 1,
                created_at: OffsetDateTime::UNIX_EPOCH,
                version: 2,
                events: vec![event(1, "reported"), event(3, "acknowledged")],
                reporter_id: PersonId::from_u128(1),
                person_id: PersonId::from_u128(person),
                unit_path: "/k/a/".into(),
            }
        }

        #[test]
        fn an_anonymous_reporter_is_hidden_from_the_unit_but_not_from_hr() {
            let manager = actor(3, &[Role::Employee, Role::Manager], &["/k/a/"]);
            let hr = actor(4, &[Role::Employee, Role::Hr], &[]);
            let seen = deviation(true, 1).redact_for(&manager);
            assert_eq!(
                (seen.reporter, seen.person),
                (None, None),
                "they reported about themselves"
            );
            assert_eq!(seen.events[0].actor, None);
            assert_eq!(
                seen.events[1].actor,
                Some(who(3)),
                "the manager's own step stays"
            );
            let about_other = deviation(true, 2).redact_for(&manager);
            assert_eq!(about_other.person, Some(who(2)));
            assert_eq!(deviation(true, 1).redact_for(&hr), deviation(true, 1));
            assert_eq!(
                deviation(true, 1).redact_for(&actor(1, &[Role::Employee], &[])),
                deviation(true, 1)
            );
            assert_eq!(
                deviation(false, 1).redact_for(&manager),
                deviation(false, 1)
            );
        }

        #[test]
        fn what_a_deviation_asks_of_the_access_policy() {
            let d = deviation(false, 2);
            assert!(d.is_serious_security());
            let mut minor = d.clone();
            minor.serious = false;
            assert!(!minor.is_serious_security());
            let stranger = actor(9, &[Role::Employee, Role::Admin], &[]);
            assert!(
                crate::access::can(&stranger, d.read_action(true)),
                "a security role, serious"
            );
            assert!(!crate::access::can(&stranger, minor.read_action(true)));
            assert!(!crate::access::can(&stranger, d.read_action(false)));
            assert!(
                crate::access::can(&actor(3, &[Role::Employee], &[]), d.handle_action()),
                "responsible"
            );
            assert!(
                !crate::access::can(
                    &actor(1, &[Role::Employee, Role::Hr], &[]),
                    d.handle_action()
                ),
                "reporter"
            );
        }

        #[test]
        fn texts_keep_line_breaks_and_excerpts_stay_short() {
            assert_eq!(required_text("action", " a\r\nb "), Ok("a\nb".to_string()));
            assert_eq!(
                required_text("action", "\r\n").unwrap_err().field(),
                Some("action")
            );
            assert_eq!(excerpt("kort"), "kort");
            let long = "å".repeat(301);
            assert_eq!(excerpt(&long), format!("{}…", "å".repeat(300)));
            assert_eq!(excerpt(&"å".repeat(300)), "å".repeat(300));
            for k in DeviationKind::ALL {
                assert_eq!(DeviationKind::parse(&format!(" {} ", k.as_str())), Some(k));
            }
            assert_eq!(StateFilter::parse(" open "), Ok(StateFilter::Open));
            assert_eq!(
                StateFilter::parse("closed"),
                Ok(StateFilter::Only(DeviationState::Closed))
            );
        }

        fn role() -> impl Strategy<Value = Vec<Role>> {
            proptest::sample::subsequence(
                vec![Role::Hr, Role::Admin, Role::Auditor, Role::Director],
                0..=2,
            )
        }

        proptest! {
            /// Whoever looks, an anonymous reporter's identity reaches only
            /// the reporter and HR: to anyone else neither the reporter nor
            /// the trail names them, and nothing else is cut.
            #[test]
            fn only_the_reporter_and_hr_see_an_anonymous_reporter(
                anonymous in any::<bool>(),
                person in 1u128..4,
                viewer in 1u128..6,
                roles in role(),
                manages in proptest::option::of(prop_oneof![Just("/k/"), Just("/k/a/"), Just("/x/")]),
            ) {
                let mut rs = vec![Role::Employee];
                rs.extend(roles.iter().copied());
                let a = actor(viewer, &rs, manages.as_slice());
                let d = deviation(anonymous, person);
                let seen = d.clone().redact_for(&a);
                let may = !anonymous || viewer == 1 || roles.contains(&Role::Hr);
                prop_assert_eq!(d.reporter_visible_to(&a), may);
                if may {
                    prop_assert_eq!(seen, d);
                } else {
                    prop_assert_eq!(&seen.reporter, &None);
                    prop_assert!(seen.events.iter().all(|e| e.actor.as_ref().is_none_or(|p| p.id != d.reporter_id)));
                    prop_assert_eq!(seen.person.is_none(), person == 1);
                    let json = serde_json::to_string(&seen).unwrap();
                    prop_assert!(!json.contains("Person 1"), "{}", json);
                    prop_assert_eq!((seen.description, seen.events.len()), (d.description, d.events.len()));
                }
            }

            /// An excerpt is the start of the text, at most 300 characters
            /// and an ellipsis when cut.
            #[test]
            fn an_excerpt_is_the_start_of_the_text(s in "\\PC{0,400}") {
                let e = excerpt(&s);
                let cut = s.chars().count() > 300;
                prop_assert_eq!(e.ends_with('…') && cut, cut);
                let kept = e.strip_suffix('…').filter(|_| cut).unwrap_or(&e);
                prop_assert!(s.starts_with(kept));
                prop_assert_eq!(kept.chars().count(), s.chars().count().min(300));
            }
        }
    }
}
