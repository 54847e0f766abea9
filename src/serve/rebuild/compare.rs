//! Comparing with the last good build: what each page was made from (its template's stamp and
//! its inputs), which pages of a new plan differ, to render again, and whether only stylesheets
//! changed (open pages then swap them without reloading). Pure: takes the last build's record
//! and the new plan or theme, and returns what changed.

use std::collections::{BTreeMap, HashMap, HashSet};

use tera::Context;

use super::{Compiled, Planned, Touched};
use crate::catalog::{Catalog, Page};
use crate::error::Result;
use crate::output::OutputFile;
use crate::render::Assets;
use crate::render::pages::inputs::Inputs;
use crate::site::OutputPaths;
use crate::theme::{self, Theme};

/// What a page was made from, to compare with what it would be made from now: its template's
/// stamp and its inputs.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Made(pub(super) u64, pub(super) Inputs);

/// What each page is now made from, to keep for the next rebuild.
pub(super) enum PagesMade {
    /// Same layout: the pages that changed, by place.
    Changed(Vec<(usize, Made)>),
    /// New layout: every page, by path, in the plan's order.
    All(Vec<(String, Made)>),
}

/// The pages that differ from what they were made from.
pub(super) struct PageChanges<'p> {
    /// To render, with the context they were compared by when there is one.
    pub(super) render: Vec<(&'p Page, Option<Context>)>,
    /// Calendars and feeds, written already to be compared.
    pub(super) written: Vec<OutputFile>,
    /// Pages the last build had and this one does not.
    pub(super) remove: Vec<String>,
    pub(super) made: PagesMade,
    /// Every page's path, when the layout is new (with the same layout, they are the last
    /// build's).
    pub(super) paths: Option<OutputPaths>,
}

/// `check`, and the pages whose template changed, whatever they show. (Calendars and feeds
/// have no template: both sides say 0.)
pub(super) fn with_changed_templates(
    mut check: Vec<usize>,
    catalog: &Catalog,
    stamps: &BTreeMap<String, u64>,
    old: Option<&BTreeMap<String, u64>>,
) -> Vec<usize> {
    let changed: HashSet<&str> = stamps
        .iter()
        .filter(|(name, stamp)| old.and_then(|o| o.get(*name)) != Some(stamp))
        .map(|(name, _)| name.as_str())
        .chain(
            old.into_iter()
                .flatten()
                .filter(|(name, _)| !stamps.contains_key(*name))
                .map(|(name, _)| name.as_str()),
        )
        .collect();
    if old.is_none() || !changed.is_empty() {
        for (k, page) in catalog.pages.iter().enumerate() {
            if old.is_none() || changed.contains(page.template) {
                check.push(k);
            }
        }
    }
    check.sort_unstable();
    check.dedup();
    check
}

/// Compares each page planned for comparison with what it was made from: those that differ
/// are to render (or, calendars and feeds, written already), and pages the last build had
/// and this one does not are to remove.
pub(super) fn compare_pages<'p>(
    last: &[(String, Made)],
    plan: &'p Planned<'_>,
    inputs: Vec<Inputs>,
    stamps: &BTreeMap<String, u64>,
    everything: bool,
) -> Result<PageChanges<'p>> {
    let catalog = &plan.catalog;
    let stamp = |template: &str| stamps.get(template).copied().unwrap_or(0);
    let mut changes = PageChanges {
        render: Vec::new(),
        written: Vec::new(),
        remove: Vec::new(),
        made: PagesMade::Changed(Vec::new()),
        paths: None,
    };
    let mut differs = |page: &'p Page, out: &str, made: &Made| match text_of(made) {
        Some(text) => changes.written.push(OutputFile::new(out, text)),
        None => changes.render.push((page, context_of(made))),
    };
    if plan.same_layout {
        // The pages are the last plan's, at the same places.
        let mut changed = Vec::new();
        for (k, inputs) in plan.compare.iter().copied().zip(inputs) {
            let made = Made(stamp(catalog.pages[k].template), inputs);
            if last[k].1 != made {
                differs(&catalog.pages[k], &last[k].0, &made);
                changed.push((k, made));
            }
        }
        changes.made = PagesMade::Changed(changed);
        return Ok(changes);
    }
    // Every page's path and inputs, matched with the last plan's by path.
    let before: HashMap<&str, &Made> = last.iter().map(|(out, m)| (out.as_str(), m)).collect();
    let mut all = Vec::with_capacity(catalog.pages.len());
    for (page, inputs) in catalog.pages.iter().zip(inputs) {
        let out = catalog.out_path(page);
        let made = Made(stamp(page.template), inputs);
        if everything || before.get(out.as_str()) != Some(&&made) {
            differs(page, &out, &made);
        }
        all.push((out, made));
    }
    let mut paths = OutputPaths::default();
    for (out, _) in &all {
        paths.claim(out.clone())?;
    }
    changes.remove.extend(
        last.iter()
            .filter(|(out, _)| !paths.contains(out))
            .map(|(out, _)| out.clone()),
    );
    changes.paths = Some(paths);
    changes.made = PagesMade::All(all);
    Ok(changes)
}

/// The context a page was compared by, when it was (to render it with, rather than build it again).
pub(super) fn context_of(made: &Made) -> Option<Context> {
    match &made.1 {
        Inputs::Context(c) => Some(Context::clone(c)),
        Inputs::Digest(_) | Inputs::Text(_) => None,
    }
}

/// The file itself, when a page was compared by it (calendars and feeds): nothing to render.
pub(super) fn text_of(made: &Made) -> Option<&str> {
    match &made.1 {
        Inputs::Text(t) => Some(t),
        _ => None,
    }
}

/// When only stylesheets changed: each one's old URL and new one.
pub(super) fn style_swaps(
    good: Option<&Compiled>,
    touched: &Touched,
    theme: &Theme,
    assets: &Assets,
) -> Option<Vec<(String, String)>> {
    let good = good?;
    let only_theme =
        touched.theme && !touched.settings && !touched.ignore_rules && touched.content.is_empty();
    let same = |a: &[(String, theme::ThemeFile)], b: &[(String, theme::ThemeFile)]| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|((n1, f1), (n2, f2))| n1 == n2 && f1.bytes == f2.bytes)
    };
    if !only_theme || !same(&good.theme.templates, &theme.templates) || good.theme.strings != theme.strings {
        return None;
    }
    let old: BTreeMap<&str, &[u8]> = good
        .theme
        .statics
        .iter()
        .map(|(rel, f)| (rel.as_str(), f.bytes.as_slice()))
        .collect();
    let new: BTreeMap<&str, &[u8]> = theme
        .statics
        .iter()
        .map(|(rel, f)| (rel.as_str(), f.bytes.as_slice()))
        .collect();
    if old.keys().ne(new.keys()) {
        return None;
    }
    let mut swaps = Vec::new();
    for (rel, bytes) in &new {
        if old.get(rel) == Some(bytes) {
            continue;
        }
        if !rel.ends_with(".css") {
            return None;
        }
        swaps.push((good.assets.url(rel)?, assets.url(rel)?));
    }
    (!swaps.is_empty()).then_some(swaps)
}
