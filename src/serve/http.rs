//! The dev server's HTTP side: serves the built site from memory (never from disk, so no request
//! can reach a file outside it), with [`resolve`] turning a request's target into a file of the
//! site or a refusal; injects the live-reload script into HTML pages; and streams rebuild events
//! to open pages over Server-Sent Events.
//!
//! A small HTTP/1.1 server of its own, so that every limit is its own to set (tiny_http, used
//! before, starts a thread per connection without bound and reads a request line of any length,
//! and offers no setting for either): a fixed pool of
//! [`WORKERS`] threads answers requests, at most [`MAX_CONNECTIONS`] connections are open at
//! once (past it, a `503` at once), a request's head may be at most [`MAX_HEAD`] bytes and must
//! arrive within [`HEAD_TIMEOUT`], and open event streams, at most [`MAX_STREAMS`], take no
//! thread at all (events are written to each stream by whoever broadcasts them). Requests
//! naming another host are refused ([`host_allowed`]: a page on another site cannot read the
//! dev server through DNS rebinding), and every answer carries the production site's content
//! security policy ([`csp`]).

use std::collections::HashMap;
use std::io::{BufRead, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Serialize;

use super::rebuild::Delta;
use crate::error::{Diagnostic, Error, Result};

/// Where the dev server's own files and event stream live, outside any site's paths (a site's
/// paths are slugs, which cannot start with `_`).
pub const DEV_PREFIX: &str = "/__iehp/";
const SCRIPT: &str = include_str!("livereload.js");
const STYLE: &str = include_str!("livereload.css");

/// What a request's target asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A file of the built site, by its path in the output.
    File(String),
    /// A folder asked for without its trailing slash, or the base path without it: go there.
    Redirect(String),
    /// Nothing of the site: answered with the site's 404 page.
    NotFound,
    /// A target no file could answer: `..` or `.` segments (however encoded), NUL, backslashes,
    /// empty segments, text that is not UTF-8 once decoded, or not a path at all.
    BadRequest,
    /// One of the dev server's own endpoints.
    Dev(Dev),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dev {
    Script,
    Style,
    Events,
    /// Every file served, one path a line (for tests and the curious).
    Files,
}

/// Resolves a request target (`/events/summit/?x=1`) against the site's files: `base_path` is
/// the site's URL prefix (`/`, or `/hub/`), `exists` says whether the site has a file.
pub fn resolve(target: &str, base_path: &str, exists: impl Fn(&str) -> bool) -> Resolution {
    let (raw, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let raw = raw.split('#').next().unwrap_or("");
    if !raw.starts_with('/') {
        return Resolution::BadRequest;
    }
    if let Some(name) = raw.strip_prefix(DEV_PREFIX) {
        return match name {
            "livereload.js" => Resolution::Dev(Dev::Script),
            "livereload.css" => Resolution::Dev(Dev::Style),
            "events" => Resolution::Dev(Dev::Events),
            "files" => Resolution::Dev(Dev::Files),
            _ => Resolution::NotFound,
        };
    }
    let Ok(path) = percent_encoding::percent_decode_str(raw).decode_utf8() else {
        return Resolution::BadRequest;
    };
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    let bad_segment = segments
        .iter()
        .enumerate()
        .any(|(i, s)| *s == "." || *s == ".." || (s.is_empty() && i != last));
    if bad_segment || path.chars().any(|c| c == '\\' || c.is_control()) {
        return Resolution::BadRequest;
    }
    let with_query = |p: String| match query {
        Some(q) => format!("{p}?{q}"),
        None => p,
    };
    if format!("{path}/") == base_path {
        return Resolution::Redirect(with_query(format!("{raw}/")));
    }
    let Some(rel) = path.strip_prefix(base_path) else {
        return Resolution::NotFound;
    };
    if rel.is_empty() || rel.ends_with('/') {
        let index = format!("{rel}index.html");
        return if exists(&index) {
            Resolution::File(index)
        } else {
            Resolution::NotFound
        };
    }
    if exists(rel) {
        Resolution::File(rel.to_string())
    } else if exists(&format!("{rel}/index.html")) {
        Resolution::Redirect(with_query(format!("{raw}/")))
    } else {
        Resolution::NotFound
    }
}

/// The media type of a file, from its name. A table rather than a crate: a built site holds a
/// handful of kinds, and each must be right (a stylesheet served as text/plain is not applied).
pub fn media_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The page with the live-reload script added before `</body>` (at the end when there is none).
/// The script learns from `data-file` which file of the site the page is, to reload when it
/// changes. An external script, not inline code: the site's content security policy holds in
/// the dev server too.
pub fn inject(html: &[u8], file: &str) -> Vec<u8> {
    let escaped = file
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let tag = format!("<script src=\"{DEV_PREFIX}livereload.js\" data-file=\"{escaped}\" defer></script>\n");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

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
    stopping: AtomicBool,
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
    fn send_all(&self, bytes: &[u8]) {
        self.subscribers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain_mut(|s| write_now(s, bytes));
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

/// Threads answering requests.
pub const WORKERS: usize = 16;
/// Connections open at once, event streams not counted; past it, new ones get a `503`.
pub const MAX_CONNECTIONS: usize = 256;
/// Open event streams (live-reload pages); past it, new ones get a `503`.
pub const MAX_STREAMS: usize = 512;
/// The longest request head (request line and headers) taken.
pub const MAX_HEAD: usize = 16 * 1024;
/// How long a request's head may take to arrive.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a kept-alive connection may wait for its next request (less while others wait
/// for a worker).
const IDLE: Duration = Duration::from_secs(5);

/// The running HTTP server.
pub struct Server {
    accept: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
    pub addr: SocketAddr,
}

/// What the accepting thread and the workers share.
struct Pool {
    queue: Mutex<std::collections::VecDeque<TcpStream>>,
    ready: std::sync::Condvar,
    /// Connections accepted and not yet closed or handed to the event streams.
    open: AtomicUsize,
}

impl Server {
    pub fn start(addr: SocketAddr, shared: Arc<Shared>) -> Result<Self> {
        let cannot = |e: &dyn std::fmt::Display| Error::Usage(format!("cannot listen on {addr}: {e}"));
        let listener = listen(addr).map_err(|e| cannot(&e))?;
        let addr = listener.local_addr().map_err(|e| cannot(&e))?;
        let pool = Arc::new(Pool {
            queue: Mutex::new(std::collections::VecDeque::new()),
            ready: std::sync::Condvar::new(),
            open: AtomicUsize::new(0),
        });
        for n in 0..WORKERS {
            let (pool, shared) = (pool.clone(), shared.clone());
            std::thread::Builder::new()
                .name(format!("http {n}"))
                .spawn(move || work(&pool, &shared, addr))
                .map_err(|e| cannot(&e))?;
        }
        {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("event keepalive".to_string())
                .spawn(move || {
                    while !shared.stopping.load(Ordering::SeqCst) {
                        std::thread::sleep(KEEPALIVE_TICK);
                        shared.send_all(b": keepalive\n\n");
                    }
                })
                .map_err(|e| cannot(&e))?;
        }
        let accept = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("http accept".to_string())
                .spawn(move || {
                    for stream in listener.incoming() {
                        if shared.stopping.load(Ordering::SeqCst) {
                            break;
                        }
                        // A connection that failed before it was accepted: nothing to answer.
                        let Ok(mut stream) = stream else { continue };
                        if pool.open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                            refuse_busy(&mut stream);
                            continue;
                        }
                        pool.open.fetch_add(1, Ordering::SeqCst);
                        pool.queue
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push_back(stream);
                        pool.ready.notify_one();
                    }
                    shared.stopping.store(true, Ordering::SeqCst);
                    pool.ready.notify_all();
                })
                .map_err(|e| cannot(&e))?
        };
        Ok(Server {
            accept: Some(accept),
            shared,
            addr,
        })
    }

    /// Stops accepting requests and ends every event stream.
    pub fn stop(mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.shared
            .subscribers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        // Wake the accepting thread with a connection of our own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// Answers a connection over the limit at once, without a worker, and closes it.
fn refuse_busy(stream: &mut TcpStream) {
    let _ = stream.set_nonblocking(true);
    let body = "503 Service Unavailable: too many connections to iehp serve\n";
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write(head.as_bytes());
}

/// A worker: takes connections off the queue and answers their requests, one at a time.
fn work(pool: &Pool, shared: &Shared, local: SocketAddr) {
    loop {
        let stream = {
            let mut queue = pool.queue.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(s) = queue.pop_front() {
                    break s;
                }
                if shared.stopping.load(Ordering::SeqCst) {
                    return;
                }
                queue = pool.ready.wait(queue).unwrap_or_else(|e| e.into_inner());
            }
        };
        let waiting = || !pool.queue.lock().unwrap_or_else(|e| e.into_inner()).is_empty();
        serve_connection(stream, shared, local, &waiting);
        pool.open.fetch_sub(1, Ordering::SeqCst);
    }
}

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

/// Whether a request naming `host` (its `Host` header) may be answered. A browser tricked by
/// DNS rebinding sends the attacker's host name; the dev server answers only `localhost` (and
/// its subdomains), IP addresses, and this machine's own name.
pub fn host_allowed(host: &str, machine: Option<&str>) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        // An IPv6 address: `[::1]:8080`.
        return rest
            .split_once(']')
            .is_some_and(|(ip, port)| ip.parse::<std::net::Ipv6Addr>().is_ok() && valid_port(port));
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if valid_port(&format!(":{port}")) => name,
            Some(_) => return false,
            None => host,
        }
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return true;
    }
    name == "localhost"
        || name.ends_with(".localhost")
        || machine.is_some_and(|m| {
            let m = m.trim_end_matches('.').to_ascii_lowercase();
            !m.is_empty() && (name == m || name == format!("{m}.local"))
        })
}

fn valid_port(port: &str) -> bool {
    port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// This machine's host name, for [`host_allowed`] (a server bound to the network is reached by it).
fn machine_name() -> Option<String> {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is ours and its length is passed; gethostname writes within it.
        let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if r == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            return String::from_utf8(buf[..end].to_vec()).ok();
        }
    }
    None
}

/// The content security policy of every answer: production's, from `netlify.toml`, without
/// `upgrade-insecure-requests` (the dev server speaks plain HTTP, and its own requests must
/// not be sent to an HTTPS port nothing listens on).
pub fn csp() -> &'static str {
    static CSP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    CSP.get_or_init(|| {
        let production = include_str!("../../netlify.toml")
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("Content-Security-Policy = \"")
                    .and_then(|v| v.strip_suffix('"'))
            })
            .unwrap_or(FALLBACK_CSP);
        production
            .split(';')
            .map(str::trim)
            .filter(|d| !d.is_empty() && *d != "upgrade-insecure-requests")
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// Used only if `netlify.toml` no longer says (a unit test makes sure it does).
const FALLBACK_CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/// The listening socket, made by hand for one option: TCP_NODELAY, which accepted connections
/// take from it (on Linux and the BSDs; set again on each to be sure). Responses are written
/// in pieces; with Nagle's algorithm on, the last piece waits for the browser's delayed
/// acknowledgement, some 40 ms for every request on a kept-alive connection.
fn listen(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // So a server stopped a moment ago does not hold the port (not on Windows, where the
    // option would let two servers share it).
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&addr.into())?;
    socket.listen(128)?;
    Ok(socket.into())
}

/// An answer, before it is written.
struct Answer {
    status: u16,
    media: &'static str,
    body: Vec<u8>,
    extra: Vec<(&'static str, String)>,
}

impl Answer {
    fn new(status: u16, media: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Answer {
            status,
            media,
            body: body.into(),
            extra: Vec::new(),
        }
    }

    fn text(status: u16, text: &str) -> Self {
        Answer::new(status, "text/plain; charset=utf-8", format!("{text}\n"))
    }

    fn with(mut self, name: &'static str, value: String) -> Self {
        self.extra.push((name, value));
        self
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes `answer`; the body only when `body` (not for HEAD).
fn write_answer(stream: &mut TcpStream, answer: &Answer, body: bool, close: bool) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nContent-Security-Policy: {}\r\nConnection: {}\r\n",
        answer.status,
        reason(answer.status),
        answer.media,
        answer.body.len(),
        csp(),
        if close { "close" } else { "keep-alive" },
    );
    for (name, value) in &answer.extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    if body {
        bytes.extend_from_slice(&answer.body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

/// Answers the requests of one connection until it closes, goes idle, or asks to close.
fn serve_connection(stream: TcpStream, shared: &Shared, local: SocketAddr, waiting: &dyn Fn() -> bool) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(HEAD_TIMEOUT));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = std::io::BufReader::new(stream);
    let machine = machine_name();
    loop {
        // Wait for the next request, giving the worker up early when others wait for one.
        if !wait_readable(&mut reader, waiting) {
            return;
        }
        let _ = reader.get_ref().set_read_timeout(Some(HEAD_TIMEOUT));
        let head = match read_head(&mut reader, MAX_HEAD) {
            Ok(head) => head,
            Err(HeadError::Gone) => return,
            Err(HeadError::TooLarge) => {
                let a = Answer::text(
                    431,
                    "431 Request Header Fields Too Large: a request's head may be at most 16 KiB",
                );
                let _ = write_answer(&mut writer, &a, true, true);
                return;
            }
            Err(HeadError::Malformed) => {
                let _ = write_answer(&mut writer, &Answer::text(400, "400 Bad Request"), true, true);
                return;
            }
        };
        let body = head.method != "HEAD";
        if let Some(host) = &head.host
            && !host_allowed(host, machine.as_deref())
        {
            let a = Answer::text(
                403,
                &format!(
                    "403 Forbidden: iehp serve answers only requests for localhost, {} or an IP address, not for {host:?} (a page on another site must not read the dev server)",
                    local.ip()
                ),
            );
            let _ = write_answer(&mut writer, &a, body, true);
            return;
        }
        if head.body {
            // The dev server takes no request bodies; closing spares reading one.
            let a = Answer::text(413, "413 Content Too Large: iehp serve takes no request bodies")
                .with("Allow", "GET, HEAD".to_string());
            let _ = write_answer(&mut writer, &a, body, true);
            return;
        }
        if head.method != "GET" && head.method != "HEAD" {
            let a = Answer::text(405, "405 Method Not Allowed").with("Allow", "GET, HEAD".to_string());
            let _ = write_answer(&mut writer, &a, body, true);
            return;
        }
        let answer = match answer(&head.target, shared) {
            Reply::Answer(a) => a,
            Reply::Events => {
                events(writer, shared, body);
                return;
            }
        };
        if write_answer(&mut writer, &answer, body, head.close).is_err() || head.close {
            return;
        }
    }
}

/// Waits until `reader` has bytes (true) or the connection closed or idled out (false). Polls
/// so that a kept-alive connection gives its worker up soon when others wait for one.
fn wait_readable(reader: &mut std::io::BufReader<TcpStream>, waiting: &dyn Fn() -> bool) -> bool {
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

enum Reply {
    Answer(Answer),
    Events,
}

/// The answer to a GET for `target`.
fn answer(target: &str, shared: &Shared) -> Reply {
    let resolution = {
        let files = shared.files();
        resolve(target, &files.base_path, |p| files.map.contains_key(p))
    };
    Reply::Answer(match resolution {
        Resolution::File(path) => match shared.files().get(&path) {
            Some(bytes) => {
                let media = media_type(&path);
                let body = if media.starts_with("text/html") {
                    inject(&bytes, &path)
                } else {
                    bytes.to_vec()
                };
                Answer::new(200, media, body)
            }
            None => not_found(shared),
        },
        // Only ASCII goes in a header: no site path is anything else.
        Resolution::Redirect(to) if to.bytes().all(|b| b.is_ascii_graphic()) => {
            Answer::text(301, &format!("moved to {to}")).with("Location", to)
        }
        Resolution::Redirect(_) | Resolution::NotFound => not_found(shared),
        Resolution::BadRequest => Answer::text(400, "400 Bad Request"),
        Resolution::Dev(Dev::Script) => Answer::new(200, media_type(".js"), SCRIPT),
        Resolution::Dev(Dev::Style) => Answer::new(200, media_type(".css"), STYLE),
        Resolution::Dev(Dev::Files) => {
            let mut paths: Vec<String> = shared.files().map.keys().cloned().collect();
            paths.sort();
            let mut body = paths.join("\n");
            body.push('\n');
            Answer::new(200, media_type(".txt"), body)
        }
        Resolution::Dev(Dev::Events) => return Reply::Events,
    })
}

fn not_found(shared: &Shared) -> Answer {
    let page = shared.files().get("404.html");
    let body = match page {
        Some(bytes) => inject(&bytes, "404.html"),
        // No site yet (the first build failed): a page that shows the problems and reloads
        // when they are fixed.
        None => inject(
            format!(
                "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>iehp serve</title></head>\n<body>\n<h1>Nothing to show yet</h1>\n<p>{}</p>\n</body>\n</html>\n",
                if shared.is_failing() {
                    "The site has problems; this page shows them and reloads once they are fixed."
                } else {
                    "No such page."
                }
            )
            .as_bytes(),
            "404.html",
        ),
    };
    Answer::new(404, media_type(".html"), body)
}

/// How often idle event streams get a comment, so a browser that went away is noticed.
const KEEPALIVE_TICK: Duration = Duration::from_secs(15);

/// Opens an event stream: its head, the current problems if any, then the stream joins the
/// subscribers, to be written to by each broadcast (no thread waits on it).
fn events(mut stream: TcpStream, shared: &Shared, body: bool) {
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

    const SITE: &[&str] = &[
        "index.html",
        "404.html",
        "events/index.html",
        "events/summit/index.html",
        "static/style.0123456789.css",
        "sitemap.xml",
        "a b/index.html",
    ];

    #[track_caller]
    fn case(target: &str, expected: Resolution) {
        assert_eq!(resolve(target, "/", |p| SITE.contains(&p)), expected, "{target}");
    }

    fn file(p: &str) -> Resolution {
        Resolution::File(p.to_string())
    }

    #[test]
    fn files_and_folders() {
        case("/", file("index.html"));
        case("/?utm=x", file("index.html"));
        case("/events/", file("events/index.html"));
        case("/events/summit/", file("events/summit/index.html"));
        case("/events/summit/index.html", file("events/summit/index.html"));
        case(
            "/static/style.0123456789.css",
            file("static/style.0123456789.css"),
        );
        case("/sitemap.xml", file("sitemap.xml"));
        case("/a%20b/", file("a b/index.html"));
        case("/events", Resolution::Redirect("/events/".into()));
        case(
            "/events/summit?x=1",
            Resolution::Redirect("/events/summit/?x=1".into()),
        );
        case("/nope/", Resolution::NotFound);
        case("/nope", Resolution::NotFound);
        case("/static/", Resolution::NotFound);
    }

    #[test]
    fn traversal_is_refused() {
        for bad in [
            "/../etc/passwd",
            "/events/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/events/%2e%2e%2f%2e%2e%2fetc/passwd",
            "/..%2f..%2fetc/passwd",
            "/./index.html",
            "/events/%2e/",
            "/%5c..%5cetc%5cpasswd",
            "/events\\..\\index.html",
            "//etc/passwd",
            "/events//summit/",
            "/index.html%00.css",
            "/%ff%fe",
            "http://evil.example/index.html",
            "*",
            "",
        ] {
            case(bad, Resolution::BadRequest);
        }
        // Absolute paths name nothing of the site: there is no file system behind it.
        case("/etc/passwd", Resolution::NotFound);
        case("/C:/Windows/win.ini", Resolution::NotFound);
    }

    #[test]
    fn dev_endpoints() {
        case("/__iehp/livereload.js", Resolution::Dev(Dev::Script));
        case("/__iehp/livereload.css", Resolution::Dev(Dev::Style));
        case("/__iehp/events", Resolution::Dev(Dev::Events));
        case("/__iehp/files", Resolution::Dev(Dev::Files));
        case("/__iehp/other", Resolution::NotFound);
    }

    #[test]
    fn under_a_base_path() {
        let r = |t: &str| resolve(t, "/hub/", |p| SITE.contains(&p));
        assert_eq!(r("/hub/"), file("index.html"));
        assert_eq!(r("/hub/events/"), file("events/index.html"));
        assert_eq!(r("/hub"), Resolution::Redirect("/hub/".into()));
        assert_eq!(r("/"), Resolution::NotFound);
        assert_eq!(r("/events/"), Resolution::NotFound);
        assert_eq!(r("/hub/../etc/passwd"), Resolution::BadRequest);
    }

    #[test]
    fn media_types() {
        for (path, media) in [
            ("index.html", "text/html; charset=utf-8"),
            ("static/style.0123456789.css", "text/css; charset=utf-8"),
            ("static/search.0123456789.js", "text/javascript; charset=utf-8"),
            ("search/shard-0.json", "application/json"),
            ("sitemap.xml", "application/xml; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("events/summit/event.ics", "text/calendar; charset=utf-8"),
            ("static/logo.SVG", "image/svg+xml"),
            ("static/photo.jpeg", "image/jpeg"),
            ("static/font.woff2", "font/woff2"),
            ("LICENSE", "application/octet-stream"),
        ] {
            assert_eq!(media_type(path), media, "{path}");
        }
    }

    #[test]
    fn the_script_goes_before_the_body_ends() {
        let page = inject(b"<html><body><p>x</p></body></html>", "events/index.html");
        assert_eq!(
            String::from_utf8(page).unwrap(),
            "<html><body><p>x</p><script src=\"/__iehp/livereload.js\" data-file=\"events/index.html\" defer></script>\n</body></html>"
        );
        let bare = inject(b"<p>x</p>", "a\"b.html");
        assert!(
            String::from_utf8(bare)
                .unwrap()
                .ends_with("data-file=\"a&quot;b.html\" defer></script>\n")
        );
    }

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

    #[test]
    fn only_local_names_and_addresses_are_answered() {
        for ok in [
            "localhost",
            "localhost:8080",
            "LOCALHOST.:1",
            "127.0.0.1:8080",
            "192.168.1.20:1313",
            "[::1]:8080",
            "[::1]",
            "site.localhost:3000",
            "mybox:8080",
            "mybox.local",
        ] {
            assert!(host_allowed(ok, Some("mybox")), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "[::1]:x",
            "[nothing]",
            "localhost:99999999",
            "localhost:",
            "",
            "mybox.evil",
        ] {
            assert!(!host_allowed(bad, Some("mybox")), "{bad}");
        }
        assert!(!host_allowed("mybox", None));
    }

    #[test]
    fn the_policy_is_productions() {
        let csp = csp();
        assert!(csp.starts_with("default-src 'self'; script-src 'self';"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("upgrade-insecure-requests"), "{csp}");
        assert_ne!(csp, FALLBACK_CSP, "netlify.toml's policy was found");
    }
}
