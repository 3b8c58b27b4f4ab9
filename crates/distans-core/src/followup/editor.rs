//! The checklist editor, pure: the items of a checklist as a form holds
//! them (each a text, a type, required or not, and a risk), the steps the
//! form's buttons take (add, move up, move down, remove, save) and the
//! questions a saved form becomes — or every problem, naming the item and
//! the field. No storage, no HTTP; the page re-renders what these return.

use crate::followup::checklist::{valid_id, Question, QuestionType, MAX_QUESTIONS};

/// One item as the editor's form holds it (what was typed, unchecked).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemDraft {
    /// The question's id (kept across versions; answers are keyed by it).
    pub id: String,
    pub text: String,
    /// `yes_no`, `text`, `date` or `scale`.
    pub kind: String,
    pub required: bool,
    /// `none`, `yes` or `no` (yes/no: that answer reveals a risk), or
    /// `le1` … `le4` (scale: an answer at or below reveals a risk).
    pub risk: String,
}

/// What a button of the form asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Add,
    /// Move the item at this place (from 0) up one.
    Up(usize),
    Down(usize),
    Remove(usize),
    Save,
}

impl Step {
    /// `add`, `save`, `up-N`, `down-N`, `remove-N` (N from 0); anything
    /// else (an old form, Enter in a field) saves.
    pub fn parse(s: &str) -> Step {
        let at = |p: &str| s.strip_prefix(p).and_then(|n| n.parse::<usize>().ok());
        match s {
            "add" => Step::Add,
            _ => at("up-")
                .map(Step::Up)
                .or_else(|| at("down-").map(Step::Down))
                .or_else(|| at("remove-").map(Step::Remove))
                .unwrap_or(Step::Save),
        }
    }
}

/// The items of a checklist's questions.
pub fn drafts(questions: &[Question]) -> Vec<ItemDraft> {
    questions
        .iter()
        .map(|q| ItemDraft {
            id: q.id.clone(),
            text: q.text.clone(),
            kind: q.kind.as_str().into(),
            required: q.required,
            risk: match (&q.risk_answer, q.risk_at_most) {
                (Some(a), _) => a.clone(),
                (None, Some(n)) => format!("le{n}"),
                _ => "none".into(),
            },
        })
        .collect()
}

/// An id no item has: `fraga-N` with the smallest N free.
fn fresh_id(items: &[ItemDraft]) -> String {
    (1..)
        .map(|n| format!("fraga-{n}"))
        .find(|id| !items.iter().any(|i| &i.id == id))
        .unwrap_or_default()
}

/// Takes a step other than saving; returns the place (from 0) of the item
/// it concerns afterwards, or `None` when there was nothing to do (moving
/// the first item up, a place that is not there, too many items).
pub fn apply(items: &mut Vec<ItemDraft>, step: Step) -> Option<usize> {
    match step {
        Step::Add if items.len() < MAX_QUESTIONS => {
            let id = fresh_id(items);
            items.push(ItemDraft {
                id,
                text: String::new(),
                kind: QuestionType::YesNo.as_str().into(),
                required: true,
                risk: "none".into(),
            });
            Some(items.len() - 1)
        }
        Step::Up(i) if i > 0 && i < items.len() => {
            items.swap(i - 1, i);
            Some(i - 1)
        }
        Step::Down(i) if i + 1 < items.len() => {
            items.swap(i, i + 1);
            Some(i + 1)
        }
        Step::Remove(i) if i < items.len() => {
            items.remove(i);
            Some(i)
        }
        _ => None,
    }
}

/// Which field of an item a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemField {
    Text,
    Type,
    Risk,
}

impl ItemField {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemField::Text => "text",
            ItemField::Type => "type",
            ItemField::Risk => "risk",
        }
    }
}

/// What is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The question has no text.
    Empty,
    /// More than 500 characters.
    TooLong,
    /// A line break or another control character.
    NotOneLine,
    UnknownType,
    UnknownRisk,
    /// A risk by answer (yes/no) on a question of another type.
    RiskNeedsYesNo,
    /// A risk by number on a question that is not a scale.
    RiskNeedsScale,
    /// The checklist has no items.
    NoItems,
    /// More than [`MAX_QUESTIONS`] items.
    TooMany,
}

impl Problem {
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::Empty => "empty",
            Problem::TooLong => "too-long",
            Problem::NotOneLine => "not-one-line",
            Problem::UnknownType => "unknown-type",
            Problem::UnknownRisk => "unknown-risk",
            Problem::RiskNeedsYesNo => "risk-needs-yes-no",
            Problem::RiskNeedsScale => "risk-needs-scale",
            Problem::NoItems => "no-items",
            Problem::TooMany => "too-many",
        }
    }
}

/// A problem of the form: the item (place from 0; `None` for the whole
/// list), its field and what is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemProblem {
    pub item: Option<usize>,
    pub field: ItemField,
    pub problem: Problem,
}

/// The questions the items make, in their order, or every problem found.
/// An item whose id is missing, malformed or taken by an earlier item
/// gets a fresh one (the id is the form's, never typed by a person).
pub fn questions(items: &[ItemDraft]) -> Result<Vec<Question>, Vec<ItemProblem>> {
    let mut problems = vec![];
    let whole = |problem| ItemProblem {
        item: None,
        field: ItemField::Text,
        problem,
    };
    if items.is_empty() {
        return Err(vec![whole(Problem::NoItems)]);
    }
    if items.len() > MAX_QUESTIONS {
        return Err(vec![whole(Problem::TooMany)]);
    }
    let mut out: Vec<Question> = Vec::with_capacity(items.len());
    let mut taken: Vec<String> = vec![];
    for (i, d) in items.iter().enumerate() {
        let mut bad = |field, problem| {
            problems.push(ItemProblem {
                item: Some(i),
                field,
                problem,
            })
        };
        let text = d.text.trim();
        if text.is_empty() {
            bad(ItemField::Text, Problem::Empty);
        } else if text.chars().count() > 500 {
            bad(ItemField::Text, Problem::TooLong);
        } else if text.chars().any(char::is_control) {
            bad(ItemField::Text, Problem::NotOneLine);
        }
        let kind = QuestionType::parse(&d.kind);
        if kind.is_none() {
            bad(ItemField::Type, Problem::UnknownType);
        }
        let (mut risk_answer, mut risk_at_most) = (None, None);
        match (d.risk.trim(), kind) {
            ("" | "none", _) | (_, None) => {}
            (r @ ("yes" | "no"), Some(QuestionType::YesNo)) => risk_answer = Some(r.to_string()),
            ("yes" | "no", Some(_)) => bad(ItemField::Risk, Problem::RiskNeedsYesNo),
            (r, k) => match r.strip_prefix("le").and_then(|n| n.parse::<u8>().ok()) {
                Some(n @ 1..=4) if k == Some(QuestionType::Scale) => risk_at_most = Some(n),
                Some(1..=4) => bad(ItemField::Risk, Problem::RiskNeedsScale),
                _ => bad(ItemField::Risk, Problem::UnknownRisk),
            },
        }
        let id = d.id.trim();
        let id = if valid_id(id) && !taken.iter().any(|t| t == id) {
            id.to_string()
        } else {
            (1..)
                .map(|n| format!("fraga-{n}"))
                .find(|c| !taken.contains(c) && !items.iter().any(|o| o.id.trim() == c.as_str()))
                .unwrap_or_default()
        };
        taken.push(id.clone());
        if let Some(kind) = kind {
            out.push(Question {
                id,
                text: text.to_string(),
                kind,
                required: d.required,
                risk_answer,
                risk_at_most,
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::followup::checklist::{default_template, validate, FOLLOW_UP};

    fn item(id: &str, text: &str, kind: &str, risk: &str) -> ItemDraft {
        ItemDraft {
            id: id.into(),
            text: text.into(),
            kind: kind.into(),
            required: true,
            risk: risk.into(),
        }
    }

    #[test]
    fn a_checklist_survives_the_form_unchanged() {
        let (title, qs) = default_template(FOLLOW_UP).unwrap();
        let back = questions(&drafts(&qs)).unwrap();
        assert_eq!(back, qs);
        assert!(validate(&title, &back).is_ok());
    }

    #[test]
    fn buttons_add_move_and_remove_items() {
        let mut items = vec![
            item("a", "A?", "yes_no", "no"),
            item("b", "B?", "text", "none"),
        ];
        assert_eq!(apply(&mut items, Step::Add), Some(2));
        assert_eq!(items[2].id, "fraga-1");
        assert_eq!(
            (items[2].kind.as_str(), items[2].required),
            ("yes_no", true)
        );
        assert_eq!(apply(&mut items, Step::Add), Some(3));
        assert_eq!(items[3].id, "fraga-2", "a fresh id each time");
        assert_eq!(apply(&mut items, Step::Up(2)), Some(1));
        let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["a", "fraga-1", "b", "fraga-2"]);
        assert_eq!(apply(&mut items, Step::Down(0)), Some(1));
        assert_eq!(items[1].id, "a");
        assert_eq!(
            apply(&mut items, Step::Up(0)),
            None,
            "the first cannot go up"
        );
        assert_eq!(
            apply(&mut items, Step::Down(3)),
            None,
            "the last cannot go down"
        );
        assert_eq!(apply(&mut items, Step::Remove(9)), None);
        assert_eq!(apply(&mut items, Step::Remove(0)), Some(0));
        let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "fraga-2"]);
        let mut full = vec![ItemDraft::default(); MAX_QUESTIONS];
        assert_eq!(apply(&mut full, Step::Add), None, "no more than the most");
    }

    #[test]
    fn steps_are_read_from_the_buttons() {
        assert_eq!(Step::parse("add"), Step::Add);
        assert_eq!(Step::parse("up-3"), Step::Up(3));
        assert_eq!(Step::parse("down-0"), Step::Down(0));
        assert_eq!(Step::parse("remove-12"), Step::Remove(12));
        assert_eq!(Step::parse("save"), Step::Save);
        assert_eq!(Step::parse(""), Step::Save);
        assert_eq!(Step::parse("up-x"), Step::Save);
    }

    #[test]
    fn every_problem_names_its_item_and_field() {
        let items = vec![
            item("a", "  ", "yes_no", "none"),
            item("b", "Datum?", "date", "yes"),
            item("c", "Skala?", "scale", "le5"),
            item("d", "Fritext?", "fritt", "none"),
            item("e", "Ja?", "yes_no", "le2"),
            item("f", "Två\nrader", "text", "none"),
        ];
        let p = questions(&items).unwrap_err();
        let got: Vec<(Option<usize>, ItemField, Problem)> =
            p.iter().map(|x| (x.item, x.field, x.problem)).collect();
        assert_eq!(
            got,
            vec![
                (Some(0), ItemField::Text, Problem::Empty),
                (Some(1), ItemField::Risk, Problem::RiskNeedsYesNo),
                (Some(2), ItemField::Risk, Problem::UnknownRisk),
                (Some(3), ItemField::Type, Problem::UnknownType),
                (Some(4), ItemField::Risk, Problem::RiskNeedsScale),
                (Some(5), ItemField::Text, Problem::NotOneLine),
            ]
        );
        let long = vec![item("a", &"x".repeat(501), "text", "none")];
        assert_eq!(questions(&long).unwrap_err()[0].problem, Problem::TooLong);
        assert_eq!(questions(&[]).unwrap_err()[0].problem, Problem::NoItems);
        let many = vec![item("", "Q?", "text", "none"); MAX_QUESTIONS + 1];
        assert_eq!(questions(&many).unwrap_err()[0].problem, Problem::TooMany);
    }

    #[test]
    fn types_and_risks_become_the_questions() {
        let items = vec![
            item("a", " Skrivbord? ", "yes_no", "no"),
            item("b", "Hur mår du?", "scale", "le2"),
            item("c", "När?", "date", "none"),
        ];
        let qs = questions(&items).unwrap();
        assert_eq!(qs[0].text, "Skrivbord?");
        assert_eq!(qs[0].risk_answer.as_deref(), Some("no"));
        assert_eq!(qs[1].risk_at_most, Some(2));
        assert_eq!(qs[2].kind, QuestionType::Date);
        assert!(validate("T", &qs).is_ok());
    }

    #[test]
    fn missing_or_taken_ids_get_fresh_ones() {
        let items = vec![
            item("a", "A?", "text", "none"),
            item("a", "B?", "text", "none"),
            item("Ogiltig!", "C?", "text", "none"),
            item("fraga-1", "D?", "text", "none"),
        ];
        let ids: Vec<String> = questions(&items)
            .unwrap()
            .into_iter()
            .map(|q| q.id)
            .collect();
        assert_eq!(ids, ["a", "fraga-2", "fraga-3", "fraga-1"]);
    }
}
