//! Heading anchors: every heading of a body gets an id, unique in the body, and `#` headings
//! become `##` (the page's title is its only `h1`).

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::slugify;
use crate::content::model::Heading;

/// Gives every heading an id (its own `{#id}` or one made from its text, unique in the body) and
/// demotes `#` headings to `##`, since the page's title is its only `h1`.
pub(super) fn anchor_headings(events: &mut [Event]) -> Vec<Heading> {
    let mut headings = Vec::new();
    let mut ids = HeadingIds::default();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            if let Event::Start(Tag::Heading { level, id, .. }) = &mut events[i] {
                let base = match id {
                    Some(given) => given.to_string(),
                    None => slugify(&text),
                };
                let base = if base.is_empty() {
                    "section".to_string()
                } else {
                    base
                };
                let unique = ids.claim(base);
                *id = Some(CowStr::from(unique.clone()));
                if *level == HeadingLevel::H1 {
                    *level = HeadingLevel::H2;
                }
                headings.push(Heading {
                    level: *level as u8,
                    id: unique,
                    text: text.trim().to_string(),
                });
            }
            if let Some(Event::End(TagEnd::Heading(level))) = events.get_mut(j)
                && *level == HeadingLevel::H1
            {
                *level = HeadingLevel::H2;
            }
            i = j;
        }
        i += 1;
    }
    headings
}

/// The ids taken in one body, and for each base the next number to try: claiming an id is
/// linear in the headings, however many share a text (a scan of every id per try made 20,000
/// identical headings take minutes).
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    next: HashMap<String, usize>,
    /// Candidate ids looked up so far: the work done, which the tests hold to linear.
    #[cfg(test)]
    tries: usize,
}

impl HeadingIds {
    /// `base` if no heading has it yet, else the first free `base-1`, `base-2`, ...
    fn claim(&mut self, base: String) -> String {
        let mut unique = base.clone();
        #[cfg(test)]
        {
            self.tries += 1;
        }
        if self.used.contains(&unique) {
            let n = self.next.entry(base.clone()).or_insert(1);
            loop {
                unique = format!("{base}-{n}");
                *n += 1;
                #[cfg(test)]
                {
                    self.tries += 1;
                }
                if !self.used.contains(&unique) {
                    break;
                }
            }
        }
        self.used.insert(unique.clone());
        unique
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::render;

    #[test]
    fn headings_get_unique_anchors_and_h1_is_demoted() {
        let body = render(
            "# Intro\n\n## Santé publique\n\n## Intro\n\n## Custom {#mine}\n",
            "/",
        );
        assert!(body.html.contains("<h2 id=\"intro\">Intro</h2>"), "{}", body.html);
        assert!(body.html.contains("<h2 id=\"sante-publique\">"), "{}", body.html);
        assert!(body.html.contains("<h2 id=\"intro-1\">"), "{}", body.html);
        assert!(body.html.contains("<h2 id=\"mine\">"), "{}", body.html);
        assert!(!body.html.contains("<h1"));
        assert_eq!(body.headings.len(), 4);
    }

    /// The work of giving 20,000 identical headings their ids grows with their number, not its
    /// square (the old scan took minutes): each heading costs at most two lookups, counted
    /// rather than timed, so the test means the same on any machine.
    #[test]
    fn twenty_thousand_identical_headings_take_linear_work() {
        for n in [1_000, 20_000] {
            let mut ids = HeadingIds::default();
            let claimed: Vec<String> = (0..n).map(|_| ids.claim("same".into())).collect();
            assert_eq!(claimed[0], "same");
            assert_eq!(claimed[n - 1], format!("same-{}", n - 1));
            assert!(ids.tries <= 2 * n, "{n} headings took {} lookups", ids.tries);
        }
        // A rendered body gets the same ids.
        let body = render(&"## Same\n\n".repeat(2_000), "/");
        assert_eq!(body.headings.len(), 2_000);
        assert_eq!(body.headings[1_999].id, "same-1999");
        // Numbers skip ids written by hand, as before.
        let body = render("## A\n\n## A {#a-1}\n\n## A\n\n## A\n", "/");
        let ids: Vec<&str> = body.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["a", "a-1", "a-2", "a-3"]);
    }
}
