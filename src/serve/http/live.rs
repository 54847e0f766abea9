//! The live site: the files served (the last good build, in memory) and the pages watching
//! them. Owns [`Shared`], which the rebuild loop updates and the HTTP threads read, and the
//! Server-Sent Events side of live reload: the events a rebuild sends ([`Event`]), the open
//! streams they are written to (no thread waits on a stream: whoever broadcasts writes to each),
//! and opening a new stream. Knows nothing of request parsing or answers other than its own.

use std::collections::HashMap;
use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde::Serialize;

use super::MAX_STREAMS;
use super::response::{Answer, csp, write_answer};
use crate::error::Diagnostic;
use crate::serve::rebuild::Delta;

/// The built site, in memory: output path -> bytes.
#[derive(Debug, Default)]
pub struct Files {
    map: HashMap<String, Arc<Vec<u8>>>,
    base_path: String,
}

impl Files {
    pub fn get(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        self.map.get(path).cloned()
    }

    pub(super) fn contains(&self, path: &str) -> bool {
        self.map.contains_key(path)
    }

    /// Every path served, sorted.
    pub(super) fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.map.keys().cloned().collect();
        paths.sort();
        paths
    }

    /// The site's URL prefix: `/`, or `/hub/` under a base path.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    pub fn snapshot(&self) -> std::collections::BTreeMap<String, Arc<[u8]>> {
        self.map
            .iter()
            .map(|(k, v)| (k.clone(), Arc::from(v.as_slice())))
            .collect()
    }
}

/// A rebuild event for open pages.
#[derive(Debug, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum Event {
    /// Files changed: pages showing one of them reload (all of them when there were too many to
    /// list).
    Reload { files: Vec<String>, all: bool },
    /// Only stylesheets changed: pages swap the old URLs for the new.
    Styles { swaps: Vec<(String, String)> },
    /// The last edit broke the build: the problems, for the overlay.
    Problems { problems: Vec<Problem> },
    /// The build is good again: the overlay goes.
    Fixed,
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// As the terminal shows it: `file:line:col: message`.
    pub text: String,
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Self {
        Problem {
            file: d.path.display().to_string(),
            line: d.line,
            column: d.col,
            message: d.message.clone(),
            text: d.to_string(),
        }
    }
}

impl Event {
    fn name(&self) -> &'static str {
        match self {
            Event::Reload { .. } => "reload",
            Event::Styles { .. } => "styles",
            Event::Problems { .. } => "problems",
            Event::Fixed => "fixed",
        }
    }

    /// In the Server-Sent Events wire form. JSON has no raw line breaks, so one `data:` line.
    fn wire(&self) -> String {
        let data = serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string());
        format!("event: {}\ndata: {data}\n\n", self.name())
    }
}

/// What the HTTP threads share with the rebuild loop.
#[derive(Default)]
pub struct Shared {
    files: RwLock<Files>,
    /// Open event streams, written to directly (non-blocking: a stream that cannot take an
    /// event at once is dropped, and its page reconnects).
    subscribers: Mutex<Vec<TcpStream>>,
    /// The problems of the last build, while it is failing: new pages get them at once.
    problems: Mutex<Option<String>>,
    pub(super) stopping: AtomicBool,
}

/// Pages list at most this many changed files; past it, every open page reloads.
const MAX_LISTED: usize = 500;

impl Shared {
    /// Puts a rebuild's files in place and returns the paths whose bytes changed.
    pub fn apply(&self, delta: Delta) -> Vec<String> {
        // Compare under the read lock, so pages keep being served meanwhile.
        let put: Vec<_> = {
            let files = self.files.read().unwrap_or_else(|e| e.into_inner());
            delta
                .put
                .into_iter()
                .filter(|f| files.map.get(&f.path).is_none_or(|old| **old != f.bytes))
                .collect()
        };
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        let mut changed: Vec<String> = put.iter().map(|f| f.path.clone()).collect();
        for f in put {
            files.map.insert(f.path, Arc::new(f.bytes));
        }
        for path in delta.remove {
            if files.map.remove(&path).is_some() {
                changed.push(path);
            }
        }
        files.base_path = delta.base_path;
        changed.sort();
        changed
    }

    pub fn files(&self) -> std::sync::RwLockReadGuard<'_, Files> {
        self.files.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Tells open pages what changed.
    pub fn changed(&self, files: Vec<String>, style_swaps: Option<Vec<(String, String)>>) {
        if files.is_empty() {
            return;
        }
        let event = match style_swaps {
            Some(swaps) => Event::Styles { swaps },
            None if files.len() > MAX_LISTED => Event::Reload {
                files: Vec::new(),
                all: true,
            },
            None => Event::Reload { files, all: false },
        };
        self.broadcast(&event);
    }

    /// The build failed: open pages show the problems until it is fixed.
    pub fn failed(&self, problems: &[Diagnostic]) {
        let event = Event::Problems {
            problems: problems.iter().map(Problem::from).collect(),
        };
        *self.problems.lock().unwrap_or_else(|e| e.into_inner()) = Some(event.wire());
        self.broadcast(&event);
    }

    /// The build is good again.
    pub fn fixed(&self) {
        if self
            .problems
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .is_some()
        {
            self.broadcast(&Event::Fixed);
        }
    }

    pub fn is_failing(&self) -> bool {
        self.problems.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }

    fn broadcast(&self, event: &Event) {
        self.send_all(event.wire().as_bytes());
    }

    /// Writes `bytes` to every open event stream, dropping those that went away or cannot take
    /// them now.
    pub(super) fn send_all(&self, bytes: &[u8]) {
        self.subscribers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain_mut(|s| write_now(s, bytes));
    }

    /// Ends every event stream.
    pub(super) fn end_streams(&self) {
        self.subscribers.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// How many event streams are open.
    fn streams(&self) -> usize {
        self.subscribers.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Writes all of `bytes` to a non-blocking stream, or says it could not.
fn write_now(stream: &mut TcpStream, bytes: &[u8]) -> bool {
    let mut rest = bytes;
    // A few tries for a socket buffer that is almost full; a page that reads nothing for
    // that long reconnects.
    for _ in 0..50 {
        match stream.write(rest) {
            Ok(0) => return false,
            Ok(n) if n == rest.len() => return true,
            Ok(n) => rest = &rest[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    false
}

/// How often idle event streams get a comment, so a browser that went away is noticed.
const KEEPALIVE_TICK: Duration = Duration::from_secs(15);

/// Until the server stops, writes a comment to idle event streams every [`KEEPALIVE_TICK`].
pub(super) fn keep_alive(shared: &Shared) {
    while !shared.stopping.load(Ordering::SeqCst) {
        std::thread::sleep(KEEPALIVE_TICK);
        shared.send_all(b": keepalive\n\n");
    }
}

/// Opens an event stream: its head, the current problems if any, then the stream joins the
/// subscribers, to be written to by each broadcast (no thread waits on it).
pub(super) fn events(mut stream: TcpStream, shared: &Shared, body: bool) {
    if shared.streams() >= MAX_STREAMS {
        let a = Answer::text(503, "503 Service Unavailable: too many open pages")
            .with("Retry-After", "1".to_string());
        let _ = write_answer(&mut stream, &a, body, true);
        return;
    }
    let mut head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nContent-Security-Policy: {}\r\nConnection: close\r\n\r\nretry: 500\n\n",
        csp()
    );
    let mut subscribers = shared.subscribers.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(problems) = shared.problems.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        head.push_str(problems);
    }
    if stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.flush())
        .is_err()
        || !body
    {
        return;
    }
    if stream.set_nonblocking(true).is_ok() {
        subscribers.push(stream);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_one_data_line() {
        let e = Event::Problems {
            problems: vec![Problem::from(&Diagnostic::error(
                "content/events/x.md",
                3,
                7,
                "line one\nline two",
            ))],
        };
        let wire = e.wire();
        assert!(wire.starts_with("event: problems\ndata: {"), "{wire}");
        assert_eq!(wire.matches('\n').count(), 3, "{wire}");
        assert!(
            wire.contains("\"file\":\"content/events/x.md\",\"line\":3,\"column\":7"),
            "{wire}"
        );
    }
}
