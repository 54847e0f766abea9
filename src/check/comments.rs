//! Values YAML cuts short: `title: Webinar #3` is the title "Webinar", as ` #` starts a comment.
//! Nothing stops a build over it, as it is valid YAML; `check` asks the editor to look.

use std::path::Path;

use crate::content::discover::{self, FileKind};
use crate::content::frontmatter;
use crate::error::Diagnostic;
use crate::yaml;

/// A warning for each value cut short in the settings, the content's front matter and the data
/// files under `root`. Files that do not read or split are left to the build's own checks.
pub fn check(root: &Path) -> Vec<Diagnostic> {
    let (files, _) = discover::discover(root);
    let mut diags = Vec::new();
    let site = (
        Path::new(crate::content::SITE_FILE),
        root.join(crate::content::SITE_FILE),
    );
    let content = files.iter().map(|f| {
        let yaml_only = matches!(
            f.kind,
            FileKind::Noc | FileKind::Draws | FileKind::Professions | FileKind::Synonyms
        );
        (f.rel.as_path(), f.abs.clone(), yaml_only)
    });
    for (rel, abs, yaml_only) in std::iter::once((site.0, site.1, true)).chain(content) {
        let Ok(bytes) = std::fs::read(&abs) else {
            continue;
        };
        let Ok(text) = frontmatter::decode(&bytes) else {
            continue;
        };
        let (front, offset) = if yaml_only {
            (text.as_str(), 0)
        } else {
            match frontmatter::split(&text) {
                Ok(split) => (split.front, split.front_offset),
                Err(_) => continue,
            }
        };
        for cut in yaml::cut_values(front) {
            let what = match &cut.key {
                Some(key) => format!("field {key:?}"),
                None => "a list item".to_string(),
            };
            let whole = format!("{} {}", cut.kept, cut.dropped);
            diags.push(Diagnostic::warning(
                rel,
                cut.pos.line + offset,
                cut.pos.col,
                format!(
                    "{what}: YAML reads {:?} as a comment, so the value is {:?}; if it belongs to the value, put the whole value in quotes ({whole:?}), and if it is a comment, move it to a line of its own",
                    cut.dropped, cut.kept
                ),
            ));
        }
    }
    diags
}
