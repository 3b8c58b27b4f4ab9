//! Pages about the service itself, for anyone, signed in or not: the
//! accessibility statement the law on accessibility to digital public
//! services requires (with the headings of DIGG's template).

use askama::Template;

use super::ctx::render;
use super::{Ctx, Reply};

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage<'a> {
    c: &'a Ctx,
}

/// The accessibility statement.
pub async fn accessibility(c: Ctx) -> Reply {
    render(&c, &AccessibilityPage { c: &c })
}
