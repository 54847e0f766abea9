//! Links from one content file to another: editors write `@/programs/iehp-can.md` (see
//! [`markdown::item_link`]) and the page shows the item's address. A link naming a file that
//! does not exist is an error at its line, with the nearest name suggested, so a renamed or
//! mistyped item never leaves a broken link on the published hub.

use std::collections::BTreeSet;
use std::path::Path;

use super::markdown;
use super::model::Body;
use crate::error::Diagnostic;
use crate::schema::suggest;

/// Every `@/` link in `bodies` (path, body, the file line the body starts on) must name one of
/// `targets` (collection folder, slug).
pub(super) fn check<'a>(
    targets: &BTreeSet<(String, String)>,
    bodies: impl Iterator<Item = (&'a Path, &'a Body, usize)>,
    diags: &mut Vec<Diagnostic>,
) {
    for (path, body, body_line) in bodies {
        for link in body.links.iter().filter(|l| l.url.starts_with("@/")) {
            let (line, col) = body.position(body_line, link.offset);
            let Some((collection, slug, _)) = markdown::item_target(&link.url) else {
                diags.push(Diagnostic::error(
                    path,
                    line,
                    col,
                    format!(
                        "link {:?}: a link to a content file is written @/<folder>/<file>.md, e.g. @/programs/iehp-can.md",
                        link.url
                    ),
                ));
                continue;
            };
            if targets.contains(&(collection.to_string(), slug.to_string())) {
                continue;
            }
            let in_folder = targets.iter().filter(|(c, _)| c == collection);
            let hint = match suggest(slug, in_folder.map(|(_, s)| s.as_str())) {
                Some(s) => format!("; did you mean @/{collection}/{s}.md?"),
                None if !targets.iter().any(|(c, _)| c == collection) => {
                    format!("; there is no folder content/{collection}/")
                }
                None => String::new(),
            };
            diags.push(Diagnostic::error(
                path,
                line,
                col,
                format!(
                    "link {:?}: no file content/{collection}/{slug}.md{hint}",
                    link.url
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(md: &str) -> Vec<String> {
        let targets: BTreeSet<(String, String)> = [("programs", "iehp-can"), ("pages", "about")]
            .iter()
            .map(|(c, s)| (c.to_string(), s.to_string()))
            .collect();
        let body = markdown::render(md, "/");
        let mut diags = Vec::new();
        check(
            &targets,
            std::iter::once((Path::new("content/pages/x.md"), &body, 5)),
            &mut diags,
        );
        diags.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn links_to_existing_files_pass_and_others_are_named_at_their_line() {
        assert!(
            problems("See [it](@/programs/iehp-can.md) and [about](@/pages/about.fr.md#who).").is_empty()
        );
        let p = problems("First line.\n\nSee [it](@/programs/iehp-cn.md).");
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("content/pages/x.md:7:5:"), "{}", p[0]);
        assert!(
            p[0].contains("no file content/programs/iehp-cn.md; did you mean @/programs/iehp-can.md?"),
            "{}",
            p[0]
        );
        let p = problems("[x](@/prgrams/iehp-can.md) [y](@/programs.md)");
        assert!(p[0].contains("there is no folder content/prgrams/"), "{}", p[0]);
        assert!(p[1].contains("is written @/<folder>/<file>.md"), "{}", p[1]);
    }
}
