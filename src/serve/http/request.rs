//! Reading requests: a request's head parsed within a byte limit ([`read_head`], pure over any
//! `BufRead`), and waiting for a kept-alive connection's next request. Decides nothing about
//! what is answered.

use std::io::{BufRead, Read};
use std::net::TcpStream;
use std::time::Duration;

use super::IDLE;

/// One request's head, as far as the dev server needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    pub target: String,
    pub host: Option<String>,
    /// The client asked to close after this answer (or speaks HTTP/1.0 without keep-alive).
    pub close: bool,
    /// The request has a body (the dev server takes none).
    pub body: bool,
}

/// Why a request's head could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum HeadError {
    /// The connection closed or went idle before a request began: nothing to answer.
    Gone,
    /// More than [`MAX_HEAD`] bytes.
    TooLarge,
    /// Not HTTP.
    Malformed,
}

/// Parses a request head from `reader`, reading at most `max` bytes.
pub fn read_head(reader: &mut impl BufRead, max: usize) -> std::result::Result<Head, HeadError> {
    let mut lines: Vec<String> = Vec::new();
    let mut taken = 0usize;
    loop {
        let mut line = Vec::new();
        let left = (max - taken) as u64;
        let n = reader.take(left + 1).read_until(b'\n', &mut line).map_err(|_| {
            if lines.is_empty() {
                HeadError::Gone
            } else {
                HeadError::Malformed
            }
        })?;
        if n == 0 {
            return Err(if lines.is_empty() && taken == 0 {
                HeadError::Gone
            } else {
                HeadError::Malformed
            });
        }
        taken += n;
        if taken > max {
            return Err(HeadError::TooLarge);
        }
        if !line.ends_with(b"\n") {
            return Err(HeadError::Malformed);
        }
        let text = String::from_utf8(line).map_err(|_| HeadError::Malformed)?;
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if lines.is_empty() {
                // Blank lines before a request are allowed (RFC 9112, 2.2).
                continue;
            }
            break;
        }
        lines.push(text.to_string());
    }
    let mut first = lines[0].split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (first.next(), first.next(), first.next(), first.next())
    else {
        return Err(HeadError::Malformed);
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || target.is_empty() {
        return Err(HeadError::Malformed);
    }
    let mut head = Head {
        method: method.to_string(),
        target: target.to_string(),
        host: None,
        close: version == "HTTP/1.0",
        body: false,
    };
    for line in &lines[1..] {
        let Some((name, value)) = line.split_once(':') else {
            return Err(HeadError::Malformed);
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "host" => {
                if head.host.is_some() {
                    return Err(HeadError::Malformed);
                }
                head.host = Some(value.to_string());
            }
            "connection" => {
                let v = value.to_ascii_lowercase();
                if v.split(',').any(|t| t.trim() == "close") {
                    head.close = true;
                } else if v.split(',').any(|t| t.trim() == "keep-alive") {
                    head.close = false;
                }
            }
            "content-length" => head.body |= value != "0",
            "transfer-encoding" => head.body = true,
            _ => {}
        }
    }
    Ok(head)
}

/// Waits until `reader` has bytes (true) or the connection closed or idled out (false). Polls
/// so that a kept-alive connection gives its worker up soon when others wait for one.
pub(super) fn wait_readable(reader: &mut std::io::BufReader<TcpStream>, waiting: &dyn Fn() -> bool) -> bool {
    if !reader.buffer().is_empty() {
        return true;
    }
    let started = std::time::Instant::now();
    let tick = Duration::from_millis(100);
    let _ = reader.get_ref().set_read_timeout(Some(tick));
    loop {
        match reader.fill_buf() {
            Ok(buf) => return !buf.is_empty(),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if started.elapsed() >= IDLE || (waiting() && started.elapsed() >= tick) {
                    return false;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::http::MAX_HEAD;

    fn head(raw: &str) -> std::result::Result<Head, HeadError> {
        read_head(&mut std::io::BufReader::new(raw.as_bytes()), MAX_HEAD)
    }

    #[test]
    fn request_heads() {
        let h = head("GET /a/?b HTTP/1.1\r\nHost: localhost:8080\r\nConnection: keep-alive\r\n\r\n").unwrap();
        assert_eq!((h.method.as_str(), h.target.as_str()), ("GET", "/a/?b"));
        assert_eq!(h.host.as_deref(), Some("localhost:8080"));
        assert!(!h.close && !h.body);
        assert!(head("GET / HTTP/1.0\r\n\r\n").unwrap().close);
        assert!(head("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").unwrap().close);
        assert!(
            head("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
                .unwrap()
                .body
        );
        assert!(
            head("\r\nGET / HTTP/1.1\r\n\r\n").is_ok(),
            "a blank line first is allowed"
        );
        assert_eq!(head(""), Err(HeadError::Gone));
        for bad in [
            "GET /\r\n\r\n",
            "GET / HTTP/1.1 x\r\n\r\n",
            "GET / SPDY/3\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET / HTTP/1.1\r\n",
        ] {
            assert_eq!(head(bad), Err(HeadError::Malformed), "{bad:?}");
        }
        let not_utf8: &[u8] = b"GET / HTTP/1.1\r\nHost: \xff\r\n\r\n";
        assert_eq!(
            read_head(&mut std::io::BufReader::new(not_utf8), MAX_HEAD),
            Err(HeadError::Malformed)
        );
        // A head past the limit is refused without reading it all.
        let huge = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(head(&huge), Err(HeadError::TooLarge));
        let many = format!("GET / HTTP/1.1\r\n{}\r\n", "X-A: b\r\n".repeat(MAX_HEAD / 8));
        assert_eq!(head(&many), Err(HeadError::TooLarge));
    }
}
