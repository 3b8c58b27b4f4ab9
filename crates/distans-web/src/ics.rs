//! A person's plan as an iCalendar (RFC 5545) feed, written with the
//! `icalendar` crate: one all-day event per workday, in Swedish, marked
//! transparent so that it never makes anyone look busy.

use std::fmt::Write;

use chrono::{DateTime, NaiveDate, Utc};
use distans_core::feed::CalendarFeed;
use distans_core::plan::{DayState, Part, PlanDay, Source};
use distans_core::CoreError;
use icalendar::{Calendar, Component, EventLike, Property};
use time::Date;

/// The summary of a state, in Swedish.
pub fn state_text(s: DayState) -> &'static str {
    match s {
        DayState::Remote => "Distans",
        DayState::Workplace => "På arbetsplatsen",
        DayState::Other => "Annan arbetsplats",
        DayState::Absent => "Frånvarande",
    }
}

fn source_text(s: Source) -> &'static str {
    match s {
        Source::Absence => "Frånvaro.",
        Source::Occasional => "Enstaka dag, inlagd i distans.",
        Source::Rotation => "Enligt enhetens rotationsschema.",
        Source::Agreement => "Enligt överenskommelsen om distansarbete.",
        Source::Default => "Arbetsplatsen är utgångsläget.",
    }
}

/// The event's summary and description for a day.
pub fn day_texts(d: &PlanDay) -> (String, String) {
    match (d.part, d.rest) {
        (Some(part), rest) => {
            let rest = rest.unwrap_or(DayState::Workplace);
            let (this, other, short) = match part {
                Part::Am => ("Förmiddag", "Eftermiddag", "fm"),
                Part::Pm => ("Eftermiddag", "Förmiddag", "em"),
            };
            (
                format!("{} ({short})", state_text(d.state)),
                format!(
                    "{this}: {}. {other}: {}. {}",
                    state_text(d.state),
                    state_text(rest),
                    source_text(d.source)
                ),
            )
        }
        (None, _) => (
            state_text(d.state).to_string(),
            source_text(d.source).to_string(),
        ),
    }
}

fn naive(d: Date) -> Result<NaiveDate, CoreError> {
    NaiveDate::from_ymd_opt(d.year(), u8::from(d.month()) as u32, d.day() as u32)
        .ok_or_else(|| CoreError::Internal(format!("date {d} out of range")))
}

/// The feed as iCalendar text (CRLF line ends, folded lines).
pub fn render(feed: &CalendarFeed) -> Result<String, CoreError> {
    let stamp = DateTime::<Utc>::from_timestamp(feed.generated.unix_timestamp(), 0)
        .ok_or_else(|| CoreError::Internal("time out of range".into()))?;
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//distans//Arbetsplan//SV"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        // Ask calendar programs to fetch it again every hour.
        .append_property(
            Property::new("REFRESH-INTERVAL", "PT1H")
                .add_parameter("VALUE", "DURATION")
                .done(),
        )
        .append_property(Property::new("X-PUBLISHED-TTL", "PT1H"));
    cal.name(&format!("Distans – {}", feed.name));
    cal.description("Var du arbetar varje arbetsdag, enligt distans.");
    let site = feed.site.as_ref().map(|s| {
        if s.address.is_empty() {
            s.name.clone()
        } else {
            format!("{}, {}", s.name, s.address)
        }
    });
    for d in &feed.days {
        let (summary, description) = day_texts(d);
        let day = naive(d.date)?;
        let next = day
            .succ_opt()
            .ok_or_else(|| CoreError::Internal("date out of range".into()))?;
        let mut e = icalendar::Event::new();
        e.uid(&format!("{}-{}@distans", d.date, feed.person))
            .timestamp(stamp)
            .starts(day)
            .ends(next)
            .summary(&summary)
            .description(&description)
            .add_property("TRANSP", "TRANSPARENT");
        if let Some(place) = &site {
            if d.state == DayState::Workplace
                || (d.part.is_some() && d.rest == Some(DayState::Workplace))
            {
                e.location(place);
            }
        }
        cal.push(e.done());
    }
    let mut out = String::new();
    write!(out, "{cal}").map_err(|e| CoreError::Internal(format!("iCalendar: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};
    use uuid::Uuid;

    fn feed() -> CalendarFeed {
        CalendarFeed {
            person: Uuid::from_u128(7).into(),
            name: "Anna Lindqvist".into(),
            site: Some(distans_core::org::Site {
                id: (Uuid::from_u128(1)).into(),
                name: "Stadshuset".into(),
                address: "Storgatan 1, Sjövik".into(),
                desks: 10,
            }),
            days: vec![
                PlanDay {
                    date: date!(2026 - 12 - 04),
                    state: DayState::Remote,
                    source: Source::Agreement,
                    part: None,
                    rest: None,
                },
                PlanDay {
                    date: date!(2026 - 12 - 07),
                    state: DayState::Remote,
                    source: Source::Occasional,
                    part: Some(Part::Am),
                    rest: Some(DayState::Workplace),
                },
            ],
            generated: datetime!(2026-11-23 10:00:00 UTC),
        }
    }

    #[test]
    fn all_day_events_with_stable_uids() {
        let text = render(&feed()).unwrap();
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
        assert!(text.contains("X-WR-CALNAME:Distans – Anna Lindqvist\r\n"));
        assert!(text.contains("DTSTART;VALUE=DATE:20261204\r\n"), "{text}");
        assert!(text.contains("DTEND;VALUE=DATE:20261205\r\n"));
        assert!(text.contains("UID:2026-12-04-00000000-0000-0000-0000-000000000007@distans\r\n"));
        assert!(text.contains("DTSTAMP:20261123T100000Z\r\n"));
        assert!(text.contains("SUMMARY:Distans (fm)\r\n"));
        assert!(text.contains("Eftermiddag: På arbetsplatsen."));
        // The half day is on site in the afternoon: the site is its place.
        assert!(text.contains("LOCATION:Stadshuset\\, Storgatan 1\\, Sjövik\r\n"));
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
        assert_eq!(
            render(&feed()).unwrap(),
            text,
            "the same plan, the same text"
        );
    }
}
