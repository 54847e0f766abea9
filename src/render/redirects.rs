//! `_redirects`: each item's former addresses (`aliases:`), and the redirects of site.yaml (for
//! pages that are not items), sent to their page with a 301, in every language, so a renamed
//! page keeps its old links working on Netlify. A redirect to an address that is no page is an
//! error at its line too. An alias that is
//! the address of a page, or of another item's alias, is an error at its line: Netlify would
//! serve the page and never redirect, or send readers to whichever rule came first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::catalog::Catalog;
use crate::content::model::{Collection, Site};
use crate::error::{Diagnostic, Error, Result};
use crate::output::OutputFile;

/// The `_redirects` file, or `None` when no item has an alias and site.yaml no redirect.
pub fn file(site: &Site, catalog: &Catalog) -> Result<Option<OutputFile>> {
    let cfg = &site.config;
    let default = cfg.default_language();
    // Every page's address, as readers request it (below the output root, with a leading /).
    let pages: BTreeSet<String> = catalog
        .pages
        .iter()
        .map(|p| {
            let out = catalog.out_path(p);
            format!("/{}", out.strip_suffix("index.html").unwrap_or(&out))
        })
        .collect();
    let site_yaml = Path::new(crate::content::SITE_FILE);
    // (old address, new address, the file and line that asked for it), in the order written.
    let mut wanted: Vec<(&str, String, &Path, usize, usize, &str)> = Vec::new();
    for item in site.items.iter().filter(|i| i.lang == default) {
        let neutral = match item.collection {
            Collection::Pages => format!("/{}/", item.slug),
            c => format!("/{}/{}/", c.name(), item.slug),
        };
        for alias in &item.aliases {
            wanted.push((
                &alias.path,
                neutral.clone(),
                &item.path,
                alias.line,
                alias.col,
                "aliases",
            ));
        }
    }
    for r in &cfg.redirects {
        wanted.push((&r.from, r.to.clone(), site_yaml, r.line, r.col, "redirects"));
    }
    let base = cfg.base_path.trim_end_matches('/');
    let mut rules: BTreeMap<String, (String, &Path, usize, &str)> = BTreeMap::new();
    let mut diags = Vec::new();
    for (old, new, path, line, col, field) in wanted {
        for &lang in &cfg.languages {
            // Paths below the output root: `/events/x/`, `/fr/events/x/`.
            let root = cfg.lang_root(lang)[cfg.base_path.len() - 1..].to_string();
            let from = format!("{root}{}", &old[1..]);
            let to = format!("{root}{}", &new[1..]);
            let said = if lang == default {
                String::new()
            } else {
                format!(" (as {from} on the {lang} site)")
            };
            let problem = if from == to {
                Some(format!("{old} is this item's own address"))
            } else if pages.contains(&from) {
                Some(format!(
                    "{old}{said} is the address of a page of the site, which Netlify would serve instead of redirecting; remove the {} or rename the page",
                    if field == "aliases" { "alias" } else { "redirect" }
                ))
            } else if !pages.contains(&to) {
                Some(format!(
                    "{new}{said} is not a page of the site; send readers to a page that exists, e.g. /pathways/"
                ))
            } else if let Some((_, other, other_line, other_field)) = rules.get(&from) {
                let what = if *other_field == "aliases" {
                    "an alias of"
                } else {
                    "a redirect in"
                };
                Some(format!(
                    "{old}{said} is already {what} {} (line {other_line}); an old address can lead to one page only",
                    other.display()
                ))
            } else {
                rules.insert(from, (to, path, line, field));
                None
            };
            if let Some(problem) = problem {
                diags.push(Diagnostic::error(
                    path,
                    line,
                    col,
                    format!("field \"{field}\": {problem}"),
                ));
                break;
            }
        }
    }
    if !diags.is_empty() {
        return Err(Error::Content(diags));
    }
    if rules.is_empty() {
        return Ok(None);
    }
    let mut text = String::from(
        "# Former addresses (items' `aliases:`, site.yaml's `redirects:`), written by iehp build.\n",
    );
    for (from, (to, ..)) in &rules {
        text.push_str(&format!("{base}{from}  {base}{to}  301\n"));
    }
    Ok(Some(OutputFile::new("_redirects", text.into_bytes())))
}
