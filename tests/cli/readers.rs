//! What readers get: both languages, notices, calendars, feeds, structured data, social tags,
//! the employers' form, filters, and (in headless Chromium) accessibility and page weight.

use super::*;

/// Every file under `dir` whose name ends with `ext`, relative path -> text.
fn files_ending(dir: &Path, ext: &str) -> BTreeMap<String, String> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _)| p.to_string_lossy().ends_with(ext))
        .map(|(p, b)| {
            (
                p.to_string_lossy().replace('\\', "/"),
                String::from_utf8(b).expect("UTF-8 output"),
            )
        })
        .collect()
}

/// The npm test tools and node, which the calendar and browser checks run on.
const NODE_TOOLS: &[&str] = &["tests/node_modules/playwright-core", "tests/node_modules/ical.js"];

/// Chromium, as tests/browser/a11y.mjs finds it.
fn chromium() -> String {
    std::env::var("CHROME_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn node(script: &str, dirs: &[&Path]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Command::new("node")
        .arg(root.join(script))
        .args(dirs)
        .current_dir(root)
        .output()
        .expect("node runs")
}

/// A fixture with one of each thing readers are told about.
fn readers_fixture() -> Site {
    let site = Site::fixture("valid");
    site.write(
        "content/events/narhc-2023.md",
        "---\ntitle: Year Only Symposium\nprovince: AB\nstart: \"2023\"\nformat: hybrid\nlocation: Calgary\nsource: https://e.org\nreviewed: 2025-06-26\n---\nThe source gives only the year.\n",
    );
    site.write(
        "content/events/day-long-2023.md",
        "---\ntitle: Day Long Symposium\nprovince: ON\nstart: 2023-10-14\nend: 2023-10-15\nformat: in-person\nlocation: Ottawa, Ontario\nsource: https://e.org\nreviewed: 2025-06-26\n---\nTwo days.\n",
    );
    site.write(
        "content/portals/closed-call.md",
        "---\ntitle: Closed Call\nprovince: CA\nurl: https://e.org/call\noperator: Health Canada\nstatus: closed\nsource: https://e.org/call\nreviewed: 2020-04-24\n---\nClosed in 2020.\n",
    );
    site.write(
        "content/pages/for-employers.md",
        "---\ntitle: For employers\nform: employer-inquiry\nreviewed: 2025-06-26\n---\nHire with us.\n",
    );
    site
}

#[test]
fn every_event_with_a_known_day_has_a_calendar_file_and_valid_calendars() {
    let site = readers_fixture();
    site.build_ok();

    let summit = site.read("events/summit-2025/index.html");
    assert!(
        summit.contains("href=\"/events/summit-2025/summit-2025.ics\"") && summit.contains("Add to calendar"),
        "an event page links its .ics"
    );
    let ics = site.read("events/summit-2025/summit-2025.ics");
    for line in [
        "BEGIN:VCALENDAR\r\n",
        "VERSION:2.0\r\n",
        "UID:events-summit-2025@hub.example.org\r\n",
        "DTSTAMP:20250626T000000Z\r\n",
        "DTSTART:20251122T143000Z\r\n",
        "DTEND:20251122T180000Z\r\n",
        "SUMMARY:Annual Summit 2025\r\n",
        "LOCATION:Toronto\\, ON\r\n",
    ] {
        assert!(ics.contains(line), "{line:?} missing from\n{ics}");
    }
    // The French file describes the same event: same UID, French interface text.
    let fr = site
        .read("fr/events/summit-2025/summit-2025.ics")
        .replace("\r\n ", "");
    assert!(fr.contains("UID:events-summit-2025@hub.example.org\r\n"));
    assert!(fr.contains("sources\u{a0}: https://hub.example.org/fr/events/summit-2025/"));

    // Whole days are DATE values with an exclusive end.
    let days = site.read("events/day-long-2023/day-long-2023.ics");
    assert!(
        days.contains("DTSTART;VALUE=DATE:20231014\r\n") && days.contains("DTEND;VALUE=DATE:20231016\r\n")
    );

    // Only a year is known: no calendar entry anywhere; the page says why only while the event
    // is to come (a past event offers no calendar at all).
    assert!(!site.exists("events/narhc-2023/narhc-2023.ics"));
    assert!(
        !site
            .read("events/narhc-2023/index.html")
            .contains("gives only the month or year")
    );
    let all = site.read("events/calendar.ics");
    assert!(!all.contains("Year Only Symposium"));
    assert!(all.contains("Annual Summit 2025") && all.contains("Webinar 2024"));

    // A province's calendar holds its own and the national events; its page links it.
    let on = site.read("provinces/on/calendar.ics");
    assert!(on.contains("Annual Summit 2025") && on.contains("Webinar 2024") && on.contains("Day Long"));
    let on_page = site.read("provinces/on/index.html");
    assert!(on_page.contains("webcal://hub.example.org/provinces/on/calendar.ics"));
    assert!(on_page.contains("href=\"/provinces/on/calendar.ics\""));
    assert!(
        site.read("events/index.html")
            .contains("href=\"/events/calendar.ics\"")
    );
    // Every province has a calendar here: each one holds the national webinar.
    assert!(site.exists("provinces/nu/calendar.ics"));

    if !tools_present("the calendar validator (ical.js)", NODE_TOOLS, &["node"]) {
        return;
    }
    let out = node("tests/browser/ics.mjs", &[&site.root().join("output")]);
    assert!(
        out.status.success(),
        "calendars are not valid RFC 5545:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn atom_feeds_of_resources_and_events_are_valid() {
    let site = readers_fixture();
    site.build_ok();
    for (path, lang) in [
        ("feeds/resources.xml", "en"),
        ("feeds/events.xml", "en"),
        ("fr/feeds/resources.xml", "fr"),
        ("fr/feeds/events.xml", "fr"),
    ] {
        let text = site.read(path);
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let feed = doc.root_element();
        let atom = "http://www.w3.org/2005/Atom";
        assert_eq!(feed.tag_name().name(), "feed", "{path}");
        assert_eq!(feed.tag_name().namespace(), Some(atom), "{path}");
        assert_eq!(
            feed.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
            Some(lang)
        );
        let child = |n: roxmltree::Node, name: &str| {
            n.children()
                .filter(|c| c.is_element() && c.tag_name().name() == name)
                .count()
        };
        // RFC 4287 §4.1.1: exactly one id, title and updated; an author; a self link.
        for name in ["id", "title", "updated", "author"] {
            assert_eq!(child(feed, name), 1, "{path}: feed needs one {name}");
        }
        assert!(text.contains(&format!(
            "rel=\"self\" type=\"application/atom+xml\" href=\"https://hub.example.org/{path}\""
        )));
        let entries: Vec<_> = feed
            .children()
            .filter(|c| c.tag_name().name() == "entry")
            .collect();
        assert!(!entries.is_empty(), "{path} has entries");
        for e in &entries {
            for name in ["id", "title", "updated", "link"] {
                assert_eq!(child(*e, name), 1, "{path}: entry needs one {name}");
            }
            let updated = e
                .children()
                .find(|c| c.tag_name().name() == "updated")
                .and_then(|c| c.text())
                .unwrap();
            assert!(
                updated.parse::<jiff::Timestamp>().is_ok(),
                "{path}: {updated} is RFC 3339"
            );
        }
    }
    let events = site.read("feeds/events.xml");
    assert!(events.contains("Annual Summit 2025") && !events.contains("Ontario Workforce"));
    let resources = site.read("feeds/resources.xml");
    assert!(resources.contains("Ontario Workforce Matching Portal") && !resources.contains("Annual Summit"));
    // Every page points feed readers at the feeds.
    assert!(
        site.read("index.html")
            .contains("<link rel=\"alternate\" type=\"application/atom+xml\"")
    );
}

#[test]
fn event_pages_carry_schema_org_event_data() {
    let site = readers_fixture();
    site.build_ok();
    let page = site.read("events/summit-2025/index.html");
    let start = page
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + "<script type=\"application/ld+json\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&page[start..end]).expect("valid JSON");
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "Event");
    assert_eq!(ld["name"], "Annual Summit 2025");
    assert_eq!(ld["startDate"], "2025-11-22T09:30:00-05:00");
    assert_eq!(ld["endDate"], "2025-11-22T13:00:00-05:00");
    assert_eq!(
        ld["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
    assert_eq!(ld["location"][0]["name"], "Toronto, ON");
    assert_eq!(ld["organizer"]["name"], "Example Institute");
    assert_eq!(ld["url"], "https://hub.example.org/events/summit-2025/");
    let online: serde_json::Value = {
        let p = site.read("events/webinar-2024/index.html");
        let s = p.find("ld+json\">").unwrap() + "ld+json\">".len();
        serde_json::from_str(&p[s..s + p[s..].find("</script>").unwrap()]).unwrap()
    };
    assert_eq!(online["location"][0]["@type"], "VirtualLocation");
    assert_eq!(online["startDate"], "2024-05-01");
    assert!(!site.read("programs/bridging/index.html").contains("ld+json"));
}

#[test]
fn every_page_has_open_graph_twitter_and_hreflang_tags() {
    let site = readers_fixture();
    site.build_ok();
    let pages = files_ending(&site.root().join("output"), ".html");
    assert!(pages.len() > 50);
    for (path, html) in &pages {
        for tag in [
            "<meta property=\"og:title\" content=\"",
            "<meta property=\"og:url\" content=\"https://hub.example.org/",
            "<meta property=\"og:site_name\"",
            "<meta property=\"og:type\"",
            "<meta property=\"og:locale\" content=\"",
            "<meta name=\"twitter:card\" content=\"summary\">",
            "<meta name=\"twitter:title\"",
            "<link rel=\"icon\"",
        ] {
            assert!(html.contains(tag), "{path} lacks {tag}");
        }
        if !path.ends_with("404.html") {
            assert!(html.contains("hreflang=\"x-default\""), "{path}");
        }
        // The site's CSP allows no inline code or style: the only inline script is JSON-LD.
        let inline_scripts = html.matches("<script").count()
            - html.matches("<script src=").count()
            - html.matches("<script type=\"module\" src=").count();
        assert_eq!(
            inline_scripts,
            html.matches("<script type=\"application/ld+json\">").count(),
            "{path} has an inline script"
        );
        assert!(
            !html.contains("<style") && !html.contains(" style="),
            "{path} has inline style"
        );
    }
    let fr = &pages["fr/events/summit-2025/index.html"];
    assert!(fr.contains("<meta property=\"og:locale\" content=\"fr_CA\">"));
    assert!(fr.contains("<meta property=\"og:locale:alternate\" content=\"en_CA\">"));
    assert!(fr.contains("<meta property=\"og:type\" content=\"article\">"));
}

#[test]
fn readers_are_told_when_facts_may_be_stale_portals_closed_and_events_past() {
    let site = readers_fixture();
    site.build_ok();
    // reviewed 2021-09-30, stale_after_months 12, built 2025-09-01.
    let program = site.read("programs/bridging/index.html");
    assert!(program.contains(
        "Facts as of September 2021.</strong> They may have changed since then: check the source before you act."
    ));
    let notice = program.find("as-of-stale").unwrap();
    assert!(
        notice < program.find("class=\"facts\"").unwrap(),
        "the warning is near the top"
    );
    assert!(
        !program.contains("class=\"notice notice-stale"),
        "a line, not a box"
    );
    assert!(
        site.read("fr/programs/bridging/index.html")
            .contains("Renseignements en date de septembre 2021.</strong> Ils ont pu changer depuis\u{a0}: vérifiez auprès de la source avant d’agir.")
    );
    assert!(!site.read("events/summit-2025/index.html").contains("as-of-stale"));

    let closed = site.read("portals/closed-call/index.html");
    assert!(closed.contains("This portal is closed."));
    assert!(
        !closed.contains("Go to the portal"),
        "no call to use a closed portal"
    );
    let unknown = site.read("portals/ontario-matching/index.html");
    assert!(unknown.contains("We do not know if this portal is still open."));
    assert!(unknown.contains("Go to the portal"));

    let past = site.read("events/webinar-2024/index.html");
    assert!(past.contains("Past event.") && past.contains("You can watch the recording."));
    assert!(past.contains("href=\"https://example.org/recording\""));
    let upcoming = site.read("events/summit-2025/index.html");
    assert!(!upcoming.contains("notice-past") && upcoming.contains("Register for this event"));
    let past_no_recording = site.read("events/day-long-2023/index.html");
    assert!(past_no_recording.contains("We know of no recording."));
    // A past event keeps its calendar file (old links work) but offers no button to add it.
    assert!(site.exists("events/day-long-2023/day-long-2023.ics"));
    assert!(!past_no_recording.contains("Add to calendar"));
    assert!(!past.contains("Add to calendar"));
    assert!(upcoming.contains("Add to calendar"));
    // Each date once: the line under the title, not again in the facts.
    assert_eq!(upcoming.matches("<p class=\"when\">").count(), 1);
    assert!(!upcoming.contains("<dt>Date and time</dt>") && !past.contains("<dt>Date and time</dt>"));
}

#[test]
fn french_site_notices_english_only_items_and_writes_dates_the_french_way() {
    let site = readers_fixture();
    site.build_ok();
    let fr = site.read("fr/events/summit-2025/index.html");
    assert!(fr.contains("Ce contenu n’existe qu’en anglais pour l’instant."));
    assert!(fr.contains("<h1 lang=\"en\">Annual Summit 2025</h1>"));
    assert!(
        fr.contains("href=\"/events/summit-2025/\" hreflang=\"en\""),
        "language switch to the same page"
    );
    assert!(fr.contains("Site mis à jour le <time datetime=\"2025-09-01\">1er septembre 2025</time>"));
    let about = site.read("fr/about/index.html");
    assert!(!about.contains("notice-lang"), "a translated page has no notice");
    let en = site.read("events/summit-2025/index.html");
    assert!(en.contains("Site updated on <time datetime=\"2025-09-01\">September 1, 2025</time>"));
    assert!(!en.contains("notice-lang"));
}

#[test]
fn the_employers_form_is_a_static_netlify_form_with_thank_you_pages() {
    let site = readers_fixture();
    site.build_ok();
    for (page, thanks) in [
        ("for-employers/index.html", "/for-employers/thanks/"),
        ("fr/for-employers/index.html", "/fr/for-employers/thanks/"),
    ] {
        let html = site.read(page);
        // The employers' form, not the header's search form.
        let form_start = html.find("<form class=\"form\"").expect("the employers' form");
        let form = &html[form_start..form_start + html[form_start..].find("</form>").unwrap()];
        for attr in [
            "name=\"employer-inquiry\"",
            "method=\"POST\"",
            "data-netlify=\"true\"",
            "data-netlify-honeypot=\"bot-field\"",
            &format!("action=\"{thanks}\""),
        ] {
            assert!(form.contains(attr), "{page}: form lacks {attr}");
        }
        assert!(form.contains("<input type=\"hidden\" name=\"form-name\" value=\"employer-inquiry\">"));
        assert!(
            form.contains("<p class=\"honeypot\" hidden><label>"),
            "honeypot hidden, labelled"
        );
        // Every visible control has a label naming it.
        let mut controls = 0;
        for (i, _) in form.match_indices(" id=\"inquiry-") {
            let id = &form[i + 5..i + 5 + form[i + 5..].find('"').unwrap()];
            assert!(
                form.contains(&format!("<label for=\"{id}\">")),
                "{page}: {id} has no label"
            );
            controls += 1;
        }
        assert_eq!(controls, 7, "{page}");
        let out = thanks.trim_start_matches('/');
        let thanks_page = site.read(&format!("{out}index.html"));
        assert!(thanks_page.contains("<meta name=\"robots\" content=\"noindex\">"));
        assert!(thanks_page.contains("<h1>"));
    }
    assert!(site.read("fr/for-employers/thanks/index.html").contains("Merci"));
    assert!(
        !site.read("sitemap.xml").contains("thanks"),
        "thank-you pages stay out of the sitemap"
    );
    assert!(
        !site.read("about/index.html").contains("data-netlify"),
        "only the page that asks for it has the form"
    );
}

#[test]
fn form_is_accepted_on_pages_only() {
    let site = Site::fixture("valid");
    site.write(
        "content/events/x.md",
        "---\ntitle: X\nprovince: ON\nstart: 2025-06-26\nformat: online\nform: employer-inquiry\nsource: https://e.org\nreviewed: 2025-01-01\n---\n",
    );
    let err = stderr(&site.build());
    assert!(
        err.contains("content/events/x.md:6:1: unknown field \"form\""),
        "{err}"
    );
    let site = Site::fixture("valid");
    site.write(
        "content/pages/contact.md",
        "---\ntitle: Contact\nform: newsletter\nreviewed: 2025-01-01\n---\n",
    );
    let err = stderr(&site.build());
    assert!(
        err.contains("content/pages/contact.md:3:7: field \"form\""),
        "{err}"
    );
}

#[test]
fn both_languages_have_a_404_that_helps_in_the_other() {
    let site = readers_fixture();
    site.build_ok();
    let en = site.read("404.html");
    assert!(en.contains("<html lang=\"en\">") && en.contains("<p class=\"other-language\" lang=\"fr\">"));
    let fr = site.read("fr/404.html");
    assert!(fr.contains("<html lang=\"fr\">") && fr.contains("Page introuvable"));
    assert!(fr.contains("lang=\"en\">Page not found."));
}

#[test]
fn list_pages_filter_in_place_with_an_external_script() {
    let site = readers_fixture();
    site.build_ok();
    for page in [
        "events/index.html",
        "provinces/on/index.html",
        "occupations/index.html",
        "occupations/31301/index.html",
    ] {
        let html = site.read(page);
        assert!(
            html.contains("<script src=\"/assets/filter."),
            "{page} loads filter.js"
        );
        assert!(html.contains(" data-filter "), "{page} marks its list");
        assert!(html.contains("data-filter-item"), "{page} marks its items");
    }
    let events = site.read("events/index.html");
    assert!(events.contains("data-provinces=\"ON\" data-status=\"upcoming\""));
    assert!(
        site.read("fr/events/index.html")
            .contains("data-filter-label=\"Mots à chercher\"")
    );
    let js = std::fs::read_dir(site.root().join("output/assets"))
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("filter."));
    assert!(js, "filter.js is published");
    assert!(
        !site.read("about/index.html").contains("filter."),
        "only lists load it"
    );
}

#[test]
fn occupations_are_grouped_by_noc_broad_category_with_teer() {
    let site = readers_fixture();
    site.build_ok();
    let html = site.read("occupations/index.html");
    assert!(
        html.contains("<h2 id=\"category-3\">3 – Health occupations</h2>"),
        "{html}"
    );
    assert!(html.contains("<h3 id=\"group-31\">31 – Professional occupations in health</h3>"));
    assert!(html.contains("TEER 1"));
    let fr = site.read("fr/occupations/index.html");
    assert!(fr.contains("3 – Secteur de la santé") && fr.contains("FEER 1"));
}

/// Interface text lives in the string tables: once tags and template code are removed, a
/// template has no words left.
#[test]
fn templates_hold_no_hard_coded_words() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    for entry in walkdir::WalkDir::new(&dir) {
        let entry = entry.unwrap();
        let name = entry.path().to_string_lossy().into_owned();
        if !name.ends_with(".html") {
            continue;
        }
        let mut text = std::fs::read_to_string(entry.path()).unwrap();
        for (open, close) in [("{#", "#}"), ("{%", "%}"), ("{{", "}}"), ("<", ">")] {
            while let Some(a) = text.find(open) {
                let b = a + text[a..].find(close).unwrap_or(text.len() - a) + close.len();
                text.replace_range(a..b.min(text.len()), " ");
            }
        }
        let words: String = text.chars().filter(|c| c.is_alphabetic()).collect();
        assert!(
            words.is_empty(),
            "{name} has words outside the string tables: {words:?}"
        );
    }
}

/// Canadian French: a no-break space before a colon, none before ; ? !, and typographic
/// apostrophes.
#[test]
fn french_strings_follow_canadian_typography() {
    let fr =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/i18n/fr.yaml"))
            .unwrap();
    for (n, line) in fr.lines().enumerate().filter(|(_, l)| !l.starts_with('#')) {
        let Some((_, value)) = line.split_once(": ") else {
            continue;
        };
        let n = n + 1;
        assert!(
            !value.contains(" :"),
            "line {n}: ordinary space before a colon: {line}"
        );
        assert!(
            !value.contains(|c: char| c.is_alphabetic())
                || !value.contains("\u{a0};")
                    && !value.contains(" ?")
                    && !value.contains("\u{a0}?")
                    && !value.contains(" !"),
            "line {n}: Canadian usage puts no space before ; ? !: {line}"
        );
        assert!(!value.contains('\''), "line {n}: use ’ rather than ': {line}");
        for (i, _) in value.match_indices(':') {
            let before = value[..i].chars().last();
            // Placeholders like {n} and the key's own colon aside, a colon follows a no-break space.
            if before.is_some_and(|c| c.is_alphanumeric() || c == ')') && !value[..i].ends_with("https") {
                panic!("line {n}: no no-break space before a colon: {line}");
            }
        }
    }
}

/// Every page kind of the fixtures in headless Chromium: axe-core, keyboard, reflow, reduced
/// motion, no other host, home page weight. See tests/browser/a11y.mjs; tests/hub-pages.sh runs
/// it over every page of the hub's own content.
#[test]
fn every_page_passes_axe_and_the_reader_checks_in_a_browser() {
    let mut tools = NODE_TOOLS.to_vec();
    let browser = chromium();
    tools.push(&browser);
    if !tools_present("the browser checks", &tools, &["node"]) {
        return;
    }
    let site = readers_fixture();
    site.build_ok();
    let pathways = licensing::licensing_pages();
    let out = node(
        "tests/browser/a11y.mjs",
        &[&site.root().join("output"), &pathways.root().join("output")],
    );
    let report = format!("{}{}", stdout(&out), stderr(&out));
    assert!(out.status.success(), "accessibility problems:\n{report}");
    assert!(report.contains(", 0 problems"), "{report}");
}
