//! What templates see: plain, serializable view structs built from the model. Every value is
//! ready to show (dates formatted, labels translated, URLs resolved); templates only lay out.

use serde::Serialize;

use crate::lang::Lang;

/// What a card's status says: an event's (upcoming or past) or a portal's (open, closed,
/// unknown); other items have none. Serialises as the text templates and the search index see
/// (`upcoming`, ..., and an empty text for none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CardStatus {
    #[serde(rename = "")]
    None,
    Upcoming,
    Past,
    Open,
    Closed,
    Unknown,
}

impl CardStatus {
    /// The serialised text: `upcoming`, `past`, `open`, `closed`, `unknown`, or empty.
    pub fn name(self) -> &'static str {
        match self {
            CardStatus::None => "",
            CardStatus::Upcoming => "upcoming",
            CardStatus::Past => "past",
            CardStatus::Open => "open",
            CardStatus::Closed => "closed",
            CardStatus::Unknown => "unknown",
        }
    }
}

/// Present in every template's context as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    /// Absolute, with a trailing slash.
    pub base_url: String,
    pub lang: Lang,
    /// `/` or `/fr/` (under the base path): the home page in this language.
    pub lang_root: String,
    pub menu: Vec<MenuLink>,
    /// The build date in the site's time zone, ISO form.
    pub build_date: String,
    /// The build date as this language writes it.
    pub build_date_text: String,
    /// Open Graph locale: `en_CA`, `fr_CA`.
    pub locale: String,
    /// Atom feeds and the calendar of all events, for autodiscovery and the footer.
    pub feeds: Vec<FeedLink>,
    /// Each section's URL in this language, for templates to link to (they build none).
    pub urls: SectionUrls,
}

/// The URL of each section of the site in one language (see `urls`).
#[derive(Debug, Clone, Serialize)]
pub struct SectionUrls {
    pub events: String,
    pub portals: String,
    pub members: String,
    pub programs: String,
    pub occupations: String,
    pub provinces: String,
    pub draws: String,
    pub search: String,
    pub pathways: String,
    pub organizations: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
    /// `atom` or `calendar`.
    pub kind: String,
}

/// A subscribable calendar.
#[derive(Debug, Clone, Serialize)]
pub struct CalendarLink {
    /// Site-relative.
    pub url: String,
    /// Absolute, to copy into a calendar app.
    pub absolute: String,
    /// The same with the `webcal:` scheme, which calendar apps open as a subscription.
    pub webcal: String,
}

/// A page's form (Netlify Forms: works without JavaScript).
#[derive(Debug, Clone, Serialize)]
pub struct FormView {
    pub name: String,
    /// The thank-you page.
    pub action: String,
    pub lang: Lang,
    pub provinces: Vec<ProvinceLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThanksView {
    pub back_url: String,
    pub back_title: String,
    pub back_lang: Option<Lang>,
}

/// The 404 page's help in another language.
#[derive(Debug, Clone, Serialize)]
pub struct OtherLanguage {
    pub lang: Lang,
    pub text: String,
    pub home_label: String,
    pub home_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MenuLink {
    pub title: String,
    pub url: String,
    pub current: bool,
}

/// Present in every template's context as `page`.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    pub title: String,
    pub description: String,
    /// Site-relative URL path, e.g. `/events/summit-2025/`.
    pub path: String,
    /// Absolute URL.
    pub canonical: String,
    /// The same page in every language, this one included.
    pub alternates: Vec<Alternate>,
    /// The same page in the other languages, for the language switch.
    pub translations: Vec<Alternate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Alternate {
    pub lang: Lang,
    /// The language's name in that language (English, Français).
    pub name: String,
    /// Open Graph locale: `en_CA`, `fr_CA`.
    pub locale: String,
    pub path: String,
    pub href: String,
}

/// An item as shown in lists.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub title: String,
    pub url: String,
    pub collection: String,
    pub collection_label: String,
    pub summary: String,
    pub provinces: Vec<ProvinceLink>,
    /// Events: when it happens; other items: empty.
    pub when: String,
    pub when_iso: String,
    pub status: CardStatus,
    pub status_label: String,
    pub reviewed: String,
    pub reviewed_iso: String,
    /// Old facts nobody has confirmed since: listed in an archive, never as recent.
    pub archived: bool,
    /// Set on the first card of a section within a list page.
    pub section: Option<String>,
    /// The language the text is in, when it is not the page's language.
    pub text_lang: Option<Lang>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvinceLink {
    pub code: String,
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OccupationLink {
    pub code: String,
    pub title: String,
    pub url: String,
    pub teer: u8,
    /// Items naming this occupation.
    pub count: usize,
}

/// One labelled field of an item page: a text, a link, or a list.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub label: String,
    pub text: String,
    pub url: Option<String>,
    pub list: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub text: String,
    pub url: Option<String>,
}

/// An item's own page.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub card: Card,
    pub facts: Vec<Fact>,
    pub professions: Vec<OccupationLink>,
    pub body_html: String,
    pub source: Option<SourceView>,
    /// "Information as of": the date the facts are from.
    pub reviewed: String,
    pub reviewed_iso: String,
    pub reviewed_month: String,
    /// Older than `stale_after_months`.
    pub stale: bool,
    /// Set when the item is shown in another language than the page's (no translation yet).
    pub fallback_lang_name: Option<String>,
    pub text_lang: Lang,
    /// Events only.
    pub event: Option<EventView>,
    /// Portals only: the address of the portal itself.
    pub action_url: Option<String>,
    /// Pages only.
    pub form: Option<FormView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub when: String,
    pub start_iso: String,
    pub end_iso: Option<String>,
    pub upcoming: bool,
    pub registration_url: Option<String>,
    pub recording_url: Option<String>,
    /// The event's `.ics` file; none when only its month or year is known.
    pub calendar_url: Option<String>,
    /// schema.org `Event` JSON, safe to place inside a `<script>` element.
    pub json_ld: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// A list page: collection lists, province pages, occupation pages.
#[derive(Debug, Clone, Serialize)]
pub struct ListView {
    pub heading: String,
    pub intro: String,
    pub cards: Vec<Card>,
    pub empty: bool,
    pub pagination: Option<Pagination>,
    /// The list's subscribable calendar (events, provinces).
    pub calendar: Option<CalendarLink>,
    /// The list's Atom feed.
    pub feed_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomeView {
    pub intro: String,
    pub about_url: Option<String>,
    pub upcoming: Vec<Card>,
    pub newest: Vec<Card>,
    pub professions: Vec<OccupationLink>,
    pub provinces: Vec<ProvinceCount>,
    pub collections: Vec<CollectionCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProvinceCount {
    pub code: String,
    pub name: String,
    pub url: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CollectionCount {
    pub name: String,
    pub label: String,
    pub url: String,
    pub count: usize,
}

/// A NOC broad category (first digit of the code) and its major groups.
#[derive(Debug, Clone, Serialize)]
pub struct OccupationCategory {
    pub code: String,
    pub title: String,
    pub groups: Vec<OccupationGroup>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OccupationGroup {
    pub code: String,
    pub title: String,
    pub occupations: Vec<OccupationLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OccupationView {
    pub code: String,
    pub title: String,
    pub teer: u8,
    pub teer_label: String,
    pub group: String,
    pub note: Option<NoteView>,
    pub draws: Vec<DrawView>,
    pub list: ListView,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    pub summary: String,
    pub body_html: String,
    pub source: SourceView,
    pub reviewed: String,
    pub reviewed_iso: String,
    pub fallback_lang_name: Option<String>,
    pub text_lang: Lang,
}

#[derive(Debug, Clone, Serialize)]
pub struct DrawView {
    pub date: String,
    pub date_iso: String,
    pub program: String,
    pub stream: String,
    pub province: Option<ProvinceLink>,
    pub invitations: String,
    pub crs: String,
    pub professions: Vec<OccupationLink>,
    pub notes: String,
    pub source: SourceView,
}

#[derive(Debug, Clone, Serialize)]
pub struct SitemapUrl {
    pub loc: String,
    /// The date the page's facts are from (`reviewed`), for item pages.
    pub lastmod: Option<String>,
    pub alternates: Vec<Alternate>,
}

/// The draws page's two charts (inline SVG made by `render::charts`) and their legend: the
/// programmes, in the order of the series classes (`series-0`, `series-1`, ...).
#[derive(Debug, Clone, Serialize)]
pub struct DrawsCharts {
    pub invitations_title: String,
    pub invitations_svg: String,
    pub scores_title: String,
    pub scores_svg: String,
    pub legend: Vec<String>,
}
