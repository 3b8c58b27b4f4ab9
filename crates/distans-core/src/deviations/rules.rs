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
            person,
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
}
