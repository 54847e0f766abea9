//! The data files (`data/noc.yaml`, `data/draws.yaml`, `data/synonyms.yaml`; the professions
//! file is `licensing`'s): each a list of entries read with [`data_list`], every problem at its
//! line.

use super::{CodeRef, is_noc_code, professions};
use crate::content::discover::SourceFile;
use crate::content::model::*;
use crate::error::Diagnostic;
use crate::schema::Fields;
use crate::yaml::{self, Node};

/// Parses a data file that is a list of mappings, calling `read` on each entry.
pub(in crate::content) fn data_list<T>(
    file: &SourceFile,
    text: &str,
    diags: &mut Vec<Diagnostic>,
    what: &str,
    mut read: impl FnMut(&mut Fields, usize) -> Option<T>,
) -> Vec<T> {
    let node = match yaml::parse(text) {
        Ok(n) => n,
        Err(e) => {
            diags.push(Diagnostic::error(
                &file.rel,
                e.line,
                e.col,
                format!("YAML syntax: {}", e.message),
            ));
            return Vec::new();
        }
    };
    let entries = match node {
        Node::Seq(entries) => entries,
        Node::Null => return Vec::new(),
        other => {
            diags.push(Diagnostic::error(
                &file.rel,
                1,
                1,
                format!(
                    "expected a list of {what} (lines starting with `- `), found {}",
                    other.describe()
                ),
            ));
            return Vec::new();
        }
    };
    let indexes = yaml::index_list_of_mappings(text);
    let mut out = Vec::new();
    for (n, entry) in entries.iter().enumerate() {
        let index = indexes.get(n).cloned().unwrap_or_default();
        let Node::Map(map) = entry else {
            diags.push(Diagnostic::error(
                &file.rel,
                index.start.line,
                1,
                format!(
                    "entry {}: expected {what} with named fields, found {}",
                    n + 1,
                    entry.describe()
                ),
            ));
            continue;
        };
        let mut f = Fields::new(&file.rel, map, &index, 0, diags);
        let value = read(&mut f, n);
        f.finish();
        out.extend(value);
    }
    out
}

pub fn noc(file: &SourceFile, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<(Occupation, (usize, usize))> {
    data_list(file, text, diags, "occupations", |f, _| {
        let code = f.req_str("code");
        let pos = f.value_pos("code");
        let title = f.req_str("title");
        let title_fr = f.opt_str("title_fr");
        let teer = f.req_int("teer", 0, 5);
        if let Some(c) = &code
            && !is_noc_code(c)
        {
            f.error_at_value("code", format!("expected a 5-digit NOC 2021 code, found {c:?}"));
            return None;
        }
        Some((
            Occupation {
                code: code?,
                title: title?,
                title_fr,
                teer: teer? as u8,
            },
            pos,
        ))
    })
}

/// `data/synonyms.yaml`: a list of groups, each `words: [...]` with two or more words or short
/// phrases. Every word must give a search term (not only stop words), and a word may be in one
/// group only (search could not tell which group it meant); compared as search compares them,
/// so `Médecin` and `medecins` are the same word.
pub fn synonyms(file: &SourceFile, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<SynonymGroup> {
    let mut seen: std::collections::HashMap<Vec<String>, (String, usize)> = Default::default();
    data_list(file, text, diags, "synonym groups", |f, _| {
        let words = f.str_list("words");
        if words.len() < 2 {
            f.error_at_value(
                "words",
                "a group lists two or more words: `words: [doctor, physician]`",
            );
            return None;
        }
        let mut kept = Vec::new();
        for (n, word) in words.into_iter().enumerate() {
            let (line, col) = f.item_pos("words", n);
            let key = crate::normalize::terms(&word);
            if key.is_empty() {
                f.report(Diagnostic::error(
                    f.path(),
                    line,
                    col,
                    format!(
                        "field \"words\": {word:?} has no word search can match (only stop words or signs)"
                    ),
                ));
                continue;
            }
            if let Some((other, at)) = seen.get(&key) {
                f.report(Diagnostic::error(
                    f.path(),
                    line,
                    col,
                    format!(
                        "field \"words\": {word:?} is already in a group (as {other:?}, line {at}); a word may be in one group only"
                    ),
                ));
                continue;
            }
            seen.insert(key, (word.clone(), line));
            kept.push(word);
        }
        (kept.len() >= 2).then_some(SynonymGroup { words: kept })
    })
}

pub fn draws(file: &SourceFile, text: &str, diags: &mut Vec<Diagnostic>) -> Vec<(Draw, Vec<CodeRef>)> {
    data_list(file, text, diags, "draws", |f, _| {
        let date = f.req_date("date");
        let program = f.req_str("program");
        let stream = f.opt_str("stream");
        let program_fr = f.opt_str("program_fr");
        let stream_fr = f.opt_str("stream_fr");
        let notes_fr = f.opt_str("notes_fr");
        let invitations = f.opt_int("invitations", 0, 1_000_000).map(|v| v as u32);
        let crs_min = f.opt_int("crs_min", 0, 1200).map(|v| v as u32);
        let crs_max = f.opt_int("crs_max", 0, 1200).map(|v| v as u32);
        let (professions, refs) = professions(f, "professions");
        let province = f.opt_choice("province", &Province::choices());
        let notes = f.opt_str("notes");
        let source = f.req_str("source");
        if let (Some(lo), Some(hi)) = (crs_min, crs_max)
            && lo > hi
        {
            f.error_at_value("crs_max", format!("is lower than crs_min ({lo})"));
        }
        Some((
            Draw {
                date: date?,
                program: program?,
                stream,
                program_fr,
                stream_fr,
                notes_fr,
                invitations,
                crs_min,
                crs_max,
                professions,
                province,
                notes,
                source: source?,
            },
            refs,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::corruptions;
    use super::*;
    use crate::content::discover::FileKind;

    #[test]
    fn synonym_groups_are_checked_with_positions() {
        let file = SourceFile {
            kind: FileKind::Synonyms,
            rel: "content/data/synonyms.yaml".into(),
            abs: "/nonexistent".into(),
        };
        let parse = |text: &str| {
            let mut diags = Vec::new();
            let groups = super::synonyms(&file, text, &mut diags);
            (groups, diags)
        };
        let (groups, diags) = parse(
            "# comment\n- words: [doctor, physician, Médecin]\n- words:\n    - nurse\n    - infirmière\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].words, ["doctor", "physician", "Médecin"]);

        let (groups, diags) = parse(
            "- words: [doctor, physician]\n- words:\n    - nurse\n    - the\n    - Doctors\n- words: [alone]\n",
        );
        let messages: Vec<String> = diags
            .iter()
            .map(|d| format!("{}:{}: {}", d.line, d.col, d.message))
            .collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[0].starts_with("4:7: ") && messages[0].contains("\"the\" has no word"),
            "{messages:?}"
        );
        assert!(
            messages[1].starts_with("5:7: ")
                && messages[1].contains("already in a group (as \"doctor\", line 1)"),
            "{messages:?}"
        );
        assert!(
            messages[2].starts_with("6:") && messages[2].contains("two or more words"),
            "{messages:?}"
        );
        assert_eq!(groups.len(), 1, "a group left with one word is dropped");
        for d in &diags {
            assert_eq!(d.path, std::path::Path::new("content/data/synonyms.yaml"));
        }
    }

    /// Every corrupted copy of a data file or of the settings gives either a value or problems,
    /// each naming the file and a line in it (never a panic, never silence).
    #[test]
    fn corrupted_data_files_and_settings_never_panic() {
        #[track_caller]
        fn placed(diags: &[Diagnostic], path: &str, text: &str) {
            let lines = text.split('\n').count();
            for d in diags {
                assert_eq!(d.path, std::path::Path::new(path), "{text:?}: {d}");
                assert!((1..=lines).contains(&d.line), "{text:?}: {d}");
            }
        }
        type Count = fn(&SourceFile, &str, &mut Vec<Diagnostic>) -> usize;
        let cases: [(FileKind, &str, &str, Count); 2] = [
            (
                FileKind::Draws,
                "content/data/draws.yaml",
                "- date: 2024-03-07\n  program: OINP\n  invitations: 2104\n  crs_min: 352\n  crs_max: 421\n  professions: [\"31301\"]\n  source: https://e.org\n",
                |f, t, d| draws(f, t, d).len(),
            ),
            (
                FileKind::Noc,
                "content/data/noc.yaml",
                "- code: \"31301\"\n  title: Registered nurses\n  title_fr: Infirmiers autorisés\n  teer: 1\n",
                |f, t, d| noc(f, t, d).len(),
            ),
        ];
        for (kind, rel, sample, count) in cases {
            let file = SourceFile {
                kind,
                rel: rel.into(),
                abs: "/nonexistent".into(),
            };
            for text in corruptions(sample, 1500) {
                let mut diags = Vec::new();
                let read = count(&file, &text, &mut diags);
                assert!(
                    read > 0 || !diags.is_empty(),
                    "{text:?}: neither an entry nor a problem"
                );
                placed(&diags, rel, &text);
            }
        }
        let site =
            "title: T\nbase_url: https://e.org/\nlanguages: [en, fr]\nmenu:\n  - title: A\n    url: /a/\n";
        for text in corruptions(site, 1500) {
            if let Err(diags) = crate::config::parse(std::path::Path::new("site.yaml"), &text) {
                assert!(!diags.is_empty(), "{text:?}: refused without a problem");
                placed(&diags, "site.yaml", &text);
            }
        }
    }
}
