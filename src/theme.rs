//! Loading a theme: its templates, static files and interface string tables, from
//! `<root>/themes/<name>/` or, when the root has no `themes/` folder, from the copy of
//! `themes/default/` built into the binary. Reads files; renders nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::model::{Collection, OrgKind, OrgStatus};
use crate::error::{Diagnostic, Error, Result};
use crate::fs;
use crate::lang::Lang;
use crate::yaml::{self, Node};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_theme.rs"));
}

#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Relative to the theme folder, `/`-separated: `templates/base.html`.
    pub rel: String,
    /// How problems name this file: `themes/default/templates/base.html`, or
    /// `(built-in theme)/templates/base.html`.
    pub shown: PathBuf,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Theme {
    /// Templates by name relative to `templates/` (`base.html`, `partials/card.html`).
    pub templates: Vec<(String, ThemeFile)>,
    /// Static files by path relative to `static/`.
    pub statics: Vec<(String, ThemeFile)>,
    /// Interface strings per language (a table for a language the generator does not know is
    /// read, so its problems are reported, but not kept).
    pub strings: BTreeMap<Lang, BTreeMap<String, String>>,
}

/// Interface strings the generator itself looks up by name (besides the families in
/// [`generator_strings`]); a test keeps this list in step with the code's `tr("...")` calls.
const GENERATOR_STRINGS: &[&str] = &[
    "calendar_all_link",
    "calendar_name_all",
    "calendar_name_national",
    "calendar_name_province",
    "chart_invitations_desc",
    "chart_invitations_series",
    "chart_invitations_title",
    "chart_provinces_desc",
    "chart_provinces_title",
    "chart_scores_desc",
    "chart_scores_series",
    "chart_scores_title",
    "chart_unknown_count",
    "draws_invitations_unknown",
    "feed_events_link",
    "feed_events_title",
    "feed_resources_link",
    "feed_resources_subtitle",
    "feed_resources_title",
    "field_audience",
    "field_clients",
    "field_delivery",
    "field_event_language",
    "field_format",
    "field_host",
    "field_host_org",
    "field_location",
    "field_membership",
    "field_operator",
    "field_partners",
    "field_portal_url",
    "field_provider",
    "field_provinces",
    "field_recording",
    "field_registration",
    "field_services",
    "field_status",
    "field_supports",
    "field_website",
    "field_when",
    "form_thanks_title",
    "intro_draws",
    "intro_occupations",
    "intro_organizations",
    "intro_pathways",
    "intro_provinces",
    "kind_event",
    "kind_member",
    "kind_occupation",
    "kind_organization",
    "kind_page",
    "kind_pathway",
    "kind_portal",
    "kind_program",
    "reviewed_as_of",
    "search_browse_professions",
    "search_browse_provinces",
    "search_error",
    "search_intro",
    "search_kind_occupations",
    "search_kind_organizations",
    "search_kind_pathways",
    "search_loading",
    "search_more",
    "search_only_en",
    "search_only_fr",
    "search_partial",
    "search_prompt",
    "search_result_professions",
    "search_results_none",
    "search_results_one",
    "search_results_other",
    "search_title",
    "section_national",
    "status_closed",
    "status_open",
    "status_past",
    "status_unknown",
    "status_upcoming",
    "title_draws",
    "title_not_found",
    "title_occupations",
    "title_organizations",
    "title_pathways",
    "title_provinces",
];

/// Every interface string the generator looks up: [`GENERATOR_STRINGS`], and the names it makes
/// from the model's kinds (`collection_events`, `org_kind_exam`, `teer_3`, ...). Each language's
/// table must have them all, checked when the theme loads (the templates' own strings are
/// checked as they render).
fn generator_strings() -> Vec<String> {
    let mut keys: Vec<String> = GENERATOR_STRINGS.iter().map(|k| k.to_string()).collect();
    for c in Collection::ALL {
        keys.push(format!("collection_{}", c.name()));
        if c != Collection::Pages {
            keys.push(format!("list_intro_{}", c.name()));
        }
    }
    for (name, _) in OrgKind::CHOICES {
        keys.push(format!("org_kind_{name}"));
        keys.push(format!("org_kinds_{name}"));
    }
    for (name, status) in OrgStatus::CHOICES {
        if *status != OrgStatus::Active {
            keys.push(format!("org_status_{name}"));
        }
    }
    for lang in Lang::ALL {
        keys.push(format!("search_lang_{lang}"));
    }
    keys.extend((0..=5).map(|teer| format!("teer_{teer}")));
    keys
}

/// Loads the theme `site.yaml` selects.
pub fn load(root: &Path, config: &Config) -> Result<Theme> {
    let themes = root.join("themes");
    let files = if fs::is_dir(&themes) {
        let dir = themes.join(&config.theme);
        if !fs::is_dir(&dir) {
            return Err(Error::Content(vec![Diagnostic::error(
                crate::content::SITE_FILE,
                0,
                0,
                format!("field \"theme\": there is no folder themes/{}/", config.theme),
            )]));
        }
        read_dir_files(root, &dir)?
    } else if config.theme == "default" {
        builtin::FILES
            .iter()
            .map(|(rel, bytes)| ThemeFile {
                rel: rel.to_string(),
                shown: PathBuf::from("(built-in theme)").join(rel),
                bytes: bytes.to_vec(),
            })
            .collect()
    } else {
        return Err(Error::Content(vec![Diagnostic::error(
            crate::content::SITE_FILE,
            0,
            0,
            format!(
                "field \"theme\": there is no themes/ folder holding {:?}",
                config.theme
            ),
        )]));
    };
    from_files(files, config)
}

fn read_dir_files(root: &Path, dir: &Path) -> Result<Vec<ThemeFile>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io(
                &path,
                e.into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("walk failed")),
            )
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if crate::content::discover::is_scratch(&name) {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        files.push(ThemeFile {
            rel,
            shown: entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .to_path_buf(),
            bytes: fs::read(entry.path())?,
        });
    }
    Ok(files)
}

fn from_files(files: Vec<ThemeFile>, config: &Config) -> Result<Theme> {
    let mut templates = Vec::new();
    let mut statics = Vec::new();
    let mut tables = BTreeMap::new();
    let mut diags = Vec::new();
    for file in files {
        if let Some(name) = file.rel.strip_prefix("templates/") {
            templates.push((name.to_string(), file));
        } else if let Some(name) = file.rel.strip_prefix("static/") {
            statics.push((name.to_string(), file));
        } else if let Some(name) = file.rel.strip_prefix("i18n/")
            && let Some(code) = name.strip_suffix(".yaml")
            && let Some(table) = string_table(&file, &mut diags)
            && let Some(lang) = Lang::from_code(code)
        {
            tables.insert(lang, (file.shown.clone(), table));
        }
    }
    // Every language the site uses needs a table, with the same keys as the default language's.
    let default = config.default_language();
    for lang in &config.languages {
        if !tables.contains_key(lang) {
            diags.push(Diagnostic::error(
                crate::content::SITE_FILE,
                0,
                0,
                format!("field \"languages\": the theme has no string table i18n/{lang}.yaml"),
            ));
        }
    }
    if let Some((_, reference)) = tables.get(&default) {
        for lang in &config.languages {
            let Some((shown, table)) = tables.get(lang) else {
                continue;
            };
            for key in reference.keys().filter(|k| !table.contains_key(*k)) {
                diags.push(Diagnostic::error(
                    shown,
                    0,
                    0,
                    format!("missing string \"{key}\" (it is in the {default} table)"),
                ));
            }
            for key in table.keys().filter(|k| !reference.contains_key(*k)) {
                diags.push(Diagnostic::error(
                    shown,
                    0,
                    0,
                    format!("string \"{key}\" is not in the {default} table"),
                ));
            }
        }
    }
    let needed = generator_strings();
    for lang in &config.languages {
        let Some((shown, table)) = tables.get(lang) else {
            continue;
        };
        for key in needed.iter().filter(|k| !table.contains_key(*k)) {
            diags.push(Diagnostic::error(
                shown,
                0,
                0,
                format!("missing string \"{key}\", which the generator uses"),
            ));
        }
    }
    if !diags.is_empty() {
        return Err(Error::Content(diags));
    }
    Ok(Theme {
        templates,
        statics,
        strings: tables
            .into_iter()
            .map(|(lang, (_, table))| (lang, table))
            .collect(),
    })
}

fn string_table(file: &ThemeFile, diags: &mut Vec<Diagnostic>) -> Option<BTreeMap<String, String>> {
    let text = match std::str::from_utf8(&file.bytes) {
        Ok(t) => t,
        Err(_) => {
            diags.push(Diagnostic::error(&file.shown, 0, 0, "not UTF-8 text"));
            return None;
        }
    };
    match yaml::parse(text) {
        Ok(Node::Map(entries)) => {
            let index = yaml::index_mapping(text);
            let mut table = BTreeMap::new();
            for (key, value) in entries {
                match value.scalar_text() {
                    Some(s) => {
                        table.insert(key, s);
                    }
                    None => {
                        let pos = index.value(&key);
                        diags.push(Diagnostic::error(
                            &file.shown,
                            pos.line,
                            pos.col,
                            format!("string \"{key}\": expected text, found {}", value.describe()),
                        ));
                    }
                }
            }
            Some(table)
        }
        Ok(other) => {
            diags.push(Diagnostic::error(
                &file.shown,
                1,
                1,
                format!("expected `key: text` lines, found {}", other.describe()),
            ));
            None
        }
        Err(e) => {
            diags.push(Diagnostic::error(
                &file.shown,
                e.line,
                e.col,
                format!("YAML syntax: {}", e.message),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin_files() -> Vec<ThemeFile> {
        builtin::FILES
            .iter()
            .map(|(rel, bytes)| ThemeFile {
                rel: rel.to_string(),
                shown: PathBuf::from("themes/default").join(rel),
                bytes: bytes.to_vec(),
            })
            .collect()
    }

    fn config() -> Config {
        crate::config::parse(
            Path::new("site.yaml"),
            "title: T\nbase_url: https://e.org/\nlanguages: [en, fr]\n",
        )
        .unwrap()
    }

    #[test]
    fn the_builtin_theme_has_every_string_the_generator_uses() {
        let theme = from_files(builtin_files(), &config()).unwrap();
        for lang in Lang::ALL {
            for key in generator_strings() {
                assert!(theme.strings[&lang].contains_key(&key), "{lang}: {key}");
            }
        }
    }

    #[test]
    fn a_string_the_generator_uses_is_checked_when_the_theme_loads() {
        // Taken out of both tables, so only the generator's own check can notice.
        let files: Vec<ThemeFile> = builtin_files()
            .into_iter()
            .map(|mut f| {
                if f.rel.starts_with("i18n/") {
                    let text = String::from_utf8(f.bytes).unwrap();
                    let kept: Vec<&str> = text
                        .lines()
                        .filter(|l| !l.starts_with("title_draws:") && !l.starts_with("org_kinds_exam:"))
                        .collect();
                    f.bytes = kept.join("\n").into_bytes();
                }
                f
            })
            .collect();
        let Err(Error::Content(diags)) = from_files(files, &config()) else {
            panic!("a theme without title_draws loaded");
        };
        let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "themes/default/i18n/en.yaml: missing string \"title_draws\", which the generator uses",
                "themes/default/i18n/en.yaml: missing string \"org_kinds_exam\", which the generator uses",
                "themes/default/i18n/fr.yaml: missing string \"title_draws\", which the generator uses",
                "themes/default/i18n/fr.yaml: missing string \"org_kinds_exam\", which the generator uses",
            ]
        );
    }

    /// Every `.tr("key")` in the code names a key of [`generator_strings`], so a new one cannot
    /// be forgotten there (keys made with `format!` come from its families).
    #[test]
    fn generator_strings_lists_every_key_the_code_looks_up() {
        let files = walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"));
        let known = generator_strings();
        let mut missing = Vec::new();
        let mut found = 0;
        for path in files {
            // The code without comments or white space, so a call split over lines is one.
            let text: String = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .flat_map(str::split_whitespace)
                .collect();
            for (at, call) in text.match_indices(".tr(\"") {
                let key = &text[at + call.len()..];
                let key = &key[..key.find('"').unwrap_or(0)];
                found += 1;
                if !known.iter().any(|k| k == key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert_eq!(missing, Vec::<String>::new());
        assert!(
            found > 50,
            "only {found} lookups found: is the pattern still right?"
        );
    }
    #[test]
    fn builtin_theme_is_embedded_whole() {
        let names: Vec<&str> = builtin::FILES.iter().map(|(n, _)| *n).collect();
        for needed in [
            "templates/base.html",
            "i18n/en.yaml",
            "i18n/fr.yaml",
            "static/style.css",
        ] {
            assert!(names.contains(&needed), "{needed} missing from {names:?}");
        }
    }
}
