//! Loading a theme: its templates, static files and interface string tables, from
//! `<root>/themes/<name>/` or, when the root has no `themes/` folder, from the copy of
//! `themes/default/` built into the binary. Reads files; renders nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
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
    #[test]
    fn builtin_theme_is_embedded_whole() {
        let names: Vec<&str> = super::builtin::FILES.iter().map(|(n, _)| *n).collect();
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
