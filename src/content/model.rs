//! The typed model of the hub's content. Everything later stages see comes from here.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;

use crate::config::Config;
use crate::lang::Lang;
use crate::schema::Moment;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Collection {
    Pages,
    Portals,
    Events,
    Members,
    Programs,
}

impl Collection {
    pub const ALL: [Collection; 5] = [
        Collection::Pages,
        Collection::Portals,
        Collection::Events,
        Collection::Members,
        Collection::Programs,
    ];

    /// The folder under `content/` and the URL segment.
    pub fn name(self) -> &'static str {
        match self {
            Collection::Pages => "pages",
            Collection::Portals => "portals",
            Collection::Events => "events",
            Collection::Members => "members",
            Collection::Programs => "programs",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }
}

pub use crate::schema::Province;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Audience {
    Iehp,
    Employer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalStatus {
    Open,
    Closed,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Online,
    InPerson,
    Hybrid,
    /// The source does not say how the event is held (`format: not-stated`).
    NotStated,
}

/// A form a page can carry (front matter `form:`, pages only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageForm {
    /// Employers' inquiry, sent to the host's form handling (Netlify Forms).
    EmployerInquiry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventLanguage {
    En,
    Fr,
    Bilingual,
    /// The source does not say which language the event is held in (`language: not-stated`).
    NotStated,
}

/// A Markdown body after the one Markdown pass.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    /// The Markdown source, kept so the body can be rendered under another language's URLs.
    pub source: String,
    pub html: String,
    /// Plain text (for summaries and the search index).
    pub text: String,
    pub headings: Vec<Heading>,
    /// Every link and image as written in the Markdown, for the link checker.
    pub links: Vec<BodyLink>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLink {
    /// The destination as the editor wrote it (before language prefixes are applied).
    pub url: String,
    /// Byte offset of the link in the body's Markdown.
    pub offset: usize,
}

impl Body {
    /// Line and column (1-based) in the source file of a byte offset in the body, given the
    /// file line the body starts on.
    pub fn position(&self, body_line: usize, offset: usize) -> (usize, usize) {
        let before = &self.source[..offset.min(self.source.len())];
        let line = body_line + before.matches('\n').count();
        let col = before
            .rfind('\n')
            .map_or(before.chars().count(), |nl| before[nl + 1..].chars().count())
            + 1;
        (line, col)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// One content item in one language.
#[derive(Debug, Clone)]
pub struct Item {
    pub collection: Collection,
    pub slug: String,
    pub lang: Lang,
    /// Path of the source file relative to the site root, as shown in problems.
    pub path: PathBuf,
    pub title: String,
    pub summary: Option<String>,
    pub provinces: Vec<Province>,
    pub professions: Vec<String>,
    pub audience: Vec<Audience>,
    pub source: Option<String>,
    pub reviewed: Date,
    pub draft: bool,
    pub body: Body,
    /// The line of the source file the body starts on.
    pub body_line: usize,
    /// Where each front-matter field's value is (line, column), for later checks.
    pub positions: BTreeMap<String, (usize, usize)>,
    pub details: Details,
    /// Pages only.
    pub form: Option<PageForm>,
    /// Former addresses of the item's page (`aliases:`), each redirected to it.
    pub aliases: Vec<Alias>,
}

/// A former address of an item's page, below the site's base path (`/events/old-name/`), with
/// where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub path: String,
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone)]
pub enum Details {
    Page,
    Portal {
        /// The portal's own address; absent when no source confirms one (an archived portal).
        url: Option<String>,
        operator: String,
        status: PortalStatus,
    },
    Event(Event),
    Member {
        location: String,
        membership: Option<String>,
        services: Vec<String>,
        host_org: Option<String>,
        url: Option<String>,
    },
    Program {
        provider: String,
        location: Option<String>,
        delivery: Option<Format>,
        clients: Option<String>,
        supports: Vec<String>,
        url: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Event {
    pub start: Moment,
    pub end: Option<Moment>,
    pub format: Format,
    pub location: Option<String>,
    pub host: Option<String>,
    pub partners: Vec<String>,
    pub language: Option<EventLanguage>,
    pub registration_url: Option<String>,
    pub recording_url: Option<String>,
}

impl Item {
    pub fn event(&self) -> Option<&Event> {
        match &self.details {
            Details::Event(e) => Some(e),
            _ => None,
        }
    }
}

/// One NOC 2021 occupation from `data/noc.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occupation {
    pub code: String,
    pub title: String,
    pub title_fr: Option<String>,
    pub teer: u8,
}

/// Extra text for one occupation (`occupations/<code>.md`, or `<code>.fr.md`).
#[derive(Debug, Clone)]
pub struct OccupationNote {
    pub code: String,
    pub lang: Lang,
    pub path: PathBuf,
    pub summary: Option<String>,
    pub source: String,
    pub reviewed: Date,
    pub body: Body,
    pub body_line: usize,
    pub positions: BTreeMap<String, (usize, usize)>,
}

/// Words readers use for the same thing (`data/synonyms.yaml`): search finds what says any of
/// them, an expansion weighing less than the word typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymGroup {
    /// Words or short phrases, as the editor wrote them.
    pub words: Vec<String>,
}

/// An immigration draw that targeted health occupations (`data/draws.yaml`).
#[derive(Debug, Clone)]
pub struct Draw {
    pub date: Date,
    pub program: String,
    pub stream: Option<String>,
    /// French forms of program, stream and notes (`program_fr`, ...), shown on the French site.
    pub program_fr: Option<String>,
    pub stream_fr: Option<String>,
    pub notes_fr: Option<String>,
    pub invitations: Option<u32>,
    pub crs_min: Option<u32>,
    pub crs_max: Option<u32>,
    pub professions: Vec<String>,
    pub province: Option<Province>,
    pub notes: Option<String>,
    pub source: String,
}

/// One "I am a..." choice from `data/professions.yaml`: a profession as readers name it, and
/// the NOC codes it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profession {
    pub slug: String,
    pub title: String,
    pub title_fr: Option<String>,
    pub professions: Vec<String>,
}

impl Profession {
    pub fn title(&self, lang: Lang) -> &str {
        match (&self.title_fr, lang) {
            (Some(fr), Lang::Fr) => fr,
            (None, Lang::Fr) | (_, Lang::En) => &self.title,
        }
    }
}

/// What an organisation does on a pathway (`kind:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OrgKind {
    /// Licenses a profession in a province: the only body that does.
    Regulator,
    /// Assesses credentials (NNAS, CSMLS...).
    Assessment,
    /// Runs an exam.
    Exam,
    /// Helps newcomers along the way (bridging, loans, mentoring).
    Support,
    Government,
    Association,
}

impl OrgKind {
    pub const CHOICES: &[(&str, OrgKind)] = &[
        ("regulator", OrgKind::Regulator),
        ("assessment", OrgKind::Assessment),
        ("exam", OrgKind::Exam),
        ("support", OrgKind::Support),
        ("government", OrgKind::Government),
        ("association", OrgKind::Association),
    ];

    pub fn name(self) -> &'static str {
        Self::CHOICES
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("", |(n, _)| n)
    }
}

/// Whether an organisation still exists under its name (`status:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgStatus {
    Active,
    /// Now known by another name: `successor` is the organisation it became.
    Renamed,
    /// Joined another: `successor` is the organisation it joined.
    Merged,
    Closed,
}

impl OrgStatus {
    pub const CHOICES: &[(&str, OrgStatus)] = &[
        ("active", OrgStatus::Active),
        ("renamed", OrgStatus::Renamed),
        ("merged", OrgStatus::Merged),
        ("closed", OrgStatus::Closed),
    ];

    pub fn name(self) -> &'static str {
        Self::CHOICES
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("", |(n, _)| n)
    }
}

/// How to reach an organisation, as far as a source gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contacts {
    pub email: Option<String>,
    pub phone: Option<String>,
    /// A contact or "how to apply" page.
    pub page: Option<String>,
}

/// A regulator, assessment or exam body, or support organisation
/// (`organizations/<slug>.md`), in one language.
#[derive(Debug, Clone)]
pub struct Organization {
    pub slug: String,
    pub lang: Lang,
    pub path: PathBuf,
    /// The name its own source gives (in a French version, its official French name if any).
    pub title: String,
    /// Its official French name, when a source gives one.
    pub title_fr: Option<String>,
    pub abbreviation: Option<String>,
    pub summary: String,
    pub kinds: Vec<OrgKind>,
    /// `CA` for national bodies.
    pub provinces: Vec<Province>,
    pub professions: Vec<String>,
    pub website: String,
    pub contacts: Contacts,
    pub status: OrgStatus,
    /// The organisation it became (renamed) or joined (merged).
    pub successor: Option<String>,
    pub status_date: Option<Date>,
    pub source: String,
    pub reviewed: Date,
    pub draft: bool,
    pub body: Body,
    pub body_line: usize,
    /// Where each front-matter field's value is (line, column), for later checks.
    pub positions: BTreeMap<String, (usize, usize)>,
}

/// A link a step gives (`links:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepLink {
    pub title: String,
    pub url: String,
}

/// One step of a pathway.
#[derive(Debug, Clone)]
pub struct Step {
    pub title: String,
    /// What happens, in plain words (Markdown; links allowed).
    pub text: Body,
    /// The organisation that runs this step (a slug, checked).
    pub who: Option<String>,
    pub cost: Option<String>,
    pub duration: Option<String>,
    pub links: Vec<StepLink>,
    /// This step's source, when it differs from the pathway's.
    pub source: Option<String>,
    /// Where the step starts, and where its `who:` is, in the file.
    pub line: usize,
    pub who_pos: (usize, usize),
}

/// Slugs of other items a pathway points to (`related:`), each checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Related {
    pub programs: Vec<String>,
    pub members: Vec<String>,
    pub events: Vec<String>,
    pub organizations: Vec<String>,
}

/// How one profession gets licensed in one province (`pathways/<profession>-<province>.md`),
/// in one language.
#[derive(Debug, Clone)]
pub struct Pathway {
    pub slug: String,
    pub lang: Lang,
    pub path: PathBuf,
    pub title: String,
    pub summary: String,
    /// A slug from `data/professions.yaml`.
    pub profession: String,
    pub professions: Vec<String>,
    pub province: Province,
    pub steps: Vec<Step>,
    pub related: Related,
    pub source: String,
    pub reviewed: Date,
    pub draft: bool,
    pub body: Body,
    pub body_line: usize,
    pub positions: BTreeMap<String, (usize, usize)>,
}

/// The whole validated hub.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// Sorted by (collection, slug, lang). Shared, so the dev server's successive versions of a
    /// site hold one copy of each unchanged item.
    pub items: Vec<Arc<Item>>,
    /// Sorted by code.
    pub occupations: Vec<Occupation>,
    pub notes: Vec<OccupationNote>,
    /// Sorted newest first.
    pub draws: Vec<Draw>,
    /// In the order of `data/professions.yaml`.
    pub professions: Vec<Profession>,
    /// Sorted by (slug, lang).
    pub organizations: Vec<Arc<Organization>>,
    /// Sorted by (slug, lang).
    pub pathways: Vec<Arc<Pathway>>,
    /// In file order.
    pub synonyms: Vec<SynonymGroup>,
}

impl Site {
    pub fn occupation(&self, code: &str) -> Option<&Occupation> {
        self.occupations
            .binary_search_by(|o| o.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.occupations[i])
    }

    /// The organisation `slug` in `lang`.
    pub fn organization(&self, slug: &str, lang: Lang) -> Option<&Organization> {
        find_by_slug(&self.organizations, |o| (&o.slug, o.lang), slug, lang)
    }

    /// The pathway `slug` in `lang`.
    pub fn pathway(&self, slug: &str, lang: Lang) -> Option<&Pathway> {
        find_by_slug(&self.pathways, |p| (&p.slug, p.lang), slug, lang)
    }

    pub fn profession(&self, slug: &str) -> Option<&Profession> {
        self.professions.iter().find(|p| p.slug == slug)
    }

    /// The item in `lang`, or the default-language item it translates.
    pub fn find(&self, collection: Collection, slug: &str, lang: Lang) -> Option<&Item> {
        self.items
            .iter()
            .find(|i| i.collection == collection && i.slug == slug && i.lang == lang)
            .map(Arc::as_ref)
    }
}

/// Binary search of a list sorted by (slug, lang).
fn find_by_slug<'a, T>(
    list: &'a [Arc<T>],
    key: impl Fn(&T) -> (&String, Lang),
    slug: &str,
    lang: Lang,
) -> Option<&'a T> {
    list.binary_search_by(|x| {
        let (s, l) = key(x);
        (s.as_str(), l).cmp(&(slug, lang))
    })
    .ok()
    .map(|i| list[i].as_ref())
}
