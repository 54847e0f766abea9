//! Typed reading of one YAML mapping against a schema, collecting every problem.
//!
//! Each `Fields` method reads one field, records it as known, converts it, and on a bad value
//! pushes a diagnostic positioned at that value and returns `None`, so a whole file is checked in
//! one pass. [`Fields::finish`] then rejects unknown fields, suggesting the nearest known name.

use std::path::Path;

use jiff::civil::Date;

use crate::error::Diagnostic;
use crate::lang::Lang;
pub use crate::province::Province;
use crate::yaml::{KeyIndex, Node, Pos};

/// A point in time as editors write it: a date, or a date-time with its UTC offset. Past events
/// whose sources give only a month (`2023-06`) or a year (`2023`) keep just that precision
/// rather than an invented day; the date held is the first day of that month or year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Moment {
    Year(Date),
    Month(Date),
    Date(Date),
    DateTime(jiff::Timestamp),
}

pub const DATE_HINT: &str = "a date like 2025-06-26";
pub const MOMENT_HINT: &str = "a date like 2025-06-26 or 2025-06-26T10:00:00-04:00";

pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    // `Date::from_str` also accepts a trailing time; a field that holds a date holds only a date.
    if s.len() != 10 {
        return None;
    }
    s.parse::<Date>().ok()
}

/// Why a value shaped like a date (`2025-02-30`, also the date part of a date-time) is no date at
/// all: "2025 has no February 30", "there is no month 13". `None` when it is a real date or not
/// shaped like one (the caller then says what a date looks like).
pub fn impossible_date(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    let shaped = b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9].iter().all(|&i| b[i].is_ascii_digit())
        && (b.len() == 10 || matches!(b[10], b'T' | b't' | b' '));
    if !shaped {
        return None;
    }
    let year: i16 = s[..4].parse().ok()?;
    let month: i8 = s[5..7].parse().ok()?;
    let day: i8 = s[8..10].parse().ok()?;
    if !(1..=12).contains(&month) {
        return Some(format!(
            "there is no month {month} (in {s:?}); months go from 01 to 12"
        ));
    }
    let name = Lang::En.month_name(month);
    let last = Date::new(year, month, 1).ok()?.days_in_month();
    if day < 1 || day > last {
        return Some(format!(
            "{year} has no {name} {day} (in {s:?}); {name} {year} has {last} days"
        ));
    }
    None
}

pub fn parse_moment(s: &str) -> Option<Moment> {
    let s = s.trim();
    if let Some(d) = parse_date(s) {
        return Some(Moment::Date(d));
    }
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        return parse_date(&format!("{s}-01-01")).map(Moment::Year);
    }
    if s.len() == 7 && s.as_bytes()[4] == b'-' {
        return parse_date(&format!("{s}-01")).map(Moment::Month);
    }
    // A date-time must carry its offset; a bare local time would be ambiguous.
    let has_offset = s
        .get(19..)
        .is_some_and(|tail| !tail.is_empty() && (tail.contains(['+', '-']) || tail.ends_with(['Z', 'z'])));
    if !has_offset || s.contains('[') {
        return None;
    }
    s.parse::<jiff::Timestamp>().ok().map(Moment::DateTime)
}

pub struct Fields<'a> {
    path: &'a Path,
    map: &'a [(String, Node)],
    index: &'a KeyIndex,
    /// Added to every line from the index (front matter starts after the `---` line).
    line_offset: usize,
    known: Vec<&'static str>,
    diags: &'a mut Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    pub fn new(
        path: &'a Path,
        map: &'a [(String, Node)],
        index: &'a KeyIndex,
        line_offset: usize,
        diags: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Self {
            path,
            map,
            index,
            line_offset,
            known: Vec::new(),
            diags,
        }
    }

    pub fn path(&self) -> &Path {
        self.path
    }

    fn at(&self, pos: Pos) -> (usize, usize) {
        (pos.line + self.line_offset, pos.col)
    }

    /// Reports a problem with a field's value.
    pub fn error_at_value(&mut self, key: &str, message: impl Into<String>) {
        let (line, col) = self.at(self.index.value(key));
        self.push(line, col, format!("field \"{key}\": {}", message.into()));
    }

    fn error_at_item(&mut self, key: &str, n: usize, message: impl Into<String>) {
        let (line, col) = self.at(self.index.item(key, n));
        self.push(line, col, format!("field \"{key}\": {}", message.into()));
    }

    fn push(&mut self, line: usize, col: usize, message: String) {
        self.diags.push(Diagnostic::error(self.path, line, col, message));
    }

    /// Position of a field's value in the file, for problems found later (references).
    pub fn value_pos(&self, key: &str) -> (usize, usize) {
        self.at(self.index.value(key))
    }

    pub fn item_pos(&self, key: &str, n: usize) -> (usize, usize) {
        self.at(self.index.item(key, n))
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Node> {
        self.known.push(key);
        self.map
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| !matches!(v, Node::Null))
    }

    fn missing(&mut self, key: &str) {
        // A field written with no value (as `iehp new` leaves them) is reported on its own line.
        if self.map.iter().any(|(k, _)| k == key) {
            let (line, col) = self.at(self.index.key(key));
            self.push(
                line,
                col,
                format!("field \"{key}\" is empty: fill it in (required)"),
            );
            return;
        }
        let (line, col) = self.at(self.index.start);
        self.push(line, col, format!("missing required field \"{key}\""));
    }

    fn require<T>(&mut self, key: &'static str, value: Option<T>, present: bool) -> Option<T> {
        if !present {
            self.missing(key);
        }
        value
    }

    pub fn opt_str(&mut self, key: &'static str) -> Option<String> {
        let node = self.get(key)?;
        match node {
            Node::Str(s) if s.trim().is_empty() => {
                self.error_at_value(key, "is empty");
                None
            }
            Node::Str(s) => Some(s.trim().to_string()),
            Node::Int(_) | Node::Float(_) | Node::Bool(_) => node.scalar_text(),
            other => {
                self.error_at_value(key, format!("expected text, found {}", other.describe()));
                None
            }
        }
    }

    pub fn req_str(&mut self, key: &'static str) -> Option<String> {
        let present = self.map.iter().any(|(k, v)| k == key && *v != Node::Null);
        let v = self.opt_str(key);
        self.require(key, v, present)
    }

    /// A list of texts; a single text is taken as a list of one.
    pub fn str_list(&mut self, key: &'static str) -> Vec<String> {
        let Some(node) = self.get(key) else {
            return Vec::new();
        };
        let items: Vec<&Node> = match node {
            Node::Seq(items) => items.iter().collect(),
            other => vec![other],
        };
        let mut out = Vec::new();
        for (n, item) in items.into_iter().enumerate() {
            match item.scalar_text() {
                Some(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                _ => self.error_at_item(key, n, format!("expected text, found {}", item.describe())),
            }
        }
        out
    }

    pub fn opt_bool(&mut self, key: &'static str) -> Option<bool> {
        match self.get(key)? {
            Node::Bool(b) => Some(*b),
            other => {
                self.error_at_value(key, format!("expected true or false, found {}", other.describe()));
                None
            }
        }
    }

    pub fn opt_int(&mut self, key: &'static str, min: i64, max: i64) -> Option<i64> {
        match self.get(key)? {
            Node::Int(i) if (min..=max).contains(i) => Some(*i),
            other => {
                self.error_at_value(
                    key,
                    format!(
                        "expected a whole number from {min} to {max}, found {}",
                        other.describe()
                    ),
                );
                None
            }
        }
    }

    pub fn req_int(&mut self, key: &'static str, min: i64, max: i64) -> Option<i64> {
        let present = self.map.iter().any(|(k, v)| k == key && *v != Node::Null);
        let v = self.opt_int(key, min, max);
        self.require(key, v, present)
    }

    pub fn opt_date(&mut self, key: &'static str) -> Option<Date> {
        let node = self.get(key)?;
        match node.scalar_text().as_deref().and_then(parse_date) {
            Some(d) => Some(d),
            None => {
                let message = match node.scalar_text().as_deref().and_then(impossible_date) {
                    Some(why) => why,
                    None => format!("expected {DATE_HINT}, found {}", node.describe()),
                };
                self.error_at_value(key, message);
                None
            }
        }
    }

    pub fn req_date(&mut self, key: &'static str) -> Option<Date> {
        let present = self.map.iter().any(|(k, v)| k == key && *v != Node::Null);
        let v = self.opt_date(key);
        self.require(key, v, present)
    }

    pub fn opt_moment(&mut self, key: &'static str) -> Option<Moment> {
        let node = self.get(key)?;
        match node.scalar_text().as_deref().and_then(parse_moment) {
            Some(m) => Some(m),
            None => {
                let message = match node.scalar_text().as_deref().and_then(impossible_date) {
                    Some(why) => why,
                    None => format!("expected {MOMENT_HINT}, found {}", node.describe()),
                };
                self.error_at_value(key, message);
                None
            }
        }
    }

    pub fn req_moment(&mut self, key: &'static str) -> Option<Moment> {
        let present = self.map.iter().any(|(k, v)| k == key && *v != Node::Null);
        let v = self.opt_moment(key);
        self.require(key, v, present)
    }

    /// A web address (`http://` or `https://`).
    pub fn opt_url(&mut self, key: &'static str) -> Option<String> {
        let s = self.opt_str(key)?;
        if is_web_url(&s) {
            Some(s)
        } else {
            self.error_at_value(
                key,
                format!("expected a web address starting with https://, found {s:?}"),
            );
            None
        }
    }

    pub fn req_url(&mut self, key: &'static str) -> Option<String> {
        let present = self.map.iter().any(|(k, v)| k == key && *v != Node::Null);
        let v = self.opt_url(key);
        self.require(key, v, present)
    }

    /// One of a fixed set of words.
    pub fn opt_choice<T: Copy>(&mut self, key: &'static str, choices: &[(&str, T)]) -> Option<T> {
        let s = self.opt_str(key)?;
        self.choose(key, &s, choices, None)
    }

    pub fn req_choice<T: Copy>(&mut self, key: &'static str, choices: &[(&str, T)]) -> Option<T> {
        let present = self.map.iter().any(|(k, v)| k == key && *v != Node::Null);
        let v = self.opt_choice(key, choices);
        self.require(key, v, present)
    }

    /// A list of words from a fixed set; a single word is a list of one.
    pub fn choice_list<T: Copy>(&mut self, key: &'static str, choices: &[(&str, T)]) -> Vec<T> {
        let words = self.str_list(key);
        words
            .iter()
            .enumerate()
            .filter_map(|(n, w)| self.choose(key, w, choices, Some(n)))
            .collect()
    }

    fn choose<T: Copy>(
        &mut self,
        key: &str,
        word: &str,
        choices: &[(&str, T)],
        item: Option<usize>,
    ) -> Option<T> {
        if let Some((_, v)) = choices.iter().find(|(name, _)| name.eq_ignore_ascii_case(word)) {
            return Some(*v);
        }
        let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
        let mut msg = format!("expected one of {}, found {word:?}", names.join(", "));
        let province = (key == "province").then(|| Province::from_name(word)).flatten();
        if let Some(p) = province {
            msg.push_str(&format!(
                " (did you mean `{}`? that is {}'s code)",
                p.code(),
                p.name(Lang::En)
            ));
        } else if let Some(s) = suggest(&word.to_lowercase(), names.iter().copied()) {
            msg.push_str(&format!(" (did you mean `{s}`?)"));
        }
        match item {
            Some(n) => self.error_at_item(key, n, msg),
            None => self.error_at_value(key, msg),
        }
        None
    }

    /// Adds a problem found while reading this mapping that is not about one field.
    pub fn report(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Where each field's value sits in the file, for problems found after loading.
    pub fn positions(&self) -> std::collections::BTreeMap<String, (usize, usize)> {
        self.map
            .iter()
            .map(|(key, _)| (key.clone(), self.at(self.index.value(key))))
            .collect()
    }

    /// Marks a field as known without reading it (read elsewhere, or reserved).
    pub fn allow(&mut self, key: &'static str) {
        self.known.push(key);
    }

    /// Rejects every field no reader asked for.
    pub fn finish(self) {
        for (key, _) in self.map {
            if self.known.iter().any(|k| k == key) {
                continue;
            }
            let mut msg = format!("unknown field \"{key}\"");
            match suggest(key, self.known.iter().copied()) {
                Some(s) => msg.push_str(&format!(" (did you mean `{s}`?)")),
                None => {
                    let mut known = self.known.clone();
                    known.sort_unstable();
                    known.dedup();
                    msg.push_str(&format!("; the fields here are: {}", known.join(", ")));
                }
            }
            let pos = self.index.key(key);
            self.diags.push(Diagnostic::error(
                self.path,
                pos.line + self.line_offset,
                pos.col,
                msg,
            ));
        }
    }
}

pub fn is_web_url(s: &str) -> bool {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    matches!(rest, Some(r) if !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

/// The closest candidate to a misspelt word, if one is close enough to be a likely typo.
pub fn suggest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The longest slug: a file name and URL segment every file system and browser takes.
pub const MAX_SLUG: usize = 120;

/// Lowercase ASCII letters, digits and single dashes inside: safe as one URL and path segment.
pub fn is_safe_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SLUG
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{index_mapping, parse};

    #[test]
    fn impossible_dates_are_called_impossible() {
        assert_eq!(
            impossible_date("2025-02-30").unwrap(),
            "2025 has no February 30 (in \"2025-02-30\"); February 2025 has 28 days"
        );
        assert!(impossible_date("2024-02-29").is_none());
        assert!(
            impossible_date("2023-02-29")
                .unwrap()
                .starts_with("2023 has no February 29")
        );
        assert!(
            impossible_date("2025-04-31T10:00:00-04:00")
                .unwrap()
                .starts_with("2025 has no April 31")
        );
        assert!(
            impossible_date("2025-13-01")
                .unwrap()
                .starts_with("there is no month 13")
        );
        assert!(
            impossible_date("2025-06-00")
                .unwrap()
                .starts_with("2025 has no June 0")
        );
        for not_shaped in ["next tuesday", "2025-6-1", "2025", "2025-06"] {
            assert!(impossible_date(not_shaped).is_none(), "{not_shaped}");
        }
        let out = read("title: x\nstart: 2025-02-30\n", |f| {
            f.req_str("title");
            f.req_date("start");
        });
        assert_eq!(
            out,
            [
                "x.md:3:8: field \"start\": 2025 has no February 30 (in \"2025-02-30\"); February 2025 has 28 days"
            ]
        );
    }

    #[test]
    fn empty_required_fields_are_reported_at_their_own_lines() {
        let out = read("title: x\nsource:\nreviewed:   # a date\n", |f| {
            f.req_str("title");
            f.req_str("source");
            f.req_date("reviewed");
            f.req_str("operator");
        });
        assert_eq!(
            out,
            [
                "x.md:3:1: field \"source\" is empty: fill it in (required)",
                "x.md:4:1: field \"reviewed\" is empty: fill it in (required)",
                "x.md:2:1: missing required field \"operator\"",
            ]
        );
    }

    fn read(text: &str, f: impl FnOnce(&mut Fields)) -> Vec<String> {
        let Node::Map(map) = parse(text).unwrap() else {
            panic!("not a map")
        };
        let index = index_mapping(text);
        let mut diags = Vec::new();
        let path = Path::new("x.md");
        let mut fields = Fields::new(path, &map, &index, 1, &mut diags);
        f(&mut fields);
        fields.finish();
        diags.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn moment_forms() {
        assert!(matches!(parse_moment("2025-06-26"), Some(Moment::Date(_))));
        assert!(matches!(
            parse_moment("2025-06-26T10:00:00-04:00"),
            Some(Moment::DateTime(_))
        ));
        assert!(matches!(
            parse_moment("2025-06-26T10:00:00Z"),
            Some(Moment::DateTime(_))
        ));
        assert_eq!(parse_moment("2025-06-26T10:00:00"), None, "no offset");
        assert_eq!(parse_moment("next tuesday"), None);
        assert!(matches!(parse_moment("2023"), Some(Moment::Year(_))));
        assert!(matches!(parse_moment("2023-06"), Some(Moment::Month(_))));
        assert_eq!(parse_moment("2023-13"), None);
        // Regression: a multi-byte character where the offset starts once panicked.
        assert_eq!(parse_moment("225-11-22T09:30:00é-05:00"), None);
        assert_eq!(parse_moment("2025-02-30"), None);
        assert_eq!(parse_date("2025-06-26T10:00:00Z"), None);
    }

    #[test]
    fn bad_date_is_reported_at_its_value() {
        let out = read("title: A\nstart: next tuesday\n", |f| {
            f.req_str("title");
            f.req_moment("start");
        });
        assert_eq!(
            out,
            [
                "x.md:3:8: field \"start\": expected a date like 2025-06-26 or 2025-06-26T10:00:00-04:00, found \"next tuesday\""
            ]
        );
    }

    #[test]
    fn unknown_field_suggests_the_near_one() {
        let out = read("title: A\nloction: Toronto\n", |f| {
            f.req_str("title");
            f.opt_str("location");
        });
        assert_eq!(
            out,
            ["x.md:3:1: unknown field \"loction\" (did you mean `location`?)"]
        );
    }

    #[test]
    fn every_problem_is_reported() {
        let out = read("status: maybe\nurl: ftp://x\n", |f| {
            f.req_str("title");
            f.req_choice("status", &[("open", 1), ("closed", 2)]);
            f.req_url("url");
        });
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(out[0].contains("missing required field \"title\""));
        assert!(out[1].contains("expected one of open, closed, found \"maybe\""));
        assert!(out[2].contains("https://"));
    }

    #[test]
    fn list_item_error_points_at_the_item() {
        let out = read("audience:\n  - iehp\n  - employr\n", |f| {
            f.choice_list("audience", &[("iehp", 1), ("employer", 2)]);
        });
        assert_eq!(
            out,
            [
                "x.md:4:5: field \"audience\": expected one of iehp, employer, found \"employr\" (did you mean `employer`?)"
            ]
        );
    }

    #[test]
    fn web_urls() {
        assert!(is_web_url("https://example.org/x"));
        assert!(!is_web_url("https://"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("https://a b"));
    }
}
