//! What the plan offers readers beyond the HTML pages: an `.ics` file per event and
//! subscribable calendars (all events, and each province's with the national ones), Atom feeds
//! of resources and of events, schema.org `Event` JSON-LD, the thank-you page of a page's
//! form, and the links to all of these. Pure, like the rest of the plan; the bytes of calendars
//! and feeds come from the `ics` and `atom` writers.

use super::*;
use crate::render::{atom, ics};
use crate::schema::Moment;

/// Entries per Atom feed: the newest ones.
const FEED_SIZE: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// Portals, networks and programs, newest facts first.
    Resources,
    Events,
}

impl FeedKind {
    pub fn neutral(self) -> &'static str {
        match self {
            FeedKind::Resources => "feeds/resources.xml",
            FeedKind::Events => "feeds/events.xml",
        }
    }
}

/// The forms a page may carry (front matter `form:`).
pub fn form_name(form: PageForm) -> &'static str {
    match form {
        PageForm::EmployerInquiry => "employer-inquiry",
    }
}

impl PageKind {
    /// Pages a search engine should list: not the 404, thank-you pages, calendars or feeds.
    pub fn in_sitemap(&self) -> bool {
        !matches!(
            self,
            PageKind::NotFound
                | PageKind::Sitemap
                | PageKind::Robots
                | PageKind::EventCalendar(_)
                | PageKind::Calendar(_)
                | PageKind::Feed(_)
                | PageKind::FormThanks(_)
        )
    }

    /// Files written by the plan's own writers rather than a template.
    pub fn is_generated(&self) -> bool {
        matches!(
            self,
            PageKind::EventCalendar(_) | PageKind::Calendar(_) | PageKind::Feed(_)
        )
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
fn in_calendars(e: &Event) -> bool {
    let vague = |m: Moment| matches!(m, Moment::Year(_) | Moment::Month(_));
    !vague(e.start) && !e.end.is_some_and(vague)
}

/// A moment as schema.org writes dates: `2025-11-22T09:30:00-05:00` in the site's zone, or just
/// as much of a date as is known (`2025-06-26`, `2023-06`, `2023`).
fn schema_date(m: Moment, tz: &jiff::tz::TimeZone) -> String {
    match m {
        Moment::DateTime(t) => t
            .to_zoned(tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        other => dates::iso(other),
    }
}

/// JSON for a `<script type="application/ld+json">`: `<`, `>` and `&` are escaped so the text
/// can never close the element or start markup.
fn json_for_html(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `https://hub.example.org/x/` -> `hub.example.org`.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

impl<'a> Plan<'a> {
    /// Plans the calendars, feeds and thank-you pages of language `l`.
    pub(super) fn plan_readers(&mut self, l: usize) {
        let tz = self.site.config.timezone.clone();
        for i in 0..self.entities.len() {
            let original = self.entities[i].original;
            if let Some(e) = original.event()
                && calendar_when(e, &tz).is_some()
            {
                let slug = &original.slug;
                self.push(
                    l,
                    PageKind::EventCalendar(i),
                    "",
                    format!("events/{slug}/{slug}.ics"),
                );
            }
            if original.collection == Collection::Pages && original.form.is_some() {
                self.push(
                    l,
                    PageKind::FormThanks(i),
                    "thanks.html",
                    format!("{}/thanks/", original.slug),
                );
            }
        }
        for province in std::iter::once(None).chain(Province::ALL.into_iter().map(Some)) {
            if self.calendar_has_events(province) {
                self.push(l, PageKind::Calendar(province), "", calendar_neutral(province));
            }
        }
        for feed in [FeedKind::Resources, FeedKind::Events] {
            self.push(l, PageKind::Feed(feed), "", feed.neutral().to_string());
        }
    }

    /// Whether a calendar has any event; cheap, as list pages ask it for their links.
    fn calendar_has_events(&self, province: Option<Province>) -> bool {
        let dated = |i: &usize| self.entities[*i].original.event().is_some_and(in_calendars);
        let listed = |p: Province| self.by_province.get(&p).into_iter().flatten().any(dated);
        match province {
            None => (0..self.entities.len()).any(|i| dated(&i)),
            Some(p) => listed(p) || (p != Province::CA && listed(Province::CA)),
        }
    }

    /// Events with a known day in a calendar, soonest first: every event, or a province's own
    /// and the national ones (as its page lists them).
    pub(super) fn calendar_events(&self, province: Option<Province>) -> Vec<usize> {
        let mut idx: Vec<usize> = match province {
            None => (0..self.entities.len()).collect(),
            Some(p) => {
                let mut v = self.by_province.get(&p).cloned().unwrap_or_default();
                if p != Province::CA {
                    v.extend(self.by_province.get(&Province::CA).into_iter().flatten());
                }
                v.sort_unstable();
                v.dedup();
                v
            }
        };
        idx.retain(|i| self.entities[*i].original.event().is_some_and(in_calendars));
        // `starts` holds each event's first instant.
        idx.sort_unstable_by_key(|i| (self.starts[*i], *i));
        idx
    }

    /// The subscribable calendar of a list (`None`: all events), if it has any events.
    pub(super) fn calendar_link(&self, lang: &Lang, province: Option<Province>) -> Option<CalendarLink> {
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
    pub(super) fn event_calendar_url(&self, lang: &Lang, i: usize) -> Option<String> {
        let original = self.entities[i].original;
        let e = original.event()?;
        calendar_when(e, &self.site.config.timezone)?;
        let slug = &original.slug;
        Some(lang.url(&format!("events/{slug}/{slug}.ics")))
    }

    /// schema.org `Event` data for an event page.
    pub(super) fn event_json_ld(&self, lang: &Lang, i: usize, item: &Item, e: &Event) -> String {
        let tz = &self.site.config.timezone;
        let url = format!("{}{}", self.origin, lang.url(&self.entities[i].neutral()));
        let mut ld = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Event",
            "name": item.title,
            "description": lang.cards[i].summary,
            "url": url,
            "startDate": schema_date(e.start, tz),
        });
        let mode = match e.format {
            Format::Online => Some("https://schema.org/OnlineEventAttendanceMode"),
            Format::InPerson => Some("https://schema.org/OfflineEventAttendanceMode"),
            Format::Hybrid => Some("https://schema.org/MixedEventAttendanceMode"),
            Format::NotStated => None,
        };
        let mut locations = Vec::new();
        if let (Some(place), Format::InPerson | Format::Hybrid | Format::NotStated) = (&e.location, e.format)
        {
            locations.push(serde_json::json!({"@type": "Place", "name": place, "address": place}));
        }
        if matches!(e.format, Format::Online | Format::Hybrid) {
            let online = e.registration_url.clone().unwrap_or_else(|| url.clone());
            locations.push(serde_json::json!({"@type": "VirtualLocation", "url": online}));
        }
        if let Some(obj) = ld.as_object_mut() {
            if let Some(mode) = mode {
                obj.insert("eventAttendanceMode".into(), mode.into());
            }
            if let Some(end) = e.end {
                obj.insert("endDate".into(), schema_date(end, tz).into());
            }
            if !locations.is_empty() {
                obj.insert("location".into(), serde_json::Value::Array(locations));
            }
            if let Some(host) = &e.host {
                obj.insert(
                    "organizer".into(),
                    serde_json::json!({"@type": "Organization", "name": host}),
                );
            }
            let langs = match e.language {
                Some(EventLanguage::En) => Some(serde_json::json!("en")),
                Some(EventLanguage::Fr) => Some(serde_json::json!("fr")),
                Some(EventLanguage::Bilingual) => Some(serde_json::json!(["en", "fr"])),
                Some(EventLanguage::NotStated) | None => None,
            };
            if let Some(langs) = langs {
                obj.insert("inLanguage".into(), langs);
            }
        }
        json_for_html(&ld)
    }

    /// The form a page carries, in this language.
    pub(super) fn form_view(&self, lang: &Lang, i: usize) -> Option<FormView> {
        let original = self.entities[i].original;
        let form = original.form?;
        Some(FormView {
            name: form_name(form).to_string(),
            action: lang.url(&format!("{}/thanks/", original.slug)),
            lang: lang.code.to_string(),
            provinces: Province::ALL
                .iter()
                .map(|p| self.province_link(lang, *p))
                .collect(),
        })
    }

    /// The template context of a thank-you page.
    pub(super) fn thanks_context(&self, lang: &Lang, neutral: &str, i: usize) -> Result<Context> {
        let page = self.entities[i].shown(lang.code);
        let mut ctx = self.base_context(lang, neutral, &lang.tr("form_thanks_title")?, "");
        ctx.insert(
            "thanks",
            &ThanksView {
                back_url: lang.url(&self.entities[i].neutral()),
                back_title: page.title.clone(),
                back_lang: (page.lang != lang.code).then(|| page.lang.clone()),
            },
        );
        Ok(ctx)
    }

    /// The same 404 help in the other languages, for readers who arrive in the wrong one.
    pub(super) fn other_languages(&self, l: usize) -> Vec<OtherLanguage> {
        self.langs
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != l)
            .map(|(_, other)| OtherLanguage {
                lang: other.code.to_string(),
                text: other.t.get("not_found_title_other").cloned().unwrap_or_default(),
                home_label: other.t.get("not_found_home").cloned().unwrap_or_default(),
                home_url: other.root.clone(),
            })
            .collect()
    }

    /// The feeds and calendar every page links to (head autodiscovery and the footer).
    pub(super) fn site_feeds(&self, lang: &Lang) -> Result<Vec<FeedLink>> {
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

    /// The bytes of a calendar or feed, or `None` for pages rendered from templates.
    pub fn generated(&self, page: &Page) -> Result<Option<String>> {
        let lang = &self.langs[page.lang];
        let text = match &page.kind {
            PageKind::EventCalendar(i) => {
                let item = self.entities[*i].shown(lang.code);
                let calendar = ics::Calendar {
                    product: self.product(lang),
                    name: item.title.clone(),
                    description: lang.cards[*i].summary.clone(),
                    url: format!("{}{}", self.origin, lang.url(&self.entities[*i].neutral())),
                    events: Vec::new(),
                };
                ics::write_with_blocks(&calendar, lang.event_blocks[*i].as_deref().into_iter())
            }
            PageKind::Calendar(province) => {
                let (name, page_neutral) = match province {
                    None => (lang.tr("calendar_name_all")?, "events/".to_string()),
                    Some(Province::CA) => (lang.tr("calendar_name_national")?, "provinces/ca/".to_string()),
                    Some(p) => (
                        lang.tr("calendar_name_province")?
                            .replace("{province}", p.name(lang.code)),
                        format!("provinces/{}/", p.code().to_lowercase()),
                    ),
                };
                let calendar = ics::Calendar {
                    product: self.product(lang),
                    name: format!("{} – {name}", lang.site.title),
                    description: lang.tr("list_intro_events")?,
                    url: format!("{}{}", self.origin, lang.url(&page_neutral)),
                    events: Vec::new(),
                };
                let events = self.calendar_events(*province);
                ics::write_with_blocks(
                    &calendar,
                    events.iter().filter_map(|i| lang.event_blocks[*i].as_deref()),
                )
            }
            PageKind::Feed(kind) => atom::write(&self.feed(lang, *kind)?),
            _ => return Ok(None),
        };
        Ok(Some(text))
    }

    fn product(&self, lang: &Lang) -> String {
        format!(
            "-//{}//iehp {}//{}",
            ics::text(&lang.site.title),
            env!("CARGO_PKG_VERSION"),
            lang.code.to_uppercase()
        )
    }

    /// Entity `i`'s VEVENT in `lang`'s calendars, written once per plan (and kept across plans
    /// with its card): the calendar of every event holds thousands.
    pub(super) fn event_block(&self, lang: &Lang, i: usize) -> Option<Arc<str>> {
        self.ics_event(lang, i).map(|e| Arc::from(ics::event_block(&e)))
    }

    fn ics_event(&self, lang: &Lang, i: usize) -> Option<ics::Event> {
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

    fn feed(&self, lang: &Lang, kind: FeedKind) -> Result<atom::Feed> {
        let collections: &[Collection] = match kind {
            FeedKind::Resources => &[Collection::Portals, Collection::Members, Collection::Programs],
            FeedKind::Events => &[Collection::Events],
        };
        let tz = &self.site.config.timezone;
        let mut idx: Vec<usize> = (0..self.entities.len())
            .filter(|i| collections.contains(&self.entities[*i].original.collection))
            .collect();
        // Only items reviewed no earlier than the FEED_SIZE-th newest can be in the feed; the
        // full order is worked out for those alone (the dev server does this after every edit).
        if idx.len() > FEED_SIZE {
            let mut dates: Vec<Date> = idx.iter().map(|i| self.entities[*i].original.reviewed).collect();
            let (_, cutoff, _) = dates.select_nth_unstable_by(FEED_SIZE - 1, |a, b| b.cmp(a));
            let cutoff = *cutoff;
            idx.retain(|i| self.entities[*i].original.reviewed >= cutoff);
        }
        // Newest facts first; among events checked on the same day, the latest event first.
        idx.sort_by_cached_key(|i| {
            let original = self.entities[*i].original;
            let start = original.event().map(|e| first_instant(e.start, tz));
            (
                std::cmp::Reverse(original.reviewed),
                std::cmp::Reverse(start),
                original.slug.clone(),
            )
        });
        idx.truncate(FEED_SIZE);
        let entries = idx
            .into_iter()
            .map(|i| {
                let card = &lang.cards[i];
                let item = self.entities[i].shown(lang.code);
                let url = format!("{}{}", self.origin, card.url);
                let summary = match (card.when.is_empty(), card.summary.is_empty()) {
                    (false, false) => format!("{}. {}", card.when, card.summary),
                    (false, true) => card.when.clone(),
                    _ => card.summary.clone(),
                };
                atom::Entry {
                    id: url.clone(),
                    title: card.title.clone(),
                    url,
                    updated: item.reviewed,
                    summary,
                    lang: card.text_lang.clone(),
                    categories: card
                        .provinces
                        .iter()
                        .map(|p| (p.code.clone(), p.name.clone()))
                        .collect(),
                }
            })
            .collect();
        let (title, subtitle, page) = match kind {
            FeedKind::Resources => (
                lang.tr("feed_resources_title")?,
                lang.tr("feed_resources_subtitle")?,
                lang.root.clone(),
            ),
            FeedKind::Events => (
                lang.tr("feed_events_title")?,
                lang.tr("list_intro_events")?,
                lang.url("events/"),
            ),
        };
        let self_url = format!("{}{}", self.origin, lang.url(kind.neutral()));
        Ok(atom::Feed {
            id: self_url.clone(),
            lang: lang.code.to_string(),
            title: format!("{} – {title}", lang.site.title),
            subtitle,
            self_url,
            page_url: format!("{}{page}", self.origin),
            author: lang.site.title.clone(),
            author_url: format!("{}{}", self.origin, lang.root),
            fallback_updated: self.now,
            entries,
        })
    }
}

fn calendar_neutral(province: Option<Province>) -> String {
    match province {
        None => "events/calendar.ics".to_string(),
        Some(p) => format!("provinces/{}/calendar.ics", p.code().to_lowercase()),
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
    fn schema_dates_keep_their_precision() {
        let m = |s: &str| parse_moment(s).unwrap();
        assert_eq!(
            schema_date(m("2025-11-22T14:30:00Z"), &tz()),
            "2025-11-22T09:30:00-05:00"
        );
        assert_eq!(schema_date(m("2025-06-26"), &tz()), "2025-06-26");
        assert_eq!(schema_date(m("2023"), &tz()), "2023");
    }

    #[test]
    fn json_ld_cannot_close_its_script() {
        let v = serde_json::json!({"name": "</script><b>&"});
        let out = json_for_html(&v);
        assert!(!out.contains('<') && !out.contains('&'), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://hub.example.org/x/"), "hub.example.org");
        assert_eq!(host_of("https://hub.example.org"), "hub.example.org");
    }
}
