//! A generated, realistic Swedish municipality for demos, tests and
//! benchmarks: förvaltningar → avdelningar → enheter, sites with addresses
//! and desks, people with Swedish names, managers, skills and commutes.
//! Deterministic: the same size gives the same organisation.

use std::collections::{BTreeSet, HashMap};

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::absence::Absence;
use crate::agreement::{self, AgreementFacts};
use crate::calendar::{iso_week, WorkCalendar};
use crate::import::{OrgData, PersonRow, SiteRow, UnitRow};
use crate::model::{CommuteMode, Email, EmployeeNumber, Role, Skill, UnitCode, UnitKind, Username};
use crate::plan::{DayState, Part};
use crate::policy::{Place, PolicyVersion, Weekday};

/// The password of every demo sign-in.
pub const DEMO_PASSWORD: &str = "demo";
pub const MIN_SIZE: usize = 40;
pub const MAX_SIZE: usize = 200_000;

/// The demo sign-ins: username, what they are.
pub const DEMO_ACCOUNTS: &[(&str, &str)] = &[
    ("admin", "administratör (IT)"),
    ("hr", "HR-chef"),
    ("chef", "enhetschef, Kontaktcenter"),
    ("anna", "medarbetare hos chef"),
    ("bo", "medarbetare, Bygglov"),
    ("bygg", "enhetschef, Bygglov (bo:s chef)"),
    ("revisor", "revisor (läsbehörighet)"),
    ("direktor", "kommundirektör (tillfälliga beslut)"),
];

const GIVEN: &[&str] = &[
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Kerstin", "Emma", "Ingrid", "Malin",
    "Linnea", "Johanna", "Sofia", "Elin", "Ida", "Hanna", "Frida", "Julia", "Maja", "Elsa",
    "Astrid", "Agnes", "Birgitta", "Ulla", "Camilla", "Jenny", "Therese", "Louise", "Amira",
    "Fatima", "Leyla", "Aino", "Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Nils", "Mikael",
    "Jan", "Hans", "Peter", "Fredrik", "Mattias", "Oskar", "Gustav", "Viktor", "Axel", "Emil",
    "Olof", "Magnus", "Björn", "Göran", "Stefan", "Jonas", "Daniel", "Ali", "Mohammed", "Ahmed",
    "Juha", "Mats",
];
const FAMILY: &[&str] = &[
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Lindström",
    "Olofsson",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Lundqvist",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Eklund",
    "Danielsson",
    "Lundin",
    "Håkansson",
    "Björk",
    "Bergman",
    "Gunnarsson",
    "Holm",
    "Wikström",
    "Samuelsson",
    "Isaksson",
    "Fransson",
    "Bergqvist",
    "Nyström",
    "Holmberg",
    "Arvidsson",
    "Löfgren",
    "Söderberg",
    "Nyberg",
    "Blomqvist",
    "Claesson",
    "Nordström",
    "Mårtensson",
    "Åberg",
    "Ek",
    "Öberg",
    "Hussein",
    "Ali",
    "Mohammed",
    "Virtanen",
    "Korhonen",
];
const AREAS: &[&str] = &[
    "Norr",
    "Söder",
    "Öster",
    "Väster",
    "Centrum",
    "Hamnen",
    "Bruket",
    "Åsen",
    "Dalen",
    "Backa",
    "Strand",
    "Skogen",
    "Ängen",
    "Kyrkbyn",
    "Stationen",
    "Torget",
];

struct Avd {
    code: &'static str,
    name: &'static str,
    /// Stem of its enheter's names.
    stem: &'static str,
    skills: &'static [&'static str],
    title: &'static str,
    site: usize,
}

struct Forv {
    code: &'static str,
    name: &'static str,
    avd: &'static [Avd],
}

const SITES: &[(&str, &str)] = &[
    ("Stadshuset", "Storgatan 1, 123 30 Sjövik"),
    ("Socialkontoret", "Kyrkogatan 12, 123 31 Sjövik"),
    ("Skolkontoret", "Skolvägen 4, 123 34 Sjövik"),
    ("Tekniska kontoret", "Verkstadsgatan 8, 123 40 Sjövik"),
    ("Kulturhuset", "Torget 3, 123 30 Sjövik"),
    ("Miljöhuset", "Hamngatan 22, 123 35 Sjövik"),
];

const FORV: &[Forv] = &[
    Forv {
        code: "KLF",
        name: "Kommunledningsförvaltningen",
        avd: &[
            Avd {
                code: "KC",
                name: "Kontaktcenter",
                stem: "Kontaktcenter",
                skills: &["reception", "kundtjänst"],
                title: "Kundtjänsthandläggare",
                site: 0,
            },
            Avd {
                code: "HR",
                name: "HR-avdelningen",
                stem: "HR",
                skills: &["lön", "hr"],
                title: "HR-specialist",
                site: 0,
            },
            Avd {
                code: "IT",
                name: "IT-avdelningen",
                stem: "IT",
                skills: &["it-support", "informationssäkerhet"],
                title: "IT-tekniker",
                site: 0,
            },
            Avd {
                code: "EK",
                name: "Ekonomiavdelningen",
                stem: "Ekonomi",
                skills: &["ekonomi", "upphandling"],
                title: "Ekonom",
                site: 0,
            },
            Avd {
                code: "KOM",
                name: "Kommunikationsavdelningen",
                stem: "Kommunikation",
                skills: &["kommunikation"],
                title: "Kommunikatör",
                site: 0,
            },
        ],
    },
    Forv {
        code: "SOC",
        name: "Socialförvaltningen",
        avd: &[
            Avd {
                code: "IFO",
                name: "Individ- och familjeomsorg",
                stem: "IFO",
                skills: &[
                    "myndighetsutövning",
                    "socialsekreterare",
                    "sekretessklassad",
                ],
                title: "Socialsekreterare",
                site: 1,
            },
            Avd {
                code: "ALD",
                name: "Äldreomsorg",
                stem: "Hemtjänst",
                skills: &["omsorg", "myndighetsutövning"],
                title: "Biståndshandläggare",
                site: 1,
            },
            Avd {
                code: "FS",
                name: "Funktionsstöd",
                stem: "Funktionsstöd",
                skills: &["omsorg", "myndighetsutövning"],
                title: "LSS-handläggare",
                site: 1,
            },
            Avd {
                code: "AM",
                name: "Arbetsmarknadsavdelningen",
                stem: "Arbetsmarknad",
                skills: &["vägledning"],
                title: "Arbetsmarknadskonsulent",
                site: 1,
            },
        ],
    },
    Forv {
        code: "UTB",
        name: "Utbildningsförvaltningen",
        avd: &[
            Avd {
                code: "GR",
                name: "Grundskoleavdelningen",
                stem: "Grundskola",
                skills: &["undervisning"],
                title: "Lärare",
                site: 2,
            },
            Avd {
                code: "FSK",
                name: "Förskoleavdelningen",
                stem: "Förskola",
                skills: &["undervisning", "omsorg"],
                title: "Förskollärare",
                site: 2,
            },
            Avd {
                code: "EH",
                name: "Elevhälsan",
                stem: "Elevhälsa",
                skills: &["elevhälsa"],
                title: "Kurator",
                site: 2,
            },
            Avd {
                code: "GY",
                name: "Gymnasieavdelningen",
                stem: "Gymnasium",
                skills: &["undervisning"],
                title: "Gymnasielärare",
                site: 2,
            },
        ],
    },
    Forv {
        code: "SBF",
        name: "Samhällsbyggnadsförvaltningen",
        avd: &[
            Avd {
                code: "BYG",
                name: "Bygglovsavdelningen",
                stem: "Bygglov",
                skills: &["myndighetsutövning", "bygglov"],
                title: "Bygglovshandläggare",
                site: 3,
            },
            Avd {
                code: "GP",
                name: "Gata och park",
                stem: "Gata och park",
                skills: &["drift"],
                title: "Drifttekniker",
                site: 3,
            },
            Avd {
                code: "PL",
                name: "Planavdelningen",
                stem: "Planering",
                skills: &["planering"],
                title: "Planarkitekt",
                site: 3,
            },
            Avd {
                code: "LM",
                name: "Lantmäteriet",
                stem: "Lantmäteri",
                skills: &["myndighetsutövning", "gis"],
                title: "Lantmätare",
                site: 3,
            },
        ],
    },
    Forv {
        code: "KFF",
        name: "Kultur- och fritidsförvaltningen",
        avd: &[
            Avd {
                code: "BIB",
                name: "Biblioteksavdelningen",
                stem: "Bibliotek",
                skills: &["reception", "bibliotek"],
                title: "Bibliotekarie",
                site: 4,
            },
            Avd {
                code: "FRI",
                name: "Fritidsavdelningen",
                stem: "Fritid",
                skills: &["fritid"],
                title: "Fritidsledare",
                site: 4,
            },
            Avd {
                code: "KS",
                name: "Kulturskolan",
                stem: "Kulturskola",
                skills: &["undervisning"],
                title: "Kulturskollärare",
                site: 4,
            },
        ],
    },
    Forv {
        code: "MHF",
        name: "Miljö- och hälsoskyddsförvaltningen",
        avd: &[
            Avd {
                code: "MT",
                name: "Miljötillsyn",
                stem: "Miljötillsyn",
                skills: &["myndighetsutövning", "tillsyn"],
                title: "Miljöinspektör",
                site: 5,
            },
            Avd {
                code: "LK",
                name: "Livsmedelskontroll",
                stem: "Livsmedel",
                skills: &["myndighetsutövning", "tillsyn"],
                title: "Livsmedelsinspektör",
                site: 5,
            },
        ],
    },
];

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
    for (i, username, role) in demo_idx {
        if let Some(p) = g.people.get_mut(i) {
            p.username = Username::parse(username).ok();
            p.roles = Some(role.into_iter().collect());
            p.email = Email::parse(&format!("{username}@sjovik.se")).ok();
        }
    }

    // Desks: about 70 % of the people who sit at each site.
    let mut counts = std::collections::HashMap::<String, i64>::new();
    for p in &g.people {
        if let Some(s) = &p.site_name {
            *counts.entry(s.clone()).or_default() += 1;
        }
    }
    for s in &mut data.sites {
        let n = counts.get(&s.name).copied().unwrap_or(0);
        s.desks = (n * 7 / 10).max(5);
    }
    data.people = g.people;
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn generates_a_consistent_organisation_with_the_demo_accounts() {
        for size in [40, 300, 5000] {
            let d = generate(size);
            assert_eq!(d.people.len(), size, "size {size}");
            let codes: HashSet<&str> = d.units.iter().map(|u| u.code.as_str()).collect();
            for u in &d.units {
                if let Some(p) = &u.parent_code {
                    assert!(codes.contains(p.as_str()));
                }
            }
            for p in &d.people {
                assert!(codes.contains(p.unit_code.as_str()));
            }
            let numbers: HashSet<&str> = d
                .people
                .iter()
                .map(|p| p.employee_number.as_str())
                .collect();
            assert_eq!(numbers.len(), size);
            let users: Vec<&str> = d
                .people
                .iter()
                .filter_map(|p| p.username.as_ref().map(|u| u.as_str()))
                .collect();
            for (u, _) in DEMO_ACCOUNTS {
                assert!(users.contains(u), "size {size}: {u} missing");
            }
            let by = |u: &str| {
                d.people
                    .iter()
                    .find(|p| p.username.as_ref().map(|x| x.as_str()) == Some(u))
            };
            let chef = by("chef").unwrap();
            let anna = by("anna").unwrap();
            let bo = by("bo").unwrap();
            assert_eq!(chef.manages, vec![anna.unit_code.clone()]);
            assert_ne!(bo.unit_code, anna.unit_code);
            let bygg = by("bygg").unwrap();
            assert_eq!(bygg.manages, vec![bo.unit_code.clone()]);
            // Some social workers have secrecy-classified tasks (the policy's example).
            if size >= 300 {
                assert!(d
                    .people
                    .iter()
                    .any(|p| p.skills.iter().any(|s| s.as_str() == "sekretessklassad")));
            }
            // Every unit has exactly one manager.
            let managed: Vec<&str> = d
                .people
                .iter()
                .flat_map(|p| p.manages.iter().map(|m| m.as_str()))
                .collect();
            assert_eq!(managed.len(), d.units.len());
        }
    }

    #[test]
    fn is_deterministic() {
        assert_eq!(generate(300), generate(300));
    }

    #[test]
    fn a_year_of_plan_data_within_the_policy() {
        use crate::policy::{PolicyRules, PolicyVersion};
        use time::macros::{date, datetime};
        let d = generate(2000);
        let ids: HashMap<String, Uuid> = d
            .people
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    p.employee_number.as_str().to_string(),
                    Uuid::from_u128(i as u128 + 1),
                )
            })
            .collect();
        let policy = PolicyVersion {
            id: Uuid::from_u128(0),
            version: 1,
            valid_from: date!(2020 - 01 - 01),
            rules: PolicyRules::default(),
            created_by: "test".into(),
        };
        let today = date!(2026 - 11 - 23);
        let now = datetime!(2026-11-23 12:00 UTC);
        let plan = generate_plan(&d, &ids, &policy, agreement::DEFAULT_TEMPLATE, today, now);
        let share = plan.agreements.len() as f64 / d.people.len() as f64;
        assert!((0.25..0.40).contains(&share), "agreements for {share}");
        let demo_ids: Vec<Uuid> = d
            .people
            .iter()
            .filter(|p| p.username.is_some())
            .map(|p| ids[p.employee_number.as_str()])
            .collect();
        let cal = WorkCalendar::default();
        for g in &plan.agreements {
            assert!((1..=2).contains(&g.weekdays.len()));
            assert!(g.start <= today && g.start >= today - Duration::days(182));
            assert!(g.end.is_none_or(|e| e >= today));
            assert!(g.signed_at <= now && g.applied_at < g.decided_at);
            assert!(g.text.contains("Sjöviks kommun") && !g.text.contains('{'));
            assert!(!demo_ids.contains(&g.person));
        }
        let mut seen = BTreeSet::new();
        let mut remote: HashMap<(Uuid, (i32, u8)), f64> = HashMap::new();
        for o in &plan.occasional {
            assert!(seen.insert((o.person, o.day)), "one a day");
            assert!(cal.is_workday(o.day));
            assert!(o.set_at <= now);
            assert!(!demo_ids.contains(&o.person));
            if o.state == DayState::Remote {
                *remote.entry((o.person, iso_week(o.day))).or_default() +=
                    if o.part.is_some() { 0.5 } else { 1.0 };
            }
        }
        assert!(
            remote.values().all(|n| *n <= 2.0),
            "the policy's two a week"
        );
        let with_occasional: BTreeSet<Uuid> = plan.occasional.iter().map(|o| o.person).collect();
        assert!(
            with_occasional.len() > d.people.len() / 5,
            "{}",
            with_occasional.len()
        );
        assert!(plan.occasional.len() > with_occasional.len() * 12);
        assert!(plan.absences.len() > d.people.len() / 20);
        assert!(plan.absences.iter().all(|a| a.first_day <= a.last_day));
        // The same people and patterns for the same size.
        let again = generate_plan(&d, &ids, &policy, agreement::DEFAULT_TEMPLATE, today, now);
        let people = |p: &DemoPlan| {
            p.agreements
                .iter()
                .map(|g| (g.person, g.weekdays.clone(), g.start))
                .collect::<Vec<_>>()
        };
        assert_eq!(people(&plan), people(&again));
        assert_eq!(plan.occasional, again.occasional);
    }
}

/// An approved request with its active, signed agreement.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoAgreement {
    pub request_id: Uuid,
    pub agreement_id: Uuid,
    pub person: Uuid,
    pub decider: Uuid,
    pub weekdays: Vec<Weekday>,
    pub start: Date,
    pub end: Option<Date>,
    pub reason: String,
    pub confirmations: Vec<String>,
    pub policy_version: i64,
    pub notice_days: i64,
    pub text: String,
    pub text_sha256: String,
    pub applied_at: OffsetDateTime,
    pub decided_at: OffsetDateTime,
    pub signed_at: OffsetDateTime,
}

/// An occasional day a person set.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOccasional {
    pub person: Uuid,
    pub day: Date,
    pub state: DayState,
    pub part: Option<Part>,
    pub set_at: OffsetDateTime,
}

/// A year of plan data around today for the demo organisation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemoPlan {
    pub agreements: Vec<DemoAgreement>,
    pub occasional: Vec<DemoOccasional>,
    pub absences: Vec<Absence>,
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
    ids: &HashMap<String, Uuid>,
) -> Vec<(&'a PersonRow, Uuid)> {
    org.people
        .iter()
        .filter(|p| p.manages.is_empty() && p.username.is_none())
        .filter_map(|p| ids.get(p.employee_number.as_str()).map(|id| (p, *id)))
        .collect()
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
    ids: &HashMap<String, Uuid>,
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
    let from = today - Duration::days(182);
    let to = today + Duration::days(182);
    let workdays = cal.workdays(from, to);
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
                    days_per_week: weekdays.len() as u8,
                    weekdays: weekdays.clone(),
                    place: Place::Home,
                    place_address: None,
                    start,
                    end,
                    presence: rules.presence_requirements.clone(),
                    follow_up_months: rules.follow_up_interval_months,
                    notice_days: rules.notice_period_days,
                    policy_version: policy.version,
                };
                let text = agreement::render(template, &facts);
                let applied_at = at_hour(start - Duration::days(21), 9);
                plan.agreements.push(DemoAgreement {
                    request_id: Uuid::now_v7(),
                    agreement_id: Uuid::now_v7(),
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
                    id: Uuid::now_v7(),
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
