//! The rotation planner's pages: choose weeks, watch the planner work (with
//! progress and a cancel button), see the plan with its cost explained,
//! lock cells and plan again, publish.

use askama::Template;
use axum::extract::Path;
use axum::{Form, Json};
use distans_core::kernel::calendar::iso_week;
use distans_core::kernel::dates::{parse_date, plus_days};
use distans_core::kernel::Actor;
use distans_core::rotation::rules::{explain, horizon};
use distans_core::rotation::runs::PlannerRun as Job;
use distans_core::rotation::{Lock, Shortfall, MAX_ROTATION_WEEKS};
use distans_core::CoreError;
use distans_planner as planner;
use time::Date;
use uuid::Uuid;

use super::ctx::{render, OrPage};
use super::form::{form_errors, get, id_of, invalid_or_rule, redirect, render_form, whole};
use super::form::{FormErrors, Pairs};
use super::plan::weekday_short;
use super::{Ctx, HtmlError, Reply};

/// The next `n` Mondays after today, as far as the years accepted go.
fn next_mondays(today: Date, n: usize) -> Vec<(String, String)> {
    let first = plus_days(today, 7 - today.weekday().number_days_from_monday() as i64);
    std::iter::successors(first, |m| plus_days(*m, 7))
        .take(n)
        .map(|m| {
            let (_, w) = iso_week(m);
            (m.to_string(), format!("v. {w} ({m})"))
        })
        .collect()
}

#[derive(Template)]
#[template(path = "rotation_form.html")]
struct FormPage<'a> {
    c: &'a Ctx,
    unit_id: Uuid,
    unit_name: String,
    mondays: Vec<(String, String)>,
    max_weeks: i64,
    errors: FormErrors,
}

/// Choose the weeks to plan.
pub async fn form(mut c: Ctx, Path(id): Path<String>) -> Reply {
    c.nav = "overview";
    let unit = id_of(&c, &id, "unit")?;
    c.ensure_csrf().await?;
    form_page(&c, unit, FormErrors::default()).await
}

async fn form_page(c: &Ctx, unit: Uuid, errors: FormErrors) -> Reply {
    let actor = c.actor()?;
    let detail = c.core().org.unit(actor, unit.into()).await.or_page(c)?;
    if !c.core().coverage.may_read_unit_plan(actor, &detail) {
        return Err(c.fail(CoreError::forbidden(
            "only the unit's managers and HR plan its rotation",
        )));
    }
    let page = FormPage {
        c,
        unit_id: unit,
        unit_name: detail.unit.name,
        mondays: next_mondays(c.core().today(), 12),
        max_weeks: MAX_ROTATION_WEEKS,
        errors,
    };
    render_form(c, &page, &page.errors)
}

fn locks_of(f: &Pairs) -> Vec<Lock> {
    f.iter()
        .filter(|(k, _)| k == "lock")
        .filter_map(|(_, v)| {
            let mut it = v.split('|');
            let person = Uuid::parse_str(it.next()?).ok()?;
            let date = parse_date("lock", it.next()?).ok()?;
            let remote = match it.next()? {
                "remote" => true,
                "onsite" => false,
                _ => return None,
            };
            Some(Lock {
                person: person.into(),
                date,
                remote,
            })
        })
        .collect()
}

/// The form's first week, number of weeks and the planner's time limit in
/// seconds (10 unless given).
fn planning_of(f: &Pairs) -> Result<(Date, i64, f64), CoreError> {
    let from = parse_date("from", get(f, "from"))?;
    let weeks = whole::<i64>(f, "weeks")?;
    let limit = match get(f, "time_limit").trim() {
        "" => 10.0,
        s => s
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x > 0.0 && *x <= 60.0)
            .ok_or_else(|| CoreError::invalid("time_limit", "from 1 to 60 seconds"))?,
    };
    Ok((from, weeks, limit))
}

/// Starts planning (also "plan again" with locked cells).
pub async fn start(mut c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    c.nav = "overview";
    let actor = c.posted(get(&f, "csrf"))?;
    let unit = id_of(&c, &id, "unit")?;
    let locks = locks_of(&f);
    let asked = async {
        let (from, weeks, limit) = planning_of(&f)?;
        let rotation = &c.core().rotation;
        let problem = rotation.rotation_problem(&actor, unit.into(), from, weeks, &locks);
        Ok::<_, CoreError>((problem.await?, limit))
    };
    let (problem, limit) = match asked.await {
        Ok(asked) => asked,
        Err(e) => {
            let errors = form_errors(&c, "rotation", e, invalid_or_rule)?;
            return form_page(&c, unit, errors).await;
        }
    };
    let job = c
        .app
        .jobs
        .start(&c.core().rotation, actor.person_id, problem, locks, limit)
        .await
        .or_page(&c)?;
    redirect(&format!("/rotation/{job}"))
}

pub struct Cell {
    pub date: String,
    pub state: String,
    pub label: String,
    pub locked: bool,
    /// `person|date|state` for the lock checkbox.
    pub lock_value: String,
}

pub struct Row {
    pub name: String,
    pub remote: usize,
    pub cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "rotation_job.html")]
struct JobPage<'a> {
    c: &'a Ctx,
    job: Uuid,
    unit_id: Uuid,
    unit_name: String,
    period: String,
    running: bool,
    lost: bool,
    done: u64,
    total: u64,
    best: Option<i64>,
    status: String,
    cost: i64,
    lower_bound: Option<i64>,
    seconds: String,
    conflicts: Vec<String>,
    notes: Vec<String>,
    dates: Vec<(String, String)>,
    rows: Vec<Row>,
    shortfalls: Vec<Shortfall>,
    from: String,
    weeks: i64,
    time_limit: String,
    published: Option<Uuid>,
    first_week: String,
    /// Days the plan will show otherwise than proposed: (name, date,
    /// proposed, shown), in words.
    differences: Vec<(String, String, String, String)>,
}

impl JobPage<'_> {
    fn status_label(&self) -> String {
        self.c.t(&format!("rotation-status-{}", self.status))
    }
}

fn job_page_of<'a>(c: &'a Ctx, job: &Job) -> JobPage<'a> {
    let p = &job.problem;
    let (done, total, best) = job.progress();
    let result = job.result.clone();
    // A stored run's weeks are within the years accepted (checked when it
    // was planned); one that is not shows no days.
    let period = horizon(p.start, p.weeks).ok();
    let last = period.map(|r| r.to()).unwrap_or(p.start);
    let (_, w1) = iso_week(p.start);
    let (_, w2) = iso_week(last);
    let holidays: Vec<&String> = p.input.horizon.holidays.iter().collect();
    let dates: Vec<(String, String)> = period
        .iter()
        .flat_map(|r| r.days())
        .filter(|d| d.weekday().number_days_from_monday() < 5)
        .filter(|d| !holidays.contains(&&d.to_string()))
        .map(|d| {
            let wd = weekday_short(c.lang, d);
            (
                d.to_string(),
                format!("{wd} {}/{}", d.day(), d.month() as u8),
            )
        })
        .collect();
    let mut page = JobPage {
        c,
        job: job.id.into(),
        unit_id: p.unit.into(),
        unit_name: p.unit_name.clone(),
        period: format!("v. {w1}–{w2}"),
        running: result.is_none() && !job.lost,
        lost: job.lost,
        done,
        total,
        best,
        status: String::new(),
        cost: 0,
        lower_bound: None,
        seconds: String::new(),
        conflicts: vec![],
        notes: p.notes.clone(),
        dates: dates.clone(),
        rows: vec![],
        shortfalls: vec![],
        from: p.start.to_string(),
        weeks: p.weeks,
        time_limit: format!("{}", job.time_limit),
        published: job.published.map(Into::into),
        differences: vec![],
        first_week: {
            let (y, w) = iso_week(p.start);
            format!("{y}-W{w:02}")
        },
    };
    if let Some((out, took)) = result {
        page.status = match out.status {
            planner::Status::Optimal => "optimal",
            planner::Status::Feasible => "feasible",
            planner::Status::Infeasible => "infeasible",
        }
        .into();
        page.cost = out.cost;
        page.lower_bound = out.lower_bound;
        page.seconds = format!("{:.2}", took.as_secs_f64());
        page.conflicts = distans_core::rotation::rules::named_conflicts(&out.conflicts, &p.names);
        page.shortfalls = explain(&p.input, &out, &p.names);
        page.rows = p
            .input
            .employees
            .iter()
            .map(|e| {
                let plan = out.plan.get(&e.id);
                let cells: Vec<Cell> = dates
                    .iter()
                    .map(|(d, _)| {
                        let st = plan.and_then(|x| x.get(d)).copied();
                        let (state, label, key) = match st {
                            Some(planner::State::Onsite) => {
                                ("workplace", c.t("state-workplace"), "onsite")
                            }
                            Some(planner::State::Remote) => {
                                ("remote", c.t("state-remote"), "remote")
                            }
                            Some(planner::State::Absent) => ("absent", c.t("state-absent"), ""),
                            None => ("off", String::new(), ""),
                        };
                        let locked = p
                            .locks
                            .iter()
                            .any(|l| l.person.to_string() == e.id && l.date.to_string() == *d);
                        Cell {
                            date: d.clone(),
                            state: state.into(),
                            label,
                            locked,
                            lock_value: if key.is_empty() {
                                String::new()
                            } else {
                                format!("{}|{d}|{key}", e.id)
                            },
                        }
                    })
                    .collect();
                Row {
                    name: p.names.get(&e.id).cloned().unwrap_or_else(|| e.id.clone()),
                    remote: cells.iter().filter(|c| c.state == "remote").count(),
                    cells,
                }
            })
            .collect();
    }
    page
}

/// A planner run of the actor's.
async fn job_of(c: &Ctx, actor: &Actor, id: Uuid) -> Result<Job, HtmlError> {
    let job = c
        .app
        .jobs
        .get(&c.core().rotation, id.into(), actor.person_id);
    job.await
        .or_page(c)?
        .ok_or_else(|| c.fail(CoreError::NotFound("plan")))
}

/// The job: progress while it runs, the plan when done.
pub async fn job_page(mut c: Ctx, Path(id): Path<String>) -> Reply {
    let actor = c.page("overview").await?;
    let id = id_of(&c, &id, "plan")?;
    let job = job_of(&c, &actor, id).await?;
    let mut page = job_page_of(&c, &job);
    if let (Some((out, _)), None) = (&job.result, job.published) {
        page.differences = differences_of(&c, &actor, &job, out).await;
    }
    render(&c, &page)
}

/// The days the plan would show otherwise than `out` proposes, in words;
/// none when that cannot be told now (publishing says why).
async fn differences_of(
    c: &Ctx,
    actor: &Actor,
    job: &Job,
    out: &planner::Output,
) -> Vec<(String, String, String, String)> {
    if out.status == planner::Status::Infeasible {
        return vec![];
    }
    let rotation = &c.core().rotation;
    let p = &job.problem;
    let Ok(now) = rotation
        .rotation_problem(actor, p.unit, p.start, p.weeks, &p.locks)
        .await
    else {
        return vec![];
    };
    let state = |s| c.t(&format!("state-{}", super::plan::state_key(s)));
    rotation
        .publish_differences(actor, &now, out)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|d| {
            let shown = match d.shown.part {
                Some(_) => format!("{} ({})", state(d.shown.state), c.t("state-half")),
                None => state(d.shown.state),
            };
            let day = format!(
                "{} {}/{}",
                weekday_short(c.lang, d.date),
                d.date.day(),
                d.date.month() as u8
            );
            (d.name, day, state(d.proposed), shown)
        })
        .collect()
}

#[derive(serde::Serialize)]
pub struct JobStatus {
    finished: bool,
    done: u64,
    total: u64,
    best_cost: Option<i64>,
}

/// The job's progress as JSON, for the page's script.
pub async fn job_status(c: Ctx, Path(id): Path<String>) -> Result<Json<JobStatus>, HtmlError> {
    let actor = c.actor()?.clone();
    let id = id_of(&c, &id, "plan")?;
    let job = job_of(&c, &actor, id).await?;
    let (done, total, best_cost) = job.progress();
    Ok(Json(JobStatus {
        finished: job.finished || job.lost,
        done,
        total,
        best_cost,
    }))
}

/// A job's button: who sends it, the job's id and the job.
async fn job_form(c: &Ctx, f: &Pairs, id: &str) -> Result<(Actor, Uuid, Job), HtmlError> {
    let actor = c.posted(get(f, "csrf"))?;
    let id = id_of(c, id, "plan")?;
    let job = job_of(c, &actor, id).await?;
    Ok((actor, id, job))
}

/// Stops the planner: it returns its best plan so far.
pub async fn cancel(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    let (actor, id, job) = job_form(&c, &f, &id).await?;
    if !job.finished {
        let rotation = &c.core().rotation;
        c.app.jobs.cancel(rotation, id.into()).await.or_page(&c)?;
        // Give the solver a moment to stop, so the page shows the result.
        for _ in 0..30 {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            let job = c.app.jobs.get(rotation, id.into(), actor.person_id).await;
            if job.or_page(&c)?.is_none_or(|j| j.finished || j.lost) {
                break;
            }
        }
    }
    redirect(&format!("/rotation/{id}"))
}

/// Publishes the plan into everyone's plan.
pub async fn publish(c: Ctx, Path(id): Path<String>, Form(f): Form<Pairs>) -> Reply {
    let (actor, id, job) = job_form(&c, &f, &id).await?;
    let Some((out, _)) = job.result.clone() else {
        return Err(c.fail(CoreError::Conflict("the plan is not ready yet".into())));
    };
    let rotation = &c.core().rotation;
    let p = &job.problem;
    // Checked against the unit's data as it is now.
    let now = rotation.rotation_problem(&actor, p.unit, p.start, p.weeks, &p.locks);
    let now = now.await.or_page(&c)?;
    let confirmed = !get(&f, "confirm_differences").is_empty();
    let published = rotation
        .publish_rotation(&actor, &now, &out, confirmed)
        .await;
    let published = published.or_page(&c)?;
    c.app
        .jobs
        .published(rotation, id.into(), published)
        .await
        .or_page(&c)?;
    redirect(&format!("/rotation/{id}#published"))
}
