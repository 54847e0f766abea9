//! Finding the content files: walks `content/` with `ignore`, skipping hidden files, editor
//! leftovers and what `.gitignore` names, and says what each file is from its path alone.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::model::Collection;
use crate::error::Diagnostic;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    /// An item of a collection; `lang` is `None` for the default language.
    Item {
        collection: Collection,
        stem: String,
        lang: Option<String>,
    },
    OccupationNote {
        stem: String,
        lang: Option<String>,
    },
    /// `organizations/<slug>.md`.
    Organization {
        stem: String,
        lang: Option<String>,
    },
    /// `pathways/<profession>-<province>.md`.
    Pathway {
        stem: String,
        lang: Option<String>,
    },
    Noc,
    Draws,
    /// `data/professions.yaml`: the "I am a..." choices.
    Professions,
    Synonyms,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    pub kind: FileKind,
    /// Relative to the site root (`content/events/x.md`), as editors see it.
    pub rel: PathBuf,
    pub abs: PathBuf,
}

/// Whether a file name is hidden or an editor's leftover rather than something an editor wrote
/// on purpose: backups (`x~`), autosaves (`#x#`), swap files (`.x.swp`, `x.swp`), vim's probe file
/// `4913`, and the temporary names editors save through (`x.tmp`, `x___jb_tmp___`, `x.crswap`).
/// Content, themes and the dev server's watcher all skip them.
pub fn is_scratch(name: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "~",
        ".swp",
        ".swx",
        ".swo",
        ".tmp",
        "___jb_tmp___",
        "___jb_old___",
        ".crswap",
    ];
    name.starts_with('.')
        || name.starts_with('#')
        || name == "4913"
        || SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// What a path under `content/` is, or why it does not belong there. `None`: not content at all
/// (a stray `.txt`, `site.yaml` itself), silently skipped. Pure; used by the watcher too.
pub fn classify(rel_to_content: &Path) -> Option<Result<FileKind, String>> {
    let Some(parts) = rel_to_content
        .iter()
        .map(|p| p.to_str())
        .collect::<Option<Vec<&str>>>()
    else {
        // Not silently dropped: a name that is not UTF-8 cannot become a slug or a URL.
        let shown = rel_to_content.to_string_lossy();
        let looks_like_content = [".md", ".yaml", ".yml"].iter().any(|e| shown.ends_with(e));
        return looks_like_content.then(|| {
            Err(format!(
                "the file name {shown:?} is not valid UTF-8 (� marks the bytes that are not); rename it with plain letters"
            ))
        });
    };
    let file = *parts.last()?;
    if is_scratch(file) {
        return None;
    }
    if parts.len() == 2 && parts[0] == "data" {
        return match file {
            "noc.yaml" => Some(Ok(FileKind::Noc)),
            "draws.yaml" => Some(Ok(FileKind::Draws)),
            "professions.yaml" => Some(Ok(FileKind::Professions)),
            "synonyms.yaml" => Some(Ok(FileKind::Synonyms)),
            f if f.ends_with(".yaml") || f.ends_with(".yml") => Some(Err(format!(
                "unknown data file; content/data/ holds noc.yaml, draws.yaml, professions.yaml and synonyms.yaml, not {f}"
            ))),
            _ => None,
        };
    }
    let stem = file.strip_suffix(".md")?;
    let (stem, lang) = split_lang(stem);
    if parts.len() < 2 {
        return Some(Err(
            "a content file must sit in a collection folder: pages, portals, events, members, programs, occupations, organizations or pathways".to_string(),
        ));
    }
    let folder = parts[0];
    match folder {
        "occupations" => return Some(Ok(FileKind::OccupationNote { stem, lang })),
        "organizations" => return Some(Ok(FileKind::Organization { stem, lang })),
        "pathways" => return Some(Ok(FileKind::Pathway { stem, lang })),
        _ => {}
    }
    match Collection::from_name(folder) {
        Some(collection) => Some(Ok(FileKind::Item {
            collection,
            stem,
            lang,
        })),
        None => {
            let mut names: Vec<&str> = Collection::ALL.iter().map(|c| c.name()).collect();
            names.extend(["occupations", "organizations", "pathways"]);
            let hint = crate::schema::suggest(folder, names.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            Some(Err(format!(
                "unknown collection folder \"{folder}\"{hint}; the folders are {}",
                names.join(", ")
            )))
        }
    }
}

/// `about.fr` -> (`about`, Some(`fr`)); `about` -> (`about`, None).
fn split_lang(stem: &str) -> (String, Option<String>) {
    match stem.rsplit_once('.') {
        Some((base, lang)) if lang.len() == 2 && lang.chars().all(|c| c.is_ascii_lowercase()) => {
            (base.to_string(), Some(lang.to_string()))
        }
        _ => (stem.to_string(), None),
    }
}

/// Lists every content file under `<root>/content`, sorted, with problems for misplaced ones.
pub fn discover(root: &Path) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let content = root.join("content");
    let mut files = Vec::new();
    let mut diags = Vec::new();
    if !content.is_dir() {
        return (files, diags);
    }
    let root_ignore = root_gitignore(root);
    let walker = walk_builder(&content).sort_by_file_name(|a, b| a.cmp(b)).build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(rel(root, &content), 0, 0, e.to_string()));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let abs = entry.path().to_path_buf();
        if root_ignore.matched_path_or_any_parents(&abs, false).is_ignore() {
            continue;
        }
        let Ok(in_content) = abs.strip_prefix(&content) else {
            continue;
        };
        let rel_path = rel(root, &abs);
        match classify(in_content) {
            None => {}
            Some(Ok(kind)) => files.push(SourceFile {
                kind,
                rel: rel_path,
                abs,
            }),
            Some(Err(message)) => diags.push(Diagnostic::error(rel_path, 1, 1, message)),
        }
    }
    files.sort();
    (files, diags)
}

/// A warning for each file under `content/` that the site does not use (`flyer.pdf`,
/// `photo.jpg`, `notes.markdown`): [`discover`] skips them without a word, and an editor who put
/// one there expected it to appear somewhere. Hidden files, editors' leftovers and ignored files
/// are left out, as everywhere.
pub fn unused(root: &Path) -> Vec<Diagnostic> {
    let content = root.join("content");
    let mut diags = Vec::new();
    if !content.is_dir() {
        return diags;
    }
    let root_ignore = root_gitignore(root);
    for entry in walk_builder(&content)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build()
        .flatten()
    {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let abs = entry.path();
        if root_ignore.matched_path_or_any_parents(abs, false).is_ignore() {
            continue;
        }
        let Ok(in_content) = abs.strip_prefix(&content) else {
            continue;
        };
        let name = in_content.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if in_content == Path::new(super::SITE_FILE.trim_start_matches("content/"))
            || is_scratch(name)
            || classify(in_content).is_some()
        {
            continue;
        }
        let message = match name.rsplit_once('.') {
            Some((stem, "markdown" | "mdown" | "mkd" | "MD" | "Md")) => format!(
                "the site does not use this file: only files ending in .md are read; rename it {stem}.md to publish it"
            ),
            _ => "the site does not use this file: content/ holds .md items and content/data/*.yaml; \
                  images and documents here are not published (link to where they are published instead)"
                .to_string(),
        };
        diags.push(Diagnostic::warning(rel(root, abs), 0, 0, message));
    }
    diags
}

/// The walk over `content/`, with explicit options so a build is the same inside or outside a
/// git checkout and whatever the user's global git configuration says.
fn walk_builder(content: &Path) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(content);
    builder
        .standard_filters(false)
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .parents(false)
        .ignore(true)
        .follow_links(false);
    builder
}

/// Answers, for one path at a time, whether [`discover`] would list it: the same walk settings
/// and ignore files, without walking the tree again (the dev server asks this of each changed
/// path). A snapshot of the ignore files: make a new one when one of them changes.
pub struct Filter {
    content: PathBuf,
    walk: ignore::IncrementalIgnore,
    root_ignore: Gitignore,
}

impl Filter {
    pub fn new(root: &Path) -> Self {
        let content = root.join("content");
        let walk = walk_builder(&content)
            .build_matchers()
            .pop()
            .expect("a walk builder made with one root gives one matcher");
        Self {
            content,
            walk,
            root_ignore: root_gitignore(root),
        }
    }

    /// Whether the walk would list the file (or enter the folder) at `abs`, a path under
    /// `content/`. Says nothing of what kind of file it is: that is [`classify`]'s part.
    pub fn includes(&mut self, abs: &Path, is_dir: bool) -> bool {
        let Ok(rel) = abs.strip_prefix(&self.content) else {
            return false;
        };
        if rel.as_os_str().is_empty() {
            return true;
        }
        if self.walk.matched(rel, is_dir).is_ignore() {
            return false;
        }
        // `discover` applies the root's `.gitignore` to files only; a folder it names still
        // excludes every file below it, through `matched_path_or_any_parents`.
        is_dir
            || !self
                .root_ignore
                .matched_path_or_any_parents(abs, false)
                .is_ignore()
    }
}

/// The site root's own `.gitignore` (the walk starts below it, in `content/`).
fn root_gitignore(root: &Path) -> Gitignore {
    let mut builder = GitignoreBuilder::new(root);
    let path = root.join(".gitignore");
    if path.is_file() {
        // A malformed line is skipped by `ignore` itself; the rest still applies.
        let _ = builder.add(path);
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

pub fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn case(path: &str, expected: Option<Result<FileKind, ()>>) {
        let got = classify(Path::new(path)).map(|r| r.map_err(|_| ()));
        assert_eq!(got, expected, "{path}");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_name_that_is_not_utf8_is_reported_not_dropped() {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"events/caf\xe9.md");
        let got = classify(Path::new(name));
        let message = got.expect("reported").expect_err("a problem");
        assert!(message.contains("not valid UTF-8"), "{message}");
        assert_eq!(
            classify(Path::new(std::ffi::OsStr::from_bytes(b"events/\xff.txt"))),
            None
        );
    }

    #[test]
    fn classify_paths() {
        let item = |c, s: &str, l: Option<&str>| {
            Some(Ok(FileKind::Item {
                collection: c,
                stem: s.into(),
                lang: l.map(Into::into),
            }))
        };
        case("events/summit.md", item(Collection::Events, "summit", None));
        case("pages/about.fr.md", item(Collection::Pages, "about", Some("fr")));
        case("events/2024/summit.md", item(Collection::Events, "summit", None));
        case(
            "occupations/31301.md",
            Some(Ok(FileKind::OccupationNote {
                stem: "31301".into(),
                lang: None,
            })),
        );
        case("data/noc.yaml", Some(Ok(FileKind::Noc)));
        case("data/professions.yaml", Some(Ok(FileKind::Professions)));
        case(
            "organizations/cno.fr.md",
            Some(Ok(FileKind::Organization {
                stem: "cno".into(),
                lang: Some("fr".into()),
            })),
        );
        case(
            "pathways/registered-nurse-on.md",
            Some(Ok(FileKind::Pathway {
                stem: "registered-nurse-on".into(),
                lang: None,
            })),
        );
        case("organisations/cno.md", Some(Err(())));
        case("data/other.yaml", Some(Err(())));
        case("event/summit.md", Some(Err(())));
        case("stray.md", Some(Err(())));
        case("site.yaml", None);
        case("events/.summit.md.swp", None);
        case("events/summit.md~", None);
        case("events/#summit.md#", None);
        case("events/notes.txt", None);
        case("events/4913", None);
        case("events/summit.md.tmp", None);
        case("events/summit.md___jb_tmp___", None);
    }

    #[test]
    fn unused_files_are_listed_and_used_ones_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "content/site.yaml",
            "content/events/a.md",
            "content/events/flyer.pdf",
            "content/events/b.markdown",
            "content/events/a.md~",
            "content/events/.hidden",
            "content/data/noc.yaml",
            "content/pages/logo.jpg",
        ] {
            std::fs::create_dir_all(root.join(f).parent().unwrap()).unwrap();
            std::fs::write(root.join(f), "x").unwrap();
        }
        let got: Vec<String> = unused(root).iter().map(|d| d.to_string()).collect();
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(got[0].starts_with("content/events/b.markdown: warning: the site does not use this file: only files ending in .md are read; rename it b.md"));
        assert!(got[1].starts_with("content/events/flyer.pdf: warning: the site does not use this file"));
        assert!(got[2].starts_with("content/pages/logo.jpg: warning:"));
    }

    #[test]
    fn scratch_names() {
        for scratch in [
            ".summit.md.swp",
            "summit.md~",
            "#summit.md#",
            "4913",
            "summit.md.swp",
            "style.css.tmp",
            "base.html___jb_old___",
            "style.css.crswap",
            ".gitignore",
        ] {
            assert!(is_scratch(scratch), "{scratch}");
        }
        for kept in ["summit.md", "style.css", "4913.md", "tmp.md", "logo.png"] {
            assert!(!is_scratch(kept), "{kept}");
        }
    }
}
