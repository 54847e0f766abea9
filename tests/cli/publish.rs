//! Publishing: netlify.toml against the built hub (one Cache-Control per path, each page's
//! resources allowed by the Content-Security-Policy that applies to it), the GitHub workflows
//! (what runs when, Node 22, the pinned toolchain, releases with checksums), and the repository
//! files Netlify's build depends on.

use std::collections::BTreeMap;
use std::path::Path;

use super::snapshot;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn netlify() -> toml::Table {
    let text = std::fs::read_to_string(repo().join("netlify.toml")).unwrap();
    toml::from_str(&text).expect("netlify.toml parses")
}

/// Netlify's `for` patterns: `/x/*` matches everything under `/x/`, anything else one path.
fn matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

/// The header values that apply to `path`, with the patterns that set each one.
fn headers_for(config: &toml::Table, path: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let mut found: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for rule in config["headers"].as_array().unwrap() {
        let pattern = rule["for"].as_str().unwrap();
        if !matches(pattern, path) {
            continue;
        }
        for (name, value) in rule["values"].as_table().unwrap() {
            found
                .entry(name.to_ascii_lowercase())
                .or_default()
                .push((pattern.to_string(), value.as_str().unwrap().to_string()));
        }
    }
    found
}

/// A CSP as directive -> sources.
fn parse_csp(csp: &str) -> BTreeMap<String, Vec<String>> {
    csp.split(';')
        .filter_map(|d| {
            let mut words = d.split_whitespace();
            let name = words.next()?.to_ascii_lowercase();
            Some((name, words.map(str::to_string).collect()))
        })
        .collect()
}

/// Whether `url`, loaded by a page for `directive`, is allowed by the policy.
fn allowed(csp: &BTreeMap<String, Vec<String>>, directive: &str, url: &str) -> bool {
    let fallback = if directive == "form-action" || directive == "base-uri" {
        None
    } else {
        csp.get("default-src")
    };
    let Some(sources) = csp.get(directive).or(fallback) else {
        return true;
    };
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("data:") {
        return sources.iter().any(|s| s == "data:");
    }
    let same_site = !lower.starts_with("//") && !lower.contains("://");
    same_site && sources.iter().any(|s| s == "'self'")
}

/// Every `name="value"` attribute of each `<tag ...>` in `html`.
fn tags<'a>(html: &'a str, tag: &str) -> Vec<BTreeMap<String, &'a str>> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let mut out = Vec::new();
    for (i, _) in lower.match_indices(&open) {
        let after = &lower[i + open.len()..];
        if !after.starts_with([' ', '>', '\n', '/']) {
            continue;
        }
        let end = i + lower[i..].find('>').unwrap();
        let text = &html[i + open.len()..end];
        let mut attrs = BTreeMap::new();
        let mut rest = text;
        while let Some(eq) = rest.find("=\"") {
            let name = rest[..eq].rsplit(|c: char| c.is_whitespace()).next().unwrap();
            let value_start = eq + 2;
            let value_end = value_start + rest[value_start..].find('"').unwrap();
            attrs.insert(name.to_ascii_lowercase(), &rest[value_start..value_end]);
            rest = &rest[value_end + 1..];
        }
        out.push(attrs);
    }
    out
}

#[test]
fn netlify_gives_each_path_one_cache_rule_and_each_page_loads_only_what_its_csp_allows() {
    let config = netlify();
    let text = std::fs::read_to_string(repo().join("netlify.toml")).unwrap();
    assert!(
        !text.contains("interest-cohort"),
        "obsolete Permissions-Policy feature"
    );
    for ctx in ["production", "deploy-preview", "branch-deploy"] {
        let command = config["context"][ctx]["command"].as_str().unwrap();
        assert!(
            command.starts_with("bash scripts/netlify-build "),
            "{ctx}: {command}"
        );
    }

    // Every page kind, built from the fixtures (the hub's own pages are its content's business).
    let (site, licensing) = (super::Site::fixture("valid"), super::Site::fixture("pathways"));
    site.build_ok();
    licensing.build_ok();
    let built = [site.root().join("output"), licensing.root().join("output")];
    let (mut pages, mut assets) = (0, 0);
    for (path, bytes) in built.iter().flat_map(|dir| snapshot(dir)) {
        let rel = path.to_string_lossy().replace('\\', "/");
        let mut urls = vec![format!("/{rel}")];
        if let Some(dir) = rel.strip_suffix("index.html") {
            urls.push(format!("/{dir}"));
        }
        for url in &urls {
            let headers = headers_for(&config, url);
            let cache = headers.get("cache-control").map(Vec::as_slice).unwrap_or(&[]);
            assert!(
                cache.len() <= 1,
                "{url}: {} Cache-Control rules apply: {cache:?}",
                cache.len()
            );
            if url.starts_with("/assets/") {
                assets += 1;
                assert!(
                    cache.len() == 1 && cache[0].1.contains("immutable"),
                    "{url}: fingerprinted asset without a year of caching: {cache:?}"
                );
            }
            if !rel.ends_with(".html") {
                continue;
            }
            let csps = headers
                .get("content-security-policy")
                .unwrap_or_else(|| panic!("{url}: no Content-Security-Policy"));
            assert_eq!(csps.len(), 1, "{url}: several policies {csps:?}");
            let csp = parse_csp(&csps[0].1);
            for d in ["script-src", "style-src", "frame-ancestors", "object-src"] {
                assert!(csp.contains_key(d) || d == "style-src", "{url}: no {d}");
            }
            assert!(
                !csps[0].1.contains("'unsafe-inline'") && !csps[0].1.contains("'unsafe-eval'"),
                "{url}"
            );
            let html = String::from_utf8(bytes.clone()).unwrap();
            let mut loads: Vec<(&str, String)> = Vec::new();
            for t in tags(&html, "script") {
                match t.get("src") {
                    Some(src) => loads.push(("script-src", src.to_string())),
                    None => assert!(
                        t.get("type").is_some_and(|ty| ty.ends_with("json")),
                        "{url}: inline script, which script-src 'self' blocks"
                    ),
                }
            }
            for t in tags(&html, "link") {
                let rel_attr = t.get("rel").copied().unwrap_or("");
                let directive = match rel_attr {
                    "stylesheet" => "style-src",
                    r if r.contains("icon") => "img-src",
                    "manifest" => "manifest-src",
                    _ => continue,
                };
                loads.push((directive, t["href"].to_string()));
            }
            for t in tags(&html, "img") {
                loads.push(("img-src", t["src"].to_string()));
            }
            for t in tags(&html, "form") {
                loads.push(("form-action", t.get("action").unwrap_or(&"").to_string()));
            }
            for t in tags(&html, "iframe") {
                loads.push(("frame-src", t["src"].to_string()));
            }
            assert!(
                tags(&html, "style").is_empty(),
                "{url}: inline <style>, which style-src 'self' blocks"
            );
            for (directive, target) in loads {
                assert!(
                    allowed(&csp, directive, &target),
                    "{url}: {target} is blocked by {directive} in {:?}",
                    csps[0].1
                );
            }
            pages += 1;
        }
    }
    assert!(pages > 100, "{pages} pages");
    assert!(assets > 0, "no /assets/ files");
    // The checker itself refuses what the policy refuses.
    let csp = parse_csp("default-src 'self'; img-src 'self' data:; form-action 'self'");
    assert!(allowed(&csp, "script-src", "/assets/app.js"));
    assert!(!allowed(&csp, "script-src", "https://cdn.example/app.js"));
    assert!(!allowed(&csp, "script-src", "//cdn.example/app.js"));
    assert!(allowed(&csp, "img-src", "data:image/png;base64,AA"));
    assert!(!allowed(&csp, "script-src", "data:text/javascript,1"));
    assert!(!allowed(&csp, "form-action", "https://forms.example/"));
}

fn workflow(name: &str) -> serde_yaml::Value {
    let path = repo().join(".github/workflows").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn steps_text(wf: &serde_yaml::Value) -> String {
    serde_yaml::to_string(&wf["jobs"]).unwrap()
}

#[test]
fn workflows_check_content_on_every_pull_request_and_code_only_when_code_changes() {
    let dir = repo().join(".github/workflows");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "checks.yml",
            "code.yml",
            "links.yml",
            "release.yml",
            "scheduled.yml"
        ]
    );
    for name in &names {
        let wf = workflow(name);
        let jobs = steps_text(&wf);
        // Node 22 wherever Node is set up; never a floating Rust toolchain.
        for (i, _) in jobs.match_indices("node-version") {
            let line = jobs[i..].lines().next().unwrap();
            assert!(line.contains("22"), "{name}: {line}");
        }
        assert!(
            !jobs.contains("rust-toolchain@stable"),
            "{name}: floating toolchain"
        );
        // Netlify publishes; no workflow deploys by itself.
        assert!(!jobs.contains("netlify deploy"), "{name} deploys");
    }

    // Content: every pull request, whatever it changes; not again on main (Netlify's build checks).
    let checks = workflow("checks.yml");
    assert!(
        checks["on"]["pull_request"].is_null(),
        "checks.yml must run on every pull request"
    );
    assert!(checks["on"]["push"].is_null());
    let text = steps_text(&checks);
    assert!(text.contains("scripts/iehp-binary") && text.contains("check --format github"));
    assert!(
        !text.contains("scripts/test"),
        "content checks wait for the code suite"
    );

    // Code: only pull requests that change code; content/ never triggers it.
    let code = workflow("code.yml");
    let paths: Vec<&str> = code["on"]["pull_request"]["paths"]
        .as_sequence()
        .expect("code.yml filters by path")
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"src/**") && paths.contains(&"Cargo.lock"),
        "{paths:?}"
    );
    assert!(!paths.iter().any(|p| p.starts_with("content")), "{paths:?}");
    assert!(code["on"]["push"].is_null(), "code checks run twice on merge");
    let text = steps_text(&code);
    assert!(
        text.contains("scripts/test") && text.contains("--version"),
        "{text}"
    );

    // Releases: on version tags, static musl binaries with their SHA-256 and the source hash.
    let release = workflow("release.yml");
    let tags: Vec<&str> = release["on"]["push"]["tags"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(tags, ["v*"]);
    let text = steps_text(&release);
    for needle in [
        "x86_64-unknown-linux-musl",
        "statically linked",
        "sha256sum",
        "--source-hash",
        "gh release create",
    ] {
        assert!(text.contains(needle), "release.yml lacks {needle}");
    }

    // The external link check keeps its cache between runs and reports in an issue.
    let links = workflow("links.yml");
    assert!(links["on"]["schedule"].is_sequence());
    let text = steps_text(&links);
    assert!(
        text.contains("path: .iehp-cache") && text.contains("restore-keys"),
        "{text}"
    );
    assert!(
        text.contains("check --external") && text.contains("gh issue"),
        "{text}"
    );

    // The scheduled rebuild asks Netlify through a build hook.
    let text = steps_text(&workflow("scheduled.yml"));
    assert!(text.contains("NETLIFY_BUILD_HOOK") && text.contains("next-change.json"));
}

/// The line links.yml uses to pick outside-link problems out of `iehp check --external`
/// matches what the check prints for each kind of problem, and nothing else.
#[test]
fn the_link_report_picks_out_exactly_the_outside_link_problems() {
    let text = std::fs::read_to_string(repo().join(".github/workflows/links.yml")).unwrap();
    let line = text.lines().find(|l| l.contains("grep -E")).unwrap();
    let pattern = line.split('\'').nth(1).unwrap();
    let sample = "\
content/events/a.md:9:19: warning: https://a.example/x redirects (301) to https://a.example/y; link to the new address
content/events/a.md:10:19: https://b.example/ is gone (404): find the new address or remove the link
content/portals/p.md:7:6: warning: https://c.example/ could not be reached (timeout); check it by hand
content/portals/p.md:8:6: warning: https://d.example/ answers 503; check it by hand
content/members/m.md:14:11: warning: field \"reviewed\": the facts are from 2021-09-30, more than 12 months ago
0 errors, 3 warnings, 0 notes; 190 pages checked
";
    let out = std::process::Command::new("grep")
        .args(["-E", pattern])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(sample.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let picked = String::from_utf8(out.stdout).unwrap();
    assert_eq!(picked.lines().count(), 4, "{picked}");
    assert!(!picked.contains("reviewed") && !picked.contains("pages checked"));
}

#[test]
fn netlify_builds_with_a_pinned_toolchain_and_installs_no_test_tools() {
    let toolchain: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("rust-toolchain.toml")).unwrap()).unwrap();
    let channel = toolchain["toolchain"]["channel"].as_str().unwrap();
    assert!(
        channel.split('.').count() == 3 && channel.split('.').all(|n| n.parse::<u32>().is_ok()),
        "rust-toolchain.toml pins an exact version, not {channel:?}"
    );
    // Netlify npm-installs a package.json at the root: the test tools live under tests/.
    assert!(!repo().join("package.json").exists());
    let tools: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("tests/package.json")).unwrap()).unwrap();
    assert!(tools["devDependencies"]["vnu-jar"].is_string());
    for script in [
        "scripts/netlify-build",
        "scripts/iehp-binary",
        "tests/netlify-build.sh",
    ] {
        let path = repo().join(script);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("#!/usr/bin/env bash\n"), "{script}");
        let out = std::process::Command::new("bash")
            .arg("-n")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let test = std::fs::read_to_string(repo().join("scripts/test")).unwrap();
    assert!(test.contains("bash tests/netlify-build.sh") && test.contains("npm ci --prefix tests"));
}

#[test]
fn the_sitemap_dates_each_item_page_by_its_reviewed_date() {
    let site = super::Site::fixture("valid");
    site.build_ok();
    let sitemap = site.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap.xml is XML");
    let mut dated = BTreeMap::new();
    for url in doc.descendants().filter(|n| n.has_tag_name("url")) {
        let child = |name: &str| {
            url.children()
                .find(|c| c.has_tag_name(name))
                .and_then(|c| c.text())
        };
        // <lastmod> comes right after <loc>, as the sitemap schema orders them.
        let names: Vec<&str> = url
            .children()
            .filter(|c| c.is_element())
            .map(|c| c.tag_name().name())
            .collect();
        if let Some(i) = names.iter().position(|n| *n == "lastmod") {
            assert_eq!(i, 1, "{names:?}");
        }
        dated.insert(
            child("loc").unwrap().to_string(),
            child("lastmod").map(str::to_string),
        );
    }
    let at = |loc: &str| {
        dated
            .get(loc)
            .unwrap_or_else(|| panic!("{loc} not in the sitemap"))
    };
    assert_eq!(
        at("https://hub.example.org/events/summit-2025/").as_deref(),
        Some("2025-06-26")
    );
    // Pages in each language, the French one from its translation (about.fr.md).
    assert_eq!(
        at("https://hub.example.org/about/").as_deref(),
        Some("2025-01-15")
    );
    assert_eq!(
        at("https://hub.example.org/fr/about/").as_deref(),
        Some("2025-01-15")
    );
    // Lists have no single date.
    assert_eq!(at("https://hub.example.org/events/").as_deref(), None);
}

// ---- command-line conventions ----

#[test]
fn version_completions_colour_and_quiet() {
    let site = super::Site::fixture("valid");
    let out = site.iehp(&["--version"]);
    assert_eq!(
        super::stdout(&out),
        format!("iehp {}\n", env!("CARGO_PKG_VERSION"))
    );
    for (shell, marker) in [
        ("bash", "_iehp()"),
        ("zsh", "#compdef iehp"),
        ("fish", "complete -c iehp"),
    ] {
        let out = site.iehp(&["completions", shell]);
        let text = super::stdout(&out);
        assert!(out.status.success() && text.contains(marker), "{shell}: {text}");
        for sub in ["build", "check", "new", "serve", "--external"] {
            assert!(text.contains(sub), "{shell} completion lacks {sub}");
        }
    }
    assert!(!site.iehp(&["completions", "cmd.exe"]).status.success());

    // A problem, to see how it is printed.
    site.write(
        "content/events/x.md",
        format!(
            "{}start: 2025-02-30\nhost: Clinic # 3\n{}",
            super::EVENT_HEAD,
            super::EVENT_TAIL
        ),
    );
    let plain = super::stdout(&site.iehp(&["check", "--now", super::NOW]));
    assert!(
        plain.contains("content/events/x.md:4:8: field \"start\": 2025 has no February 30"),
        "{plain}"
    );
    assert!(!plain.contains('\x1b'), "colour on a pipe: {plain:?}");
    let coloured = super::stdout(&site.iehp(&["check", "--now", super::NOW, "--color", "always"]));
    assert!(
        coloured.contains("\x1b[1mcontent/events/x.md:4:8:\x1b[0m \x1b[1;31merror:\x1b[0m field \"start\": 2025 has no February 30"),
        "{coloured:?}"
    );
    assert!(coloured.contains("\x1b[1;33mwarning:\x1b[0m"), "{coloured:?}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iehp"))
        .args(["build", "--now", super::NOW, "--color", "never"])
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!super::stderr(&out).contains('\x1b'));
    assert!(super::stderr(&out).contains("content/events/x.md:4:8: field \"start\""));

    // --quiet: problems only; nothing on success.
    let quiet = super::stdout(&site.iehp(&["check", "--now", super::NOW, "--quiet"]));
    assert!(quiet.contains("content/events/x.md:4:8:"), "{quiet}");
    assert!(
        !quiet.contains("pages checked") && !quiet.contains("did not build") && !quiet.contains("note:"),
        "{quiet}"
    );
    std::fs::remove_file(site.root().join("content/events/x.md")).unwrap();
    let out = site.iehp(&["build", "--now", super::NOW, "-q"]);
    assert!(out.status.success(), "{}", super::stderr(&out));
    assert_eq!(super::stdout(&out), "");
    let out = site.iehp(&["new", "events", "Quiet one", "--quiet"]);
    assert!(out.status.success() && super::stdout(&out).is_empty());
}

#[test]
fn check_external_says_how_far_it_has_got() {
    let (addr, _) = super::link_server();
    let site = super::Site::fixture("valid");
    site.write(
        "content/portals/local.md",
        format!(
            "---\ntitle: Local Portal\nprovince: ON\nurl: {addr}/ok\noperator: X\nstatus: open\nsource: {addr}/moved\nreviewed: 2025-08-01\n---\n"
        ),
    );
    let cache = site.root().join("links.json");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--now",
            super::NOW,
            "--external",
            "--cache",
            cache.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        site.iehp(&args)
    };
    let err = super::stderr(&run(&[]));
    let first = err.lines().next().unwrap_or("");
    assert!(
        first.starts_with("checking ")
            && first.contains(" outside links on ")
            && first.ends_with("(0 answered from the cache)"),
        "{err}"
    );
    let total: usize = first.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(
        err.contains(&format!("checking outside links: {total}/{total}")),
        "{err}"
    );
    // The second run asks nothing: the cache answers, and says so.
    let err = super::stderr(&run(&[]));
    assert!(
        err.contains(&format!(
            "checking 0 outside links on 0 hosts ({total} answered from the cache)"
        )),
        "{err}"
    );
    assert!(!super::stderr(&run(&["--quiet"])).contains("checking"));
}

#[test]
fn readme_links_only_inside_the_repository_and_the_crate_says_its_licence() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(!readme.contains("../"), "README points outside the repository");
    let mut links = 0;
    for (i, _) in readme.match_indices("](") {
        let target = &readme[i + 2..i + 2 + readme[i + 2..].find(')').unwrap()];
        links += 1;
        assert!(
            !target.contains("://"),
            "README links outside the repository: {target}"
        );
        let path = target.split('#').next().unwrap();
        assert!(
            path.is_empty() || repo().join(path).exists(),
            "README links to a missing {target}"
        );
    }
    assert!(links >= 2, "{links}");
    let cargo: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("Cargo.toml")).unwrap()).unwrap();
    let package = &cargo["package"];
    assert_eq!(package["license"].as_str(), Some("MIT"));
    assert!(
        std::fs::read_to_string(repo().join("LICENSE"))
            .unwrap()
            .starts_with("MIT License")
    );
    // rust-version is the toolchain rust-toolchain.toml pins.
    let toolchain: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo().join("rust-toolchain.toml")).unwrap()).unwrap();
    let channel = toolchain["toolchain"]["channel"].as_str().unwrap();
    let rust_version = package["rust-version"].as_str().unwrap();
    assert!(
        channel.starts_with(&format!("{rust_version}.")),
        "{rust_version} vs {channel}"
    );
}

/// CONTRIBUTING opens with the five-minute event, whose example passes `iehp check` as written,
/// and the pull request template carries the editor's checklist.
#[test]
fn the_five_minute_event_in_contributing_checks_clean() {
    let guide = std::fs::read_to_string(repo().join("CONTRIBUTING.md")).unwrap();
    let first = guide.lines().find(|l| l.starts_with("## ")).unwrap();
    assert_eq!(first, "## Add an event in five minutes");
    let section = &guide[guide.find(first).unwrap()..guide.find("## Contents").unwrap()];
    let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
    let block = &section[start..start + section[start..].find("```").unwrap()];
    let text: String = block
        .lines()
        .map(|l| l.strip_prefix("   ").unwrap_or(l))
        .map(|l| format!("{l}\n"))
        .collect();
    let site = super::Site::fixture("valid");
    site.write("content/events/job-fair-toronto-2026.md", &text);
    let out = site.iehp(&["check", "--now", super::NOW]);
    let report = super::stdout(&out);
    assert!(out.status.success(), "{report}");
    // Notes (such as "no version in French") are information; nothing else may be said.
    let about: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("content/events/job-fair-toronto-2026.md:"))
        .filter(|l| !l.contains(": note: "))
        .collect();
    assert!(about.is_empty(), "the guide's example raises problems:\n{report}");
    let template = std::fs::read_to_string(repo().join(".github/pull_request_template.md")).unwrap();
    for needle in ["- [ ]", "`source`", "`reviewed`", "iehp check", "deploy preview"] {
        assert!(
            template.contains(needle),
            "the pull request template lacks {needle}"
        );
    }
}

// ---- former addresses: aliases become Netlify redirects ----

#[test]
fn aliases_become_redirects_in_every_language_and_clashes_are_errors_at_their_line() {
    let site = super::Site::fixture("valid");
    let event = |aliases: &str| {
        format!(
            "{}start: 2025-10-01\naliases:\n{aliases}{}",
            super::EVENT_HEAD,
            super::EVENT_TAIL
        )
    };
    site.write(
        "content/events/x.md",
        event("  - /events/old-x/\n  - /events/older-x\n"),
    );
    site.build_ok();
    let redirects = site.read("_redirects");
    for rule in [
        "/events/old-x/  /events/x/  301\n",
        "/events/older-x/  /events/x/  301\n",
        "/fr/events/old-x/  /fr/events/x/  301\n",
    ] {
        assert!(redirects.contains(rule), "{rule:?} missing from\n{redirects}");
    }
    // The same old address on a second item: an error at that item's alias line.
    site.write(
        "content/events/y.md",
        event("  - /events/old-x/\n").replace("Bad Event", "Other Event"),
    );
    let out = site.build();
    assert!(!out.status.success());
    assert!(
        super::stderr(&out).contains(
            "content/events/y.md:6:5: field \"aliases\": /events/old-x/ is already an alias of content/events/x.md (line 6)"
        ),
        "{}",
        super::stderr(&out)
    );
    // An alias that is a page's address would never redirect; one that is no path is refused.
    site.write(
        "content/events/y.md",
        event("  - /events/\n  - events/z\n").replace("Bad Event", "Other Event"),
    );
    let report = super::stdout(&site.iehp(&["check", "--now", super::NOW]));
    assert!(
        report.contains(
            "content/events/y.md:7:5: field \"aliases\": \"events/z\" is not an address on this site"
        ),
        "{report}"
    );
    site.write(
        "content/events/y.md",
        event("  - /events/\n").replace("Bad Event", "Other Event"),
    );
    let report = super::stdout(&site.iehp(&["check", "--now", super::NOW]));
    assert!(
        report.contains(
            "content/events/y.md:6:5: field \"aliases\": /events/ is the address of a page of the site"
        ),
        "{report}"
    );
    // Without aliases there is no _redirects file.
    std::fs::remove_file(site.root().join("content/events/x.md")).unwrap();
    std::fs::remove_file(site.root().join("content/events/y.md")).unwrap();
    site.build_ok();
    assert!(!site.exists("_redirects"));
}

#[test]
fn site_redirects_join_the_aliases_and_must_lead_to_a_page() {
    let site = super::Site::fixture("valid");
    let settings = std::fs::read_to_string(site.root().join("content/site.yaml")).unwrap();
    let with = |redirects: &str| format!("{settings}redirects:\n{redirects}");
    site.write(
        "content/site.yaml",
        with("  - from: /licensure-pathways/\n    to: /pathways/\n"),
    );
    site.build_ok();
    let redirects = site.read("_redirects");
    for rule in [
        "/licensure-pathways/  /pathways/  301\n",
        "/fr/licensure-pathways/  /fr/pathways/  301\n",
    ] {
        assert!(redirects.contains(rule), "{rule:?} missing from\n{redirects}");
    }
    // Sent nowhere: an error at the entry's line, and the previous output stays.
    site.write(
        "content/site.yaml",
        with("  - from: /licensure-pathways/\n    to: /pathway/\n"),
    );
    let out = site.build();
    assert!(!out.status.success());
    assert!(
        super::stderr(&out)
            .contains("content/site.yaml:17:5: field \"redirects\": /pathway/ is not a page of the site"),
        "{}",
        super::stderr(&out)
    );
    assert!(
        site.read("_redirects")
            .contains("/licensure-pathways/  /pathways/  301")
    );
    // From a page's own address: it would never redirect.
    site.write(
        "content/site.yaml",
        with("  - from: /events/\n    to: /pathways/\n"),
    );
    let out = site.build();
    assert!(
        super::stderr(&out).contains(
            "content/site.yaml:17:5: field \"redirects\": /events/ is the address of a page of the site"
        ),
        "{}",
        super::stderr(&out)
    );
}
