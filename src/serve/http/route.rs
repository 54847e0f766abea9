//! What a request may ask for: its target resolved against the site's files ([`resolve`], pure:
//! no file system behind it, so no target can reach a file outside the site) and its `Host`
//! checked against the names the dev server answers to ([`host_allowed`], against DNS
//! rebinding).

/// Where the dev server's own files and event stream live, outside any site's paths (a site's
/// paths are slugs, which cannot start with `_`).
pub const DEV_PREFIX: &str = "/__iehp/";

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

/// The page a `_redirects` file (Netlify's format, as `iehp build` writes it: `FROM  TO  301`
/// lines, `#` comments) sends `path` to; a rule's path matches with or without its final `/`.
pub(super) fn redirect_rule(rules: &str, path: &str) -> Option<String> {
    rules
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .find_map(|line| {
            let mut words = line.split_whitespace();
            let (from, to) = (words.next()?, words.next()?);
            let status = words.next().unwrap_or("301").trim_end_matches('!');
            let same = from == path || from.strip_suffix('/') == Some(path);
            (same && matches!(status, "301" | "302" | "307" | "308")).then(|| to.to_string())
        })
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
pub(super) fn machine_name() -> Option<String> {
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
    fn former_addresses_follow_the_redirects_file() {
        let rules = "# written by iehp build\n/licensure-pathways/  /pathways/  301\n/fr/old/  /fr/new/  301!\n/x/ /y/ 404\n\n";
        assert_eq!(
            redirect_rule(rules, "/licensure-pathways/").as_deref(),
            Some("/pathways/")
        );
        assert_eq!(
            redirect_rule(rules, "/licensure-pathways").as_deref(),
            Some("/pathways/")
        );
        assert_eq!(redirect_rule(rules, "/fr/old/").as_deref(), Some("/fr/new/"));
        assert_eq!(redirect_rule(rules, "/x/"), None, "not a redirect status");
        assert_eq!(redirect_rule(rules, "/licensure-pathways/more/"), None);
        assert_eq!(redirect_rule(rules, "/"), None);
    }
}
