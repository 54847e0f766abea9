//! Events in calendars: which events a calendar can hold and how ([`calendar_when`]), each
//! event's VEVENT in each language (kept with its card), the links to calendars and feeds.

use std::sync::Arc;

use super::{Catalog, Edition, ics};
use crate::content::model::*;
use crate::content::parse::{first_instant, last_date};
use crate::error::Result;
use crate::schema::Moment;
use crate::urls;
use crate::views::{CalendarLink, FeedLink};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// Portals, networks and programs, newest facts first.
    Resources,
    Events,
}

impl FeedKind {
    pub fn neutral(self) -> &'static str {
        match self {
            FeedKind::Resources => urls::FEED_RESOURCES,
            FeedKind::Events => urls::FEED_EVENTS,
        }
    }
}

/// A subscribable calendar's path: every event's (`None`), or a province's.
pub(crate) fn calendar_neutral(province: Option<Province>) -> String {
    match province {
        None => urls::CALENDAR_ALL.to_string(),
        Some(p) => urls::province_calendar(p.code()),
    }
}

/// How a calendar holds an event, or `None` when the source gives only its month or year: a
/// calendar entry spanning a whole month or year would claim a date nobody knows, so such events
/// get no calendar entry (their pages say so).
pub fn calendar_when(e: &Event, tz: &jiff::tz::TimeZone) -> Option<ics::When> {
    if !in_calendars(e) {
        return None;
    }
    Some(match (e.start, e.end) {
        (Moment::Date(first), None) => ics::When::Days { first, last: first },
        (Moment::Date(first), Some(Moment::Date(last))) => ics::When::Days { first, last },
        (start, end) => ics::When::Times {
            start: first_instant(start, tz),
            end: end.map(|m| match m {
                Moment::DateTime(t) => t,
                // A whole day ends at the next midnight in the site's zone.
                other => last_date(other, tz)
                    .tomorrow()
                    .ok()
                    .and_then(|d| d.to_zoned(tz.clone()).ok())
                    .map_or(first_instant(other, tz), |z| z.timestamp()),
            }),
        },
    })
}

/// Whether an event goes into calendars: one known only to the month or year has no day to show.
pub(crate) fn in_calendars(e: &Event) -> bool {
    let vague = |m: Moment| matches!(m, Moment::Year(_) | Moment::Month(_));
    !vague(e.start) && !e.end.is_some_and(vague)
}

/// `https://hub.example.org/x/` -> `hub.example.org`.
pub(crate) fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

impl Catalog<'_> {
    /// The subscribable calendar of a list (`None`: all events), if it has any events.
    pub(crate) fn calendar_link(&self, lang: &Edition, province: Option<Province>) -> Option<CalendarLink> {
        if !self.calendar_has_events(province) {
            return None;
        }
        let path = lang.url(&calendar_neutral(province));
        let absolute = format!("{}{path}", self.origin);
        Some(CalendarLink {
            webcal: absolute
                .replacen("https://", "webcal://", 1)
                .replacen("http://", "webcal://", 1),
            absolute,
            url: path,
        })
    }

    /// The URL of an event's own `.ics` file, when it has one.
    pub(crate) fn event_calendar_url(&self, lang: &Edition, i: usize) -> Option<String> {
        let original = self.entities[i].original;
        let e = original.event()?;
        calendar_when(e, &self.site.config.timezone)?;
        let slug = &original.slug;
        Some(lang.url(&urls::event_calendar(slug)))
    }

    /// The feeds and calendar every page links to (head autodiscovery and the footer).
    pub(crate) fn site_feeds(&self, lang: &Edition) -> Result<Vec<FeedLink>> {
        let mut links = vec![
            FeedLink {
                title: lang.tr("feed_resources_link")?,
                url: lang.url(FeedKind::Resources.neutral()),
                kind: "atom".into(),
            },
            FeedLink {
                title: lang.tr("feed_events_link")?,
                url: lang.url(FeedKind::Events.neutral()),
                kind: "atom".into(),
            },
        ];
        if let Some(cal) = self.calendar_link(lang, None) {
            links.push(FeedLink {
                title: lang.tr("calendar_all_link")?,
                url: cal.url,
                kind: "calendar".into(),
            });
        }
        Ok(links)
    }

    /// Entity `i`'s VEVENT in `lang`'s calendars, written once per plan (and kept across plans
    /// with its card): the calendar of every event holds thousands.
    pub(crate) fn event_block(&self, lang: &Edition, i: usize) -> Option<Arc<str>> {
        self.ics_event(lang, i).map(|e| Arc::from(ics::event_block(&e)))
    }

    pub(crate) fn ics_event(&self, lang: &Edition, i: usize) -> Option<ics::Event> {
        let entity = &self.entities[i];
        let item = entity.shown(lang.code);
        let e = item.event()?;
        let tz = &self.site.config.timezone;
        let when = calendar_when(e, tz)?;
        let url = format!("{}{}", self.origin, lang.url(&entity.neutral()));
        let summary = &lang.cards[i].summary;
        let more = lang
            .t
            .get("calendar_details")
            .map_or_else(|| url.clone(), |s| s.replace("{url}", &url));
        let location = match (&e.location, e.format) {
            (Some(place), _) => Some(place.clone()),
            (None, Format::Online) => lang.t.get("format_online").cloned(),
            (None, _) => None,
        };
        Some(ics::Event {
            uid: format!(
                "{}-{}@{}",
                entity.original.collection.name(),
                entity.original.slug,
                host_of(&self.site.config.base_url)
            ),
            stamp: item
                .reviewed
                .to_zoned(jiff::tz::TimeZone::UTC)
                .map(|z| z.timestamp())
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
            when,
            summary: item.title.clone(),
            description: if summary.is_empty() {
                more
            } else {
                format!("{summary}\n\n{more}")
            },
            location,
            url,
        })
    }

    pub(crate) fn product(&self, lang: &Edition) -> String {
        format!(
            "-//{}//iehp {}//{}",
            ics::text(&lang.site.title),
            env!("CARGO_PKG_VERSION"),
            lang.code.to_string().to_uppercase()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::parse_moment;

    fn tz() -> jiff::tz::TimeZone {
        jiff::tz::db().get("America/Toronto").unwrap()
    }

    fn event(start: &str, end: Option<&str>) -> Event {
        Event {
            start: parse_moment(start).unwrap(),
            end: end.map(|e| parse_moment(e).unwrap()),
            format: Format::Online,
            location: None,
            host: None,
            partners: vec![],
            language: None,
            registration_url: None,
            recording_url: None,
        }
    }

    #[track_caller]
    fn when(start: &str, end: Option<&str>, expected: Option<ics::When>) {
        assert_eq!(calendar_when(&event(start, end), &tz()), expected);
    }

    #[test]
    fn events_in_calendars() {
        let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
        let t = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
        when("2023", None, None);
        when("2023-06", None, None);
        when("2023-06-01", Some("2023-07"), None);
        when(
            "2023-10-14",
            None,
            Some(ics::When::Days {
                first: d("2023-10-14"),
                last: d("2023-10-14"),
            }),
        );
        when(
            "2025-11-22T09:30:00-05:00",
            Some("2025-11-22T13:00:00-05:00"),
            Some(ics::When::Times {
                start: t("2025-11-22T14:30:00Z"),
                end: Some(t("2025-11-22T18:00:00Z")),
            }),
        );
        // A timed start with a day as its end lasts until that day's midnight, local time.
        when(
            "2025-11-22T09:30:00-05:00",
            Some("2025-11-23"),
            Some(ics::When::Times {
                start: t("2025-11-22T14:30:00Z"),
                end: Some(t("2025-11-24T05:00:00Z")),
            }),
        );
    }

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://hub.example.org/x/"), "hub.example.org");
        assert_eq!(host_of("https://hub.example.org"), "hub.example.org");
    }
}
