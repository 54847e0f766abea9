//! The pipeline runs one way, and so do imports: content (the model) -> catalog -> search and
//! page views -> output, with the shared foundations below. A module may import only modules
//! of a lower layer (or itself); this test reads every `crate::` path in `src/` and fails on one
//! that climbs, naming the file and line. A new top-level module must be given a layer here.

use std::collections::BTreeMap;
use std::path::Path;

/// Each top-level module of `src/` and its layer: lower layers never import higher ones.
const LAYERS: &[(&str, u32)] = &[
    // Foundations: errors, timings, memory settings, YAML, then the filesystem.
    ("error", 0),
    ("timing", 0),
    ("memory", 0),
    ("yaml", 0),
    // The interface languages the generator knows.
    ("lang", 0),
    // The one text normalisation (the browser client mirrors it): content checks synonyms with
    // it, search indexes with it; it imports nothing.
    ("normalize", 0),
    ("fs", 1),
    ("province", 1),
    // Field rules, and the only writer into the output folder (it knows no stage above).
    ("schema", 2),
    ("output", 2),
    ("config", 3),
    ("cli", 3),
    // Every page's path and section's URL (Markdown link rewriting uses it, so it sits below
    // the model).
    ("urls", 4),
    // The model.
    ("content", 5),
    ("theme", 6),
    // What templates see.
    ("views", 6),
    ("new", 6),
    // What the site contains, per language.
    ("catalog", 7),
    // Two readers of the catalog that never read each other.
    ("search", 8),
    ("render", 8),
    // The pipeline, and the commands built on it.
    ("site", 9),
    ("check", 10),
    ("serve", 10),
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `crate::x::y` paths a line names outside comments (two segments at most).
fn crate_paths(line: &str) -> Vec<&str> {
    let code = line.split("//").next().unwrap_or("");
    code.match_indices("crate::")
        .filter(|(at, _)| !code[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$'))
        .map(|(at, m)| {
            let rest = &code[at + m.len()..];
            let word = |s: &str| {
                s.find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(s.len())
            };
            let first = word(rest);
            match rest[first..].strip_prefix("::") {
                Some(after) if word(after) > 0 => &rest[..first + 2 + word(after)],
                _ => &rest[..first],
            }
        })
        .filter(|m| !m.is_empty())
        .collect()
}

/// The entry of `LAYERS` a module path falls under: its own when it has one (a two-segment
/// entry such as `a::b` places that submodule apart from the rest of `a`), else its top-level
/// module's.
fn placed<'a>(layers: &BTreeMap<&'a str, u32>, path: &str) -> Option<(&'a str, u32)> {
    let first = path.split("::").next().unwrap_or(path);
    [path, first]
        .into_iter()
        .find_map(|p| layers.get_key_value(p).map(|(k, v)| (*k, *v)))
}

#[test]
fn no_module_imports_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let layers: BTreeMap<&str, u32> = LAYERS.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut climbs = Vec::new();
    let mut unplaced = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let path = rel.with_extension("").to_string_lossy().replace('/', "::");
        let path = path.trim_end_matches("::mod");
        if matches!(path, "lib" | "main") {
            continue;
        }
        let Some((module, layer)) = placed(&layers, path) else {
            unplaced.push(path.to_string());
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            for used in crate_paths(line) {
                match placed(&layers, used) {
                    Some((m, _)) if m == module => {}
                    Some((_, l)) if l < layer => {}
                    Some((used, l)) => climbs.push(format!(
                        "src/{}:{}: {module} (layer {layer}) imports {used} (layer {l})",
                        rel.display(),
                        n + 1
                    )),
                    None => unplaced.push(used.to_string()),
                }
            }
        }
    }
    unplaced.sort();
    unplaced.dedup();
    assert!(
        unplaced.is_empty(),
        "modules without a layer in tests/layers.rs: {unplaced:?}"
    );
    assert!(climbs.is_empty(), "imports that climb:\n{}", climbs.join("\n"));
}

#[test]
fn crate_paths_are_read_from_code_only() {
    assert_eq!(
        crate_paths("use crate::content::model::Site; // crate::serve"),
        ["content::model"]
    );
    assert_eq!(crate_paths("let x = crate::fs::read(p)?;"), ["fs::read"]);
    assert_eq!(crate_paths("use crate::fs;"), ["fs"]);
    assert!(crate_paths("/// see crate::render").is_empty());
    assert!(crate_paths("use mycrate::x;").is_empty());
}
