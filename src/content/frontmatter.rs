//! Decoding a content file and splitting its front matter from its body. Pure over bytes and
//! `&str`; problems come back with a 1-based line and column.

/// A problem positioned in the file (line and column 1-based; 0 when it concerns the whole file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Problem {
    fn new(line: usize, col: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            col,
            message: message.into(),
        }
    }
}

/// UTF-8 with or without a BOM, LF or CRLF: returns the text with LF line endings.
pub fn decode(bytes: &[u8]) -> Result<String, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        Problem::new(
            line,
            col,
            "the file is not UTF-8 text; save it with UTF-8 encoding (most editors offer this under \"Save as\" or \"Encoding\")",
        )
    })?;
    if let Some(at) = text.find('\0') {
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        return Err(Problem::new(
            line,
            col,
            "the file has a NUL character (byte 0) here, which is never text (it often comes with a paste from a PDF or a binary file); remove it",
        ));
    }
    if text.contains('\r') {
        Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Ok(text.to_string())
    }
}

/// A file split into its front matter and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub front: &'a str,
    /// Number of lines before the front matter (the opening `---`), added to its line numbers.
    pub front_offset: usize,
    pub body: &'a str,
}

pub fn split(text: &str) -> Result<Split<'_>, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::new(
            1,
            1,
            "the file is empty; it needs front matter between two --- lines (try `iehp new`)",
        ));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Problem::new(
            1,
            1,
            "expected the file to start with a --- line, then the fields (title: ...), then another --- line",
        ));
    }
    let front_start = first.len();
    let mut offset = front_start;
    for line in lines {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let front = &text[front_start..offset];
            let body = &text[offset + line.len()..];
            return Ok(Split {
                front,
                front_offset: 1,
                body,
            });
        }
        offset += line.len();
    }
    Err(Problem::new(
        1,
        1,
        "the front matter opened on line 1 is never closed: add a line with --- after the last field",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_byte_is_reported_where_it_is() {
        let p = decode(b"---\ntitle: A\n---\nBody with a \0 in it\n").unwrap_err();
        assert_eq!((p.line, p.col), (4, 13), "{}", p.message);
        assert!(p.message.contains("NUL"), "{}", p.message);
    }

    #[test]
    fn splits_lf_and_crlf_and_bom() {
        for input in [
            &b"---\ntitle: A\n---\nBody\n"[..],
            &b"---\r\ntitle: A\r\n---\r\nBody\r\n"[..],
            &b"\xEF\xBB\xBF---\ntitle: A\n---\nBody\n"[..],
        ] {
            let text = decode(input).unwrap();
            let s = split(&text).unwrap();
            assert_eq!(s.front, "title: A\n");
            assert_eq!(s.body, "Body\n");
            assert_eq!(s.front_offset, 1);
        }
    }

    #[test]
    fn closing_line_may_end_the_file() {
        let s = split("---\ntitle: A\n---").unwrap();
        assert_eq!(s.front, "title: A\n");
        assert_eq!(s.body, "");
    }

    #[test]
    fn problems() {
        assert_eq!(split("  \n").unwrap_err().line, 1);
        assert_eq!(split("title: A\n").unwrap_err().line, 1);
        assert!(
            split("---\ntitle: A\nbody")
                .unwrap_err()
                .message
                .contains("never closed")
        );
    }

    #[test]
    fn non_utf8_names_the_position() {
        let p = decode(b"---\ntitle: caf\xE9\n").unwrap_err();
        assert_eq!((p.line, p.col), (2, 11));
    }
}
