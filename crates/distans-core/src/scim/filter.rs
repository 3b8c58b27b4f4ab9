//! SCIM filters (RFC 7644 §3.4.2.2), parsed once and evaluated against a
//! resource's JSON representation. Attribute names are case-insensitive;
//! string comparisons are too (every attribute the product filters on is
//! `caseExact: false`).

use serde_json::Value;

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `attr op value`, or `attr pr` (value `None`).
    Cmp {
        attr: String,
        op: Op,
        value: Option<Value>,
    },
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
    Pr,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s.to_ascii_lowercase().as_str() {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "co" => Op::Co,
            "sw" => Op::Sw,
            "ew" => Op::Ew,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            "pr" => Op::Pr,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    Word(String),
    Str(String),
}

/// Longest filter accepted, in bytes.
pub const MAX_LEN: usize = 2000;
/// Deepest nesting of parentheses and operators accepted.
const MAX_DEPTH: usize = 32;

fn tokens(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = vec![];
    let mut it = s.chars().peekable();
    while let Some(&c) = it.peek() {
        match c {
            c if c.is_whitespace() => {
                it.next();
            }
            '(' => {
                it.next();
                out.push(Tok::Open);
            }
            ')' => {
                it.next();
                out.push(Tok::Close);
            }
            '"' => {
                it.next();
                let mut v = String::new();
                loop {
                    match it.next() {
                        None => return Err("a string is not closed".into()),
                        Some('"') => break,
                        Some('\\') => match it.next() {
                            Some('n') => v.push('\n'),
                            Some('t') => v.push('\t'),
                            Some(e @ ('"' | '\\' | '/')) => v.push(e),
                            _ => return Err("unknown escape in a string".into()),
                        },
                        Some(ch) => v.push(ch),
                    }
                }
                out.push(Tok::Str(v));
            }
            _ => {
                let mut w = String::new();
                while let Some(&ch) = it.peek() {
                    if ch.is_whitespace() || ch == '(' || ch == ')' || ch == '"' {
                        break;
                    }
                    w.push(ch);
                    it.next();
                }
                out.push(Tok::Word(w));
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek_word(&self) -> Option<String> {
        match self.toks.get(self.at) {
            Some(Tok::Word(w)) => Some(w.to_ascii_lowercase()),
            _ => None,
        }
    }

    fn or(&mut self) -> Result<Filter, String> {
        let mut left = self.and()?;
        while self.peek_word().as_deref() == Some("or") {
            self.at += 1;
            let right = self.and()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, String> {
        let mut left = self.unary()?;
        while self.peek_word().as_deref() == Some("and") {
            self.at += 1;
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("the filter is nested too deeply".into());
        }
        let f = self.unary_inner();
        self.depth -= 1;
        f
    }

    fn unary_inner(&mut self) -> Result<Filter, String> {
        if self.peek_word().as_deref() == Some("not") {
            self.at += 1;
            if self.toks.get(self.at) != Some(&Tok::Open) {
                return Err("\"not\" must be followed by \"(\"".into());
            }
            return Ok(Filter::Not(Box::new(self.group()?)));
        }
        match self.toks.get(self.at).cloned() {
            Some(Tok::Open) => self.group(),
            Some(Tok::Word(attr)) => {
                self.at += 1;
                if !valid_attr(&attr) {
                    return Err(format!("\"{attr}\" is not an attribute"));
                }
                let op = match self.toks.get(self.at) {
                    Some(Tok::Word(o)) => {
                        Op::parse(o).ok_or_else(|| format!("\"{o}\" is not an operator"))?
                    }
                    _ => return Err(format!("an operator must follow \"{attr}\"")),
                };
                self.at += 1;
                if op == Op::Pr {
                    return Ok(Filter::Cmp {
                        attr,
                        op,
                        value: None,
                    });
                }
                let value = match self.toks.get(self.at) {
                    Some(Tok::Str(s)) => Value::String(s.clone()),
                    Some(Tok::Word(w)) => match w.to_ascii_lowercase().as_str() {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        "null" => Value::Null,
                        _ => w
                            .parse::<f64>()
                            .ok()
                            .and_then(serde_json::Number::from_f64)
                            .map(Value::Number)
                            .ok_or_else(|| format!("\"{w}\" is not a value"))?,
                    },
                    _ => return Err(format!("a value must follow \"{attr}\"")),
                };
                self.at += 1;
                Ok(Filter::Cmp {
                    attr,
                    op,
                    value: Some(value),
                })
            }
            _ => Err("an attribute or \"(\" was expected".into()),
        }
    }

    fn group(&mut self) -> Result<Filter, String> {
        self.at += 1;
        let f = self.or()?;
        if self.toks.get(self.at) != Some(&Tok::Close) {
            return Err("\")\" was expected".into());
        }
        self.at += 1;
        Ok(f)
    }
}

/// An attribute path: a name, maybe a URN before it, dotted sub-attributes.
fn valid_attr(a: &str) -> bool {
    !a.is_empty()
        && a.len() <= 300
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '_' | '-' | '$'))
}

/// Parses a filter, or says what is wrong with it.
pub fn parse(s: &str) -> Result<Filter, String> {
    if s.len() > MAX_LEN {
        return Err(format!("a filter may be at most {MAX_LEN} bytes"));
    }
    let mut p = Parser {
        toks: tokens(s)?,
        at: 0,
        depth: 0,
    };
    if p.toks.is_empty() {
        return Err("the filter is empty".into());
    }
    let f = p.or()?;
    if p.at != p.toks.len() {
        return Err("the filter goes on after its end".into());
    }
    Ok(f)
}

/// The values at an attribute path in a resource (case-insensitive names;
/// through multi-valued attributes; a URN prefix names an extension).
pub fn values_at<'a>(doc: &'a Value, attr: &str) -> Vec<&'a Value> {
    let (mut current, rest): (Vec<&Value>, &str) = match attr.rsplit_once(':') {
        Some((urn, rest)) => (get_ci(doc, urn).into_iter().collect(), rest),
        None => (vec![doc], attr),
    };
    for part in rest.split('.') {
        let mut next = vec![];
        for v in current {
            match v {
                Value::Array(items) => {
                    next.extend(items.iter().filter_map(|i| get_ci(i, part)));
                }
                other => next.extend(get_ci(other, part)),
            }
        }
        current = next;
    }
    current
        .into_iter()
        .flat_map(|v| match v {
            Value::Array(items) => items.iter().collect::<Vec<_>>(),
            other => vec![other],
        })
        .collect()
}

/// An object's member by a case-insensitive name.
pub fn get_ci<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn compare(v: &Value, op: Op, want: &Value) -> bool {
    use std::cmp::Ordering;
    let ord = match (v, want) {
        (Value::String(a), Value::String(b)) => {
            let (a, b) = (a.to_lowercase(), b.to_lowercase());
            match op {
                Op::Co => return a.contains(&b),
                Op::Sw => return a.starts_with(&b),
                Op::Ew => return a.ends_with(&b),
                _ => a.cmp(&b),
            }
        }
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        (Value::Number(a), Value::Number(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
            _ => return false,
        },
        _ => return matches!(op, Op::Ne),
    };
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Co | Op::Sw | Op::Ew | Op::Pr => false,
    }
}

/// Does the resource `doc` match the filter?
pub fn matches(f: &Filter, doc: &Value) -> bool {
    match f {
        Filter::And(a, b) => matches(a, doc) && matches(b, doc),
        Filter::Or(a, b) => matches(a, doc) || matches(b, doc),
        Filter::Not(a) => !matches(a, doc),
        Filter::Cmp { attr, op, value } => {
            let found = values_at(doc, attr);
            match (op, value) {
                (Op::Pr, _) => found.iter().any(|v| match v {
                    Value::Null => false,
                    Value::String(s) => !s.is_empty(),
                    Value::Array(a) => !a.is_empty(),
                    Value::Object(o) => !o.is_empty(),
                    _ => true,
                }),
                (Op::Ne, Some(want)) => !found.iter().any(|v| compare(v, Op::Eq, want)),
                (_, Some(want)) => found.iter().any(|v| compare(v, *op, want)),
                (_, None) => false,
            }
        }
    }
}

/// The one `attr eq "value"` a filter requires of every match, on one of
/// `attrs` (so the store can narrow the search before the filter runs).
pub fn required_eq(f: &Filter, attrs: &[&str]) -> Option<(String, String)> {
    match f {
        Filter::Cmp {
            attr,
            op: Op::Eq,
            value: Some(Value::String(v)),
        } => attrs
            .iter()
            .find(|a| a.eq_ignore_ascii_case(attr))
            .map(|a| (a.to_string(), v.clone())),
        Filter::And(a, b) => required_eq(a, attrs).or_else(|| required_eq(b, attrs)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn user() -> Value {
        json!({
            "userName": "Anna.Lind@kommun.se",
            "externalId": "e-17",
            "active": true,
            "name": {"givenName": "Anna", "familyName": "Lind"},
            "emails": [{"value": "anna@kommun.se", "type": "work"}, {"value": "a@home.se", "type": "home"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Ekonomi"}
        })
    }

    fn m(f: &str) -> bool {
        matches(&parse(f).unwrap(), &user())
    }

    #[test]
    fn the_operators_entra_and_others_use() {
        assert!(
            m(r#"userName eq "anna.lind@kommun.se""#),
            "case-insensitive values"
        );
        assert!(
            m(r#"USERNAME Eq "Anna.Lind@kommun.se""#),
            "case-insensitive names and operators"
        );
        assert!(m(r#"userName sw "anna""#));
        assert!(m(r#"userName co "LIND@""#));
        assert!(m(r#"userName ew ".se""#));
        assert!(!m(r#"userName eq "anna""#));
        assert!(m(r#"externalId pr"#));
        assert!(!m(r#"title pr"#));
        assert!(m(r#"emails.value eq "a@home.se""#));
        assert!(m(r#"active eq true"#));
        assert!(m(r#"userName ne "x""#));
        assert!(m(
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "ekonomi""#
        ));
    }

    #[test]
    fn and_binds_tighter_than_or_and_parentheses_group() {
        assert!(m(
            r#"userName eq "x" or externalId eq "e-17" and active eq true"#
        ));
        assert!(!m(
            r#"(userName eq "x" or externalId eq "e-17") and active eq false"#
        ));
        assert!(m(r#"not (userName eq "x")"#));
        assert!(!m(r#"not (userName pr)"#));
    }

    #[test]
    fn malformed_filters_say_what_is_wrong() {
        for bad in [
            "",
            "userName",
            r#"userName eq"#,
            r#"userName xx "a""#,
            r#"userName eq "a"#,
            r#"(userName eq "a""#,
            r#"userName eq "a" and"#,
            r#"userName eq "a" )"#,
            r#"not userName eq "a""#,
            r#"user;Name eq "a""#,
            r#"userName eq bare"#,
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert!(parse(&"(".repeat(100)).is_err());
        assert!(parse(&format!(r#"userName eq "{}""#, "a".repeat(3000))).is_err());
    }

    #[test]
    fn the_store_narrows_on_a_required_eq() {
        let f = parse(r#"userName eq "A" and active eq true"#).unwrap();
        assert_eq!(
            required_eq(&f, &["userName", "externalId"]),
            Some(("userName".into(), "A".into()))
        );
        let f = parse(r#"userName eq "A" or externalId eq "B""#).unwrap();
        assert_eq!(required_eq(&f, &["userName", "externalId"]), None);
    }

    proptest! {
        /// Any text either parses or is refused; it never panics.
        #[test]
        fn any_text_parses_or_is_refused(s in "\\PC{0,60}") {
            let _ = parse(&s);
        }

        /// `a eq v` matches exactly the documents whose `a` is `v` (in any
        /// case), and `not` is its opposite.
        #[test]
        fn eq_matches_exactly_equal_values(v in "[a-zA-Z0-9@. ]{0,12}", w in "[a-zA-Z0-9@. ]{0,12}") {
            let doc = json!({"userName": v});
            let f = parse(&format!("userName eq {}", Value::String(w.clone()))).unwrap();
            prop_assert_eq!(matches(&f, &doc), v.to_lowercase() == w.to_lowercase());
            let n = parse(&format!("not (userName eq {})", Value::String(w))).unwrap();
            prop_assert_eq!(matches(&n, &doc), !matches(&f, &doc));
        }
    }
}
