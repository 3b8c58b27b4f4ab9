//! A generated, realistic Swedish municipality for demos, tests and
//! benchmarks: förvaltningar → avdelningar → enheter, sites with addresses
//! and desks, people with Swedish names, managers, skills and commutes.
//! Deterministic: the same size gives the same organisation.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::import::{OrgData, PersonRow, SiteRow, UnitRow};
use crate::model::{CommuteMode, Email, EmployeeNumber, Role, Skill, UnitCode, UnitKind, Username};

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
}
