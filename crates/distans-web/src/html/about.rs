//! Pages about the service itself, for anyone, signed in or not: the
//! accessibility statement the law on accessibility to digital public
//! services requires (with the headings of DIGG's template), and the help
//! page on remote work, the policy and the agreement in plain words.

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

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage<'a> {
    c: &'a Ctx,
}

/// Help: what remote work here is, how to apply, what happens next, and
/// what the agreement means, in plain words.
pub async fn help(mut c: Ctx) -> Reply {
    c.nav = "help";
    render(&c, &HelpPage { c: &c })
}
