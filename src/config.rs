//! `content/site.yaml`: read strictly (unknown fields rejected), then validated into [`Config`].
//!
//! Only `title` and `base_url` are required; everything else has a documented default.

use std::path::Path;

use jiff::tz::TimeZone;

use crate::error::Diagnostic;
use crate::lang::{self, Lang};
use crate::schema::Fields;
use crate::yaml::{self, KeyIndex, Node};

#[derive(Debug, Clone)]
pub struct Config {
    pub title: Localized,
    pub description: Option<Localized>,
    /// Always ends with `/`.
    pub base_url: String,
    /// The path part of `base_url`, e.g. `/` or `/hub/`; every site URL starts with it.
    pub base_path: String,
    /// The languages the site is in; the first is the default (served at `/`), the others
    /// under `/<code>/`.
    pub languages: Vec<Lang>,
    pub timezone_name: String,
    pub timezone: TimeZone,
    pub theme: String,
    pub stale_after_months: u32,
    /// Resources whose facts are older than this, and not confirmed open, are shown as an
    /// archive rather than as current (default 48).
    pub archive_after_months: u32,
    pub menu: Vec<MenuEntry>,
    /// Former addresses of pages that are not items (the pathways chooser, a list), each sent on
    /// to a page of the site; items keep their own in `aliases:`.
    pub redirects: Vec<Redirect>,
}

/// A text with an optional French form (`title` / `title_fr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Localized {
    pub en: String,
    pub fr: Option<String>,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.fr) {
            (Lang::Fr, Some(fr)) => fr,
            (Lang::Fr, None) | (Lang::En, _) => &self.en,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    pub title: Localized,
    /// Root-relative (`/events/`) or a full web address.
    pub url: String,
}

/// `redirects:` entry: readers who ask for `from` are sent to `to`, in every language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// Site paths below the language root, written with slashes: `/licensure-pathways/`.
    pub from: String,
    pub to: String,
    /// Where the entry is in site.yaml, for problems found once the pages are known.
    pub line: usize,
    pub col: usize,
}

impl Config {
    /// Replaces `base_url` (from `--base-url`), keeping the same rules as `site.yaml`.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        if !crate::schema::is_web_url(url) {
            return Err(format!(
                "--base-url: expected a web address starting with https://, found {url:?}"
            ));
        }
        self.base_url = if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        };
        self.base_path = base_path_of(&self.base_url);
        Ok(())
    }

    pub fn default_language(&self) -> Lang {
        self.languages[0]
    }

    /// The language of a content file, from the code its name ends with (`about.fr.md`; no code
    /// is the default language); `Err` holds the code when the site is not in that language.
    pub fn file_language<'c>(&self, code: Option<&'c str>) -> Result<Lang, &'c str> {
        match code {
            None => Ok(self.default_language()),
            Some(code) => Lang::from_code(code)
                .filter(|l| self.languages.contains(l))
                .ok_or(code),
        }
    }

    /// `/` for the default language, `/fr/` for the others, under the base path.
    pub fn lang_root(&self, lang: Lang) -> String {
        if lang == self.default_language() {
            self.base_path.clone()
        } else {
            format!("{}{lang}/", self.base_path)
        }
    }
}

/// Parses `site.yaml`'s text; `path` is how the file is named in problems.
pub fn parse(path: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
    let node = yaml::parse(text).map_err(|e| {
        vec![Diagnostic::error(
            path,
            e.line,
            e.col,
            format!("YAML syntax: {}", e.message),
        )]
    })?;
    let Node::Map(map) = node else {
        return Err(vec![Diagnostic::error(
            path,
            1,
            1,
            "expected settings as `name: value` lines (title, base_url, ...)",
        )]);
    };
    let index = yaml::index_mapping(text);
    let mut diags = Vec::new();
    let mut f = Fields::new(path, &map, &index, 0, &mut diags);

    let title = f.req_str("title");
    let title_fr = f.opt_str("title_fr");
    let description = f.opt_str("description");
    let description_fr = f.opt_str("description_fr");
    let base_url = f.req_url("base_url");
    let languages = {
        let langs = f.str_list("languages");
        let mut ok = Vec::new();
        for code in langs {
            match Lang::from_code(&code) {
                None => f.error_at_value(
                    "languages",
                    format!(
                        "language {code:?} is not supported; use {}",
                        lang::codes(&Lang::ALL)
                    ),
                ),
                Some(lang) if ok.contains(&lang) => {
                    f.error_at_value("languages", format!("language {code:?} is listed twice"))
                }
                Some(lang) => ok.push(lang),
            }
        }
        if ok.is_empty() {
            ok.push(Lang::En);
        }
        ok
    };
    let timezone_name = f
        .opt_str("timezone")
        .unwrap_or_else(|| "America/Toronto".to_string());
    let timezone = match jiff::tz::db().get(&timezone_name) {
        Ok(tz) => tz,
        Err(_) => {
            f.error_at_value(
                "timezone",
                format!("unknown time zone {timezone_name:?}; use a name like America/Toronto"),
            );
            TimeZone::UTC
        }
    };
    let theme = f.opt_str("theme").unwrap_or_else(|| "default".to_string());
    if !crate::schema::is_safe_slug(&theme) {
        f.error_at_value(
            "theme",
            "expected a folder name under themes/ (letters, digits, dashes)",
        );
    }
    let stale_after_months = f.opt_int("stale_after_months", 1, 600).unwrap_or(12) as u32;
    let archive_after_months = f.opt_int("archive_after_months", 1, 1200).unwrap_or(48) as u32;
    let menu_value = map.iter().find(|(k, _)| k == "menu").map(|(_, v)| v.clone());
    f.allow("menu");
    let menu_pos = f.value_pos("menu");
    let redirects = read_redirects(&mut f, map.iter().find(|(k, _)| k == "redirects"));
    f.finish();

    let menu = match menu_value {
        None | Some(Node::Null) => Vec::new(),
        Some(Node::Seq(entries)) => read_menu(path, &entries, menu_pos, &mut diags),
        Some(other) => {
            diags.push(Diagnostic::error(
                path,
                menu_pos.0,
                menu_pos.1,
                format!(
                    "field \"menu\": expected a list of {{title, url}}, found {}",
                    other.describe()
                ),
            ));
            Vec::new()
        }
    };

    if !diags.is_empty() {
        return Err(diags);
    }
    let (Some(title), Some(base_url)) = (title, base_url) else {
        return Err(diags);
    };
    let base_url = if base_url.ends_with('/') {
        base_url
    } else {
        format!("{base_url}/")
    };
    let base_path = base_path_of(&base_url);
    Ok(Config {
        title: Localized {
            en: title,
            fr: title_fr,
        },
        description: description.map(|en| Localized {
            en,
            fr: description_fr,
        }),
        base_url,
        base_path,
        languages,
        timezone_name,
        timezone,
        theme,
        stale_after_months,
        archive_after_months,
        menu,
        redirects,
    })
}

/// `redirects:`, a list of `{from, to}` site paths. Whether `to` is a page and `from` is not is
/// known only once the pages are: `render::redirects` checks that.
fn read_redirects(f: &mut Fields, field: Option<&(String, Node)>) -> Vec<Redirect> {
    f.allow("redirects");
    let entries = match field.map(|(_, v)| v) {
        None | Some(Node::Null) => return Vec::new(),
        Some(Node::Seq(entries)) => entries,
        Some(other) => {
            f.error_at_value(
                "redirects",
                format!(
                    "expected a list of {{from, to}} site paths, found {}",
                    other.describe()
                ),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (n, entry) in entries.iter().enumerate() {
        let (line, col) = f.item_pos("redirects", n);
        let text = |key: &str| match entry {
            Node::Map(m) => m
                .iter()
                .find(|(k, _)| k == key)
                .and_then(|(_, v)| v.scalar_text()),
            _ => None,
        };
        let unknown = match entry {
            Node::Map(m) => m
                .iter()
                .find(|(k, _)| k != "from" && k != "to")
                .map(|(k, _)| k.clone()),
            _ => None,
        };
        let problem = match (text("from"), text("to"), unknown) {
            (_, _, Some(key)) => Some(format!("unknown field {key:?}; an entry has from and to")),
            (Some(from), Some(to), None) => {
                let bad = [&from, &to].into_iter().find(|p| !is_site_path(p));
                match bad {
                    Some(p) => Some(format!(
                        "{p:?} is not an address on this site; write a path like /licensure-pathways/"
                    )),
                    None if from == to => Some(format!("{from} is sent to itself")),
                    None => {
                        out.push(Redirect { from, to, line, col });
                        None
                    }
                }
            }
            _ => Some(format!(
                "each entry needs from and to, e.g. {{from: /old-page/, to: /pathways/}}, found {}",
                entry.describe()
            )),
        };
        if let Some(problem) = problem {
            let path = f.path().to_path_buf();
            f.report(Diagnostic::error(
                path,
                line,
                col,
                format!("field \"redirects\": {problem}"),
            ));
        }
    }
    out
}

/// A path on the site as readers type it: `/x/` or `/x/y.html`, no query, no `..`.
fn is_site_path(p: &str) -> bool {
    p.starts_with('/')
        && p != "/"
        && !p.starts_with("//")
        && !p.split('/').any(|seg| seg == ".." || seg == ".")
        && !p.contains(|c: char| c.is_whitespace() || "?#*:!\\\"<>".contains(c))
}

fn read_menu(
    path: &Path,
    entries: &[Node],
    pos: (usize, usize),
    diags: &mut Vec<Diagnostic>,
) -> Vec<MenuEntry> {
    let mut menu = Vec::new();
    for entry in entries {
        let Node::Map(map) = entry else {
            diags.push(Diagnostic::error(
                path,
                pos.0,
                pos.1,
                format!(
                    "field \"menu\": each entry needs a title and a url, found {}",
                    entry.describe()
                ),
            ));
            continue;
        };
        // Entries of a nested list are reported at the list's position.
        let index = KeyIndex::at(yaml::Pos {
            line: pos.0,
            col: pos.1,
        });
        let mut f = Fields::new(path, map, &index, 0, diags);
        let title = f.req_str("title");
        let title_fr = f.opt_str("title_fr");
        let url = f.req_str("url");
        if let Some(u) = &url
            && !u.starts_with('/')
            && !crate::schema::is_web_url(u)
        {
            f.error_at_value(
                "url",
                format!("expected a site path like /events/ or a web address, found {u:?}"),
            );
        }
        f.finish();
        if let (Some(title), Some(url)) = (title, url) {
            menu.push(MenuEntry {
                title: Localized {
                    en: title,
                    fr: title_fr,
                },
                url,
            });
        }
    }
    menu
}

/// `https://example.org/hub/` -> `/hub/`.
fn base_path_of(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map(|(_, r)| r).unwrap_or(base_url);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_string(),
        None => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Config {
        parse(Path::new("site.yaml"), text).unwrap()
    }

    fn parse_err(text: &str) -> Vec<String> {
        parse(Path::new("site.yaml"), text)
            .unwrap_err()
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn defaults() {
        let c = parse_ok("title: Hub\nbase_url: https://example.org\n");
        assert_eq!(c.base_url, "https://example.org/");
        assert_eq!(c.base_path, "/");
        assert_eq!(c.languages, [Lang::En]);
        assert_eq!(c.theme, "default");
        assert_eq!(c.stale_after_months, 12);
        assert_eq!(c.archive_after_months, 48);
        assert_eq!(c.timezone_name, "America/Toronto");
    }

    #[test]
    fn base_path_and_lang_roots() {
        let c = parse_ok("title: Hub\nbase_url: https://example.org/hub\nlanguages: [en, fr]\n");
        assert_eq!(c.base_path, "/hub/");
        assert_eq!(c.lang_root(Lang::En), "/hub/");
        assert_eq!(c.lang_root(Lang::Fr), "/hub/fr/");
    }

    #[test]
    fn problems() {
        let out = parse_err("title: Hub\nbase_url: example.org\ntimezone: Mars/Olympus\nlanguges: [en]\n");
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(
            out[0].starts_with("site.yaml:2:11: field \"base_url\""),
            "{out:?}"
        );
        assert!(out[1].contains("unknown time zone"), "{out:?}");
        assert!(out[2].contains("did you mean `languages`?"), "{out:?}");
    }

    #[test]
    fn menu_entries() {
        let c = parse_ok(
            "title: Hub\nbase_url: https://e.org/\nmenu:\n  - title: Events\n    title_fr: Événements\n    url: /events/\n",
        );
        assert_eq!(c.menu.len(), 1);
        assert_eq!(c.menu[0].title.get(Lang::Fr), "Événements");
        let out =
            parse_err("title: Hub\nbase_url: https://e.org/\nmenu:\n  - title: Events\n    link: /events/\n");
        assert_eq!(out.len(), 2, "{out:?}");
    }

    #[test]
    fn redirects_are_site_paths_with_their_line() {
        let c = parse_ok(
            "title: Hub\nbase_url: https://e.org/\nredirects:\n  - from: /old/\n    to: /pathways/\n",
        );
        assert_eq!(
            c.redirects,
            [Redirect {
                from: "/old/".into(),
                to: "/pathways/".into(),
                line: 4,
                col: 5
            }]
        );
        let out = parse_err(
            "title: Hub\nbase_url: https://e.org/\nredirects:\n  - from: /a/\n    to: /a/\n  - from: old/\n    to: /b/\n  - from: /c/\n  - {from: /d/, to: /../etc/}\n  - {from: /e/, to: /f/, code: 302}\n",
        );
        assert_eq!(
            out,
            [
                "site.yaml:4:5: field \"redirects\": /a/ is sent to itself",
                "site.yaml:6:5: field \"redirects\": \"old/\" is not an address on this site; write a path like /licensure-pathways/",
                "site.yaml:8:5: field \"redirects\": each entry needs from and to, e.g. {from: /old-page/, to: /pathways/}, found a mapping",
                "site.yaml:9:5: field \"redirects\": \"/../etc/\" is not an address on this site; write a path like /licensure-pathways/",
                "site.yaml:10:5: field \"redirects\": unknown field \"code\"; an entry has from and to",
            ]
        );
        let out = parse_err("title: Hub\nbase_url: https://e.org/\nredirects: /old/\n");
        assert!(
            out[0].starts_with("site.yaml:3:12: field \"redirects\": expected a list"),
            "{out:?}"
        );
    }
}
