//! Checklists as data: the follow-up checklist ("Distansarbete uppföljning")
//! and the work-environment risk assessment of the remote workplace
//! (riskbedömning). HR edits them; every save is a new version and old
//! versions are kept, because answers refer to the version they answered.
//!
//! Pure: the defaults, validation, the one-line-per-question text form the
//! pages use, and which answers reveal a risk. No storage, no HTTP.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::kernel::error::CoreError;

/// The follow-up checklist's key.
pub const FOLLOW_UP: &str = "uppfoljning";
/// The risk assessment's key.
pub const RISK_ASSESSMENT: &str = "riskbedomning";
/// The templates there are (HR edits them; there are no others).
pub const KEYS: &[&str] = &[FOLLOW_UP, RISK_ASSESSMENT];

pub const MAX_QUESTIONS: usize = 60;
pub const MAX_TEXT_ANSWER: usize = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    /// "yes" or "no".
    YesNo,
    /// 1 (worst) to 5 (best).
    Scale,
    /// Free text.
    Text,
    /// A day (YYYY-MM-DD).
    Date,
}

impl QuestionType {
    /// Every type, in the order the editor offers them.
    pub const ALL: [QuestionType; 4] = [
        QuestionType::YesNo,
        QuestionType::Text,
        QuestionType::Date,
        QuestionType::Scale,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionType::YesNo => "yes_no",
            QuestionType::Scale => "scale",
            QuestionType::Text => "text",
            QuestionType::Date => "date",
        }
    }
    pub fn parse(s: &str) -> Option<QuestionType> {
        match s.trim().to_lowercase().as_str() {
            "yes_no" | "ja_nej" => Some(QuestionType::YesNo),
            "scale" | "skala" => Some(QuestionType::Scale),
            "text" => Some(QuestionType::Text),
            "date" | "datum" => Some(QuestionType::Date),
            _ => None,
        }
    }
}

/// One question of a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Stable within the template's versions: answers are keyed by it.
    pub id: String,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    #[serde(default)]
    pub required: bool,
    /// yes_no: the answer ("yes" or "no") that reveals a risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_answer: Option<String>,
    /// scale: an answer at or below this reveals a risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_at_most: Option<u8>,
}

/// A version of a checklist template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistTemplate {
    pub key: String,
    pub version: i64,
    pub title: String,
    pub questions: Vec<Question>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

/// A template as HR writes it (`PUT /api/v1/checklists/{key}`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ChecklistInput {
    pub title: String,
    pub questions: Vec<Question>,
    /// The version edited: when given and no longer the newest, 409.
    pub version: Option<i64>,
}

fn q(id: &str, kind: QuestionType, required: bool, risk: Option<&str>, text: &str) -> Question {
    Question {
        id: id.into(),
        text: text.into(),
        kind,
        required,
        risk_answer: match (kind, risk) {
            (QuestionType::YesNo, Some(r)) => Some(r.into()),
            _ => None,
        },
        risk_at_most: match (kind, risk) {
            (QuestionType::Scale, Some(r)) => r.parse().ok(),
            _ => None,
        },
    }
}

/// The default title and questions of a template.
pub fn default_template(key: &str) -> Option<(String, Vec<Question>)> {
    use QuestionType::{Scale, Text, YesNo};
    match key {
        FOLLOW_UP => Some((
            "Distansarbete uppföljning".into(),
            vec![
                q("arbetsbelastning", Scale, true, Some("2"), "Hur fungerar arbetsbelastningen och leveranserna när du arbetar på distans? (1 = dåligt, 5 = mycket bra)"),
                q("arbetstid", YesNo, true, Some("no"), "Håller du arbetstiden och kan du koppla bort arbetet efter arbetsdagens slut?"),
                q("nabarhet", YesNo, true, Some("no"), "Är du nåbar för kollegor, chef och medborgare på samma sätt som på arbetsplatsen?"),
                q("samarbete", Scale, true, Some("2"), "Hur fungerar samarbetet och känslan av tillhörighet i arbetsgruppen? (1 = dåligt, 5 = mycket bra)"),
                q("utrustning", YesNo, true, Some("no"), "Har du den utrustning du behöver och fungerar den?"),
                q("informationssakerhet", YesNo, true, Some("no"), "Följer du informationssäkerhetsreglerna (VPN, låst skärm, inga obehöriga som ser eller hör)?"),
                q("fungerar", YesNo, true, Some("no"), "Fungerar överenskommelsen om distansarbete fortfarande för både dig och verksamheten?"),
                q("andring", Text, false, None, "Är det något som behöver ändras (dagar, plats, utrustning, rutiner)?"),
            ],
        )),
        RISK_ASSESSMENT => Some((
            "Riskbedömning av arbetsmiljön vid distansarbete".into(),
            vec![
                q("skrivbord", YesNo, true, Some("no"), "Har du ett skrivbord i lämplig höjd för arbetet?"),
                q("stol", YesNo, true, Some("no"), "Har du en stol som går att ställa in och ger bra stöd?"),
                q("skarm", YesNo, true, Some("no"), "Har du en extra skärm (eller dockningsstation) i ögonhöjd på rätt avstånd?"),
                q("ljus", YesNo, true, Some("no"), "Är belysningen tillräcklig och utan störande bländning?"),
                q("buller", YesNo, true, Some("no"), "Kan du arbeta och hålla samtal utan störande ljud?"),
                q("pauser", YesNo, true, Some("no"), "Tar du regelbundna pauser och rör på dig under arbetsdagen?"),
                q("isolering", Scale, true, Some("2"), "Hur väl fungerar den sociala kontakten med kollegor när du arbetar på distans? (1 = dåligt, 5 = mycket bra)"),
                q("kommunikation", YesNo, true, Some("no"), "Är det tydligt hur och när du ska vara nåbar och hur ni kommunicerar i gruppen?"),
                q("insyn", YesNo, true, Some("no"), "Kan du placera skärmen så att ingen obehörig kan se den?"),
                q("forvaring", YesNo, true, Some("no"), "Kan du förvara handlingar och utrustning inlåst?"),
                q("natverk", YesNo, true, Some("no"), "Använder du bara godkänt nätverk (krypterat wifi eller kabel, VPN)?"),
                q("ovrigt", Text, false, None, "Övriga risker eller behov av åtgärder"),
            ],
        )),
        _ => None,
    }
}

/// Whether a question id is well formed: 1 to 40 characters of lower-case
/// ASCII letters, digits, `_` and `-` (checked on saving a template and
/// when the editor keeps or replaces an item's id).
pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// Checks a template's title and questions; trims texts.
pub fn validate(title: &str, questions: &[Question]) -> Result<(String, Vec<Question>), CoreError> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(CoreError::invalid("title", "must be 1 to 200 characters"));
    }
    if questions.is_empty() || questions.len() > MAX_QUESTIONS {
        return Err(CoreError::invalid(
            "questions",
            format!("a checklist has 1 to {MAX_QUESTIONS} questions"),
        ));
    }
    let mut out = Vec::with_capacity(questions.len());
    for (i, q) in questions.iter().enumerate() {
        let field = format!("questions[{i}]");
        let id = q.id.trim();
        if !valid_id(id) {
            return Err(CoreError::invalid(
                field,
                format!("\"{id}\": an id is 1 to 40 of a–z, 0–9, _ and -"),
            ));
        }
        if out.iter().any(|o: &Question| o.id == id) {
            return Err(CoreError::invalid(
                field,
                format!("the id \"{id}\" is used twice"),
            ));
        }
        let text = q.text.trim();
        if text.is_empty() || text.chars().count() > 500 {
            return Err(CoreError::invalid(
                field,
                "the question must be 1 to 500 characters",
            ));
        }
        // One question a line in the text form HR edits.
        if text.chars().any(char::is_control) {
            return Err(CoreError::invalid(
                field,
                "the question must be one line, without control characters",
            ));
        }
        let risk_answer = match (q.kind, q.risk_answer.as_deref().map(str::trim)) {
            (_, None) => None,
            (QuestionType::YesNo, Some(r @ ("yes" | "no"))) => Some(r.to_string()),
            (QuestionType::YesNo, Some(r)) => {
                return Err(CoreError::invalid(
                    field,
                    format!("risk_answer \"{r}\" must be \"yes\" or \"no\""),
                ))
            }
            (_, Some(_)) => {
                return Err(CoreError::invalid(
                    field,
                    "risk_answer is only for yes_no questions",
                ))
            }
        };
        let risk_at_most = match (q.kind, q.risk_at_most) {
            (_, None) => None,
            (QuestionType::Scale, Some(n @ 1..=4)) => Some(n),
            (QuestionType::Scale, Some(_)) => {
                return Err(CoreError::invalid(
                    field,
                    "risk_at_most must be 1 to 4 (the scale is 1 to 5)",
                ))
            }
            (_, Some(_)) => {
                return Err(CoreError::invalid(
                    field,
                    "risk_at_most is only for scale questions",
                ))
            }
        };
        out.push(Question {
            id: id.to_string(),
            text: text.to_string(),
            kind: q.kind,
            required: q.required,
            risk_answer,
            risk_at_most,
        });
    }
    Ok((title.to_string(), out))
}

/// The questions as text, one line each, as the edit page shows them:
/// `id | type | required/optional | risk | question`.
pub fn to_lines(questions: &[Question]) -> String {
    questions
        .iter()
        .map(|q| {
            let risk = match (&q.risk_answer, q.risk_at_most) {
                (Some(a), _) => format!("risk={a}"),
                (None, Some(n)) => format!("risk<={n}"),
                _ => "-".into(),
            };
            format!(
                "{} | {} | {} | {} | {}",
                q.id,
                q.kind.as_str(),
                if q.required { "required" } else { "optional" },
                risk,
                q.text
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses the edit page's lines (see [`to_lines`]); blank lines are skipped.
/// Errors name the line: `questions[line number - 1]`.
pub fn parse_lines(text: &str) -> Result<Vec<Question>, CoreError> {
    let mut out = vec![];
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let field = "questions";
        let bad = |m: String| CoreError::invalid(field, format!("line {}: {m}", i + 1));
        let parts: Vec<&str> = line.splitn(5, '|').map(str::trim).collect();
        if parts.len() != 5 {
            return Err(bad(
                "write id | type | required or optional | risk | question".into(),
            ));
        }
        let kind = QuestionType::parse(parts[1]).ok_or_else(|| {
            bad(format!(
                "\"{}\" is not a type (yes_no, scale, text or date)",
                parts[1]
            ))
        })?;
        let required = match parts[2].to_lowercase().as_str() {
            "required" | "obligatorisk" | "ja" | "yes" => true,
            "optional" | "valfri" | "nej" | "no" => false,
            other => return Err(bad(format!("\"{other}\": write required or optional"))),
        };
        let risk = parts[3].replace(' ', "").to_lowercase();
        let (risk_answer, risk_at_most) = if risk.is_empty() || risk == "-" {
            (None, None)
        } else if let Some(a) = risk.strip_prefix("risk=") {
            let a = match a {
                "ja" => "yes",
                "nej" => "no",
                a => a,
            };
            (Some(a.to_string()), None)
        } else if let Some(n) = risk.strip_prefix("risk<=") {
            let n: u8 = n
                .parse()
                .map_err(|_| bad(format!("\"{risk}\": write risk<=N with N from 1 to 4")))?;
            (None, Some(n))
        } else {
            return Err(bad(format!(
                "\"{}\": write -, risk=yes, risk=no or risk<=N",
                parts[3]
            )));
        };
        out.push(Question {
            id: parts[0].to_string(),
            text: parts[4].to_string(),
            kind,
            required,
            risk_answer,
            risk_at_most,
        });
    }
    Ok(out)
}

/// Checks and normalises answers against the questions: yes_no → "yes" or
/// "no" (also true/false, "ja"/"nej"), scale → 1–5 (also as text), text →
/// trimmed text. Empty values and null mean "not answered" and are dropped.
pub fn normalise_answers(
    questions: &[Question],
    answers: &BTreeMap<String, Value>,
) -> Result<BTreeMap<String, Value>, CoreError> {
    let mut out = BTreeMap::new();
    for (id, v) in answers {
        let field = format!("answers.{id}");
        let Some(q) = questions.iter().find(|q| &q.id == id) else {
            return Err(CoreError::invalid(
                field,
                "is not a question of this checklist",
            ));
        };
        let text = match v {
            Value::Null => continue,
            Value::String(s) => s.trim().to_string(),
            Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
            Value::Number(n) => n.to_string(),
            _ => {
                return Err(CoreError::invalid(
                    field,
                    "must be text, a number or yes/no",
                ))
            }
        };
        if text.is_empty() {
            continue;
        }
        let value = match q.kind {
            QuestionType::YesNo => match text.to_lowercase().as_str() {
                "yes" | "ja" => Value::from("yes"),
                "no" | "nej" => Value::from("no"),
                _ => return Err(CoreError::invalid(field, "must be \"yes\" or \"no\"")),
            },
            QuestionType::Scale => match text.parse::<u8>() {
                Ok(n @ 1..=5) => Value::from(n),
                _ => return Err(CoreError::invalid(field, "must be a number from 1 to 5")),
            },
            QuestionType::Text => {
                if text.chars().count() > MAX_TEXT_ANSWER {
                    return Err(CoreError::invalid(
                        field,
                        format!("must be at most {MAX_TEXT_ANSWER} characters"),
                    ));
                }
                Value::from(text)
            }
            QuestionType::Date => match crate::kernel::dates::parse_date(&field, &text) {
                Ok(d) => Value::from(d.to_string()),
                Err(_) => return Err(CoreError::invalid(field, "must be a date (YYYY-MM-DD)")),
            },
        };
        out.insert(id.clone(), value);
    }
    Ok(out)
}

/// The first required question without an answer, if any.
pub fn missing_required<'a>(
    questions: &'a [Question],
    answers: &BTreeMap<String, Value>,
) -> Option<&'a Question> {
    questions
        .iter()
        .find(|q| q.required && !answers.contains_key(&q.id))
}

/// Does this (normalised) answer reveal a risk?
pub fn is_risk(q: &Question, answer: &Value) -> bool {
    match q.kind {
        QuestionType::YesNo => q
            .risk_answer
            .as_deref()
            .is_some_and(|r| answer.as_str() == Some(r)),
        QuestionType::Scale => match (q.risk_at_most, answer.as_u64()) {
            (Some(max), Some(n)) => n <= u64::from(max),
            _ => false,
        },
        QuestionType::Text | QuestionType::Date => false,
    }
}

/// The questions whose answers reveal a risk, in the checklist's order.
pub fn risks<'a>(
    questions: &'a [Question],
    answers: &BTreeMap<String, Value>,
) -> Vec<&'a Question> {
    questions
        .iter()
        .filter(|q| answers.get(&q.id).is_some_and(|a| is_risk(q, a)))
        .collect()
}

/// An answer as a person reads it (Swedish, as the checklists are).
pub fn answer_text(answer: &Value) -> String {
    match answer {
        Value::String(s) if s == "yes" => "ja".into(),
        Value::String(s) if s == "no" => "nej".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_defaults_are_valid_and_survive_the_text_form() {
        for key in KEYS {
            let (title, qs) = default_template(key).unwrap();
            let (_, checked) = validate(&title, &qs).unwrap();
            assert_eq!(checked, qs);
            assert_eq!(parse_lines(&to_lines(&qs)).unwrap(), qs, "{key}");
        }
        assert!(default_template("annat").is_none());
    }

    #[test]
    fn bad_templates_are_refused_naming_the_question() {
        let (_, mut qs) = default_template(FOLLOW_UP).unwrap();
        qs[1].id = qs[0].id.clone();
        let e = validate("T", &qs).unwrap_err();
        assert_eq!(e.field(), Some("questions[1]"));
        let (_, mut qs) = default_template(FOLLOW_UP).unwrap();
        qs[0].risk_at_most = Some(5);
        assert!(validate("T", &qs).is_err());
        qs[0].risk_at_most = None;
        qs[0].risk_answer = Some("no".into());
        assert!(validate("T", &qs).is_err(), "risk_answer on a scale");
        assert!(validate("", &qs).is_err());
        assert!(validate("T", &[]).is_err());
        assert!(parse_lines("a | yes_no | required | risk=no").is_err());
        assert!(parse_lines("a | fritext | required | - | Fråga").is_err());
        let e = parse_lines("\na | yes_no | kanske | - | Fråga").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }

    #[test]
    fn answers_are_normalised_and_risks_found() {
        let (_, qs) = default_template(RISK_ASSESSMENT).unwrap();
        let given: BTreeMap<String, Value> = [
            ("skrivbord", json!("nej")),
            ("stol", json!(true)),
            ("isolering", json!("2")),
            ("ovrigt", json!("  ")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let a = normalise_answers(&qs, &given).unwrap();
        assert_eq!(a["skrivbord"], json!("no"));
        assert_eq!(a["stol"], json!("yes"));
        assert_eq!(a["isolering"], json!(2));
        assert!(!a.contains_key("ovrigt"), "blank is unanswered");
        let r: Vec<&str> = risks(&qs, &a).iter().map(|q| q.id.as_str()).collect();
        assert_eq!(r, ["skrivbord", "isolering"]);
        assert_eq!(missing_required(&qs, &a).unwrap().id, "skarm");
        let bad: BTreeMap<String, Value> = [("isolering".to_string(), json!(6))].into();
        assert_eq!(
            normalise_answers(&qs, &bad).unwrap_err().field(),
            Some("answers.isolering")
        );
        let unknown: BTreeMap<String, Value> = [("x".to_string(), json!("ja"))].into();
        assert!(normalise_answers(&qs, &unknown).is_err());
    }
}

#[cfg(test)]
mod date_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_date_question_takes_a_day() {
        let qs = vec![Question {
            id: "start".into(),
            text: "När började du arbeta på distans?".into(),
            kind: QuestionType::Date,
            required: true,
            risk_answer: None,
            risk_at_most: None,
        }];
        assert!(validate("T", &qs).is_ok());
        let given: BTreeMap<String, Value> = [("start".to_string(), json!(" 2027-03-01 "))].into();
        assert_eq!(
            normalise_answers(&qs, &given).unwrap()["start"],
            json!("2027-03-01")
        );
        let bad: BTreeMap<String, Value> = [("start".to_string(), json!("1 mars"))].into();
        assert_eq!(
            normalise_answers(&qs, &bad).unwrap_err().field(),
            Some("answers.start")
        );
        assert!(!is_risk(&qs[0], &json!("2027-03-01")));
        assert_eq!(
            parse_lines("start | date | required | - | När?").unwrap()[0].kind,
            QuestionType::Date
        );
        let mut risky = qs.clone();
        risky[0].risk_answer = Some("yes".into());
        assert!(validate("T", &risky).is_err(), "no risk on a date");
    }
}

#[cfg(test)]
#[path = "checklist_tests.rs"]
mod more_tests;
