//! `iehp new <collection> "<title>"`: writes a content file with every field of its collection,
//! required ones left empty for the editor to fill in (the build names each one until it is).

use std::path::{Path, PathBuf};

use crate::content::markdown::slugify;
use crate::content::model::{Collection, Province};
use crate::error::{Error, Result};
use crate::fs;
use crate::lang::Lang;

const COMMON_HEAD: &str = "\
# Fields marked (required) must be filled in before the site builds.
# `iehp check` lists anything still missing, with its line.
summary:          # one or two sentences for lists, search results and link previews
";

const COMMON_TAIL: &str = "\
professions: []   # NOC 2021 codes this serves, e.g. [\"31301\", \"31102\"] (see content/data/noc.yaml)
audience: [iehp]  # iehp, employer, or both
source:           # (required) web address or citation where these facts come from
reviewed:         # (required) the date the facts are from, e.g. 2025-06-26 (not today, unless checked today)
draft: true       # remove this line to publish
";

fn fields(collection: Option<Collection>) -> &'static str {
    match collection {
        None => {
            "\
source:           # (required) web address or citation where these facts come from
reviewed:         # (required) the date the facts are from, e.g. 2025-06-26
"
        }
        Some(Collection::Pages) => {
            "\
source:           # where the facts come from (optional for pages)
reviewed:         # (required) the date the facts are from, e.g. 2025-06-26
draft: true       # remove this line to publish
"
        }
        Some(Collection::Portals) => {
            "\
province:         # (required) ON, QC, BC, ... or CA for national; several as [ON, QC]
url:              # (required) the portal's web address
operator:         # (required) who runs it
status: unknown   # (required) open, closed or unknown
"
        }
        Some(Collection::Events) => {
            "\
province:         # (required) ON, QC, BC, ... or CA for national
start:            # (required) 2025-06-26 or 2025-06-26T10:00:00-04:00 (with the UTC offset)
end:              # optional, not before start
format:           # (required) online, in-person or hybrid
location:         # (required unless online) e.g. Toronto, ON
host:
partners: []
language: en      # en, fr or bilingual: the language the event is held in
registration_url:
recording_url:
"
        }
        Some(Collection::Members) => {
            "\
province:         # (required) ON, QC, BC, ... or CA for national
location:         # (required) e.g. Toronto, ON
membership:       # e.g. \"~500\"
services: []
host_org:
url:
"
        }
        Some(Collection::Programs) => {
            "\
province:         # (required) ON, QC, BC, ... or CA for national
provider:         # (required) who runs the program
location:
delivery:         # online, in-person or hybrid
clients:          # e.g. \"~50 per year\"
supports: []      # e.g. [loans, mentorship, exam preparation]
url:
"
        }
    }
}

/// An organisation: every field of the content contract, required ones left empty.
const ORGANIZATION: &str = "\
title_fr:         # only an official French name a source gives
abbreviation:     # e.g. CNO
summary:          # (required) one or two sentences: what it does for an internationally educated professional
kind:             # (required) regulator, assessment, exam, support, government or association; several as [assessment, exam]
province:         # (required) the codes it works in, e.g. ON or [ON, QC]; CA for a national body
professions: []   # NOC 2021 codes it deals with, e.g. [\"31301\"] (see content/data/noc.yaml)
website:          # (required) its home page, https://...
contacts:         # only what a source gives; remove the lines you do not need
  email:
  phone:
  page:           # a contact or \"how to apply\" page
# status: active, renamed, merged or closed
status: active
successor:        # (required when renamed or merged) the slug of the organisation it became or joined
status_date:      # when it was renamed, merged or closed, as the source says
source:           # (required) web address where these facts come from
reviewed:         # (required) the date the facts are from, e.g. 2025-06-26 (not today, unless checked today)
# Remove the next line to publish.
draft: true
";

/// A pathway: every field of the content contract, with one step to copy.
fn pathway_fields(profession: &str, province: &str) -> String {
    format!(
        "\
summary:          # (required) one sentence: how an internationally educated ... gets licensed in ...
# profession: (required) a slug from content/data/professions.yaml
profession: {profession}
professions: []   # (required) its NOC 2021 codes, e.g. [\"31301\"]
# province: (required) one province or territory code (not CA)
province: {province}
steps:            # (required) in order; copy the step below for each one
  - title:        # what the reader does, e.g. Apply for a credential assessment
    text:         # what happens, in plain words (Markdown links allowed)
    who:          # the slug of the organisation that runs it (content/organizations/)
    cost:         # only where a source gives it, with its date, e.g. \"US$650 (2025)\"
    duration:     # only where a source gives it
    links: []     # e.g. - title: Application guide / url: https://...
related:          # slugs of related items; remove the lines you do not need
  programs: []
  members: []
  events: []
  organizations: []
source:           # (required) web address where these facts come from
reviewed:         # (required) the date the facts are from, e.g. 2025-06-26 (not today, unless checked today)
# Remove the next line to publish.
draft: true
"
    )
}

/// `registered-nurse-in-ontario` -> (`registered-nurse`, `ON`): a pathway's title as its name.
fn pathway_slug(slug: &str) -> Option<(String, &'static str)> {
    Province::ALL
        .into_iter()
        .filter(|p| *p != Province::CA)
        .find_map(|p| {
            let tail = format!("-in-{}", slugify(p.name(Lang::En)));
            let profession = slug
                .strip_suffix(&tail)
                .or_else(|| slug.strip_suffix(&format!("-{}", p.code().to_lowercase())))?;
            (!profession.is_empty()).then(|| (profession.to_string(), p.code()))
        })
}

/// Writes a new organisation or pathway (`content/<folder>/<slug>.md`).
fn new_licensing(root: &Path, folder: &str, title: &str) -> Result<PathBuf> {
    // A long title gives a slug of its first words (a file name has a limit, and so do slugs).
    let mut slug = crate::content::shorten_slug(&slugify(title));
    let mut text = String::from("---\n");
    text.push_str(&format!("title: {}\n", yaml_string(title)));
    text.push_str("# Fields marked (required) must be filled in before the site builds.\n");
    if folder == "pathways" {
        let (profession, province) = match pathway_slug(&slug) {
            Some((profession, province)) => {
                slug = format!("{profession}-{}", province.to_lowercase());
                (profession, province)
            }
            None => {
                return Err(Error::Usage(format!(
                    "a pathway is named after its profession and province: iehp new pathways \"Registered nurse in Ontario\" (or registered-nurse-on), not {title:?}"
                )));
            }
        };
        text.push_str(&pathway_fields(&profession, province));
    } else {
        text.push_str("# The file name is the slug other files use: the body's usual short name (cno.md).\n");
        text.push_str(ORGANIZATION);
    }
    if slug.is_empty() {
        return Err(Error::Usage(format!(
            "the title {title:?} gives an empty file name; use letters or digits"
        )));
    }
    let rel = PathBuf::from("content").join(folder).join(format!("{slug}.md"));
    let path = root.join(&rel);
    if path.exists() {
        return Err(Error::Usage(format!("{} already exists", rel.display())));
    }
    let mut text = comments_on_own_lines(&text);
    text.push_str("---\n\nNotes in Markdown (optional): what to check with the source, in plain words.\n");
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write_new_atomic(&path, text.as_bytes())?;
    Ok(rel)
}

/// Writes the new file and returns its path relative to `root`.
pub fn new_item(root: &Path, collection: &str, title: &str) -> Result<PathBuf> {
    if matches!(collection, "organizations" | "pathways") {
        return new_licensing(root, collection, title);
    }
    let (folder, kind) = match collection {
        "occupations" => ("occupations", None),
        other => match Collection::from_name(other) {
            Some(c) => (c.name(), Some(c)),
            None => {
                return Err(Error::Usage(format!(
                    "unknown collection {other:?}; use one of pages, portals, events, members, programs, occupations, organizations, pathways"
                )));
            }
        },
    };
    let slug = crate::content::shorten_slug(&slugify(title));
    if kind.is_none() && !crate::content::parse::is_noc_code(title.trim()) {
        return Err(Error::Usage(
            "an occupation note is named by its NOC code: iehp new occupations 31301".to_string(),
        ));
    }
    if slug.is_empty() {
        return Err(Error::Usage(format!(
            "the title {title:?} gives an empty file name; use letters or digits"
        )));
    }
    let rel = PathBuf::from("content").join(folder).join(format!("{slug}.md"));
    let path = root.join(&rel);
    if path.exists() {
        return Err(Error::Usage(format!("{} already exists", rel.display())));
    }
    let mut text = String::from("---\n");
    match kind {
        Some(Collection::Pages) => {
            text.push_str(&format!("title: {}\n", yaml_string(title)));
            text.push_str(COMMON_HEAD);
            text.push_str(fields(kind));
        }
        Some(_) => {
            text.push_str(&format!("title: {}\n", yaml_string(title)));
            text.push_str(COMMON_HEAD);
            text.push_str(fields(kind));
            text.push_str(COMMON_TAIL);
        }
        None => {
            text.push_str("summary:          # one or two sentences about this occupation in Canada\n");
            text.push_str(fields(None));
        }
    }
    let mut text = comments_on_own_lines(&text);
    text.push_str("---\n\nWrite the text here, in Markdown. Use ## for headings.\n");
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write_new_atomic(&path, text.as_bytes())?;
    Ok(rel)
}

/// Puts the help comment of each field (`start:   # (required) a date`) on a line of its own
/// above it: after a value, ` #` is what `iehp check` warns about (a value cut short), so an
/// editor filling in `start: 2026-04-02` beside its comment would get a warning for nothing.
fn comments_on_own_lines(front: &str) -> String {
    let mut out = String::with_capacity(front.len() + 64);
    for line in front.lines() {
        let field = !line.starts_with([' ', '#', '-']) && line.contains(':');
        // A quoted value (the title) may hold ` #` itself: look only after its closing quote.
        let value = line.split_once(':').map_or("", |(_, v)| v.trim_start());
        let from = if value.starts_with('"') {
            line.rfind('"').unwrap_or(0)
        } else {
            0
        };
        match line[from..].find(" #").map(|i| i + from) {
            Some(i) if field => {
                out.push_str(line[i..].trim_start());
                out.push('\n');
                out.push_str(line[..i].trim_end());
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// A title as a double-quoted YAML string, so colons and quotes in it are safe.
fn yaml_string(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_comments_sit_above_their_fields() {
        assert_eq!(
            comments_on_own_lines(
                "---\ntitle: \"Webinar #3\"\nlanguage: en      # en or fr\nstart:   # (required) a date\ntags: []  # words\n"
            ),
            "---\ntitle: \"Webinar #3\"\n# en or fr\nlanguage: en\n# (required) a date\nstart:\n# words\ntags: []\n"
        );
    }

    #[test]
    fn pathway_names() {
        assert_eq!(
            pathway_slug("registered-nurse-in-ontario"),
            Some(("registered-nurse".to_string(), "ON"))
        );
        assert_eq!(
            pathway_slug("pharmacist-qc"),
            Some(("pharmacist".to_string(), "QC"))
        );
        assert_eq!(
            pathway_slug("physician-in-prince-edward-island"),
            Some(("physician".to_string(), "PE"))
        );
        assert_eq!(pathway_slug("nurse"), None);
        assert_eq!(pathway_slug("in-ontario"), None);
    }

    #[test]
    fn quoting() {
        assert_eq!(
            yaml_string("Summit: 2025 \"live\""),
            "\"Summit: 2025 \\\"live\\\"\""
        );
    }
}
