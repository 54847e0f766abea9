//! `_redirects`: each item's former addresses (`aliases:`) sent to its page with a 301, in
//! every language, so a renamed item keeps its old links working on Netlify. An alias that is
//! the address of a page, or of another item's alias, is an error at its line: Netlify would
//! serve the page and never redirect, or send readers to whichever rule came first.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::Catalog;
use crate::content::model::{Collection, Site};
use crate::error::{Diagnostic, Error, Result};
use crate::output::OutputFile;

/// The `_redirects` file, or `None` when no item has an alias.
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
    let base = cfg.base_path.trim_end_matches('/');
    let mut rules: BTreeMap<String, (String, &std::path::Path, usize)> = BTreeMap::new();
    let mut diags = Vec::new();
    for item in site.items.iter().filter(|i| i.lang == default) {
        let neutral = match item.collection {
            Collection::Pages => format!("{}/", item.slug),
            c => format!("{}/{}/", c.name(), item.slug),
        };
        for alias in &item.aliases {
            for &lang in &cfg.languages {
                // Paths below the output root: `/events/x/`, `/fr/events/x/`.
                let root = cfg.lang_root(lang)[cfg.base_path.len() - 1..].to_string();
                let from = format!("{root}{}", &alias.path[1..]);
                let to = format!("{root}{neutral}");
                let said = if lang == default {
                    String::new()
                } else {
                    format!(" (as {from} on the {lang} site)")
                };
                if from == to {
                    diags.push(Diagnostic::error(
                        &item.path,
                        alias.line,
                        alias.col,
                        format!("field \"aliases\": {} is this item's own address", alias.path),
                    ));
                    break;
                }
                if pages.contains(&from) {
                    diags.push(Diagnostic::error(
                        &item.path,
                        alias.line,
                        alias.col,
                        format!(
                            "field \"aliases\": {}{said} is the address of a page of the site, which Netlify would serve instead of redirecting; remove the alias or rename the page",
                            alias.path
                        ),
                    ));
                    break;
                }
                if let Some((_, other, line)) = rules.get(&from) {
                    diags.push(Diagnostic::error(
                        &item.path,
                        alias.line,
                        alias.col,
                        format!(
                            "field \"aliases\": {}{said} is already an alias of {} (line {line}); an old address can lead to one page only",
                            alias.path,
                            other.display()
                        ),
                    ));
                    break;
                }
                rules.insert(from, (to, &item.path, alias.line));
            }
        }
    }
    if !diags.is_empty() {
        return Err(Error::Content(diags));
    }
    if rules.is_empty() {
        return Ok(None);
    }
    let mut text = String::from("# Former addresses of renamed items (`aliases:`), written by iehp build.\n");
    for (from, (to, _, _)) in &rules {
        text.push_str(&format!("{base}{from}  {base}{to}  301\n"));
    }
    Ok(Some(OutputFile::new("_redirects", text.into_bytes())))
}
