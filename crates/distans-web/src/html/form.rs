//! What the forms share: the fields as sent, their errors, and the steps a
//! form takes: check who sends it and its CSRF token, ask the core, then go
//! on to the next page or show the form again with what was wrong.

use std::future::Future;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use distans_core::kernel::Actor;
use distans_core::CoreError;
use uuid::Uuid;

use super::ctx::{render, OrPage};
use super::{Ctx, HtmlError, Reply};

/// The errors of a form: each field with its message, for the error
/// summary at the top and the message at the field.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Does `field` (or an element of it, `field[2]`) have an error?
    pub fn has(&self, field: &str) -> bool {
        self.0
            .iter()
            .any(|(f, _)| f == field || f.starts_with(&format!("{field}[")))
    }
    pub fn msg(&self, field: &str) -> String {
        self.0
            .iter()
            .find(|(f, _)| f == field || f.starts_with(&format!("{field}[")))
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }
    /// The field's base name (without an index), for anchors.
    pub fn anchor(field: &str) -> String {
        field.split('[').next().unwrap_or(field).to_string()
    }
    /// A core error as a form error, its message in the page's language when
    /// there is a text for the field (`err-<form>-<field>`), else as given.
    pub fn from_core(c: &Ctx, form: &str, e: &CoreError) -> FormErrors {
        let field = e
            .field()
            .map(FormErrors::anchor)
            .unwrap_or_else(|| "form".into());
        // The core's own text is English; show it only when the page has none of its own.
        let message = c
            .lang
            .try_t(&format!("err-{form}-{field}"))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| e.to_string());
        FormErrors(vec![(field, message)])
    }
}

/// A form's fields as sent (a field may repeat).
pub type Pairs = Vec<(String, String)>;

/// The first value of a form field, or "".
pub fn get<'a>(f: &'a Pairs, k: &str) -> &'a str {
    f.iter()
        .find(|(a, _)| a == k)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// An id from a path or form; anything else is "not found".
pub fn id_of(c: &Ctx, s: &str, what: &'static str) -> Result<uuid::Uuid, HtmlError> {
    uuid::Uuid::parse_str(s).map_err(|_| c.fail(CoreError::NotFound(what)))
}

/// Every value of a form field that repeats (checkboxes, multiple selects).
pub fn all(f: &Pairs, k: &str) -> Vec<String> {
    f.iter()
        .filter(|(a, _)| a == k)
        .map(|(_, v)| v.clone())
        .collect()
}

/// A form field that holds a whole number.
pub fn whole<T: std::str::FromStr>(f: &Pairs, k: &str) -> Result<T, CoreError> {
    get(f, k)
        .trim()
        .parse::<T>()
        .map_err(|_| CoreError::invalid(k, "must be a whole number"))
}

/// Go on to another page (after a form, "post, redirect, get").
pub fn redirect(to: &str) -> Reply {
    Ok(Redirect::to(to).into_response())
}

/// A response with another status.
pub fn with_status(mut r: Response, status: StatusCode) -> Response {
    *r.status_mut() = status;
    r
}

/// Renders a page with a form: "400 Bad Request" when the form has errors.
pub fn render_form<T: Template>(c: &Ctx, page: &T, errors: &FormErrors) -> Reply {
    let r = render(c, page)?;
    Ok(if errors.is_empty() {
        r
    } else {
        with_status(r, StatusCode::BAD_REQUEST)
    })
}

/// Failures a form shows at its fields: what the core found invalid.
pub fn invalid(e: &CoreError) -> bool {
    matches!(e, CoreError::Invalid { .. })
}

/// Failures a form shows at its fields: invalid values and broken rules.
pub fn invalid_or_rule(e: &CoreError) -> bool {
    matches!(e, CoreError::Invalid { .. } | CoreError::Rule { .. })
}

/// Failures a form shows at its fields: all but refusals and breakage.
pub fn not_refused(e: &CoreError) -> bool {
    !matches!(e, CoreError::Forbidden(_) | CoreError::Internal(_))
}

/// The core's answer to a form: on success `done` says what comes next; a
/// failure the form `shows` brings the form `again` with it; any other
/// failure is an error page.
pub async fn answer<T, Again, Fut>(
    c: &Ctx,
    result: Result<T, CoreError>,
    form: &str,
    shows: fn(&CoreError) -> bool,
    done: impl FnOnce(T) -> Reply,
    again: Again,
) -> Reply
where
    Again: FnOnce(FormErrors) -> Fut,
    Fut: Future<Output = Result<Response, HtmlError>>,
{
    match result {
        Ok(v) => done(v),
        Err(e) => again(form_errors(c, form, e, shows)?).await,
    }
}

/// A failure a form `shows` as its errors (their texts are
/// `err-<form>-<field>`); any other as an error page.
pub fn form_errors(
    c: &Ctx,
    form: &str,
    e: CoreError,
    shows: fn(&CoreError) -> bool,
) -> Result<FormErrors, HtmlError> {
    if shows(&e) {
        Ok(FormErrors::from_core(c, form, &e))
    } else {
        Err(c.fail(e))
    }
}

/// A form button that does one thing to one thing: checks who sends it and
/// the CSRF token, reads the thing's id, does it, and goes where `to` says.
pub async fn act<T, F, Fut>(
    c: &Ctx,
    csrf: &str,
    id: &str,
    what: &'static str,
    action: F,
    to: impl FnOnce(Uuid, T) -> String,
) -> Reply
where
    F: FnOnce(Actor, Uuid) -> Fut,
    Fut: Future<Output = Result<T, CoreError>>,
{
    let actor = c.posted(csrf)?;
    let id = id_of(c, id, what)?;
    let done = action(actor, id).await.or_page(c)?;
    redirect(&to(id, done))
}
