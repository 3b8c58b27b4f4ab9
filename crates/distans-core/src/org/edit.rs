//! Adding a person and changing one: what is written, and the pure rules
//! that check it. Used alike by `POST`/`PATCH /api/v1/people` and by
//! provisioning (SCIM).

use serde::{Deserialize, Serialize};

use crate::kernel::ids::UnitId;
use crate::kernel::{CoreError, CoreResult, Role, SiteId};
use crate::org::model::{Email, EmployeeNumber, PersonRecord, Skill, Username};

/// A person as a change writes them: every field they have.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonDraft {
    pub employee_number: EmployeeNumber,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<Email>,
    pub title: Option<String>,
    pub unit_id: UnitId,
    pub site_id: Option<SiteId>,
    pub skills: Vec<Skill>,
    /// Granted roles only (hr, admin, auditor, director).
    pub roles: Vec<Role>,
    pub username: Option<Username>,
}

/// What a provisioning client keeps of a person besides the product's own
/// fields: its key for them and the attributes the product does not model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provisioned {
    pub external_id: Option<String>,
    pub attributes: Option<serde_json::Value>,
}

/// A person written over as they were at `version`: what a change of a
/// person stores, on its own or in the same transaction as their
/// departure or return (a provisioning client deactivating someone and
/// changing their attributes in one request).
#[derive(Debug, Clone, PartialEq)]
pub struct PersonUpdate {
    pub person: crate::kernel::PersonId,
    pub version: i64,
    pub draft: PersonDraft,
    pub provisioned: Option<Provisioned>,
}

/// A change of some of a person's fields (`PATCH /api/v1/people/{id}`):
/// the fields left out stay as they are; `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonChange {
    pub employee_number: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<Option<String>>,
    pub title: Option<Option<String>>,
    pub unit_id: Option<UnitId>,
    pub site_id: Option<Option<SiteId>>,
    pub skills: Option<Vec<String>>,
    pub roles: Option<Vec<String>>,
    pub username: Option<Option<String>>,
}

/// The fields of a new person (`POST /api/v1/people`), unchecked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewPerson {
    pub employee_number: String,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub title: Option<String>,
    pub unit_id: Option<UnitId>,
    pub site_id: Option<SiteId>,
    pub skills: Vec<String>,
    pub roles: Vec<String>,
    pub username: Option<String>,
}

fn field<T>(name: &str, r: Result<T, String>) -> CoreResult<T> {
    r.map_err(|m| CoreError::invalid(name, m))
}

/// A name part: at most 100 characters, no control characters; may be
/// empty (a provisioned person the identity provider gave no name).
pub fn name_part(name: &str, value: &str) -> CoreResult<String> {
    let t = value.trim();
    if t.chars().count() > 100 || t.chars().any(char::is_control) {
        return Err(CoreError::invalid(
            name,
            "must be at most 100 characters, without control characters",
        ));
    }
    Ok(t.to_string())
}

fn optional_text(name: &str, value: Option<&str>, max: usize) -> CoreResult<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.chars().count() > max || t.chars().any(char::is_control) => Err(
            CoreError::invalid(name, format!("must be at most {max} characters")),
        ),
        Some(t) => Ok(Some(t.to_string())),
    }
}

fn granted(roles: &[String]) -> CoreResult<Vec<Role>> {
    let mut out: Vec<Role> = roles
        .iter()
        .map(|r| field("roles", Role::parse_granted(r)))
        .collect::<CoreResult<_>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

fn skills(list: &[String]) -> CoreResult<Vec<Skill>> {
    if list.len() > 50 {
        return Err(CoreError::invalid("skills", "at most 50 skills"));
    }
    let mut out: Vec<Skill> = list
        .iter()
        .map(|s| field("skills", Skill::parse(s)))
        .collect::<CoreResult<_>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

impl NewPerson {
    /// The draft this asks for, checked field by field.
    pub fn draft(&self) -> CoreResult<PersonDraft> {
        let given_name = name_part("given_name", &self.given_name)?;
        let family_name = name_part("family_name", &self.family_name)?;
        if given_name.is_empty() && family_name.is_empty() {
            return Err(CoreError::invalid("given_name", "a person needs a name"));
        }
        Ok(PersonDraft {
            employee_number: field(
                "employee_number",
                EmployeeNumber::parse(&self.employee_number),
            )?,
            given_name,
            family_name,
            email: optional_email(self.email.as_deref())?,
            title: optional_text("title", self.title.as_deref(), 200)?,
            unit_id: self
                .unit_id
                .ok_or_else(|| CoreError::invalid("unit_id", "a person needs a home unit"))?,
            site_id: self.site_id,
            skills: skills(&self.skills)?,
            roles: granted(&self.roles)?,
            username: optional_username(self.username.as_deref())?,
        })
    }
}

fn optional_email(value: Option<&str>) -> CoreResult<Option<Email>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(e) => field("email", Email::parse(e)).map(Some),
    }
}

fn optional_username(value: Option<&str>) -> CoreResult<Option<Username>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(u) => field("username", Username::parse(u)).map(Some),
    }
}

/// The draft of a stored person, as it is.
pub fn draft_of(rec: &PersonRecord) -> CoreResult<PersonDraft> {
    let p = &rec.person;
    let stored = |what: &str| CoreError::internal(format!("a stored {what} does not parse"));
    Ok(PersonDraft {
        employee_number: EmployeeNumber::parse(&p.employee_number)
            .map_err(|_| stored("employee number"))?,
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        email: p.email.as_deref().and_then(|e| Email::parse(e).ok()),
        title: p.title.clone(),
        unit_id: p.unit_id,
        site_id: p.site_id,
        skills: p
            .skills
            .iter()
            .filter_map(|s| Skill::parse(s).ok())
            .collect(),
        roles: p.granted_roles.clone(),
        username: p.username.as_deref().and_then(|u| Username::parse(u).ok()),
    })
}

impl PersonChange {
    /// `draft` with this change made, checked field by field.
    pub fn apply(&self, mut draft: PersonDraft) -> CoreResult<PersonDraft> {
        if let Some(n) = &self.employee_number {
            draft.employee_number = field("employee_number", EmployeeNumber::parse(n))?;
        }
        if let Some(g) = &self.given_name {
            draft.given_name = name_part("given_name", g)?;
        }
        if let Some(f) = &self.family_name {
            draft.family_name = name_part("family_name", f)?;
        }
        if draft.given_name.is_empty() && draft.family_name.is_empty() {
            return Err(CoreError::invalid("given_name", "a person needs a name"));
        }
        if let Some(e) = &self.email {
            draft.email = optional_email(e.as_deref())?;
        }
        if let Some(t) = &self.title {
            draft.title = optional_text("title", t.as_deref(), 200)?;
        }
        if let Some(u) = self.unit_id {
            draft.unit_id = u;
        }
        if let Some(s) = self.site_id {
            draft.site_id = s;
        }
        if let Some(s) = &self.skills {
            draft.skills = skills(s)?;
        }
        if let Some(r) = &self.roles {
            draft.roles = granted(r)?;
        }
        if let Some(u) = &self.username {
            draft.username = optional_username(u.as_deref())?;
        }
        Ok(draft)
    }
}

/// What the audit log keeps of a draft.
pub fn audit_json(d: &PersonDraft) -> serde_json::Value {
    serde_json::json!({
        "employee_number": d.employee_number.as_str(),
        "given_name": d.given_name,
        "family_name": d.family_name,
        "email": d.email.as_ref().map(|e| e.as_str()),
        "title": d.title,
        "unit_id": d.unit_id,
        "site_id": d.site_id,
        "skills": d.skills.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "roles": d.roles,
        "username": d.username.as_ref().map(|u| u.as_str()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_person() -> NewPerson {
        NewPerson {
            employee_number: "E-1".into(),
            given_name: "Anna".into(),
            family_name: "Lind".into(),
            unit_id: Some(UnitId::from_u128(1)),
            roles: vec!["HR".into(), "hr".into()],
            skills: vec!["Lön".into()],
            ..NewPerson::default()
        }
    }

    #[test]
    fn a_new_person_is_checked_field_by_field() {
        let d = new_person().draft().unwrap();
        assert_eq!(d.roles, vec![Role::Hr]);
        assert_eq!(d.skills[0].as_str(), "lön");
        let mut bad = new_person();
        bad.unit_id = None;
        assert_eq!(bad.draft().unwrap_err().field(), Some("unit_id"));
        let mut bad = new_person();
        bad.roles = vec!["provisioning".into()];
        assert_eq!(bad.draft().unwrap_err().field(), Some("roles"));
        let mut bad = new_person();
        bad.email = Some("nope".into());
        assert_eq!(bad.draft().unwrap_err().field(), Some("email"));
        let mut bad = new_person();
        bad.given_name = " ".into();
        bad.family_name = String::new();
        assert_eq!(bad.draft().unwrap_err().field(), Some("given_name"));
    }

    #[test]
    fn a_change_leaves_out_what_it_does_not_name() {
        let d = new_person().draft().unwrap();
        let c = PersonChange {
            title: Some(Some("Handläggare".into())),
            email: Some(Some("anna@kommun.se".into())),
            ..PersonChange::default()
        };
        let after = c.apply(d.clone()).unwrap();
        assert_eq!(after.title.as_deref(), Some("Handläggare"));
        assert_eq!(after.given_name, d.given_name);
        assert_eq!(after.roles, d.roles);
        let cleared = PersonChange {
            email: Some(None),
            ..PersonChange::default()
        }
        .apply(after)
        .unwrap();
        assert_eq!(cleared.email, None);
        let bad = PersonChange {
            employee_number: Some("a b".into()),
            ..PersonChange::default()
        };
        assert_eq!(bad.apply(d).unwrap_err().field(), Some("employee_number"));
    }
}
