//! The content of a site held in memory between builds: every file's parse result by path, so
//! that the dev server re-reads only the files an edit touched and then re-runs the checks that
//! span files. [`super::load`] opens a store once, so a build and the dev server make the model
//! with the same code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::discover::{self, Filter, SourceFile};
use super::model::{Collection, Item, Site};
use super::{LoadOptions, Parsed, SITE_FILE, assemble, load_config, parse_all, parse_file};
use crate::config::Config;
use crate::error::Diagnostic;
use crate::lang::Lang;

struct Entry {
    file: SourceFile,
    parsed: Parsed,
    diags: Vec<Diagnostic>,
}

pub struct Store {
    root: PathBuf,
    opts: LoadOptions,
    config: Result<Config, Vec<Diagnostic>>,
    /// The bytes of the `site.yaml` the files were parsed with: settings shape how every file
    /// parses (languages, time zone, URLs), so a real change to them means parsing everything.
    parsed_with: Option<Vec<u8>>,
    filter: Filter,
    /// By path relative to the root.
    files: BTreeMap<PathBuf, Entry>,
    /// Files that do not belong where they are, and problems walking the tree, by path.
    misplaced: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// The model [`Store::site`] last made, while every change since was an item edited in place
    /// (see [`ItemKey`]), with the paths of those items: then the checks that span files would
    /// find what they found before, and the new model is the last one with those items swapped.
    last: Option<(Site, BTreeSet<PathBuf>)>,
}

/// What the checks that span files and the model's order see of an item: where it is, what it
/// is called, whether it is a draft. An edit that keeps it, and parses cleanly, is "in place".
type ItemKey = (Collection, String, Lang, bool);

impl Store {
    /// Reads and parses every content file under `root`. Problems are kept, not returned:
    /// [`Store::site`] reports them.
    pub fn open(root: &Path, opts: LoadOptions) -> Self {
        let mut store = Store {
            root: root.to_path_buf(),
            opts,
            config: Err(Vec::new()),
            parsed_with: None,
            filter: Filter::new(root),
            files: BTreeMap::new(),
            misplaced: BTreeMap::new(),
            last: None,
        };
        store.reload_all();
        store
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The settings, when `site.yaml` is valid.
    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref().ok()
    }

    /// Reads `site.yaml`, the ignore files and every content file again.
    pub fn reload_all(&mut self) {
        self.last = None;
        self.config = load_config(&self.root);
        self.parsed_with = std::fs::read(self.root.join(SITE_FILE)).ok();
        self.filter = Filter::new(&self.root);
        self.files.clear();
        self.misplaced.clear();
        let Ok(config) = &self.config else {
            return;
        };
        let (files, diags) = discover::discover(&self.root);
        for d in diags {
            self.misplaced.entry(d.path.clone()).or_default().push(d);
        }
        for (file, parsed, diags) in parse_all(files, config) {
            self.files.insert(file.rel.clone(), Entry { file, parsed, diags });
        }
    }

    /// Takes in a change to `site.yaml`: when its bytes differ from those the files were parsed
    /// with, everything is read again. Returns whether anything was.
    pub fn reload_config(&mut self) -> bool {
        let bytes = std::fs::read(self.root.join(SITE_FILE)).ok();
        if bytes.is_some() && bytes == self.parsed_with && self.config.is_ok() {
            return false;
        }
        self.reload_all();
        true
    }

    /// Takes in changes to these paths under `content/` (files or folders; created, modified or
    /// gone): forgets what was there and reads what is there now. `site.yaml` and the ignore
    /// files are not content: see [`Store::reload_config`] and [`Store::reload_all`].
    pub fn update<'p>(&mut self, paths: impl IntoIterator<Item = &'p Path>) {
        if self.config.is_err() {
            // Nothing parses without settings; `reload_config` reads everything once they are
            // valid again.
            return;
        }
        let mut found: BTreeSet<SourceFile> = BTreeSet::new();
        let mut before: Vec<(PathBuf, Option<ItemKey>)> = Vec::new();
        for abs in paths {
            let rel = discover::rel(&self.root, abs);
            if rel.as_path() == Path::new(SITE_FILE) {
                continue;
            }
            let held = self
                .files
                .range(rel.clone()..)
                .take_while(|(k, _)| k.starts_with(&rel))
                .count()
                + self
                    .misplaced
                    .range(rel.clone()..)
                    .take_while(|(k, _)| k.starts_with(&rel))
                    .count();
            // A folder, or a file that was not a clean item: not an edit in place.
            let key = if held == 1 { self.item_key(&rel) } else { None };
            before.push((rel.clone(), key));
            self.forget(&rel);
            // `symlink_metadata`: the walk does not follow links, so neither do we.
            match std::fs::symlink_metadata(abs) {
                Ok(meta) if meta.is_file() && self.filter.includes(abs, false) => {
                    self.admit(abs, &mut found);
                }
                Ok(meta) if meta.is_dir() && self.filter.includes(abs, true) => {
                    self.admit_tree(abs, &mut found);
                }
                _ => {}
            }
        }
        let Ok(config) = &self.config else {
            return;
        };
        let parsed: Vec<Entry> = found
            .into_iter()
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|file| {
                let mut diags = Vec::new();
                let parsed = parse_file(&file, config, &mut diags);
                Entry { file, parsed, diags }
            })
            .collect();
        let admitted = parsed.len();
        for entry in parsed {
            self.files.insert(entry.file.rel.clone(), entry);
        }
        let in_place = admitted == before.len()
            && before.iter().all(|(rel, key)| {
                key.is_some() && *key == self.item_key(rel) && !self.misplaced.contains_key(rel)
            });
        match (&mut self.last, in_place) {
            (Some((_, edited)), true) => edited.extend(before.into_iter().map(|(rel, _)| rel)),
            _ => self.last = None,
        }
    }

    /// The item at `rel`, when it parsed without problems.
    fn item_key(&self, rel: &Path) -> Option<ItemKey> {
        let entry = self.files.get(rel)?;
        match &entry.parsed {
            Parsed::Item(p) if !entry.diags.iter().any(Diagnostic::is_error) => {
                let i = &p.item;
                Some((i.collection, i.slug.clone(), i.lang, i.draft))
            }
            _ => None,
        }
    }

    /// Drops every file at or below `rel`.
    fn forget(&mut self, rel: &Path) {
        let doomed: Vec<PathBuf> = self
            .files
            .range(rel.to_path_buf()..)
            .take_while(|(k, _)| k.starts_with(rel))
            .map(|(k, _)| k.clone())
            .collect();
        for k in doomed {
            self.files.remove(&k);
        }
        let doomed: Vec<PathBuf> = self
            .misplaced
            .range(rel.to_path_buf()..)
            .take_while(|(k, _)| k.starts_with(rel))
            .map(|(k, _)| k.clone())
            .collect();
        for k in doomed {
            self.misplaced.remove(&k);
        }
    }

    /// Adds the file at `abs` (already known to pass the filter) as `discover` would.
    fn admit(&mut self, abs: &Path, found: &mut BTreeSet<SourceFile>) {
        let content = self.root.join("content");
        let Ok(in_content) = abs.strip_prefix(&content) else {
            return;
        };
        let rel = discover::rel(&self.root, abs);
        match discover::classify(in_content) {
            None => {}
            Some(Ok(kind)) => {
                found.insert(SourceFile {
                    kind,
                    rel,
                    abs: abs.to_path_buf(),
                });
            }
            Some(Err(message)) => {
                self.misplaced
                    .entry(rel.clone())
                    .or_default()
                    .push(Diagnostic::error(rel, 1, 1, message));
            }
        }
    }

    /// Adds every file below a folder that appeared (moved in, or checked out).
    fn admit_tree(&mut self, dir: &Path, found: &mut BTreeSet<SourceFile>) {
        let mut files = Vec::new();
        let mut walker = walkdir::WalkDir::new(dir).follow_links(false).into_iter();
        while let Some(entry) = walker.next() {
            let Ok(entry) = entry else {
                continue;
            };
            let kind = entry.file_type();
            if kind.is_dir() {
                if entry.depth() > 0 && !self.filter.includes(entry.path(), true) {
                    walker.skip_current_dir();
                }
            } else if kind.is_file() && self.filter.includes(entry.path(), false) {
                files.push(entry.into_path());
            }
        }
        for abs in files {
            self.admit(&abs, found);
        }
    }

    /// Whether a change at `abs`, under `content/`, can matter: something is held at or below
    /// it (it may be going away), or it is a folder or content file the walk would take.
    pub fn wants(&mut self, abs: &Path) -> bool {
        let rel = discover::rel(&self.root, abs);
        let held =
            |keys: &mut dyn Iterator<Item = &PathBuf>| keys.next().is_some_and(|k| k.starts_with(&rel));
        if held(&mut self.files.range(rel.clone()..).map(|(k, _)| k))
            || held(&mut self.misplaced.range(rel.clone()..).map(|(k, _)| k))
        {
            return true;
        }
        let content = self.root.join("content");
        match std::fs::symlink_metadata(abs) {
            Ok(meta) if meta.is_dir() => self.filter.includes(abs, true),
            Ok(meta) if meta.is_file() => {
                self.filter.includes(abs, false)
                    && abs
                        .strip_prefix(&content)
                        .is_ok_and(|in_content| discover::classify(in_content).is_some())
            }
            _ => false,
        }
    }

    /// Every content file the store holds, relative to the root (for checks against a fresh walk).
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files
            .keys()
            .chain(self.misplaced.keys())
            .map(PathBuf::as_path)
    }

    /// Runs the checks that span files and returns the model, or every problem found, sorted.
    pub fn site(&mut self) -> Result<Site, Vec<Diagnostic>> {
        if let Err(diags) = &self.config {
            return Err(diags.clone());
        }
        if let Some(site) = self.site_in_place() {
            self.last = Some((site.clone(), BTreeSet::new()));
            return Ok(site);
        }
        self.last = None;
        let site = self.assemble()?;
        self.last = Some((site.clone(), BTreeSet::new()));
        Ok(site)
    }

    /// The last model with the items edited in place since swapped in, when that is all that
    /// changed and their professions are all known.
    fn site_in_place(&self) -> Option<Site> {
        let (last, edited) = self.last.as_ref()?;
        let codes: BTreeSet<&str> = last.occupations.iter().map(|o| o.code.as_str()).collect();
        let mut site = last.clone();
        for rel in edited {
            let Parsed::Item(p) = &self.files.get(rel)?.parsed else {
                return None;
            };
            if p.refs.iter().any(|r| !codes.contains(r.code.as_str())) {
                return None;
            }
            let key = |i: &Item| {
                (i.collection, &i.slug, &i.lang).cmp(&(p.item.collection, &p.item.slug, &p.item.lang))
            };
            // Not there: a draft, left out of the model before as now.
            if let Ok(at) = site.items.binary_search_by(|i| key(i)) {
                site.items[at] = p.item.clone();
            }
        }
        Some(site)
    }

    fn assemble(&self) -> Result<Site, Vec<Diagnostic>> {
        let config = self.config.as_ref().map_err(Clone::clone)?;
        let diags: Vec<Diagnostic> = self
            .misplaced
            .values()
            .flatten()
            .chain(self.files.values().flat_map(|e| e.diags.iter()))
            .cloned()
            .collect();
        // A valid site comes out the same whatever order its files are taken in; the wording
        // of some problems (which file clashes with which) follows the order, so when there are
        // problems the files are taken again in the order `discover` lists them.
        let by_path = self.files.values().map(|e| (&e.file, &e.parsed));
        assemble(config, self.opts, by_path, diags.clone()).or_else(|_| {
            let mut entries: Vec<&Entry> = self.files.values().collect();
            entries.sort_by(|a, b| a.file.cmp(&b.file));
            assemble(
                config,
                self.opts,
                entries.into_iter().map(|e| (&e.file, &e.parsed)),
                diags,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn site_yaml(root: &Path) {
        write(
            root,
            "content/site.yaml",
            "title: T\nbase_url: https://example.org/\n",
        );
    }

    fn page(root: &Path, rel: &str, title: &str) {
        write(
            root,
            rel,
            &format!("---\ntitle: {title}\nreviewed: 2025-01-01\n---\nText.\n"),
        );
    }

    fn titles(store: &mut Store) -> Vec<String> {
        let site = store.site().unwrap_or_else(|d| panic!("{d:?}"));
        site.items.iter().map(|i| i.title.clone()).collect()
    }

    /// Whatever happened to the files, an updated store holds what a fresh one reads.
    #[track_caller]
    fn same_as_fresh(store: &mut Store) {
        let mut fresh = Store::open(store.root(), LoadOptions::default());
        let a: Vec<&Path> = store.paths().collect();
        let b: Vec<&Path> = fresh.paths().collect();
        assert_eq!(a, b);
        match (store.site(), fresh.site()) {
            (Ok(x), Ok(y)) => assert_eq!(
                x.items.iter().map(|i| (&i.path, &i.title)).collect::<Vec<_>>(),
                y.items.iter().map(|i| (&i.path, &i.title)).collect::<Vec<_>>()
            ),
            (Err(x), Err(y)) => assert_eq!(x, y),
            (x, y) => panic!("updated: {:?}\nfresh: {:?}", x.err(), y.err()),
        }
    }

    #[test]
    fn updates_follow_edits_additions_removals_and_moves() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        site_yaml(root);
        page(root, "content/pages/a.md", "A");
        let mut store = Store::open(root, LoadOptions::default());
        assert_eq!(titles(&mut store), ["A"]);

        page(root, "content/pages/a.md", "A2");
        page(root, "content/pages/b.md", "B");
        store.update([
            root.join("content/pages/a.md").as_path(),
            &root.join("content/pages/b.md"),
        ]);
        assert_eq!(titles(&mut store), ["A2", "B"]);
        same_as_fresh(&mut store);

        // A folder moved in, then out again.
        page(root, "elsewhere/nested/c.md", "C");
        std::fs::rename(root.join("elsewhere"), root.join("content/pages/more")).unwrap();
        store.update([root.join("content/pages/more").as_path()]);
        assert_eq!(titles(&mut store), ["A2", "B", "C"]);
        same_as_fresh(&mut store);
        std::fs::rename(root.join("content/pages/more"), root.join("gone")).unwrap();
        store.update([root.join("content/pages/more").as_path()]);
        assert_eq!(titles(&mut store), ["A2", "B"]);

        // A misplaced file is reported, then forgotten once removed.
        page(root, "content/pagez/d.md", "D");
        store.update([root.join("content/pagez/d.md").as_path()]);
        assert!(store.site().is_err());
        same_as_fresh(&mut store);
        std::fs::remove_dir_all(root.join("content/pagez")).unwrap();
        store.update([root.join("content/pagez").as_path()]);
        assert_eq!(titles(&mut store), ["A2", "B"]);
        same_as_fresh(&mut store);
    }

    #[test]
    fn edits_in_place_swap_the_item_and_anything_else_checks_again() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        site_yaml(root);
        write(
            root,
            "content/data/noc.yaml",
            "- code: \"31301\"\n  title: Nurses\n  teer: 1\n",
        );
        let program = |title: &str, code: &str| {
            format!(
                "---\ntitle: {title}\nprovince: ON\nprovider: P\nprofessions: [\"{code}\"]\nsource: https://example.org/\nreviewed: 2025-01-01\n---\nText.\n"
            )
        };
        write(root, "content/programs/a.md", &program("A", "31301"));
        write(root, "content/programs/b.md", &program("B", "31301"));
        let mut store = Store::open(root, LoadOptions::default());
        assert_eq!(titles(&mut store), ["A", "B"]);
        let a = root.join("content/programs/a.md");

        write(root, "content/programs/a.md", &program("A2", "31301"));
        store.update([a.as_path()]);
        assert!(store.site_in_place().is_some(), "a new title is an edit in place");
        assert_eq!(titles(&mut store), ["A2", "B"]);
        same_as_fresh(&mut store);

        // In place, but naming an unknown occupation: the full checks find it.
        write(root, "content/programs/a.md", &program("A3", "99999"));
        store.update([a.as_path()]);
        let problems = store.site().unwrap_err();
        assert!(problems[0].message.contains("99999"), "{problems:?}");
        same_as_fresh(&mut store);

        // A new slug clashing with another file: not in place, and reported.
        write(
            root,
            "content/programs/a.md",
            &program("A4", "31301").replace("title: A4", "title: A4\nslug: b"),
        );
        store.update([a.as_path()]);
        assert!(store.site_in_place().is_none());
        assert!(store.site().unwrap_err()[0].message.contains("already used"));
        same_as_fresh(&mut store);

        write(root, "content/programs/a.md", &program("A5", "31301"));
        store.update([a.as_path()]);
        assert_eq!(titles(&mut store), ["A5", "B"]);
        same_as_fresh(&mut store);
    }

    #[test]
    fn ignored_hidden_and_linked_files_stay_out() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        site_yaml(root);
        write(root, ".gitignore", "content/pages/secret-*.md\n");
        write(root, "content/pages/.gitignore", "draft-*.md\n!draft-keep.md\n");
        write(root, "content/.ignore", "old/\n");
        let mut store = Store::open(root, LoadOptions::default());
        let mut changed = Vec::new();
        for (rel, title) in [
            ("content/pages/secret-a.md", "Secret"),
            ("content/pages/draft-x.md", "Draft"),
            ("content/pages/draft-keep.md", "Kept"),
            ("content/pages/old/x.md", "Old"),
            ("content/pages/.hidden/x.md", "Hidden"),
            ("content/pages/.x.md", "Dot"),
            ("content/pages/x.md~", "Backup"),
            ("content/pages/ok.md", "Ok"),
        ] {
            page(root, rel, title);
            changed.push(root.join(rel));
        }
        #[cfg(unix)]
        {
            page(root, "outside/linked.md", "Linked");
            std::os::unix::fs::symlink(
                root.join("outside/linked.md"),
                root.join("content/pages/linked.md"),
            )
            .unwrap();
            changed.push(root.join("content/pages/linked.md"));
        }
        store.update(changed.iter().map(PathBuf::as_path));
        assert_eq!(titles(&mut store), ["Kept", "Ok"]);
        same_as_fresh(&mut store);
    }

    #[test]
    fn a_settings_change_reparses_everything_and_a_broken_one_waits() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        site_yaml(root);
        page(root, "content/pages/a.md", "A");
        let mut store = Store::open(root, LoadOptions::default());
        assert!(!store.reload_config(), "same bytes: nothing to do");
        write(root, "content/site.yaml", "title: [\n");
        assert!(store.reload_config());
        assert!(store.site().is_err());
        page(root, "content/pages/b.md", "B");
        store.update([root.join("content/pages/b.md").as_path()]);
        site_yaml(root);
        assert!(store.reload_config());
        assert_eq!(titles(&mut store), ["A", "B"]);
    }
}
