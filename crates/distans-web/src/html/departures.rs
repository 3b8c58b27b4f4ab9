//! A person who leaves, as HR and administrators handle it: the last day
//! and the reason, then a check of what will happen, then the departure.

use askama::Template;
use axum::extract::{Form, Path};
use distans_core::departures::{By, DepartureInput, DeparturePreview};
use distans_core::kernel::dates::parse_date;
use distans_core::CoreError;

use super::ctx::{render, Ctx, OrPage, Reply};
use super::form::{answer, get, id_of, redirect, render_form, FormErrors, Pairs};

/// The form's values as typed.
#[derive(Debug, Clone, Default)]
struct Values {
    last_day: String,
    reason: String,
}

impl Values {
    fn from_pairs(f: &Pairs) -> Values {
        Values {
            last_day: get(f, "last_day").trim().into(),
            reason: get(f, "reason").into(),
        }
    }
    fn input(&self) -> Result<DepartureInput, CoreError> {
        let last_day = Some(self.last_day.as_str())
            .filter(|d| !d.is_empty())
            .map(|d| parse_date("last_day", d))
            .transpose()?;
        Ok(DepartureInput {
            last_day,
            reason: Some(self.reason.clone()),
        })
    }
}

#[derive(Template)]
#[template(path = "departure_form.html")]
struct FormPage<'a> {
    c: &'a Ctx,
    id: String,
    name: String,
    v: Values,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "departure_check.html")]
struct CheckPage<'a> {
    c: &'a Ctx,
    id: String,
    p: DeparturePreview,
    v: Values,
}

async fn form_page(c: &Ctx, id: uuid::Uuid, v: Values, errors: FormErrors) -> Reply {
    let actor = c.actor()?.clone();
    let p = c.core().org.person(&actor, id.into()).await.or_page(c)?;
    let page = FormPage {
        c,
        id: id.to_string(),
        name: p.name,
        v,
        errors,
    };
    render_form(c, &page, &page.errors)
}

/// Step 1: the last day and the reason.
pub async fn departure_form(mut c: Ctx, Path(id): Path<String>) -> Reply {
    let actor = c.page("people").await?;
    let id = id_of(&c, &id, "person")?;
    // Only those who may deactivate see the form at all.
    let v = Values {
        last_day: c.core().today().to_string(),
        ..Values::default()
    };
    c.core()
        .departures
        .preview(By::Person(&actor), id.into(), &DepartureInput::default())
        .await
        .or_page(&c)?;
    form_page(&c, id, v, FormErrors::default()).await
}

/// Step 2: what will happen, to confirm; step 3 (`confirm`): do it.
pub async fn departure_submit(mut c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "people";
    let actor = c.posted(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "person")?;
    let v = Values::from_pairs(&f);
    let input = match v.input() {
        Ok(i) => i,
        Err(e) => return again(&c, id, v, e).await,
    };
    let by = By::Person(&actor);
    if get(&f, "confirm") == "1" {
        let result = c.core().departures.deactivate(by, id.into(), input).await;
        let done = |_| redirect(&format!("/personer/{id}#departure"));
        return answer(&c, result, "departure", shows, done, |errors| {
            form_page(&c, id, v, errors)
        })
        .await;
    }
    let result = c.core().departures.preview(by, id.into(), &input).await;
    let checked = v.clone();
    let done = |p: DeparturePreview| {
        render(
            &c,
            &CheckPage {
                c: &c,
                id: id.to_string(),
                p,
                v: checked,
            },
        )
    };
    answer(&c, result, "departure", shows, done, |errors| {
        form_page(&c, id, v, errors)
    })
    .await
}

/// Brings a deactivated person back.
pub async fn reactivate(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    let actor = c.posted(get(&f, "csrf"))?;
    let id = id_of(&c, &id, "person")?;
    c.core()
        .departures
        .reactivate(By::Person(&actor), id.into())
        .await
        .or_page(&c)?;
    redirect(&format!("/personer/{id}"))
}

fn shows(e: &CoreError) -> bool {
    matches!(e, CoreError::Invalid { .. })
}

async fn again(c: &Ctx, id: uuid::Uuid, v: Values, e: CoreError) -> Reply {
    let errors = super::form::form_errors(c, "departure", e, shows)?;
    form_page(c, id, v, errors).await
}
