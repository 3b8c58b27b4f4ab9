//! A unit's coverage rules: how they read, and the forms that add and
//! remove one (on the unit's week page).

use axum::extract::Path;
use axum::Form;
use distans_core::coverage::NewCoverageRule;
use distans_core::kernel::Actor;
use distans_core::CoreError;
use uuid::Uuid;

use super::period::{monday_of, parse_week};
use super::unit::unit_plan_page;
use super::week_param;
use crate::html::form::{act, all, answer, get, id_of, invalid_or_rule, redirect, Pairs};
use crate::html::{Ctx, Reply};

/// The rule form's least number on site; none for a desk rule or when empty.
fn min_onsite(kind: &str, min: &str) -> Result<Option<i64>, CoreError> {
    match (kind, min) {
        ("max_desks", _) | (_, "") => Ok(None),
        (_, m) => m
            .parse::<i64>()
            .map(Some)
            .map_err(|_| CoreError::invalid("min_onsite", "must be a whole number")),
    }
}

/// Adds a coverage rule from the unit's week page.
pub async fn add_rule(mut c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "overview";
    let actor = c.posted(get(&f, "csrf"))?;
    let unit = id_of(&c, &id, "unit")?;
    let weekdays = all(&f, "weekdays");
    let min = get(&f, "min_onsite").trim();
    let result = async {
        let input = NewCoverageRule::parse(
            get(&f, "kind"),
            Some(get(&f, "skill")),
            min_onsite(get(&f, "kind"), min)?,
            (!weekdays.is_empty()).then_some(weekdays.as_slice()),
        )?;
        let coverage = &c.core().coverage;
        coverage.add_coverage_rule(&actor, unit.into(), input).await
    }
    .await;
    let monday = parse_week(get(&f, "vecka")).unwrap_or_else(|| monday_of(c.core().today()));
    let done = |_| {
        let week = week_param(monday);
        redirect(&format!("/enheter/{unit}/plan?vecka={week}#rules"))
    };
    answer(&c, result, "rule", invalid_or_rule, done, |errors| {
        let form = (get(&f, "skill").to_string(), min.to_string());
        unit_plan_page(&c, unit, monday, errors, form)
    })
    .await
}

/// Removes a coverage rule.
pub async fn delete_rule(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    let version = get(&f, "version").parse::<i64>().ok();
    let (unit, week) = (get(&f, "unit"), get(&f, "vecka"));
    let coverage = &c.core().coverage;
    let delete = |actor: Actor, id: Uuid| async move {
        // The unit's week page, where the form goes back to.
        let unit = Uuid::parse_str(unit).map_err(|_| CoreError::NotFound("unit"))?;
        coverage
            .delete_coverage_rule(&actor, id.into(), version)
            .await?;
        Ok::<_, CoreError>(unit)
    };
    let back = |_, unit| format!("/enheter/{unit}/plan?vecka={week}#rules");
    act(&c, get(&f, "csrf"), &id, "coverage rule", delete, back).await
}
