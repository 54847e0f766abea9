//! The dev server's HTTP side, on tiny_http: serves the built site from memory (never from disk,
//! so no request can reach a file outside it), with [`resolve`] turning a request's target into
//! a file of the site or a refusal; injects the live-reload script into HTML pages; and streams
//! rebuild events to open pages over Server-Sent Events. Each request gets its own thread, so an
//! open event stream never holds up other requests.

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Serialize;
use tiny_http::{Header, Method, Request, Response};

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
    subscribers: Mutex<Vec<Sender<String>>>,
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
        let wire = event.wire();
        self.subscribers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|s| s.send(wire.clone()).is_ok());
    }

    fn subscribe(&self) -> (Receiver<String>, Option<String>) {
        let (tx, rx) = mpsc::channel();
        self.subscribers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(tx);
        let now = self.problems.lock().unwrap_or_else(|e| e.into_inner()).clone();
        (rx, now)
    }
}

/// The running HTTP server.
pub struct Server {
    server: Arc<tiny_http::Server>,
    accept: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
    pub addr: SocketAddr,
}

impl Server {
    pub fn start(addr: SocketAddr, shared: Arc<Shared>) -> Result<Self> {
        let cannot = |e: &dyn std::fmt::Display| Error::Usage(format!("cannot listen on {addr}: {e}"));
        let listener = listen(addr).map_err(|e| cannot(&e))?;
        let server = tiny_http::Server::from_listener(listener, None).map_err(|e| cannot(&e))?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| Error::Usage(format!("cannot listen on {addr}: not an IP address")))?;
        let server = Arc::new(server);
        let accept = {
            let (server, shared) = (server.clone(), shared.clone());
            std::thread::spawn(move || {
                loop {
                    match server.recv() {
                        Ok(request) => {
                            let shared = shared.clone();
                            std::thread::spawn(move || handle(request, &shared));
                        }
                        Err(_) if shared.stopping.load(Ordering::SeqCst) => break,
                        // A connection that failed before it made a request: nothing to answer.
                        Err(_) => {}
                    }
                }
            })
        };
        Ok(Server {
            server,
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
        self.server.unblock();
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// A header of the server's own: names and values are fixed ASCII text.
/// The listening socket, made by hand for one option: TCP_NODELAY, which accepted connections
/// take from it (on Linux and the BSDs). tiny_http writes a response in pieces; with Nagle's
/// algorithm on, the last piece waits for the browser's delayed acknowledgement, some 40 ms for
/// every request on a kept-alive connection.
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

fn header(name: &'static str, value: &'static str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("fixed ASCII header")
}

fn respond(request: Request, status: u16, media: &'static str, body: Vec<u8>, extra: Option<Header>) {
    // The length is known: say it, rather than let large files go chunked.
    let mut response = Response::from_data(body)
        .with_chunked_threshold(usize::MAX)
        .with_status_code(status)
        .with_header(header("Content-Type", media))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    if let Some(h) = extra {
        response.add_header(h);
    }
    // The browser may have gone; nothing to do about it.
    let _ = request.respond(response);
}

fn handle(request: Request, shared: &Shared) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let allow = header("Allow", "GET, HEAD");
        return respond(
            request,
            405,
            "text/plain; charset=utf-8",
            b"405 Method Not Allowed\n".to_vec(),
            Some(allow),
        );
    }
    let resolution = {
        let files = shared.files();
        resolve(request.url(), &files.base_path, |p| files.map.contains_key(p))
    };
    match resolution {
        Resolution::File(path) => match shared.files().get(&path) {
            Some(bytes) => {
                let media = media_type(&path);
                let body = if media.starts_with("text/html") {
                    inject(&bytes, &path)
                } else {
                    bytes.to_vec()
                };
                respond(request, 200, media, body, None)
            }
            None => not_found(request, shared),
        },
        Resolution::Redirect(to) => match Header::from_bytes(&b"Location"[..], to.as_bytes()) {
            Ok(location) => respond(
                request,
                301,
                "text/plain; charset=utf-8",
                format!("moved to {to}\n").into_bytes(),
                Some(location),
            ),
            // Not ASCII: no site path is, so there is nothing to move to.
            Err(_) => not_found(request, shared),
        },
        Resolution::NotFound => not_found(request, shared),
        Resolution::BadRequest => respond(
            request,
            400,
            "text/plain; charset=utf-8",
            b"400 Bad Request\n".to_vec(),
            None,
        ),
        Resolution::Dev(Dev::Script) => {
            respond(request, 200, media_type(".js"), SCRIPT.as_bytes().to_vec(), None)
        }
        Resolution::Dev(Dev::Style) => {
            respond(request, 200, media_type(".css"), STYLE.as_bytes().to_vec(), None)
        }
        Resolution::Dev(Dev::Files) => {
            let mut paths: Vec<String> = shared.files().map.keys().cloned().collect();
            paths.sort();
            let mut body = paths.join("\n");
            body.push('\n');
            respond(request, 200, media_type(".txt"), body.into_bytes(), None)
        }
        Resolution::Dev(Dev::Events) => events(request, shared),
    }
}

fn not_found(request: Request, shared: &Shared) {
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
    respond(request, 404, media_type(".html"), body, None)
}

/// How often an idle event stream sends a comment, so a browser that went away is noticed.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// Streams events to one page until it goes away or the server stops. The response is written
/// by hand: tiny_http's chunked responses are buffered, and events must arrive at once.
fn events(request: Request, shared: &Shared) {
    let (rx, problems) = shared.subscribe();
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n";
    if out.write_all(head.as_bytes()).is_err() {
        return;
    }
    if let Some(problems) = problems
        && out.write_all(problems.as_bytes()).is_err()
    {
        return;
    }
    if out.flush().is_err() {
        return;
    }
    loop {
        let text = match rx.recv_timeout(KEEPALIVE) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => ": keepalive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_err() {
            return;
        }
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
}
