//! What each template's output can come from besides its context, as one number per template:
//! its own source, the sources of every template it extends, includes or imports (transitively),
//! and the published names of the theme's static files when one of them calls `asset()`. The dev
//! server re-renders a page when its template's stamp changes, so an edit to `item.html` touches
//! item pages only, and one to `base.html` every page.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use super::Assets;
use crate::theme::Theme;

/// Template name -> stamp, for every template of the theme.
pub fn template_stamps(theme: &Theme, assets: &Assets) -> BTreeMap<String, u64> {
    let sources: BTreeMap<&str, &[u8]> = theme
        .templates
        .iter()
        .map(|(name, file)| (name.as_str(), file.bytes.as_slice()))
        .collect();
    let names: BTreeSet<&str> = sources.keys().copied().collect();
    let direct: BTreeMap<&str, BTreeSet<&str>> = sources
        .iter()
        .map(|(name, bytes)| (*name, references(&String::from_utf8_lossy(bytes), &names)))
        .collect();
    let mut assets_digest = DefaultHasher::new();
    assets.published.hash(&mut assets_digest);
    let assets_digest = assets_digest.finish();
    sources
        .keys()
        .map(|name| {
            let closure = closure(name, &direct);
            let mut h = DefaultHasher::new();
            let mut uses_assets = false;
            for dep in &closure {
                dep.hash(&mut h);
                sources[dep].hash(&mut h);
                uses_assets |= String::from_utf8_lossy(sources[dep]).contains("asset(");
            }
            if uses_assets {
                assets_digest.hash(&mut h);
            }
            (name.to_string(), h.finish())
        })
        .collect()
}

/// The templates `source` names. Any quoted template name counts (a superset of what `extends`,
/// `include` and `import` load); a tag that loads a template whose name is not written out (a
/// variable) makes it depend on every template.
fn references<'n>(source: &str, names: &BTreeSet<&'n str>) -> BTreeSet<&'n str> {
    let dynamic = ["include", "extends", "import"].iter().any(|tag| {
        source.match_indices(tag).any(|(at, _)| {
            let before = source[..at].trim_end_matches([' ', '-']);
            let after = source[at + tag.len()..].trim_start();
            before.ends_with("{%") && !after.starts_with(['"', '\'', '[', '`'])
        })
    });
    if dynamic {
        return names.clone();
    }
    names
        .iter()
        .copied()
        .filter(|name| {
            ['"', '\'', '`']
                .iter()
                .any(|q| source.contains(&format!("{q}{name}{q}")))
        })
        .collect()
}

/// `name` and everything it reaches.
fn closure<'n>(name: &'n str, direct: &BTreeMap<&'n str, BTreeSet<&'n str>>) -> BTreeSet<&'n str> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![name];
    while let Some(n) = todo.pop() {
        if seen.insert(n)
            && let Some(refs) = direct.get(n)
        {
            todo.extend(refs.iter().copied());
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn case(source: &str, expected: &[&str]) {
        let names: BTreeSet<&str> = ["base.html", "item.html", "partials/card.html", "list.html"]
            .into_iter()
            .collect();
        let got: Vec<&str> = references(source, &names).into_iter().collect();
        assert_eq!(got, expected, "{source}");
    }

    #[test]
    fn references_are_the_quoted_template_names() {
        case("{% extends \"base.html\" %}", &["base.html"]);
        case(
            "{% extends 'base.html' %}{% include \"partials/card.html\" %}",
            &["base.html", "partials/card.html"],
        );
        case("{%- include \"partials/card.html\" -%}", &["partials/card.html"]);
        case("<p>no tags</p>", &[]);
        case("{{ \"base.htmlx\" }}", &[]);
        // A name held in a variable could be any template.
        case(
            "{% include which %}",
            &["base.html", "item.html", "list.html", "partials/card.html"],
        );
    }

    #[test]
    fn closures_follow_references_and_survive_cycles() {
        let direct: BTreeMap<&str, BTreeSet<&str>> = [
            (
                "item.html",
                ["base.html", "partials/card.html"].into_iter().collect(),
            ),
            ("partials/card.html", ["partials/card.html"].into_iter().collect()),
            ("base.html", BTreeSet::new()),
        ]
        .into_iter()
        .collect();
        let got: Vec<&str> = closure("item.html", &direct).into_iter().collect();
        assert_eq!(got, ["base.html", "item.html", "partials/card.html"]);
    }

    #[test]
    fn a_template_stamp_moves_with_what_it_uses_only() {
        let file = |rel: &str, text: &str| crate::theme::ThemeFile {
            rel: rel.to_string(),
            shown: rel.into(),
            bytes: text.as_bytes().to_vec(),
        };
        let theme = |base: &str, css: &str| Theme {
            templates: vec![
                ("base.html".into(), file("templates/base.html", base)),
                (
                    "item.html".into(),
                    file("templates/item.html", "{% extends \"base.html\" %}"),
                ),
                ("robots.txt".into(), file("templates/robots.txt", "User-agent: *")),
            ],
            statics: vec![("style.css".into(), file("static/style.css", css))],
            strings: BTreeMap::new(),
        };
        let stamps = |t: &Theme| template_stamps(t, &Assets::new(t, "/"));
        let a = stamps(&theme("{{ asset(path='style.css') }}", "a{}"));
        let b = stamps(&theme("{{ asset(path='style.css') }} changed", "a{}"));
        let c = stamps(&theme("{{ asset(path='style.css') }}", "b{}"));
        assert_ne!(
            a["item.html"], b["item.html"],
            "a parent's edit reaches its children"
        );
        assert_eq!(a["robots.txt"], b["robots.txt"]);
        assert_ne!(
            a["base.html"], c["base.html"],
            "a renamed asset reaches who links it"
        );
        assert_eq!(a["robots.txt"], c["robots.txt"]);
    }
}
