//! More tests of checklists: the text form HR edits round-trips, answers
//! are normalised or refused naming the question, and risks are found the
//! same way whatever the checklist.

use super::*;
use proptest::prelude::*;
use serde_json::json;

fn question(id: &str, kind: QuestionType) -> Question {
    Question {
        id: id.into(),
        text: "Fråga?".into(),
        kind,
        required: true,
        risk_answer: None,
        risk_at_most: None,
    }
}

fn answers(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[test]
fn the_text_form_accepts_swedish_words() {
    let qs = parse_lines(
        "stol | ja_nej | obligatorisk | risk = nej | Har du en bra stol?\n\
         \n\
         trivsel | skala | valfri | risk<=2 | Trivs du? | (1-5)\n\
         ovrigt | text | nej | - | Övrigt",
    )
    .unwrap();
    assert_eq!(qs.len(), 3);
    assert_eq!(
        (qs[0].kind, qs[0].required, qs[0].risk_answer.as_deref()),
        (QuestionType::YesNo, true, Some("no"))
    );
    assert_eq!(
        (qs[1].required, qs[1].risk_at_most, qs[1].text.as_str()),
        (false, Some(2), "Trivs du? | (1-5)"),
        "a question may hold a bar"
    );
    assert_eq!((qs[2].kind, qs[2].required), (QuestionType::Text, false));
    let e = parse_lines("a | scale | required | risk<=x | Q").unwrap_err();
    assert_eq!(e.field(), Some("questions"));
    assert!(e.to_string().contains("line 1"), "{e}");
    assert!(parse_lines("a | scale | required | risk>2 | Q").is_err());
}

#[test]
fn validate_trims_and_names_each_bad_question() {
    let mut q = question(" stol ", QuestionType::YesNo);
    q.text = "  Har du en stol?  ".into();
    q.risk_answer = Some(" no ".into());
    let (title, qs) = validate("  Riskbedömning ", &[q]).unwrap();
    assert_eq!(title, "Riskbedömning");
    assert_eq!(
        (
            qs[0].id.as_str(),
            qs[0].text.as_str(),
            qs[0].risk_answer.as_deref()
        ),
        ("stol", "Har du en stol?", Some("no"))
    );
    let bad = |q: Question| validate("T", &[question("ok", QuestionType::Text), q]);
    assert_eq!(
        bad(question("Stol", QuestionType::Text))
            .unwrap_err()
            .field(),
        Some("questions[1]")
    );
    let mut q = question("x", QuestionType::YesNo);
    q.risk_answer = Some("kanske".into());
    assert!(bad(q).unwrap_err().to_string().contains("kanske"));
    let mut q = question("x", QuestionType::Text);
    q.risk_at_most = Some(2);
    assert!(bad(q).is_err(), "risk_at_most on a text question");
    let mut q = question("x", QuestionType::Text);
    q.text = "ö".repeat(501);
    assert!(bad(q).is_err());
    let many: Vec<Question> = (0..=MAX_QUESTIONS)
        .map(|i| question(&format!("q{i}"), QuestionType::Text))
        .collect();
    assert_eq!(validate("T", &many).unwrap_err().field(), Some("questions"));
}

#[test]
fn answers_in_any_form_become_one_form() {
    let qs = vec![
        question("yn", QuestionType::YesNo),
        question("sc", QuestionType::Scale),
        question("tx", QuestionType::Text),
    ];
    let a = normalise_answers(
        &qs,
        &answers(&[
            ("yn", json!(" JA ")),
            ("sc", json!(5)),
            ("tx", json!("  bra  ")),
        ]),
    )
    .unwrap();
    assert_eq!(
        a,
        answers(&[("yn", json!("yes")), ("sc", json!(5)), ("tx", json!("bra"))])
    );
    let a = normalise_answers(
        &qs,
        &answers(&[
            ("yn", json!(false)),
            ("sc", json!(" 1 ")),
            ("tx", Value::Null),
        ]),
    )
    .unwrap();
    assert_eq!(a, answers(&[("yn", json!("no")), ("sc", json!(1))]));
    let field = |pairs: &[(&str, Value)]| {
        normalise_answers(&qs, &answers(pairs))
            .unwrap_err()
            .field()
            .map(String::from)
    };
    assert_eq!(
        field(&[("yn", json!("kanske"))]).as_deref(),
        Some("answers.yn")
    );
    assert_eq!(field(&[("sc", json!(0))]).as_deref(), Some("answers.sc"));
    assert_eq!(field(&[("sc", json!(2.5))]).as_deref(), Some("answers.sc"));
    assert_eq!(
        field(&[("tx", json!(["a"]))]).as_deref(),
        Some("answers.tx")
    );
    assert_eq!(
        field(&[("tx", json!("x".repeat(MAX_TEXT_ANSWER + 1)))]).as_deref(),
        Some("answers.tx")
    );
}

#[test]
fn answers_read_in_swedish() {
    assert_eq!(answer_text(&json!("yes")), "ja");
    assert_eq!(answer_text(&json!("no")), "nej");
    assert_eq!(answer_text(&json!("Bra stol")), "Bra stol");
    assert_eq!(answer_text(&json!(4)), "4");
}

#[test]
fn a_question_with_a_line_break_is_refused_as_the_text_form_holds_one_a_line() {
    let mut q = question("stol", QuestionType::YesNo);
    q.text = "Har du en stol?\nEn som går att ställa in?".into();
    let e = validate("T", &[q]).unwrap_err();
    assert!(e.to_string().contains("one line"), "{e}");
}

// ---- Properties ----

prop_compose! {
    fn any_question()(
        id in "[a-z0-9_-]{1,12}",
        text in "[A-Za-zåäö][A-Za-zåäö0-9?|(),. -]{0,30}[A-Za-zåäö?]",
        kind in prop_oneof![Just(QuestionType::YesNo), Just(QuestionType::Scale), Just(QuestionType::Text)],
        required in any::<bool>(),
        yes in any::<bool>(),
        at_most in 1u8..=4,
        risky in any::<bool>(),
    ) -> Question {
        Question {
            id,
            text,
            kind,
            required,
            risk_answer: (risky && kind == QuestionType::YesNo).then(|| if yes { "yes" } else { "no" }.to_string()),
            risk_at_most: (risky && kind == QuestionType::Scale).then_some(at_most),
        }
    }
}

fn checklist() -> impl Strategy<Value = Vec<Question>> {
    proptest::collection::vec(any_question(), 1..8).prop_map(|mut qs| {
        let mut seen = std::collections::HashSet::new();
        qs.retain(|q| seen.insert(q.id.clone()));
        qs
    })
}

fn any_answer() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-2i64..8).prop_map(Value::from),
        prop_oneof![Just("ja"), Just("Nej"), Just(" 3 "), Just("yes"), Just("")]
            .prop_map(Value::from),
        "\\PC{0,10}".prop_map(Value::from),
        Just(json!({"a": 1})),
    ]
}

proptest! {
    /// A valid checklist written in the text form reads back the same.
    #[test]
    fn the_text_form_round_trips(qs in checklist()) {
        let (_, valid) = validate("Checklista", &qs).unwrap();
        prop_assert_eq!(&valid, &qs);
        prop_assert_eq!(parse_lines(&to_lines(&valid)).unwrap(), valid);
    }

    /// Any text typed into the edit page is read or refused naming its
    /// line, without a panic.
    #[test]
    fn any_edit_page_text_is_read_or_refused(text in "([a-z|<=_ -]{0,30}\n?){0,4}|\\PC{0,40}") {
        if let Err(e) = parse_lines(&text) {
            prop_assert_eq!(e.field(), Some("questions"));
            prop_assert!(e.to_string().contains("line "));
        }
    }

    /// Answers are normalised to "yes"/"no", 1–5 or trimmed text, or
    /// refused naming the answer; blank ones are dropped; the risks found
    /// are exactly the answers the questions call risky, in order.
    #[test]
    fn answers_are_normalised_and_risks_found(
        qs in checklist(),
        given in proptest::collection::vec((any::<proptest::sample::Index>(), any_answer()), 0..8),
    ) {
        let given: BTreeMap<String, Value> = given
            .into_iter()
            .map(|(i, v)| (qs[i.index(qs.len())].id.clone(), v))
            .collect();
        match normalise_answers(&qs, &given) {
            Ok(a) => {
                for (id, v) in &a {
                    let q = qs.iter().find(|q| &q.id == id).unwrap();
                    match q.kind {
                        QuestionType::YesNo => prop_assert!(v == "yes" || v == "no"),
                        QuestionType::Scale => prop_assert!((1..=5).contains(&v.as_u64().unwrap())),
                        QuestionType::Text => prop_assert!(v.as_str().is_some_and(|s| !s.is_empty() && s == s.trim())),
                        QuestionType::Date => prop_assert!(v.as_str().is_some_and(|s| crate::kernel::dates::parse_date("d", s).is_ok())),
                    }
                }
                prop_assert!(a.keys().all(|k| given.contains_key(k)));
                let risky: Vec<&str> = risks(&qs, &a).iter().map(|q| q.id.as_str()).collect();
                let expected: Vec<&str> = qs
                    .iter()
                    .filter(|q| match (a.get(&q.id), &q.risk_answer, q.risk_at_most) {
                        (Some(v), Some(r), _) => v == r.as_str(),
                        (Some(v), None, Some(n)) => v.as_u64().is_some_and(|x| x <= u64::from(n)),
                        _ => false,
                    })
                    .map(|q| q.id.as_str())
                    .collect();
                prop_assert_eq!(risky, expected);
                let missing = qs.iter().find(|q| q.required && !a.contains_key(&q.id));
                prop_assert_eq!(missing_required(&qs, &a).map(|q| &q.id), missing.map(|q| &q.id));
            }
            Err(e) => {
                let f = e.field().unwrap_or("").to_string();
                prop_assert!(f.starts_with("answers.") && given.contains_key(&f["answers.".len()..]), "{e:?}");
            }
        }
    }
}
