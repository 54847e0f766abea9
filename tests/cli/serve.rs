//! Integration tests of `iehp serve`: the real binary on a copy of a fixture site, on a free port,
//! observed over HTTP and its event stream while the test edits, adds, deletes and renames files.
//! Waits poll with time limits; nothing sleeps a fixed time except where a test shows that
//! something does *not* happen.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::*;
/// Long enough for a loaded CI machine; polls end as soon as the condition holds.
const PATIENCE: Duration = Duration::from_secs(30);
/// For the server's check of a build, which waits for that build's search index. The index is
/// built by a thread that runs only on a core nothing else wants (`SCHED_IDLE`), so while other
/// processes keep every core busy (other tests, on a 2-core machine) it waits for them.
const INDEX_PATIENCE: Duration = Duration::from_secs(120);
const SCRIPT_TAG: &str = "<script src=\"/__iehp/livereload.js\"";

/// A running `iehp serve` on a copy of a fixture site.
struct Served {
    site: tempfile::TempDir,
    child: Child,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Served {
    /// Serves a copy of `tests/fixtures/valid`, with the repository's theme copied in when
    /// `with_theme` (so tests can edit templates and styles).
    fn start(with_theme: bool, extra: &[&str]) -> Self {
        let site = tempfile::tempdir().unwrap();
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&manifest.join("tests/fixtures/valid"), site.path());
        if with_theme {
            copy_dir(&manifest.join("themes"), &site.path().join("themes"));
        }
        Self::start_in(site, extra)
    }

    fn start_in(site: tempfile::TempDir, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iehp"))
            .args(["serve", "--port", "0", "--now", NOW, "--verify", "--root"])
            .arg(site.path())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run iehp serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if let Some(rest) = line.strip_prefix("serving http://") {
                        let _ = tx.send(rest.to_string());
                    }
                    log.lock().unwrap().push(line);
                }
            });
        }
        let address = rx
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("iehp serve did not start: {:?}", log.lock().unwrap()));
        assert!(
            address.starts_with("127.0.0.1:"),
            "loopback by default: {address}"
        );
        let port = address["127.0.0.1:".len()..]
            .split(['/', ' '])
            .next()
            .unwrap()
            .parse()
            .unwrap();
        Served {
            site,
            child,
            port,
            log,
        }
    }

    fn root(&self) -> &Path {
        self.site.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join(rel)).unwrap()
    }

    /// Replaces `from` with `to` in a file, checking it was there.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Rebuilds finished so far, good or failed.
    fn builds(&self) -> usize {
        self.log()
            .iter()
            .filter(|l| l.starts_with("rebuilt in ") || l.ends_with("still serving the last good site"))
            .count()
    }

    /// Waits until more than `before` rebuilds have finished and the last one's check against a
    /// clean build, when it has one, is printed.
    fn wait_build(&self, before: usize) {
        let started = Instant::now();
        loop {
            let log = self.log();
            let done = self.builds() > before;
            let last = log.last().map(String::as_str).unwrap_or("");
            if done && (last.starts_with("verify:") || last.ends_with("still serving the last good site")) {
                return;
            }
            assert!(
                started.elapsed() < INDEX_PATIENCE,
                "gave up waiting for rebuild {}: {log:#?}",
                before + 1
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until every edit made so far is served: edits a marker page last (the watcher sees
    /// events in order) and waits for it, then for the server's own check of that build.
    fn settle(&self) {
        let n = self.log().len();
        let text = format!("---\ntitle: Marker\nreviewed: 2025-01-01\n---\nMarker {n}.\n");
        self.write("content/pages/marker.md", &text);
        let started = Instant::now();
        while !self.get("/marker/").text().contains(&format!("Marker {n}.")) {
            assert!(
                started.elapsed() < PATIENCE,
                "the marker never showed: {:#?}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let started = Instant::now();
        while !self.log().last().is_some_and(|l| l.starts_with("verify:")) {
            assert!(
                started.elapsed() < INDEX_PATIENCE,
                "gave up waiting for the check of that build: {:#?}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn get(&self, target: &str) -> Reply {
        request(self.port, "GET", target)
    }

    fn events(&self) -> Events {
        Events::open(self.port)
    }

    /// Every file of a clean `iehp build` of the site as it is now.
    fn clean_build(&self) -> BTreeMap<String, Vec<u8>> {
        let out = tempfile::tempdir().unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_iehp"))
            .args(["build", "--now", NOW, "--root"])
            .arg(self.root())
            .arg("--out")
            .arg(out.path().join("site"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        files_under(&out.path().join("site"))
    }

    /// Asserts that every file the server serves is the file a clean `iehp build` of the same
    /// content gives, byte for byte (HTML pages without the injected script), and no file more.
    fn same_as_clean_build(&self) {
        self.same_as_clean_build_under("");
        let differ: Vec<String> = self.log().into_iter().filter(|l| l.contains("differ")).collect();
        assert!(differ.is_empty(), "the server's own check: {differ:?}");
    }

    /// [`Served::same_as_clean_build`] for a site served under a URL prefix (a base path).
    /// The search index follows once edits pause, so the served site comes to equal the clean
    /// build a moment after the pages do: this polls until it does, and on giving up reports
    /// the first difference.
    fn same_as_clean_build_under(&self, prefix: &str) {
        let clean = self.clean_build();
        let expected: BTreeSet<String> = clean.keys().cloned().collect();
        let started = Instant::now();
        loop {
            let differences = self.differences_from(&clean, &expected, prefix);
            let Some(first) = differences else {
                return;
            };
            assert!(started.elapsed() < PATIENCE, "{first}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The first way the served site differs from `clean`, if it does.
    fn differences_from(
        &self,
        clean: &BTreeMap<String, Vec<u8>>,
        expected: &BTreeSet<String>,
        prefix: &str,
    ) -> Option<String> {
        let listed: BTreeSet<String> = self
            .get("/__iehp/files")
            .text()
            .lines()
            .map(str::to_string)
            .collect();
        if listed != *expected {
            return Some(format!(
                "the files served are not the files a clean build gives: only served {:?}, only built {:?}",
                listed.difference(expected).collect::<Vec<_>>(),
                expected.difference(&listed).collect::<Vec<_>>()
            ));
        }
        for (path, bytes) in clean {
            let reply = self.get(&format!("{prefix}/{path}"));
            if reply.status != 200 {
                return Some(format!("{path}: status {}", reply.status));
            }
            let mut body = reply.body;
            if path.ends_with(".html") {
                body = strip_script(&body);
            }
            if body != *bytes {
                return Some(format!(
                    "{path} differs from a clean build:\n--- served\n{}\n--- clean\n{}",
                    String::from_utf8_lossy(&body),
                    String::from_utf8_lossy(bytes)
                ));
            }
        }
        None
    }

    /// Sends Ctrl-C (SIGINT) and waits for the server to end.
    fn interrupt(&mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(started.elapsed() < PATIENCE, "iehp serve did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[track_caller]
fn wait(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < PATIENCE, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The page as built: without the line the dev server adds.
fn strip_script(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(page.to_vec()).unwrap();
    let start = text.find(SCRIPT_TAG).expect("the live-reload script is injected");
    let end = start + text[start..].find("</script>\n").unwrap() + "</script>\n".len();
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on its own connection, the target sent exactly as given.
fn request(port: u16, method: &str, target: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// An open event stream: (event name, data) pairs as they arrive.
struct Events {
    rx: Receiver<(String, String)>,
}

impl Events {
    fn open(port: u16) -> Self {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(stream, "GET /__iehp/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        let (tx, rx) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stream);
            let mut event = String::new();
            let mut ready = Some(ready_tx);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                let l = line.trim_end_matches(['\r', '\n']).to_string();
                line.clear();
                if l.starts_with("retry:") {
                    // The server subscribes the stream before it answers.
                    if let Some(r) = ready.take() {
                        let _ = r.send(());
                    }
                } else if let Some(name) = l.strip_prefix("event: ") {
                    event = name.to_string();
                } else if let Some(data) = l.strip_prefix("data: ")
                    && tx.send((event.clone(), data.to_string())).is_err()
                {
                    break;
                }
            }
        });
        ready_rx.recv_timeout(PATIENCE).expect("the event stream opens");
        Events { rx }
    }

    /// The next event named `name`, skipping others.
    fn next(&self, name: &str) -> String {
        let started = Instant::now();
        loop {
            let left = PATIENCE.saturating_sub(started.elapsed());
            let (event, data) = self
                .rx
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no {name} event arrived"));
            if event == name {
                return data;
            }
        }
    }
}

fn title_of(page: &str) -> String {
    let start = page.find("<h1").unwrap();
    let start = start + page[start..].find('>').unwrap() + 1;
    let end = start + page[start..].find("</h1>").unwrap();
    page[start..end].to_string()
}

// ---- serving ----

#[test]
fn serves_pages_styles_folders_and_the_sites_404() {
    let s = Served::start(false, &[]);
    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("Content-Type"), Some("text/html; charset=utf-8"));
    let text = home.text();
    assert!(text.contains("<h1>Test Hub</h1>"), "{text}");
    assert_eq!(text.matches(SCRIPT_TAG).count(), 1, "one script, before </body>");
    assert!(text.contains("data-file=\"index.html\" defer></script>\n</body>"));

    assert_eq!(s.get("/events/summit-2025/").status, 200);
    assert_eq!(s.get("/events/summit-2025/index.html").status, 200);
    let folder = s.get("/events/summit-2025?from=test");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("Location"), Some("/events/summit-2025/?from=test"));

    let css_path = text
        .split("<link rel=\"stylesheet\" href=\"/assets/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a stylesheet link");
    let css = s.get(&format!("/assets/{css_path}"));
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert!(!css.text().contains(SCRIPT_TAG), "scripts go into HTML only");
    assert_eq!(
        s.get("/sitemap.xml").header("Content-Type"),
        Some("application/xml; charset=utf-8")
    );
    assert_eq!(
        s.get("/robots.txt").header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );
    let script = s.get("/__iehp/livereload.js");
    assert_eq!(
        script.header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(script.text().contains("EventSource('/__iehp/events')"));

    let missing = s.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    let page_404 = String::from_utf8(s.clean_build().remove("404.html").unwrap()).unwrap();
    assert_eq!(String::from_utf8(strip_script(&missing.body)).unwrap(), page_404);

    let head = request(s.port, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(request(s.port, "POST", "/").status, 405);
    assert!(!s.root().join("output").exists(), "serve writes no output folder");
}

#[test]
fn traversal_attempts_are_refused() {
    let s = Served::start(true, &[]);
    // Secrets beside the site and outside it, which no request may reach.
    s.write("secret.txt", "SECRET-BESIDE");
    s.write("content/secret.txt", "SECRET-CONTENT");
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "SECRET-LINKED").unwrap();
        let before = s.builds();
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            s.root().join("themes/default/static/linked.txt"),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path(), s.root().join("themes/default/static/dir")).unwrap();
        s.wait_build(before);
        std::mem::forget(outside);
    }
    for target in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/..%2fsecret.txt",
        "/events/..%2f..%2f..%2fsecret.txt",
        "/static/%2e%2e/%2e%2e/secret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/content/secret.txt",
        "/secret.txt",
        "/index.html%00.txt",
        "/static/linked.txt",
        "/static/dir/secret.txt",
        "http://localhost/../secret.txt",
    ] {
        let reply = s.get(target);
        assert!(
            reply.status == 400 || reply.status == 404,
            "{target}: {}",
            reply.status
        );
        assert!(!reply.text().contains("SECRET"), "{target} leaked");
    }
}

#[test]
fn several_browsers_at_once() {
    let s = Served::start(false, &[]);
    let streams: Vec<Events> = (0..3).map(|_| s.events()).collect();
    // Open streams hold no one up.
    let handles: Vec<_> = (0..8)
        .map(|k| {
            let port = s.port;
            std::thread::spawn(move || {
                let path = if k % 2 == 0 { "/" } else { "/events/" };
                request(port, "GET", path).status
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
    s.edit(
        "content/events/summit-2025.md",
        "Annual Summit 2025",
        "Summit for All",
    );
    for events in &streams {
        let data = events.next("reload");
        assert!(data.contains("\"events/summit-2025/index.html\""), "{data}");
    }
}

#[test]
fn ctrl_c_stops_it_cleanly() {
    let mut s = Served::start(false, &[]);
    let _events = s.events();
    let status = s.interrupt();
    assert!(status.success(), "{status:?}");
    wait("the last words", || s.log().iter().any(|l| l == "stopping"));
    assert!(!s.root().join("output").exists());
}

// ---- rebuilding ----

/// One edit a test makes to a served site.
type Step = Box<dyn Fn(&Served)>;

#[test]
fn every_kind_of_edit_gives_what_a_clean_build_gives() {
    let s = Served::start(true, &[]);
    s.same_as_clean_build();
    let summit = "content/events/summit-2025.md";
    let steps: Vec<(&str, Step)> = vec![
        (
            "edit an event's title",
            Box::new(|s: &Served| s.edit(summit, "Annual Summit 2025", "Summit Renamed")),
        ),
        (
            "edit only an event's body",
            Box::new(|s: &Served| s.edit(summit, "Join us.", "Join us, and bring a friend.")),
        ),
        (
            "move an event to other provinces and professions",
            Box::new(|s: &Served| {
                let text = s.read(summit).replace("province: ON", "province: [QC, CA]");
                s.write(summit, &text.replace("[\"31102\"]", "[\"31301\", \"31102\"]"));
            }),
        ),
        (
            "add an event",
            Box::new(|s: &Served| {
                let text = s.read(summit).replace("Summit Renamed", "A New Event");
                s.write("content/events/new-event.md", &text);
            }),
        ),
        (
            "add a French translation",
            Box::new(|s: &Served| {
                s.write(
                    "content/events/new-event.fr.md",
                    &s.read("content/events/new-event.md")
                        .replace("A New Event", "Un nouvel événement"),
                )
            }),
        ),
        (
            "rename a file",
            Box::new(|s: &Served| {
                std::fs::rename(
                    s.root().join("content/portals/ontario-matching.md"),
                    s.root().join("content/portals/ontario-match.md"),
                )
                .unwrap()
            }),
        ),
        (
            "delete a file",
            Box::new(|s: &Served| {
                std::fs::remove_file(s.root().join("content/events/webinar-2024.md")).unwrap()
            }),
        ),
        (
            "publish a draft",
            Box::new(|s: &Served| s.edit("content/programs/draft-program.md", "draft: true", "draft: false")),
        ),
        (
            "edit an occupation note",
            Box::new(|s: &Served| {
                s.edit(
                    "content/occupations/31301.md",
                    "Most applicants",
                    "Nearly all applicants",
                )
            }),
        ),
        (
            "edit the NOC list",
            Box::new(|s: &Served| {
                let noc = s.read("content/data/noc.yaml");
                let first_title = noc
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("title: "))
                    .unwrap()
                    .to_string();
                s.edit("content/data/noc.yaml", &first_title, "A Renamed Occupation")
            }),
        ),
        (
            "edit the draws",
            Box::new(|s: &Served| {
                s.edit(
                    "content/data/draws.yaml",
                    "invitations: 2104",
                    "invitations: 2105",
                )
            }),
        ),
        (
            "edit an item template",
            Box::new(|s: &Served| {
                s.edit(
                    "themes/default/templates/item.html",
                    "<article class=\"item",
                    "<article data-edited class=\"item",
                )
            }),
        ),
        (
            "edit a partial",
            Box::new(|s: &Served| {
                s.edit(
                    "themes/default/templates/partials/card.html",
                    "<article class=\"card\" data-filter-item",
                    "<article class=\"card edited\" data-filter-item",
                )
            }),
        ),
        (
            "edit the stylesheet",
            Box::new(|s: &Served| {
                let css = s.read("themes/default/static/style.css");
                s.write(
                    "themes/default/static/style.css",
                    &format!("{css}\n.edited {{ color: #222; }}\n"),
                );
            }),
        ),
        (
            "add a static file",
            Box::new(|s: &Served| {
                s.write("themes/default/static/notes.txt", "plain text");
            }),
        ),
        (
            "edit an interface string",
            Box::new(|s: &Served| {
                let en = s.read("themes/default/i18n/en.yaml");
                let line = en
                    .lines()
                    .find(|l| l.starts_with("skip_to_content:"))
                    .unwrap()
                    .to_string();
                s.edit(
                    "themes/default/i18n/en.yaml",
                    &line,
                    "skip_to_content: Jump to the content",
                )
            }),
        ),
        (
            "edit the settings",
            Box::new(|s: &Served| s.edit("content/site.yaml", "title: Events", "title: What's on")),
        ),
        (
            "move a folder of content in",
            Box::new(|s: &Served| {
                let outside = s.root().join("incoming/more");
                std::fs::create_dir_all(&outside).unwrap();
                std::fs::write(
                    outside.join("second-summit.md"),
                    s.read(summit).replace("Summit Renamed", "Second Summit"),
                )
                .unwrap();
                std::fs::rename(outside, s.root().join("content/events/more")).unwrap();
            }),
        ),
        (
            "remove that folder",
            Box::new(|s: &Served| std::fs::remove_dir_all(s.root().join("content/events/more")).unwrap()),
        ),
    ];
    for (what, step) in steps {
        let before = s.log().len();
        step(&s);
        s.settle();
        let log = s.log();
        assert!(
            !log[before..]
                .iter()
                .any(|l| l.ends_with("still serving the last good site")),
            "{what}: {log:#?}"
        );
        eprintln!("checked: {what}");
        s.same_as_clean_build();
    }
}

/// A site big enough that lists run over several pages (50 cards a page), with events both
/// past and upcoming, in several provinces and occupations, some translated.
fn write_many(s: &Served, events: usize, programs: usize) {
    let provinces = ["ON", "QC", "[BC, AB]", "CA"];
    let codes = ["\"31102\"", "\"31301\"", "\"31204\", \"31301\""];
    for k in 0..events {
        let (year, month) = (2024 + k % 3, 1 + k % 12);
        s.write(
            &format!("content/events/many-{k}.md"),
            &format!(
                "---\ntitle: Event number {k}\nsummary: Event {k} of many.\nprovince: {}\nprofessions: [{}]\nstart: {year}-{month:02}-{:02}\nformat: online\nsource: https://example.org/events\nreviewed: 2025-06-26\n---\n\nAbout event {k}.\n",
                provinces[k % 4],
                codes[k % 3],
                1 + k % 28
            ),
        );
        if k % 10 == 0 {
            s.write(
                &format!("content/events/many-{k}.fr.md"),
                &s.read(&format!("content/events/many-{k}.md"))
                    .replace("Event number", "Événement numéro"),
            );
        }
    }
    for k in 0..programs {
        s.write(
            &format!("content/programs/program-{k}.md"),
            &format!(
                "---\ntitle: {} program {k}\nprovince: {}\nprofessions: [{}]\nprovider: Example College\nsource: https://example.org/program\nreviewed: 2024-09-30\n---\n\nAbout program {k}.\n",
                ["Alpha", "Beta", "Gamma", "Delta"][k % 4],
                provinces[(k + 1) % 4],
                codes[(k + 2) % 3]
            ),
        );
    }
}

#[test]
fn a_site_with_long_lists_stays_what_a_clean_build_gives() {
    let s = Served::start(false, &[]);
    write_many(&s, 130, 70);
    s.settle();
    s.same_as_clean_build();
    assert_eq!(
        s.get("/events/page/3/").status,
        200,
        "the events list runs over three pages"
    );
    let steps: Vec<(&str, Step)> = vec![
        (
            "retitle an event (its lists keep their order)",
            Box::new(|s: &Served| s.edit("content/events/many-77.md", "Event number 77", "A renamed event")),
        ),
        (
            "retitle a program (it moves in its lists)",
            Box::new(|s: &Served| {
                s.edit(
                    "content/programs/program-5.md",
                    "Beta program 5",
                    "Zeta program 5",
                )
            }),
        ),
        (
            "retitle a translation",
            Box::new(|s: &Served| {
                s.edit(
                    "content/events/many-20.fr.md",
                    "Événement numéro 20",
                    "Un autre titre",
                )
            }),
        ),
        (
            "move an event to the past",
            Box::new(|s: &Served| {
                let text = s.read("content/events/many-3.md");
                let start = text
                    .lines()
                    .find(|l| l.starts_with("start: "))
                    .unwrap()
                    .to_string();
                s.edit("content/events/many-3.md", &start, "start: 2020-01-01")
            }),
        ),
        (
            "change an event's summary",
            Box::new(|s: &Served| {
                s.edit(
                    "content/events/many-100.md",
                    "Event 100 of many.",
                    "A new summary.",
                )
            }),
        ),
        (
            "add a program that shifts every later page",
            Box::new(|s: &Served| {
                s.write(
                    "content/programs/aardvark.md",
                    &s.read("content/programs/program-1.md")
                        .replace("Beta program 1", "Aardvark program"),
                )
            }),
        ),
        (
            "delete an event",
            Box::new(|s: &Served| std::fs::remove_file(s.root().join("content/events/many-51.md")).unwrap()),
        ),
        (
            "edit many files at once",
            Box::new(|s: &Served| {
                for k in 0..30 {
                    s.edit(
                        &format!("content/events/many-{k}.md"),
                        "About event",
                        "Now about event",
                    );
                }
            }),
        ),
    ];
    for (what, step) in steps {
        step(&s);
        s.settle();
        eprintln!("checked: {what}");
        s.same_as_clean_build();
    }
}

#[test]
fn an_edit_rerenders_only_what_depends_on_it() {
    let s = Served::start(true, &[]);
    let rendered = |s: &Served| -> (usize, usize) {
        let line = s
            .log()
            .into_iter()
            .rev()
            .find(|l| l.starts_with("rebuilt in "))
            .unwrap();
        let counts = line.split(": ").nth(1).unwrap();
        let mut words = counts.split(' ');
        let done: usize = words.next().unwrap().parse().unwrap();
        let of: usize = words.nth(1).unwrap().parse().unwrap();
        (done, of)
    };
    let before = s.builds();
    s.edit("content/events/summit-2025.md", "Join us.", "Join us today.");
    s.wait_build(before);
    let (done, of) = rendered(&s);
    // The item's page in each language; the search page (which names the index, and the body
    // is indexed) follows with the index, in the background.
    assert_eq!(
        done, 2,
        "a body edit re-renders the item's page in each language (of {of})"
    );
    let index_line = s
        .log()
        .into_iter()
        .rev()
        .find(|l| l.starts_with("search index rebuilt"))
        .expect("the index follows");
    assert!(index_line.contains(" files changed"), "{index_line}");

    let before = s.builds();
    s.edit(
        "themes/default/templates/page.html",
        "{% block content %}",
        "{% block content %}<!-- edited -->",
    );
    s.wait_build(before);
    let (done, _) = rendered(&s);
    assert_eq!(done, 2, "page.html is the about page's, in two languages");

    let before = s.builds();
    s.edit(
        "content/events/summit-2025.md",
        "Annual Summit 2025",
        "A Renamed Summit",
    );
    s.wait_build(before);
    let (done, of) = rendered(&s);
    assert!(
        done > 2 && done < of / 2,
        "a title shows on lists too, not everywhere: {done} of {of}"
    );
}

#[test]
fn the_reload_event_names_the_changed_pages() {
    let s = Served::start(false, &[]);
    let events = s.events();
    s.edit(
        "content/events/summit-2025.md",
        "Annual Summit 2025",
        "Summit Renamed",
    );
    let data = events.next("reload");
    for page in [
        "events/summit-2025/index.html",
        "fr/events/summit-2025/index.html",
        "events/index.html",
        "index.html",
    ] {
        assert!(data.contains(&format!("\"{page}\"")), "{page} in {data}");
    }
    assert!(!data.contains("about/index.html"), "{data}");
    assert_eq!(title_of(&s.get("/events/summit-2025/").text()), "Summit Renamed");
}

#[test]
fn an_invalid_edit_keeps_the_last_good_site_and_shows_the_problem() {
    let s = Served::start(true, &[]);
    let events = s.events();
    let before = s.builds();
    s.edit(
        "content/events/summit-2025.md",
        "start: 2025-11-22T09:30:00-05:00",
        "start: next tuesday",
    );
    let data = events.next("problems");
    assert!(
        data.contains("\"file\":\"content/events/summit-2025.md\""),
        "{data}"
    );
    assert!(data.contains("\"line\":6"), "{data}");
    assert!(data.contains("next tuesday"), "{data}");
    s.wait_build(before);
    let log = s.log();
    assert!(
        log.iter()
            .any(|l| l.starts_with("content/events/summit-2025.md:6:8: field \"start\"")),
        "the terminal names file, line and column: {log:#?}"
    );
    assert_eq!(
        title_of(&s.get("/events/summit-2025/").text()),
        "Annual Summit 2025"
    );

    // A page opened meanwhile hears of the problem at once.
    let late = s.events();
    assert!(late.next("problems").contains("next tuesday"));

    // Fixed, then a broken template: its file and line.
    s.edit(
        "content/events/summit-2025.md",
        "start: next tuesday",
        "start: 2025-11-21",
    );
    events.next("fixed");
    let data = events.next("reload");
    assert!(data.contains("events/summit-2025/index.html"), "{data}");
    wait("the fixed page", || {
        s.get("/events/summit-2025/").text().contains("2025-11-21")
    });
    s.edit(
        "themes/default/templates/partials/card.html",
        "{% endif %}</article>",
        "</article>",
    );
    let data = events.next("problems");
    assert!(
        data.contains("\"file\":\"themes/default/templates/partials/card.html\""),
        "{data}"
    );
    assert!(data.contains("\"line\":"), "{data}");
    s.edit(
        "themes/default/templates/partials/card.html",
        "</article>",
        "{% endif %}</article>",
    );
    events.next("fixed");
    s.same_as_clean_build();
}

#[test]
fn a_stylesheet_change_swaps_styles_without_a_reload() {
    let s = Served::start(true, &[]);
    let events = s.events();
    let home = s.get("/").text();
    let old = home
        .split("href=\"")
        .filter_map(|r| r.split('"').next())
        .find(|h| h.ends_with(".css"))
        .unwrap()
        .to_string();
    let css = s.read("themes/default/static/style.css");
    s.write(
        "themes/default/static/style.css",
        &format!("{css}\nbody {{ margin: 0; }}\n"),
    );
    let data = events.next("styles");
    assert!(
        data.starts_with(&format!("{{\"kind\":\"styles\",\"swaps\":[[\"{old}\",\"")),
        "{data}"
    );
    let new = data.split('"').nth(9).unwrap().to_string();
    assert_ne!(new, old);
    assert_eq!(s.get(&new).status, 200);
    assert!(s.get(&new).text().ends_with("body { margin: 0; }\n"));
    assert_eq!(
        s.get(&old).status,
        404,
        "the old stylesheet is gone, as from a clean build"
    );
    assert!(s.get("/").text().contains(&new));
}

#[test]
fn a_burst_of_changes_gives_one_rebuild_and_scratch_files_none() {
    // A generous quiet spell, so a busy test machine cannot split the burst.
    let s = Served::start(false, &["--quiet-ms", "300"]);
    let before = s.builds();
    let template = s.read("content/events/summit-2025.md");
    for k in 0..100 {
        s.write(
            &format!("content/events/burst-{k}.md"),
            &template.replace("Annual Summit 2025", &format!("Burst {k}")),
        );
    }
    s.wait_build(before);
    assert_eq!(s.builds(), before + 1, "{:#?}", s.log());
    assert_eq!(s.get("/events/burst-99/").status, 200);

    // Hidden, temporary, backup and ignored files cause no rebuild at all.
    let s = Served::start(false, &[]);
    let before = s.builds();
    for scratch in [
        "content/events/.summit-2025.md.swp",
        "content/events/summit-2025.md~",
        "content/events/#summit-2025.md#",
        "content/events/4913",
        "content/events/summit-2025.md.tmp",
        "content/events/ignored-one.md",
        "content/events/notes.txt",
        "content/.hidden/x.md",
        "output/index.html",
    ] {
        s.write(scratch, "not content");
    }
    // What did not happen can only be seen by waiting: ten quiet spells.
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(s.builds(), before, "{:#?}", s.log());
    s.edit(
        "content/events/summit-2025.md",
        "Annual Summit 2025",
        "Still One Rebuild",
    );
    s.wait_build(before);
    assert_eq!(s.builds(), before + 1);
}

#[test]
fn a_site_broken_from_the_start_is_served_once_fixed() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid"),
        site.path(),
    );
    let summit = site.path().join("content/events/summit-2025.md");
    let good = std::fs::read_to_string(&summit).unwrap();
    std::fs::write(&summit, good.replace("title: Annual Summit 2025", "title:")).unwrap();
    let s = Served::start_in(site, &[]);
    let waiting = s.get("/");
    assert_eq!(waiting.status, 404);
    assert!(
        waiting.text().contains("The site has problems"),
        "{}",
        waiting.text()
    );
    let events = s.events();
    assert!(events.next("problems").contains("title"));
    let before = s.builds();
    std::fs::write(&summit, &good).unwrap();
    events.next("fixed");
    s.wait_build(before);
    assert_eq!(s.get("/").status, 200);
    s.same_as_clean_build();
}

#[test]
fn a_base_path_is_served_under_its_prefix() {
    let s = Served::start(false, &[]);
    let before = s.builds();
    s.edit(
        "content/site.yaml",
        "base_url: https://hub.example.org/",
        "base_url: https://example.org/hub/",
    );
    s.wait_build(before);
    assert_eq!(s.get("/hub/").status, 200);
    assert_eq!(s.get("/hub/events/summit-2025/").status, 200);
    let bare = s.get("/hub");
    assert_eq!(bare.status, 301);
    assert_eq!(bare.header("Location"), Some("/hub/"));
    assert_eq!(s.get("/events/").status, 404);
    s.same_as_clean_build_under("/hub");
}

#[test]
fn former_addresses_redirect_as_on_netlify() {
    let s = Served::start(false, &[]);
    assert_eq!(s.get("/licensure-pathways/").status, 404);
    let before = s.builds();
    s.edit(
        "content/site.yaml",
        "stale_after_months: 12\n",
        "stale_after_months: 12\nredirects:\n  - from: /licensure-pathways/\n    to: /events/\n",
    );
    s.wait_build(before);
    let moved = s.get("/licensure-pathways/");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("Location"), Some("/events/"));
    let moved = s.get("/fr/licensure-pathways?x=1");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("Location"), Some("/fr/events/"));
}

// ---- safety and limits ----

/// Sends `raw` on a new connection and returns the status of the answer (0: none).
fn raw_status(port: u16, raw: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let _ = stream.write_all(raw);
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    let text = String::from_utf8_lossy(&reply).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

/// The number of threads of a process (Linux).
#[cfg(target_os = "linux")]
fn threads(pid: u32) -> usize {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn other_hosts_are_refused_and_every_answer_has_the_sites_policy() {
    let s = Served::start(false, &[]);
    let (status, text) = raw_status(
        s.port,
        b"GET / HTTP/1.1\r\nHost: attacker.example:8080\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 403, "{text}");
    assert!(!text.contains("<h1"), "no page leaks: {text}");
    for host in ["localhost", "127.0.0.1:1", "[::1]:80", "hub.localhost"] {
        let raw = format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        assert_eq!(raw_status(s.port, raw.as_bytes()).0, 200, "{host}");
    }
    let netlify: toml::Table = toml::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("netlify.toml")).unwrap(),
    )
    .unwrap();
    let production = netlify["headers"].as_array().unwrap()[0]["values"]["Content-Security-Policy"]
        .as_str()
        .unwrap()
        .to_string();
    for target in ["/", "/events/", "/nope/", "/static/../x", "/__iehp/livereload.js"] {
        let reply = s.get(target);
        let csp = reply
            .header("Content-Security-Policy")
            .unwrap_or_else(|| panic!("{target}: no CSP"));
        assert_eq!(
            csp,
            production.replace("; upgrade-insecure-requests", ""),
            "{target}"
        );
    }
}

#[test]
fn oversized_or_malformed_requests_are_refused_and_the_server_carries_on() {
    let s = Served::start(false, &[]);
    // A 4 MB request line: refused after 16 KiB, not held in memory.
    let mut huge = b"GET /".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 4 << 20));
    huge.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let (status, _) = raw_status(s.port, &huge);
    assert!(status == 431 || status == 0, "{status}");
    let many_headers = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\n{}\r\n",
        "X-Pad: 0123456789abcdef\r\n".repeat(2000)
    );
    assert_eq!(raw_status(s.port, many_headers.as_bytes()).0, 431);
    assert_eq!(raw_status(s.port, b"NONSENSE\r\n\r\n").0, 400);
    assert_eq!(
        raw_status(
            s.port,
            b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc"
        )
        .0,
        413
    );
    assert_eq!(
        raw_status(s.port, b"DELETE / HTTP/1.1\r\nHost: localhost\r\n\r\n").0,
        405
    );
    // HEAD: the head only.
    let (status, text) = raw_status(
        s.port,
        b"HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200);
    assert!(text.ends_with("\r\n\r\n"), "no body after a HEAD's head");
    // Two requests on one kept-alive connection.
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
        .write_all(b"GET /events/ HTTP/1.1\r\nHost: localhost\r\n\r\nGET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut both = String::new();
    stream.read_to_string(&mut both).unwrap();
    assert_eq!(both.matches("HTTP/1.1 200 OK").count(), 2);
    assert_eq!(s.get("/").status, 200);
}

#[cfg(target_os = "linux")]
#[test]
fn many_connections_and_open_pages_take_a_bounded_number_of_threads() {
    let s = Served::start(false, &[]);
    let pid = s.child.id();
    let idle_threads = threads(pid);
    // 400 open pages' event streams.
    let streams: Vec<TcpStream> = (0..400)
        .map(|_| {
            let mut t = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
            t.write_all(b"GET /__iehp/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .unwrap();
            t
        })
        .collect();
    // 600 connections that send nothing.
    let silent: Vec<TcpStream> = (0..600)
        .map(|_| TcpStream::connect(("127.0.0.1", s.port)).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let busy_threads = threads(pid);
    assert!(
        busy_threads <= idle_threads + 4,
        "threads: {idle_threads} idle, {busy_threads} with 1,000 connections"
    );
    drop(silent);
    // Every open page still hears of an edit.
    let listening = s.events();
    s.edit(
        "content/events/summit-2025.md",
        "Annual Summit 2025",
        "Summit for All",
    );
    listening.next("reload");
    let mut heard = 0;
    for mut t in streams.into_iter().take(20) {
        t.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut seen = String::new();
        let mut buf = [0u8; 4096];
        while !seen.contains("event: reload") {
            let n = t.read(&mut buf).unwrap();
            assert!(n > 0, "the stream closed: {seen}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        heard += 1;
    }
    assert_eq!(heard, 20);
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn content_moved_away_keeps_the_last_good_site_and_is_followed_when_back() {
    let s = Served::start(false, &[]);
    let home = s.get("/").text();
    let summit = s.get("/events/summit-2025/").text();
    let content = s.root().join("content");
    let away = s.root().join("content.away");
    std::fs::rename(&content, &away).unwrap();
    wait("the server to notice", || {
        s.log().iter().any(|l| l.contains("content/ folder is gone"))
    });
    assert_eq!(s.get("/").text(), home, "the last good site is still served");
    assert_eq!(s.get("/events/summit-2025/").text(), summit);
    // Edited while away, then moved back: the edit shows.
    let file = away.join("events/summit-2025.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("Annual Summit 2025", "Summit Moved Back")).unwrap();
    std::fs::rename(&away, &content).unwrap();
    wait("the edit made while away", || {
        s.get("/events/summit-2025/").text().contains("Summit Moved Back")
    });
    // Edits after it came back are followed.
    s.edit(
        "content/events/summit-2025.md",
        "Summit Moved Back",
        "Summit Edited After",
    );
    wait("an edit after the return", || {
        s.get("/events/summit-2025/")
            .text()
            .contains("Summit Edited After")
    });
    // Deleted and made again (a fresh checkout): followed too.
    let copy = s.root().join("content.copy");
    copy_dir(&content, &copy);
    std::fs::remove_dir_all(&content).unwrap();
    wait("the server to notice", || {
        s.log()
            .iter()
            .filter(|l| l.contains("content/ folder is gone"))
            .count()
            >= 2
    });
    std::fs::rename(&copy, &content).unwrap();
    s.edit(
        "content/events/summit-2025.md",
        "Summit Edited After",
        "Summit Recreated",
    );
    wait("an edit in the new folder", || {
        s.get("/events/summit-2025/").text().contains("Summit Recreated")
    });
    s.settle();
    s.same_as_clean_build();
}
