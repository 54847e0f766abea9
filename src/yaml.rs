//! The one place that parses YAML (front matter, `site.yaml`, data files, theme string tables).
//!
//! `serde_yaml` turns text into a [`Node`] tree owned by this crate, so no other module depends
//! on it. `serde_yaml` values carry no positions, so [`KeyIndex`] recovers the line and column of
//! each key from the text itself; content in this project is block-style YAML, which is what the
//! index understands (anything it cannot place is reported at the start of the document).

/// A parsed YAML value. Mappings keep their key order.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    /// A short description used in error messages: `found "next tuesday"`, `found a list`.
    pub fn describe(&self) -> String {
        match self {
            Node::Null => "nothing".to_string(),
            Node::Bool(b) => b.to_string(),
            Node::Int(i) => i.to_string(),
            Node::Float(f) => f.to_string(),
            Node::Str(s) => format!("{s:?}"),
            Node::Seq(_) => "a list".to_string(),
            Node::Map(_) => "a mapping".to_string(),
        }
    }

    /// The scalar as text, for fields that accept `31301` and `"31301"` alike.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Node::Str(s) => Some(s.clone()),
            Node::Int(i) => Some(i.to_string()),
            Node::Float(f) => Some(f.to_string()),
            Node::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// A YAML syntax problem, positioned within the parsed text (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Parses one YAML document. Alias bombs and runaway nesting are refused by `serde_yaml`'s own
/// limits and come back as a `SyntaxError`, never a hang.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let (mut line, mut col) = e.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
        let message = e.to_string();
        // serde_yaml places a duplicate key at the start of its mapping; the editor needs the
        // line where it is written a second time.
        if let Some(at) = duplicate_key_position(text, &message) {
            (line, col) = at;
        } else {
            (line, col) = editor_position(text, line, col);
        }
        // serde_yaml appends " at line X column Y"; the position is reported separately.
        let message = match message.find(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        let message = match hint(&message) {
            Some(h) => format!("{message} ({h})"),
            None => message,
        };
        SyntaxError { line, col, message }
    })?;
    convert(value)
}

/// YAML counts U+0085, U+2028 and U+2029 as line breaks too (text pasted from a web page or a
/// word processor carries them); editors and every other message here count `\n` alone. Turns
/// YAML's 1-based (line, column) into the editor's.
fn editor_position(text: &str, line: usize, col: usize) -> (usize, usize) {
    if !text.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
        return (line, col);
    }
    let (mut y_line, mut y_col) = (1, 1);
    let (mut e_line, mut e_col) = (1, 1);
    for c in text.chars() {
        if (y_line, y_col) == (line, col) {
            return (e_line, e_col);
        }
        if matches!(c, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}') {
            (y_line, y_col) = (y_line + 1, 1);
        } else {
            y_col += 1;
        }
        if c == '\n' {
            (e_line, e_col) = (e_line + 1, 1);
        } else {
            e_col += 1;
        }
    }
    (e_line, e_col)
}

/// Where the key a "duplicate entry with key" error names is written the second time at the
/// indentation of its first use (1-based line and column).
fn duplicate_key_position(text: &str, message: &str) -> Option<(usize, usize)> {
    let rest = message.split("duplicate entry with key ").nth(1)?;
    let key = rest.strip_prefix('"')?.split('"').next()?;
    let mut first_indent = None;
    for (n, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start().trim_start_matches("- ");
        let named = [format!("{key}:"), format!("\"{key}\":"), format!("'{key}':")];
        if !named.iter().any(|k| body.starts_with(k.as_str())) {
            continue;
        }
        match first_indent {
            None => first_indent = Some(indent),
            Some(i) if i == indent => return Some((n + 1, indent + 1)),
            Some(_) => {}
        }
    }
    None
}

/// Plain-language advice for the YAML mistakes editors make most.
fn hint(message: &str) -> Option<&'static str> {
    if message.contains("mapping values are not allowed") {
        Some("a value that contains a colon must be in quotes, e.g. title: \"Summit: 2025\"")
    } else if message.contains("did not find expected key") || message.contains("did not find expected '-'") {
        Some(
            "check the indentation: fields start at the beginning of the line, list items under a field start with two spaces and a dash",
        )
    } else if message.contains("found character that cannot start any token") {
        Some("a value starting with @, ` or % must be in quotes")
    } else if message.contains("duplicate entry") {
        Some("each field may appear only once")
    } else if message.contains("did not find expected node content")
        || message.contains("while parsing a flow")
    {
        Some("check the brackets: a list written on one line looks like [ON, QC]")
    } else {
        None
    }
}

fn convert(value: serde_yaml::Value) -> Result<Node, SyntaxError> {
    use serde_yaml::Value as V;
    Ok(match value {
        V::Null => Node::Null,
        V::Bool(b) => Node::Bool(b),
        V::Number(n) => match n.as_i64() {
            Some(i) => Node::Int(i),
            None => Node::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        V::String(s) => Node::Str(s),
        V::Sequence(items) => Node::Seq(items.into_iter().map(convert).collect::<Result<_, _>>()?),
        V::Mapping(map) => {
            let mut out = Vec::with_capacity(map.len());
            for (k, v) in map {
                let key = match k {
                    V::String(s) => s,
                    V::Number(n) => n.to_string(),
                    V::Bool(b) => b.to_string(),
                    other => {
                        return Err(SyntaxError {
                            line: 1,
                            col: 1,
                            message: format!("a key must be plain text, found {other:?}"),
                        });
                    }
                };
                out.push((key, convert(v)?));
            }
            Node::Map(out)
        }
        V::Tagged(t) => convert(t.value)?,
    })
}

/// Where a key and its value start, 1-based, relative to the parsed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// Positions of the keys of one block mapping, and of the items of block lists under them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyIndex {
    /// The first line of the mapping, used for "missing field" problems.
    pub start: Pos,
    entries: Vec<KeyEntry>,
}

#[derive(Debug, Clone, PartialEq)]
struct KeyEntry {
    key: String,
    key_pos: Pos,
    value_pos: Pos,
    items: Vec<Pos>,
}

impl KeyIndex {
    /// An index that knows no keys: every position is `start`.
    pub fn at(start: Pos) -> Self {
        Self {
            start,
            entries: Vec::new(),
        }
    }

    /// Position of the key itself (for unknown-field problems).
    pub fn key(&self, key: &str) -> Pos {
        self.entry(key).map(|e| e.key_pos).unwrap_or(self.start)
    }

    /// Position of the value (for wrong-value problems); a block list's value is its first item.
    pub fn value(&self, key: &str) -> Pos {
        self.entry(key).map(|e| e.value_pos).unwrap_or(self.start)
    }

    /// Position of the `n`th item of a block list under `key`, else the value's position.
    pub fn item(&self, key: &str, n: usize) -> Pos {
        self.entry(key)
            .and_then(|e| e.items.get(n).copied())
            .unwrap_or_else(|| self.value(key))
    }

    fn entry(&self, key: &str) -> Option<&KeyEntry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// Indexes the top-level keys of a block mapping document.
pub fn index_mapping(text: &str) -> KeyIndex {
    let lines: Vec<&str> = text.lines().collect();
    index_block(&lines, 0, lines.len(), 0)
}

/// Indexes a top-level block list of mappings (`- code: ...`), one [`KeyIndex`] per item.
pub fn index_list_of_mappings(text: &str) -> Vec<KeyIndex> {
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("- ") || **l == "-")
        .map(|(i, _)| i)
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, &from)| {
            let to = starts.get(n + 1).copied().unwrap_or(lines.len());
            // The first key sits after "- "; the others are indented to the same column.
            let mut index = index_block(&lines, from, to, 2);
            index.start = Pos {
                line: from + 1,
                col: 1,
            };
            index
        })
        .collect()
}

/// Indexes keys found at column `indent` in `lines[from..to]`; the item line of a list
/// (`- key: v`) counts as being at that column.
fn index_block(lines: &[&str], from: usize, to: usize, indent: usize) -> KeyIndex {
    let mut index = KeyIndex {
        start: Pos {
            line: from + 1,
            col: 1,
        },
        entries: Vec::new(),
    };
    for (i, raw) in lines.iter().enumerate().take(to).skip(from) {
        let line = if indent > 0 && raw.starts_with("- ") {
            format!("  {}", &raw[2..])
        } else {
            (*raw).to_string()
        };
        let lead = line.len() - line.trim_start_matches(' ').len();
        if lead == indent
            && let Some((key, value_col)) = key_on_line(&line[indent..])
        {
            let key_pos = Pos {
                line: i + 1,
                col: indent + 1,
            };
            let value_pos = match value_col {
                Some(c) => Pos {
                    line: i + 1,
                    col: indent + c + 1,
                },
                None => key_pos,
            };
            let items = match value_col {
                Some(c) => flow_items(&line[indent + c..])
                    .into_iter()
                    .map(|off| Pos {
                        line: i + 1,
                        col: indent + c + off + 1,
                    })
                    .collect(),
                None => Vec::new(),
            };
            index.entries.push(KeyEntry {
                key,
                key_pos,
                value_pos,
                items,
            });
            continue;
        }
        // A block list item under the last key: "  - value" or "- value" (YAML allows both).
        let trimmed = line.trim_start_matches(' ');
        if lead >= indent
            && (trimmed.starts_with("- ") || trimmed == "-")
            && let Some(entry) = index.entries.last_mut()
        {
            let pos = Pos {
                line: i + 1,
                col: lead + 3,
            };
            if entry.items.is_empty() && entry.value_pos == entry.key_pos {
                entry.value_pos = pos;
            }
            entry.items.push(pos);
        }
    }
    index
}

/// The 0-based offsets of the items of a one-line flow list (`[a, "b", c]`) in `value`; nothing
/// for any other value, or a list that goes on past its line.
fn flow_items(value: &str) -> Vec<usize> {
    let Some(inner) = value.strip_prefix('[') else {
        return Vec::new();
    };
    let mut starts = Vec::new();
    let mut quote: Option<char> = None;
    let mut item_start: Option<usize> = None;
    for (off, ch) in inner.char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, ']') => {
                starts.extend(item_start);
                return starts.into_iter().map(|o| o + 1).collect();
            }
            (None, ',') => starts.extend(item_start.take()),
            (None, '[' | '{') => return Vec::new(),
            (None, c) if c.is_whitespace() => {}
            (None, c) => {
                if item_start.is_none() {
                    item_start = Some(off);
                }
                if matches!(c, '"' | '\'') {
                    quote = Some(c);
                }
            }
        }
    }
    Vec::new()
}

/// The lines of the block under the top-level `key:` (a mapping or list written below it):
/// `(first, end)` as 0-based indexes into `lines`, or `None` when `key` has no block.
fn block_under(lines: &[&str], key: &str) -> Option<(usize, usize)> {
    let at = lines
        .iter()
        .position(|l| matches!(key_on_line(l), Some((k, None)) if k == key))?;
    let from = at + 1;
    let to = lines[from..]
        .iter()
        .position(|l| {
            // A list may sit at column 1 under its key; anything else there ends the block.
            l.chars().next().is_some_and(|c| !c.is_whitespace() && c != '#')
                && !(l.starts_with("- ") || *l == "-")
        })
        .map_or(lines.len(), |n| from + n);
    Some((from, to))
}

/// Indexes a block list of mappings under the top-level `key` (`steps:` then `  - title: ...`),
/// one [`KeyIndex`] per item, with lines and columns in `text`.
pub fn index_list_under(text: &str, key: &str) -> Vec<KeyIndex> {
    let lines: Vec<&str> = text.lines().collect();
    let Some((from, to)) = block_under(&lines, key) else {
        return Vec::new();
    };
    let dash = |l: &str| {
        let t = l.trim_start_matches(' ');
        (t.starts_with("- ") || t == "-").then(|| l.len() - t.len())
    };
    let Some(indent) = lines[from..to].iter().find_map(|l| dash(l)) else {
        return Vec::new();
    };
    let starts: Vec<usize> = (from..to).filter(|&i| dash(lines[i]) == Some(indent)).collect();
    // Seen from the list's own column, each item is a top-level list item.
    let shifted: Vec<&str> = lines.iter().map(|l| l.get(indent..).unwrap_or("")).collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            let end = starts.get(n + 1).copied().unwrap_or(to);
            let mut index = index_block(&shifted, start, end, 2);
            index.start = Pos {
                line: start + 1,
                col: indent + 1,
            };
            for e in &mut index.entries {
                for p in [&mut e.key_pos, &mut e.value_pos]
                    .into_iter()
                    .chain(e.items.iter_mut())
                {
                    p.col += indent;
                }
            }
            index
        })
        .collect()
}

/// Indexes a block mapping under the top-level `key` (`related:` then `  programs: [a]`).
pub fn index_map_under(text: &str, key: &str) -> KeyIndex {
    let lines: Vec<&str> = text.lines().collect();
    let Some((from, to)) = block_under(&lines, key) else {
        return KeyIndex::default();
    };
    let indent = lines[from..to]
        .iter()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map_or(2, |l| l.len() - l.trim_start_matches(' ').len());
    let mut index = index_block(&lines, from, to, indent);
    index.start = Pos { line: from, col: 1 };
    index
}

/// `key: value` -> (key, Some(0-based column of value)); `key:` -> (key, None).
fn key_on_line(line: &str) -> Option<(String, Option<usize>)> {
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '[' | '{' | '"' | '\'' | '?') {
        return None;
    }
    let colon = line
        .find(": ")
        .or_else(|| line.strip_suffix(':').map(|s| s.len()))?;
    let key = line[..colon].trim_end();
    if key.is_empty()
        || key.contains(' ') && !key.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '_')
    {
        return None;
    }
    let rest = &line[colon + 1..];
    let value_col = rest
        .find(|c: char| c != ' ')
        .filter(|_| !rest.trim_start().starts_with('#'))
        .map(|off| colon + 1 + off);
    Some((key.to_string(), value_col))
}

/// A plain value whose end YAML reads as a comment: `title: Webinar #3` means the title
/// "Webinar". Editors write `#` for numbers and channels; YAML drops it and what follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutValue {
    /// 1-based line and column of the `#`.
    pub pos: Pos,
    /// The field's name, or `None` for an item of a list (`- value #x`).
    pub key: Option<String>,
    /// What YAML keeps, and what it drops.
    pub kept: String,
    pub dropped: String,
}

/// Finds [`CutValue`]s line by line. Quoted, flow (`[...]`, `{...}`) and block (`|`, `>`)
/// values keep their `#`, and a comment on a line of its own or after an empty value is plainly
/// one, so neither is reported.
pub fn cut_values(text: &str) -> Vec<CutValue> {
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line.trim_start_matches([' ', '\t']);
        let mut is_item = false;
        while let Some(after) = rest.strip_prefix("- ") {
            rest = after.trim_start_matches(' ');
            is_item = true;
        }
        let (key, value) = match key_on_line(rest) {
            Some((key, Some(col))) => (Some(key), &rest[col..]),
            Some((_, None)) => continue,
            None if is_item => (None, rest),
            None => continue,
        };
        if value.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*', '!', '#', '%', '@', '`']) {
            continue;
        }
        let Some(at) = value.find(" #").or_else(|| value.find("\t#")) else {
            continue;
        };
        let col = line.len() - value.len() + at + 2;
        found.push(CutValue {
            pos: Pos { line: i + 1, col },
            key,
            kept: value[..at].trim_end().to_string(),
            dropped: value[at..].trim_start().to_string(),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusual_line_breaks_do_not_move_a_problem_to_another_line() {
        // Found by the property tests: U+2028 inside a value made YAML count a third line in
        // a one-line text.
        let e = parse("..[^1]: n\u{2028}(").unwrap_err();
        assert_eq!(e.line, 1, "{e:?}");
        let e = parse("title: a\u{2028}b\nsummary: [\n").unwrap_err();
        assert!(e.line <= 3, "{e:?}");
    }

    #[test]
    fn a_duplicate_key_is_reported_at_its_second_use() {
        let e = parse("title: A\nsummary: B\nlist:\n  - title: x\ntitle: C\n").unwrap_err();
        assert_eq!((e.line, e.col), (5, 1), "{}", e.message);
        assert!(
            e.message.contains("each field may appear only once"),
            "{}",
            e.message
        );
        let nested = parse("outer:\n  a: 1\n  b: 2\n  a: 3\n").unwrap_err();
        assert_eq!((nested.line, nested.col), (4, 3), "{}", nested.message);
    }

    #[test]
    fn values_cut_short_by_a_comment_are_found() {
        let text = "title: Webinar #3\nsummary: \"Quoted #1\"\n# a comment\nformat: online\nkey: # empty\npartners:\n  - Team #2\n  - \"Kept #4\"\nlist: [a, b] # flow\nurl: https://e.org/#top\n";
        let cut = cut_values(text);
        assert_eq!(
            cut,
            vec![
                CutValue {
                    pos: Pos { line: 1, col: 16 },
                    key: Some("title".into()),
                    kept: "Webinar".into(),
                    dropped: "#3".into(),
                },
                CutValue {
                    pos: Pos { line: 7, col: 10 },
                    key: None,
                    kept: "Team".into(),
                    dropped: "#2".into(),
                },
            ]
        );
        // What the parser makes of the same text agrees.
        let Node::Map(map) = parse(text).unwrap() else {
            panic!()
        };
        assert_eq!(map[0].1, Node::Str("Webinar".into()));
    }

    #[test]
    fn parses_scalars_and_keeps_key_order() {
        let node = parse("b: 1\na: \"x\"\nc: [1, two]\nd:\n").unwrap();
        assert_eq!(
            node,
            Node::Map(vec![
                ("b".into(), Node::Int(1)),
                ("a".into(), Node::Str("x".into())),
                ("c".into(), Node::Seq(vec![Node::Int(1), Node::Str("two".into())])),
                ("d".into(), Node::Null),
            ])
        );
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse("title: ok\nstart: [unclosed\n").unwrap_err();
        assert!(err.line >= 2, "{err:?}");
        assert!(!err.message.contains(" at line "), "{err:?}");
    }

    #[test]
    fn common_mistakes_get_a_hint() {
        let err = parse("title: Summit: 2025\n").unwrap_err();
        assert!(err.message.contains("must be in quotes"), "{err:?}");
        let err = parse("title: A\ntitle: B\n").unwrap_err();
        assert!(err.message.contains("only once"), "{err:?}");
    }

    #[test]
    fn alias_bomb_is_refused_not_expanded() {
        let mut text =
            String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            text.push_str(&format!(
                "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
            prev = n;
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("repetition limit"), "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&text).is_err());
    }

    #[test]
    fn key_positions() {
        let text = "title: Hello\nstart: next tuesday\nprofessions:\n  - \"31301\"\n  - \"99999\"\n";
        let idx = index_mapping(text);
        assert_eq!(idx.value("start"), Pos { line: 2, col: 8 });
        assert_eq!(idx.key("start"), Pos { line: 2, col: 1 });
        assert_eq!(idx.item("professions", 1), Pos { line: 5, col: 5 });
        assert_eq!(idx.value("professions"), Pos { line: 4, col: 5 });
        assert_eq!(idx.value("missing"), Pos { line: 1, col: 1 });
    }

    #[test]
    fn flow_list_items_have_positions() {
        let idx = index_mapping("professions: [\"31301\", 99999,x]\nother: [a, [b]]\n");
        assert_eq!(idx.item("professions", 0), Pos { line: 1, col: 15 });
        assert_eq!(idx.item("professions", 1), Pos { line: 1, col: 24 });
        assert_eq!(idx.item("professions", 2), Pos { line: 1, col: 30 });
        // Nested lists are not split: the value's position stands for every item.
        assert_eq!(idx.item("other", 1), Pos { line: 2, col: 8 });
        assert_eq!(flow_items("[\"a, b\", c]"), vec![1, 9]);
        assert!(flow_items("[a, b").is_empty());
    }

    #[test]
    fn nested_lists_and_mappings_positions() {
        let text = "title: T\nsteps:\n  - title: One\n    who: nnas\n\n  - title: Two\n    links:\n      - title: L\n        url: x\n    who: cno\nrelated:\n  programs: [a, b]\n  members:\n    - m\nsource: s\n";
        let steps = index_list_under(text, "steps");
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].start, Pos { line: 3, col: 3 });
        assert_eq!(steps[0].value("title"), Pos { line: 3, col: 12 });
        assert_eq!(steps[0].value("who"), Pos { line: 4, col: 10 });
        assert_eq!(steps[1].value("who"), Pos { line: 10, col: 10 });
        assert_eq!(steps[1].key("links"), Pos { line: 7, col: 5 });
        let related = index_map_under(text, "related");
        assert_eq!(related.item("programs", 1), Pos { line: 12, col: 17 });
        assert_eq!(related.item("members", 0), Pos { line: 14, col: 7 });
        // A list at column 1 under its key.
        let text = "steps:\n- title: A\n  who: x\n- title: B\nsource: s\n";
        let steps = index_list_under(text, "steps");
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].value("who"), Pos { line: 3, col: 8 });
        assert_eq!(steps[1].value("title"), Pos { line: 4, col: 10 });
        assert!(index_list_under(text, "none").is_empty());
    }

    #[test]
    fn list_of_mappings_positions() {
        let text = "# comment\n- code: \"30010\"\n  title: Managers\n  teer: 0\n- code: 31100\n  title: Specialists\n";
        let idx = index_list_of_mappings(text);
        assert_eq!(idx.len(), 2);
        assert_eq!(idx[0].value("code"), Pos { line: 2, col: 9 });
        assert_eq!(idx[0].value("teer"), Pos { line: 4, col: 9 });
        assert_eq!(idx[1].key("title"), Pos { line: 6, col: 3 });
    }
}
