//! Every page's path and every section's URL, in one place. A page's *neutral* path is its path
//! below a language root (`events/summit/`, `provinces/on/`, `404.html`); its URL is that path
//! under the language's root (`/`, `/fr/`, or under a base path); its output file is that path
//! under the language's output prefix, with `index.html` for pages that are folders. The
//! catalog names its pages with these functions, templates receive their results, the link
//! checker and Markdown link rewriting use them too. Knows nothing of the model: it is given
//! names, slugs and codes.

/// The collection whose items live at the top of a language (`about/`, not `pages/about/`).
pub const PAGES: &str = "pages";

/// An item's page: `events/summit/`; a page of `pages/` at the top: `about/`.
pub fn item(collection: &str, slug: &str) -> String {
    if collection == PAGES {
        format!("{slug}/")
    } else {
        format!("{collection}/{slug}/")
    }
}

/// A collection's list: `events/`.
pub fn collection(collection: &str) -> String {
    format!("{collection}/")
}

/// Page `n` (1-based) of a list whose first page is at `base`: `events/page/2/`.
pub fn paged(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

pub const OCCUPATIONS: &str = "occupations/";
pub const PROVINCES: &str = "provinces/";
pub const DRAWS: &str = "draws/";
/// The "Get licensed" chooser.
pub const PATHWAYS: &str = "pathways/";
pub const ORGANIZATIONS: &str = "organizations/";
pub const SEARCH: &str = "search/";
pub const NOT_FOUND: &str = "404.html";
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";
pub const FEED_RESOURCES: &str = "feeds/resources.xml";
pub const FEED_EVENTS: &str = "feeds/events.xml";
pub const CALENDAR_ALL: &str = "events/calendar.ics";

/// An occupation's page: `occupations/31301/`.
pub fn occupation(code: &str) -> String {
    format!("{OCCUPATIONS}{code}/")
}

/// A pathway's step-by-step page: `pathways/registered-nurse-on/`.
pub fn pathway(slug: &str) -> String {
    format!("{PATHWAYS}{slug}/")
}

/// An organisation's page: `organizations/cno/`.
pub fn organization(slug: &str) -> String {
    format!("{ORGANIZATIONS}{slug}/")
}

/// A profession's tile on the chooser: `pathways/#registered-nurse`.
pub fn profession_tile(slug: &str) -> String {
    format!("{PATHWAYS}#{slug}")
}

/// A province's page: `provinces/on/` (codes are upper case in content, lower in URLs).
pub fn province(code: &str) -> String {
    format!("{PROVINCES}{}/", code.to_lowercase())
}

/// A province's calendar (its events and the national ones): `provinces/on/calendar.ics`.
pub fn province_calendar(code: &str) -> String {
    format!("{}calendar.ics", province(code))
}

/// An event's own calendar file: `events/summit/summit.ics`.
pub fn event_calendar(slug: &str) -> String {
    format!("events/{slug}/{slug}.ics")
}

/// The page a page's form sends its reader to: `contact/thanks/`.
pub fn form_thanks(page_slug: &str) -> String {
    format!("{page_slug}/thanks/")
}

/// A neutral path under a language root: the URL a page links to.
pub fn at(lang_root: &str, neutral: &str) -> String {
    format!("{lang_root}{neutral}")
}

/// The file a page is written to: pages that are folders get their `index.html`; files
/// (`404.html`, calendars, feeds) keep their name.
pub fn output_file(out_prefix: &str, neutral: &str) -> String {
    if neutral.is_empty() || neutral.ends_with('/') {
        format!("{out_prefix}{neutral}index.html")
    } else {
        format!("{out_prefix}{neutral}")
    }
}

/// The URL of an output file below `base_path`: `events/x/index.html` -> `/events/x/`.
pub fn of_output_file(base_path: &str, out_path: &str) -> String {
    let p = out_path.strip_suffix("index.html").unwrap_or(out_path);
    format!("{base_path}{p}")
}

/// Where a root-relative link an editor wrote (`/provinces/on/`) points on a language's site:
/// under that language's root (`/fr/provinces/on/`). Other links (`https://...`, `//host`,
/// `../x`, `#top`) are not root-relative: `None`.
pub fn root_relative(lang_root: &str, href: &str) -> Option<String> {
    (href.starts_with('/') && !href.starts_with("//")).then(|| format!("{lang_root}{}", &href[1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths() {
        assert_eq!(item("events", "summit"), "events/summit/");
        assert_eq!(item(PAGES, "about"), "about/");
        assert_eq!(paged("events/", 1), "events/");
        assert_eq!(paged("events/", 3), "events/page/3/");
        assert_eq!(province("ON"), "provinces/on/");
        assert_eq!(province_calendar("CA"), "provinces/ca/calendar.ics");
        assert_eq!(event_calendar("x"), "events/x/x.ics");
        assert_eq!(occupation("31301"), "occupations/31301/");
    }

    #[test]
    fn output_files() {
        assert_eq!(output_file("fr/", "events/x/"), "fr/events/x/index.html");
        assert_eq!(output_file("", ""), "index.html");
        assert_eq!(output_file("fr/", NOT_FOUND), "fr/404.html");
        assert_eq!(output_file("", CALENDAR_ALL), "events/calendar.ics");
        assert_eq!(of_output_file("/hub/", "events/x/index.html"), "/hub/events/x/");
    }

    #[test]
    fn root_relative_links_follow_the_language() {
        assert_eq!(
            root_relative("/fr/", "/provinces/on/"),
            Some("/fr/provinces/on/".into())
        );
        assert_eq!(root_relative("/", "//cdn.example/x"), None);
        assert_eq!(root_relative("/", "https://a.example/"), None);
        assert_eq!(root_relative("/", "#top"), None);
    }
}
