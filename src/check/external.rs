//! `iehp check --external`: every outside link (portal addresses, sources, registration and
//! recording links, links in bodies) is requested, a few hosts at a time and each host no more
//! often than once per interval. Redirects are reported with their new target. Results are kept
//! in a cache file with an expiry, so CI rechecks only what is new or expired.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::content::model::{Details, Site};
use crate::error::{Diagnostic, Error, Result};
use crate::fs;
use crate::schema::is_web_url;

#[derive(Debug, Clone)]
pub struct ExternalOptions {
    pub cache: PathBuf,
    /// How long a good result is trusted.
    pub ttl_ok: Duration,
    /// How long a problem is trusted before it is asked again.
    pub ttl_problem: Duration,
    /// The least time between two requests to one host.
    pub per_host_interval: Duration,
    pub timeout: Duration,
    /// Hosts checked at the same time.
    pub parallel_hosts: usize,
    /// Say on stderr how many links are left (a line that updates itself on a terminal).
    pub progress: bool,
}

impl ExternalOptions {
    pub fn new(cache: PathBuf) -> Self {
        Self {
            cache,
            ttl_ok: Duration::from_secs(7 * 24 * 3600),
            ttl_problem: Duration::from_secs(24 * 3600),
            per_host_interval: Duration::from_millis(1000),
            timeout: Duration::from_secs(15),
            parallel_hosts: 8,
            progress: false,
        }
    }
}

/// Where one outside link is written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
}

/// What a request found, as kept in the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// HTTP status, or 0 when no answer came.
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When it was checked (RFC 3339, UTC).
    pub checked: String,
}

impl Outcome {
    fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    links: BTreeMap<String, Outcome>,
}

/// Every outside web address the content names, with where each is written.
pub fn collect(site: &Site) -> BTreeMap<String, BTreeSet<Place>> {
    let mut out: BTreeMap<String, BTreeSet<Place>> = BTreeMap::new();
    let mut add = |url: &str, path: &Path, (line, col): (usize, usize)| {
        if is_web_url(url) {
            let url = url.split('#').next().unwrap_or(url).to_string();
            out.entry(url).or_default().insert(Place {
                path: path.to_path_buf(),
                line,
                col,
            });
        }
    };
    for item in &site.items {
        let pos = |field: &str| item.positions.get(field).copied().unwrap_or((0, 0));
        if let Some(source) = &item.source {
            add(source, &item.path, pos("source"));
        }
        match &item.details {
            Details::Portal { url: Some(url), .. }
            | Details::Member { url: Some(url), .. }
            | Details::Program { url: Some(url), .. } => add(url, &item.path, pos("url")),
            Details::Event(e) => {
                if let Some(u) = &e.registration_url {
                    add(u, &item.path, pos("registration_url"));
                }
                if let Some(u) = &e.recording_url {
                    add(u, &item.path, pos("recording_url"));
                }
            }
            _ => {}
        }
    }
    for note in &site.notes {
        add(&note.source, &note.path, (0, 0));
    }
    // Links written in bodies, at their Markdown lines.
    let bodies = site
        .items
        .iter()
        .map(|i| (&i.body, i.body_line, &i.path))
        .chain(site.notes.iter().map(|n| (&n.body, n.body_line, &n.path)));
    for (body, line, path) in bodies {
        for link in &body.links {
            add(&link.url, path, body.position(line, link.offset));
        }
    }
    for draw in &site.draws {
        add(&draw.source, Path::new("content/data/draws.yaml"), (0, 0));
    }
    out
}

fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    rest.split(['/', '?', '#']).next().unwrap_or(rest).to_lowercase()
}

/// Checks `links`, using and refreshing the cache. Returns a problem per place of a bad link.
pub fn check(links: &BTreeMap<String, BTreeSet<Place>>, opts: &ExternalOptions) -> Result<Vec<Diagnostic>> {
    let now = jiff::Timestamp::now();
    // Before any request: a cache that is a link (a committed one could point anywhere) is
    // never read nor written through.
    fs::refuse_symlink(&opts.cache, "the link cache")?;
    let mut cache = read_cache(&opts.cache)?;
    let fresh = |o: &Outcome| is_fresh(o, now, opts);
    let mut by_host: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for url in links.keys() {
        if !cache.links.get(url).is_some_and(fresh) {
            by_host.entry(host_of(url)).or_default().push(url);
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .max_redirects_will_error(false)
        .http_status_as_error(false)
        .timeout_global(Some(opts.timeout))
        .user_agent(concat!("iehp-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let progress = Progress::new(
        opts.progress,
        by_host.values().map(Vec::len).sum(),
        links.len(),
        by_host.len(),
    );
    let queue = Mutex::new(by_host.into_iter().collect::<Vec<_>>());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..opts.parallel_hosts.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.pop());
                    let Some((_, urls)) = next else { break };
                    for (n, url) in urls.iter().enumerate() {
                        if n > 0 {
                            std::thread::sleep(opts.per_host_interval);
                        }
                        let outcome = request(&agent, url);
                        if let Ok(mut r) = results.lock() {
                            r.push((url.to_string(), outcome));
                            progress.step(r.len());
                        }
                    }
                }
            });
        }
    });
    progress.finish();
    for (url, outcome) in results.into_inner().unwrap_or_default() {
        cache.links.insert(url, outcome);
    }
    // Links the content no longer names leave the cache.
    cache.links.retain(|url, _| links.contains_key(url));
    write_cache(&opts.cache, &cache)?;

    let mut diags = Vec::new();
    for (url, places) in links {
        let Some(outcome) = cache.links.get(url) else {
            continue;
        };
        let Some((error, message)) = judge(url, outcome) else {
            continue;
        };
        for p in places {
            let d = if error {
                Diagnostic::error(&p.path, p.line, p.col, &message)
            } else {
                Diagnostic::warning(&p.path, p.line, p.col, &message)
            };
            diags.push(d);
        }
    }
    Ok(diags)
}

/// Whether a cached result can be trusted at `now`: checked within its time to live, and not in
/// the future (a clock that was wrong, or a hand-edited cache, must not keep a result forever).
fn is_fresh(o: &Outcome, now: jiff::Timestamp, opts: &ExternalOptions) -> bool {
    let ttl = if o.ok() { opts.ttl_ok } else { opts.ttl_problem };
    let Ok(checked) = o.checked.parse::<jiff::Timestamp>() else {
        return false;
    };
    let Ok(ttl) = jiff::SignedDuration::try_from(ttl) else {
        return false;
    };
    // A minute of slack for clocks of two machines sharing a cache.
    let slack = jiff::SignedDuration::from_secs(60);
    checked <= now + slack && checked + ttl > now
}

/// The progress line of a long `--external` run: `checking outside links: 40/212`, rewritten
/// in place on a terminal, a line at each quarter otherwise (CI logs).
struct Progress {
    on: bool,
    terminal: bool,
    total: usize,
}

impl Progress {
    fn new(on: bool, to_ask: usize, links: usize, hosts: usize) -> Self {
        use std::io::IsTerminal;
        let terminal = std::io::stderr().is_terminal();
        if on {
            eprintln!(
                "checking {to_ask} outside links on {hosts} hosts ({} answered from the cache)",
                links - to_ask
            );
        }
        Self {
            on: on && to_ask > 0,
            terminal,
            total: to_ask,
        }
    }

    fn step(&self, done: usize) {
        if !self.on {
            return;
        }
        if self.terminal {
            eprint!("\rchecking outside links: {done}/{}", self.total);
        } else if (1..=4).any(|q| done == self.total * q / 4) {
            eprintln!("checking outside links: {done}/{}", self.total);
        }
    }

    fn finish(&self) {
        if self.on && self.terminal {
            eprintln!();
        }
    }
}

/// `None` when the link is fine; else whether it is an error, and what to say.
fn judge(url: &str, o: &Outcome) -> Option<(bool, String)> {
    match o.status {
        200..=299 => None,
        300..=399 => Some((
            false,
            match &o.location {
                Some(to) => format!("{url} redirects ({}) to {to}; link to the new address", o.status),
                None => format!("{url} answers {} without saying where to", o.status),
            },
        )),
        404 | 410 => Some((
            true,
            format!(
                "{url} is gone ({}): find the new address or remove the link",
                o.status
            ),
        )),
        0 => Some((
            false,
            format!(
                "{url} could not be reached ({}); check it by hand",
                o.error.as_deref().unwrap_or("no answer")
            ),
        )),
        s => Some((false, format!("{url} answers {s}; check it by hand"))),
    }
}

fn request(agent: &ureq::Agent, url: &str) -> Outcome {
    let checked = jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    // Many servers refuse HEAD; ask again with GET before calling a link broken.
    let mut answer = agent.head(url).call();
    if let Ok(r) = &answer
        && matches!(r.status().as_u16(), 403 | 405 | 501)
    {
        answer = agent.get(url).call();
    }
    let (status, location, error) = match answer {
        Ok(r) => {
            let status = r.status().as_u16();
            // Only a redirect's `Location` says something about the link.
            let location = r
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .filter(|_| (300..400).contains(&status))
                .map(|l| absolute(url, l));
            (status, location, None)
        }
        Err(e) => (0, None, Some(e.to_string())),
    };
    Outcome {
        status,
        location,
        error,
        checked,
    }
}

/// A redirect target made absolute against the URL that answered it, as a browser does
/// (RFC 3986, section 5): `//host/x`, `/x`, `x`, `../x`, `?q` and `#f` forms.
fn absolute(base: &str, location: &str) -> String {
    if is_web_url(location) {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    if let Some(net) = location.strip_prefix("//") {
        return format!("{scheme}://{net}");
    }
    let rest = rest.split('#').next().unwrap_or(rest);
    let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (host, path_query) = rest.split_at(host_end);
    let base_path = path_query.split('?').next().unwrap_or("");
    let base_path = if base_path.is_empty() { "/" } else { base_path };
    if location.is_empty() {
        return format!("{scheme}://{host}{path_query}");
    }
    if location.starts_with('#') {
        return format!("{scheme}://{host}{path_query}{location}");
    }
    if location.starts_with('?') {
        return format!("{scheme}://{host}{base_path}{location}");
    }
    let (loc_path, tail) = match location.find(['?', '#']) {
        Some(i) => location.split_at(i),
        None => (location, ""),
    };
    let merged = if loc_path.starts_with('/') {
        loc_path.to_string()
    } else {
        let dir = base_path.rsplit_once('/').map_or("", |(d, _)| d);
        format!("{dir}/{loc_path}")
    };
    format!("{scheme}://{host}{}{tail}", remove_dot_segments(&merged))
}

/// RFC 3986's dot-segment removal on an absolute path: `/a/b/../c/./d` -> `/a/c/d`; `..` never
/// climbs above the root.
fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." | ".." => {
                if *seg == ".." {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    format!("/{}", out.join("/"))
}

fn read_cache(path: &Path) -> Result<Cache> {
    if !fs::exists(path) {
        return Ok(Cache::default());
    }
    let bytes = fs::read(path)?;
    // A damaged cache is only a cache: start again rather than fail the check.
    Ok(serde_json::from_slice(&bytes).unwrap_or_default())
}

fn write_cache(path: &Path, cache: &Cache) -> Result<()> {
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        fs::create_dir_all(parent)?;
    }
    let json = serde_json::to_vec_pretty(cache)
        .map_err(|e| Error::Internal(format!("the link cache did not serialise: {e}")))?;
    fs::replace(path, &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_redirect_targets() {
        assert_eq!(host_of("https://Example.org/a?b"), "example.org");
        assert_eq!(host_of("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
        assert_eq!(absolute("https://e.org/a/b", "/c"), "https://e.org/c");
        assert_eq!(absolute("https://e.org/a/b", "c"), "https://e.org/a/c");
        assert_eq!(absolute("https://e.org/a", "https://f.org/"), "https://f.org/");
    }

    #[test]
    fn relative_redirects_resolve_as_a_browser_would() {
        let b = "https://e.org/a/b/c?x=1";
        for (location, expected) in [
            ("../../x", "https://e.org/x"),
            ("../x", "https://e.org/a/x"),
            ("./x", "https://e.org/a/b/x"),
            ("x?y=2", "https://e.org/a/b/x?y=2"),
            ("../../../../x", "https://e.org/x"),
            ("/p/../q/", "https://e.org/q/"),
            ("?y=2", "https://e.org/a/b/c?y=2"),
            ("#top", "https://e.org/a/b/c?x=1#top"),
            ("//f.org/z", "https://f.org/z"),
            ("..", "https://e.org/a/"),
        ] {
            assert_eq!(absolute(b, location), expected, "{location}");
        }
        assert_eq!(absolute("https://e.org", "x"), "https://e.org/x");
        assert_eq!(absolute("https://e.org?q", "../x"), "https://e.org/x");
    }

    #[test]
    fn a_result_from_the_future_is_not_trusted() {
        let opts = ExternalOptions::new(PathBuf::from("cache.json"));
        let now: jiff::Timestamp = "2026-01-10T00:00:00Z".parse().unwrap();
        let at = |checked: &str| Outcome {
            status: 200,
            location: None,
            error: None,
            checked: checked.to_string(),
        };
        assert!(is_fresh(&at("2026-01-09T00:00:00Z"), now, &opts));
        assert!(!is_fresh(&at("2025-12-01T00:00:00Z"), now, &opts), "expired");
        assert!(!is_fresh(&at("2099-01-01T00:00:00Z"), now, &opts), "future");
        assert!(!is_fresh(&at("not a date"), now, &opts));
    }

    #[test]
    fn judgements() {
        let o = |status, location: Option<&str>| Outcome {
            status,
            location: location.map(Into::into),
            error: None,
            checked: String::new(),
        };
        assert_eq!(judge("u", &o(200, None)), None);
        assert!(judge("u", &o(404, None)).unwrap().0, "404 is an error");
        let (error, msg) = judge("u", &o(301, Some("https://new"))).unwrap();
        assert!(!error && msg.contains("https://new"));
        assert!(!judge("u", &o(503, None)).unwrap().0);
    }
}
