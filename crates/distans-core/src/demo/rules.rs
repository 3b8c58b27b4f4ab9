//! A generated, realistic Swedish municipality for demos, tests and
//! benchmarks: förvaltningar → avdelningar → enheter, sites with addresses
//! and desks, people with Swedish names, managers, skills and commutes, and
//! a year of plan data. Deterministic: the same size gives the same
//! organisation.

use crate::kernel::PersonId;
use crate::kernel::{AgreementId, RequestId};
use std::collections::{BTreeSet, HashMap};

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::absences::model::Absence;
use crate::agreements::model::AgreementFacts;
use crate::agreements::rules as agreement;
use crate::coverage::model::CoverageRule;
use crate::demo::data::*;
use crate::demo::model::*;
use crate::kernel::calendar::{iso_week, WorkCalendar};
use crate::kernel::dates::{plus_days_clamped, DateRange, Weekday, Weekdays};
use crate::kernel::gap::RuleKind;
use crate::kernel::Role;
use crate::org::model::{
    CommuteMode, Email, EmployeeNumber, OrgData, PersonRow, SiteRow, Skill, UnitCode, UnitKind,
    UnitRow, UnitSummary, Username,
};
use crate::plan::model::{DayState, Part};
use crate::policy::model::{Place, PolicyVersion};
use crate::policy::terms::{RemoteDays, Terms};

fn ascii_fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'å' | 'ä' | 'Å' | 'Ä' => 'a',
            'ö' | 'Ö' => 'o',
            'é' => 'e',
            c => c.to_ascii_lowercase(),
        })
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

struct Gen {
    rng: ChaCha8Rng,
    people: Vec<PersonRow>,
    next_number: usize,
}

impl Gen {
    #[allow(clippy::too_many_arguments)]
    fn person(
        &mut self,
        given: Option<&str>,
        family: Option<&str>,
        unit: &UnitCode,
        title: &str,
        skills: &[&str],
        site: &str,
        manages: Option<&UnitCode>,
    ) -> usize {
        self.next_number += 1;
        let n = self.next_number;
        let given = given.map(str::to_string).unwrap_or_else(|| {
            GIVEN
                .choose(&mut self.rng)
                .copied()
                .unwrap_or("Alex")
                .to_string()
        });
        let family = family.map(str::to_string).unwrap_or_else(|| {
            FAMILY
                .choose(&mut self.rng)
                .copied()
                .unwrap_or("Berg")
                .to_string()
        });
        let email = Email::parse(&format!(
            "{}.{}{}@sjovik.se",
            ascii_fold(&given),
            ascii_fold(&family),
            n
        ))
        .ok();
        let mut sk: Vec<Skill> = vec![];
        for s in skills {
            if sk.is_empty() || self.rng.gen_bool(0.45) {
                if let Ok(s) = Skill::parse(s) {
                    sk.push(s);
                }
            }
        }
        // A short-tailed commute: most live near, some far.
        let km: f64 = {
            let u: f64 = self.rng.gen_range(0.0..1.0);
            (1.0 + 60.0 * u * u * u).round()
        };
        let mode = if km <= 2.0 {
            if self.rng.gen_bool(0.5) {
                CommuteMode::Walk
            } else {
                CommuteMode::Bicycle
            }
        } else if km <= 7.0 {
            match self.rng.gen_range(0..3) {
                0 => CommuteMode::Bicycle,
                1 => CommuteMode::PublicTransport,
                _ => CommuteMode::Car,
            }
        } else if self.rng.gen_bool(0.55) {
            CommuteMode::Car
        } else if self.rng.gen_bool(0.8) {
            CommuteMode::PublicTransport
        } else {
            CommuteMode::CarPool
        };
        self.people.push(PersonRow {
            line: 0,
            employee_number: EmployeeNumber::trusted(format!("{:06}", 100_000 + n)),
            given_name: given,
            family_name: family,
            email,
            title: Some(title.to_string()),
            unit_code: unit.clone(),
            site_name: Some(site.to_string()),
            skills: sk,
            commute_km: Some(km),
            commute_mode: Some(mode),
            roles: Some(vec![]),
            username: None,
            manages: manages.cloned().into_iter().collect(),
        });
        self.people.len() - 1
    }
}

fn code(s: &str) -> UnitCode {
    UnitCode::trusted(s.to_string())
}

/// Generates an organisation of about `size` people (at least [`MIN_SIZE`]).
pub fn generate(size: usize) -> OrgData {
    let size = size.clamp(MIN_SIZE, MAX_SIZE);
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(0x5EED_D157 ^ size as u64),
        people: Vec::with_capacity(size),
        next_number: 0,
    };
    let mut data = OrgData::default();

    // Sites: the six offices, plus neighbourhood offices for large sizes.
    let extra_sites = size / 4000;
    let mut site_names: Vec<String> = SITES.iter().map(|s| s.0.to_string()).collect();
    for (name, address) in SITES {
        data.sites.push(SiteRow {
            name: name.to_string(),
            address: address.to_string(),
            desks: 0,
        });
    }
    for i in 0..extra_sites {
        let area = AREAS[i % AREAS.len()];
        let name = format!(
            "Servicekontor {area}{}",
            if i >= AREAS.len() {
                format!(" {}", i / AREAS.len() + 1)
            } else {
                String::new()
            }
        );
        data.sites.push(SiteRow {
            name: name.clone(),
            address: format!("{}vägen {}, 123 {} Sjövik", area, 2 + i, 50 + i % 40),
            desks: 0,
        });
        site_names.push(name);
    }

    let root = code("SJK");
    data.units.push(UnitRow {
        line: 0,
        code: root.clone(),
        name: "Sjöviks kommun".into(),
        kind: Some(UnitKind::Kommun),
        parent_code: None,
    });
    let avd_per_forv = (size / 150).clamp(1, 5);
    let chosen: Vec<(&Forv, Vec<&Avd>)> = FORV
        .iter()
        .map(|f| {
            let n = if f.code == "KLF" {
                avd_per_forv.max(3)
            } else {
                avd_per_forv
            };
            (f, f.avd.iter().take(n).collect())
        })
        .collect();
    let avd_count: usize = chosen.iter().map(|(_, a)| a.len()).sum();
    let enheter = (size / 14).max(avd_count);

    let director = g.person(
        Some("Magnus"),
        Some("Gyllén"),
        &root,
        "Kommundirektör",
        &["ledning"],
        SITES[0].0,
        Some(&root),
    );
    // (unit code, avd) per enhet, for filling with staff.
    let mut enhet_units: Vec<(UnitCode, &Avd, String)> = vec![];
    let mut made = 0usize;
    let mut avd_seen = 0usize;
    for (f, avds) in &chosen {
        let fc = code(f.code);
        data.units.push(UnitRow {
            line: 0,
            code: fc.clone(),
            name: f.name.into(),
            kind: Some(UnitKind::Forvaltning),
            parent_code: Some(root.clone()),
        });
        g.person(
            None,
            None,
            &fc,
            "Förvaltningschef",
            &["ledning"],
            SITES[avds.first().map(|a| a.site).unwrap_or(0)].0,
            Some(&fc),
        );
        for a in avds {
            avd_seen += 1;
            let ac = code(&format!("{}-{}", f.code, a.code));
            data.units.push(UnitRow {
                line: 0,
                code: ac.clone(),
                name: a.name.into(),
                kind: Some(UnitKind::Avdelning),
                parent_code: Some(fc.clone()),
            });
            g.person(
                None,
                None,
                &ac,
                "Avdelningschef",
                &["ledning"],
                SITES[a.site].0,
                Some(&ac),
            );
            // Spread enheter evenly over avdelningar.
            let target = enheter * avd_seen / avd_count;
            let mut i = 0;
            while made < target || i == 0 {
                let area = AREAS[i % AREAS.len()];
                let name = if i < AREAS.len() {
                    format!("{} {}", a.stem, area)
                } else {
                    format!("{} {} {}", a.stem, area, i / AREAS.len() + 1)
                };
                let ec = code(&format!("{}-{}-{:03}", f.code, a.code, i + 1));
                data.units.push(UnitRow {
                    line: 0,
                    code: ec.clone(),
                    name,
                    kind: Some(UnitKind::Enhet),
                    parent_code: Some(ac.clone()),
                });
                // Large organisations spread enheter over neighbourhood offices too.
                let site = if extra_sites > 0 && i % 3 == 2 {
                    site_names[SITES.len() + (made % extra_sites)].clone()
                } else {
                    SITES[a.site].0.to_string()
                };
                enhet_units.push((ec, a, site));
                made += 1;
                i += 1;
            }
        }
    }

    // Each enhet: a manager, then staff dealt out so that every enhet has some.
    let first_kc = enhet_units
        .iter()
        .position(|(_, a, _)| a.code == "KC")
        .unwrap_or(0);
    let first_byg = enhet_units.iter().position(|(_, a, _)| a.code == "BYG");
    let first_hr = enhet_units
        .iter()
        .position(|(_, a, _)| a.code == "HR")
        .unwrap_or(0);
    let first_it = enhet_units
        .iter()
        .position(|(_, a, _)| a.code == "IT")
        .unwrap_or(0);
    let mut demo_idx: Vec<(usize, &str, Option<Role>)> =
        vec![(director, "direktor", Some(Role::Director))];
    for (i, (ec, a, site)) in enhet_units.iter().enumerate() {
        let (gn, fam) = if i == first_kc {
            (Some("Karin"), Some("Holm"))
        } else {
            (None, None)
        };
        let (gn, fam) = if Some(i) == first_byg {
            (Some("Björn"), Some("Åberg"))
        } else {
            (gn, fam)
        };
        let m = g.person(gn, fam, ec, "Enhetschef", &["ledning"], site, Some(ec));
        if i == first_kc {
            demo_idx.push((m, "chef", None));
        }
        if Some(i) == first_byg {
            demo_idx.push((m, "bygg", None));
        }
        let _ = a;
    }
    let staff = size.saturating_sub(g.people.len());
    for s in 0..staff {
        let i = if s < enhet_units.len() {
            s
        } else {
            g.rng.gen_range(0..enhet_units.len())
        };
        let (ec, a, site) = &enhet_units[i];
        type Named<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            Option<(&'a str, Option<Role>)>,
        );
        let (gn, fam, account): Named<'_> = if s == first_kc {
            (Some("Anna"), Some("Lindqvist"), Some(("anna", None)))
        } else if Some(s) == first_byg {
            (Some("Bo"), Some("Ek"), Some(("bo", None)))
        } else if s == first_hr {
            (
                Some("Helena"),
                Some("Ahlgren"),
                Some(("hr", Some(Role::Hr))),
            )
        } else if s == first_it {
            (
                Some("Sam"),
                Some("Nordin"),
                Some(("admin", Some(Role::Admin))),
            )
        } else {
            (None, None, None)
        };
        let title = if account.map(|a| a.0) == Some("hr") {
            "HR-chef"
        } else {
            a.title
        };
        let p = g.person(gn, fam, ec, title, a.skills, site, None);
        if let Some((u, r)) = account {
            demo_idx.push((p, u, r));
        }
    }
    // bo must be outside chef's unit even when Bygglov was not generated.
    if first_byg.is_none() {
        if let Some(i) = g
            .people
            .iter()
            .position(|p| p.unit_code != enhet_units[first_kc].0 && p.manages.is_empty())
        {
            g.people[i].given_name = "Bo".into();
            g.people[i].family_name = "Ek".into();
            demo_idx.push((i, "bo", None));
        }
    }
    // The auditor: the union representative's seat, in Ekonomi or the first non-KC enhet.
    let taken: Vec<usize> = demo_idx.iter().map(|d| d.0).collect();
    if let Some(i) = (0..g.people.len())
        .rev()
        .find(|i| g.people[*i].manages.is_empty() && !taken.contains(i))
    {
        g.people[i].given_name = "Rut".into();
        g.people[i].family_name = "Berglund".into();
        demo_idx.push((i, "revisor", Some(Role::Auditor)));
    }
    // The records officer (arkivansvarig), in the next such seat.
    let taken: Vec<usize> = demo_idx.iter().map(|d| d.0).collect();
    if let Some(i) = (0..g.people.len())
        .rev()
        .find(|i| g.people[*i].manages.is_empty() && !taken.contains(i))
    {
        g.people[i].given_name = "Ingrid".into();
        g.people[i].family_name = "Sjöberg".into();
        demo_idx.push((i, "arkiv", Some(Role::Records)));
    }
    for (i, username, role) in demo_idx {
        if let Some(p) = g.people.get_mut(i) {
            p.username = Username::parse(username).ok();
            p.roles = Some(role.into_iter().collect());
            p.email = Email::parse(&format!("{username}@sjovik.se")).ok();
        }
    }

    // Desks, sized against the demo's plan, in which about 85 % of a
    // site's people are on site on a workday: from 86 % to 104 % of the
    // site's people, so that sites differ as they do in life — most have
    // room, some are nearly full, one is over on its busiest days.
    const DESKS_PERCENT: [i64; 6] = [96, 104, 90, 86, 100, 93];
    let mut counts = std::collections::HashMap::<String, i64>::new();
    for p in &g.people {
        if let Some(s) = &p.site_name {
            *counts.entry(s.clone()).or_default() += 1;
        }
    }
    for (i, s) in data.sites.iter_mut().enumerate() {
        let n = counts.get(&s.name).copied().unwrap_or(0);
        s.desks = (n * DESKS_PERCENT[i % DESKS_PERCENT.len()] / 100).max(5);
    }
    data.people = g.people;
    data
}

const REASONS: &[&str] = &[
    "Kortare pendling och mer tid för koncentrerat arbete.",
    "Lång resväg med kollektivtrafik; arbetsuppgifterna passar att göra hemifrån.",
    "Skrivarbete och utredningar går bättre i lugn miljö.",
    "Minskad klimatpåverkan från pendlingen.",
    "Bättre balans mellan arbete och familj.",
];

/// Which people get plan data: staff (not managers, not the demo sign-ins,
/// whose own tests and tours start from an empty plan).
fn plan_candidates<'a>(
    org: &'a OrgData,
    ids: &HashMap<String, PersonId>,
) -> Vec<(&'a PersonRow, PersonId)> {
    org.people
        .iter()
        .filter(|p| p.manages.is_empty() && p.username.is_none())
        .filter_map(|p| ids.get(p.employee_number.as_str()).map(|id| (p, *id)))
        .collect()
}

/// Working from home on the given (one or two, distinct) weekdays.
fn home_terms(weekdays: &[Weekday], start: Date, end: Option<Date>) -> Terms {
    let days = RemoteDays::new(weekdays.len() as i64).unwrap_or(RemoteDays::ONE);
    let fixed = Weekdays::new(weekdays.iter().copied()).unwrap_or_default();
    Terms::new(days, fixed, (start, end), Place::Home, None)
        .unwrap_or_else(|_| Terms::home(days, start))
}

fn at_hour(d: Date, hour: u8) -> OffsetDateTime {
    d.with_hms(hour, 0, 0)
        .map(|t| t.assume_utc())
        .unwrap_or_else(|_| d.midnight().assume_utc())
}

/// Generates plan data for the demo organisation `org`, whose people have
/// the ids `ids` (by employee number): about 35 % of the staff with an
/// active agreement of one or two fixed remote weekdays that started in the
/// last six months; about 30 % with one to three occasional days a month
/// from six months back to six ahead (at most two remote a week, never
/// remote for secrecy-classified tasks); about 12 % with an absence or two.
/// The people chosen and their patterns are the same for a size; the dates
/// follow `today`.
pub fn generate_plan(
    org: &OrgData,
    ids: &HashMap<String, PersonId>,
    policy: &PolicyVersion,
    template: &str,
    today: Date,
    now: OffsetDateTime,
) -> DemoPlan {
    let mut rng = ChaCha8Rng::seed_from_u64(0x91A4_D157 ^ org.people.len() as u64);
    let cal = WorkCalendar::default();
    let rules = &policy.rules;
    let organisation = org
        .units
        .iter()
        .find(|u| u.parent_code.is_none())
        .map(|u| u.name.clone())
        .unwrap_or_else(|| "Kommunen".into());
    let unit_names: HashMap<&str, &str> = org
        .units
        .iter()
        .map(|u| (u.code.as_str(), u.name.as_str()))
        .collect();
    let managers: HashMap<&str, &PersonRow> = org
        .people
        .iter()
        .flat_map(|p| p.manages.iter().map(move |u| (u.as_str(), p)))
        .collect();
    let confirmations: Vec<String> = rules.prerequisites.iter().map(|p| p.key.clone()).collect();
    // A year around today. `today` is within the years accepted
    // (`Env::today`), so the dates below, at most a few weeks beyond this
    // year, stay far inside what `time` can hold.
    let Ok(year) = DateRange::clamped(
        ("from", "to"),
        plus_days_clamped(today, -182),
        plus_days_clamped(today, 182),
    ) else {
        return DemoPlan::default();
    };
    let from = year.from();
    let workdays = cal.workdays(year);
    let mut plan = DemoPlan::default();
    for (p, person) in plan_candidates(org, ids) {
        let secrecy = p
            .skills
            .iter()
            .any(|s| rules.secrecy_tasks.iter().any(|t| t == s.as_str()));
        // Draw every number for every person, so one person's choices do not
        // shift the next one's.
        let wants_agreement = rng.gen_bool(0.37);
        let two_days = rng.gen_bool(0.4);
        let mut days: Vec<Weekday> = Weekday::ALL.to_vec();
        days.shuffle(&mut rng);
        let started = rng.gen_range(0..182i64);
        let open_ended = rng.gen_bool(0.5);
        let reason = REASONS[rng.gen_range(0..REASONS.len())];
        let occasional = rng.gen_bool(0.30);
        let absent = rng.gen_bool(0.12);

        let mut weekdays: Vec<Weekday> = vec![];
        if wants_agreement && !secrecy {
            let manager = managers
                .get(p.unit_code.as_str())
                .and_then(|m| ids.get(m.employee_number.as_str()).map(|id| (*m, *id)));
            if let Some((m, decider)) = manager {
                weekdays = days[..if two_days { 2 } else { 1 }].to_vec();
                weekdays.sort();
                let start = today - Duration::days(started);
                let end = (!open_ended).then(|| start + Duration::days(364));
                let facts = AgreementFacts {
                    organisation: organisation.clone(),
                    employee: format!("{} {}", p.given_name, p.family_name),
                    employee_number: p.employee_number.as_str().to_string(),
                    unit: unit_names
                        .get(p.unit_code.as_str())
                        .map(|s| s.to_string())
                        .unwrap_or_default(),
                    decider: format!("{} {}", m.given_name, m.family_name),
                    terms: home_terms(&weekdays, start, end),
                    presence: rules.presence_requirements.clone(),
                    follow_up_months: rules.follow_up_interval_months,
                    notice_days: rules.notice_period_days,
                    policy_version: policy.version,
                };
                let text = agreement::render(template, &facts);
                let applied_at = at_hour(start - Duration::days(21), 9);
                plan.agreements.push(DemoAgreement {
                    request_id: RequestId::new(),
                    agreement_id: AgreementId::new(),
                    person,
                    decider,
                    weekdays: weekdays.clone(),
                    start,
                    end,
                    reason: reason.into(),
                    confirmations: confirmations.clone(),
                    policy_version: policy.version,
                    notice_days: rules.notice_period_days as i64,
                    text_sha256: agreement::sha256_hex(&text),
                    text,
                    applied_at,
                    decided_at: applied_at + Duration::days(2),
                    signed_at: applied_at + Duration::days(3),
                });
            }
        }

        if occasional && !workdays.is_empty() {
            let mut taken: BTreeSet<Date> = BTreeSet::new();
            // Remote days per ISO week, half days as ½.
            let mut remote: HashMap<(i32, u8), f64> = HashMap::new();
            let limit = rules.occasional_days_per_week.unwrap_or(5) as f64;
            for month in 0..12 {
                let n = rng.gen_range(1..=3);
                let lo = workdays.len() * month / 12;
                let hi = (workdays.len() * (month + 1) / 12).max(lo + 1);
                for _ in 0..n {
                    let day = workdays[rng.gen_range(lo..hi)];
                    let roll = rng.gen_range(0..100);
                    let half = rng.gen_range(0..100) < 20;
                    let am = rng.gen_bool(0.5);
                    if !taken.insert(day) {
                        continue;
                    }
                    let on_agreement_day = Weekday::of(day).is_some_and(|w| weekdays.contains(&w));
                    let mut state = match roll {
                        0..=74 => DayState::Remote,
                        75..=89 => DayState::Other,
                        _ => DayState::Workplace,
                    };
                    if state == DayState::Remote && (secrecy || on_agreement_day) {
                        state = if on_agreement_day {
                            DayState::Workplace
                        } else {
                            DayState::Other
                        };
                    }
                    let part = half.then_some(if am { Part::Am } else { Part::Pm });
                    if state == DayState::Remote {
                        let used = remote.entry(iso_week(day)).or_default();
                        let this = if part.is_some() { 0.5 } else { 1.0 };
                        if *used + this > limit {
                            taken.remove(&day);
                            continue;
                        }
                        *used += this;
                    }
                    let set_at = at_hour(day - Duration::days(3), 8).min(now);
                    plan.occasional.push(DemoOccasional {
                        person,
                        day,
                        state,
                        part,
                        set_at,
                    });
                }
            }
        }

        if absent {
            let n = rng.gen_range(1..=2);
            let mut periods: Vec<(Date, Date)> = vec![];
            for _ in 0..n {
                let first = from + Duration::days(rng.gen_range(0..364));
                let len = if rng.gen_bool(0.8) {
                    rng.gen_range(1..=3)
                } else {
                    rng.gen_range(4..=10)
                };
                let last = first + Duration::days(len - 1);
                if periods.iter().all(|(a, b)| last < *a || first > *b) {
                    periods.push((first, last));
                }
            }
            for (first, last) in periods {
                plan.absences.push(Absence {
                    id: Uuid::now_v7().into(),
                    person,
                    first_day: first,
                    last_day: last,
                    source: "import".into(),
                    created_at: at_hour(first, 7).min(now),
                });
            }
        }
    }
    plan
}

/// The demo's coverage rules: a third of every unit of three or more on
/// site, and one receptionist where the unit has any.
pub fn coverage_rules(data: &OrgData, units: &[UnitSummary]) -> Vec<CoverageRule> {
    let mut people: HashMap<&str, (i64, bool)> = HashMap::new();
    for p in &data.people {
        let e = people.entry(p.unit_code.as_str()).or_default();
        e.0 += 1;
        e.1 |= p.skills.iter().any(|s| s.as_str() == "reception");
    }
    let rule = |unit_id, skill: Option<&str>, min_onsite| CoverageRule {
        id: Uuid::new_v4().into(),
        unit_id,
        kind: RuleKind::MinOnsite,
        skill: skill.map(String::from),
        min_onsite,
        weekdays: None,
        version: 1,
    };
    let mut rules = vec![];
    for u in units {
        let Some((n, reception)) = people.get(u.code.as_str()) else {
            continue;
        };
        if *n < 3 {
            continue;
        }
        rules.push(rule(u.id, None, (n + 2) / 3));
        if *reception {
            rules.push(rule(u.id, Some("reception"), 1));
        }
    }
    rules
}
