//! Integration tests: copy a fixture site to a temporary folder and run the real `iehp` binary.
//! One test binary: what readers get (cli/readers.rs), search (cli/search.rs) and the dev server
//! (cli/serve.rs) are modules of it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2025-09-01";

#[path = "cli/readers.rs"]
mod readers;

#[path = "cli/licensing.rs"]
mod licensing;

struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    /// A copy of `tests/fixtures/<name>`.
    fn fixture(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
            dir.path(),
        );
        Site { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> &Self {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    fn iehp(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_iehp"))
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("run iehp")
    }

    fn build(&self) -> Output {
        self.iehp(&["build", "--now", NOW])
    }

    fn build_ok(&self) -> String {
        let out = self.build();
        assert!(out.status.success(), "build failed:\n{}", stderr(&out));
        stdout(&out)
    }

    fn read(&self, rel: &str) -> String {
        let path = self.root().join("output").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn exists(&self, rel: &str) -> bool {
        self.root().join("output").join(rel).exists()
    }

    /// Copies the built-in theme into the site's `themes/default`, for tests that edit it.
    fn with_default_theme(&self) -> &Self {
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
            &self.root().join("themes/default"),
        );
        self
    }

    /// `iehp build` started and not waited for, its stderr piped.
    fn spawn_build(&self) -> std::process::Child {
        Command::new(env!("CARGO_BIN_EXE_iehp"))
            .args(["build", "--now", NOW])
            .current_dir(self.root())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run iehp")
    }

    /// What builds left beside the default output folder, sorted: the lock, and any staging
    /// or set-aside previous output (`.output.staging-*`, `.output.old-*`).
    fn beside_output(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".output."))
            .collect();
        names.sort();
        names
    }

    /// Waits (up to 30 s) until the previous outputs builds set aside are removed (a build hands
    /// its previous output to a remover in the background), and returns what is left beside the
    /// output folder.
    fn once_removed(&self) -> Vec<String> {
        let started = std::time::Instant::now();
        loop {
            let names = self.beside_output();
            if !names.iter().any(|n| n.contains(".old-")) || started.elapsed().as_secs() >= 30 {
                return names;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, relative path -> bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Every file of the site under `dir`, relative `/`-separated path -> bytes (without the marker
/// a build leaves to say the folder is one).
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .filter(|(p, _)| p != Path::new(iehp::output::MARKER))
        .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), b))
        .collect()
}

/// The test tiers: plain `cargo test` needs only the Rust toolchain. A test that drives an outside
/// tool (Java for the Nu Html Checker, node and the npm test tools, Chromium) asks here first:
/// when one is missing it says which on stderr and returns `false`, and the test stops there;
/// with `IEHP_FULL_TESTS=1` (scripts/test sets it, after installing them) a missing tool fails
/// the test instead. `files` are relative to the repository (or absolute); `commands` are looked
/// up on `PATH`.
fn tools_present(test: &str, files: &[&str], commands: &[&str]) -> bool {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let on_path = |cmd: &str| {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(cmd).is_file()))
    };
    let mut missing: Vec<String> = files
        .iter()
        .filter(|f| !root.join(f).exists())
        .map(|f| f.to_string())
        .collect();
    missing.extend(
        commands
            .iter()
            .filter(|c| !on_path(c))
            .map(|c| format!("`{c}` on PATH")),
    );
    if missing.is_empty() {
        return true;
    }
    let what = format!(
        "{test}: needs {} (install them with scripts/test, or `npm ci --prefix tests`)",
        missing.join(", ")
    );
    assert!(
        std::env::var_os("IEHP_FULL_TESTS").is_none_or(|v| v != "1"),
        "IEHP_FULL_TESTS=1, but {what}"
    );
    eprintln!("skipped: {what}");
    false
}

// ---- a valid site ----

#[test]
fn valid_site_gives_every_page_type() {
    let site = Site::fixture("valid");
    let out = site.build_ok();
    assert!(
        out.starts_with("built ") && out.contains(" pages ") && out.contains(" s\n"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "one summary line: {out}");
    for page in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "about/index.html",
        "portals/index.html",
        "portals/ontario-matching/index.html",
        "events/index.html",
        "events/summit-2025/index.html",
        "events/webinar-2024/index.html",
        "members/index.html",
        "members/nurses-network/index.html",
        "programs/index.html",
        "programs/bridging/index.html",
        "occupations/index.html",
        "occupations/31301/index.html",
        "occupations/31102/index.html",
        "provinces/index.html",
        "provinces/on/index.html",
        "provinces/ca/index.html",
        "provinces/qc/index.html",
        "draws/index.html",
        "fr/index.html",
        "fr/about/index.html",
        "fr/events/summit-2025/index.html",
        "fr/occupations/31301/index.html",
    ] {
        assert!(site.exists(page), "missing {page}");
    }
    assert!(
        !site.exists("programs/draft-program/index.html"),
        "drafts stay out"
    );
}

#[test]
fn item_pages_show_every_field_in_human_form() {
    let site = Site::fixture("valid");
    site.build_ok();
    let event = site.read("events/summit-2025/index.html");
    for text in [
        "Annual Summit 2025",
        "November 22, 2025, 9:30 AM – 1:00 PM EST",
        "Toronto, ON",
        "Example Institute",
        "Partner One",
        "https://example.org/register",
        "https://example.org/events",
        "June 26, 2025",
    ] {
        assert!(event.contains(text), "event page lacks {text:?}");
    }
    let fr = site.read("fr/events/summit-2025/index.html");
    assert!(
        fr.contains("22 novembre 2025, 9\u{a0}h\u{a0}30 – 13\u{a0}h (HNE)"),
        "French dates"
    );
    assert!(
        fr.contains("lang=\"en\""),
        "English-only text is marked as English under the French interface"
    );

    let program = site.read("programs/bridging/index.html");
    for text in [
        "Example College",
        "~50 per year",
        "loans",
        "mentorship",
        "September 30, 2021",
    ] {
        assert!(program.contains(text), "program page lacks {text:?}");
    }
    let member = site.read("members/nurses-network/index.html");
    for text in [
        "Montréal, QC",
        "~500",
        "exam preparation",
        "Example Host",
        "Quebec",
    ] {
        assert!(member.contains(text), "member page lacks {text:?}");
    }
    let about = site.read("about/index.html");
    assert!(about.contains("<table>") && about.contains("<del>b</del>") && about.contains("id=\"sources\""));
    assert!(about.contains("href=\"/provinces/on/\""));
    let about_fr = site.read("fr/about/index.html");
    assert!(
        about_fr.contains("href=\"/fr/provinces/on/\""),
        "links follow the language"
    );
}

#[test]
fn events_are_upcoming_or_past_against_now() {
    let site = Site::fixture("valid");
    site.write(
        "content/events/later-2025.md",
        "---\ntitle: Later Event\nprovince: ON\nstart: 2025-12-05\nformat: online\nsource: https://e.org\nreviewed: 2025-01-01\n---\n",
    );
    site.write(
        "content/events/older-2023.md",
        "---\ntitle: Older Event\nprovince: ON\nstart: 2023-02-01\nformat: online\nsource: https://e.org\nreviewed: 2023-01-01\n---\n",
    );
    site.build_ok();
    let list = site.read("events/index.html");
    let pos = |t: &str| list.find(t).unwrap_or_else(|| panic!("{t} not listed"));
    // Upcoming soonest first, then past newest first.
    assert!(pos("Annual Summit 2025") < pos("Later Event"));
    assert!(pos("Later Event") < pos("Webinar 2024"));
    assert!(pos("Webinar 2024") < pos("Older Event"));

    // The same content judged a year later: everything is past.
    let out = site.iehp(&["build", "--now", "2026-11-22"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list = site.read("events/index.html");
    let later = list.find("Later Event").unwrap();
    let summit = list.find("Annual Summit 2025").unwrap();
    assert!(later < summit, "past events newest first");
}

#[test]
fn occupation_and_province_pages_gather_what_names_them() {
    let site = Site::fixture("valid");
    site.build_ok();
    let nurses = site.read("occupations/31301/index.html");
    for text in [
        "Ontario Workforce Matching Portal",
        "Nurses Network",
        "Most applicants start",
        "OINP",
    ] {
        assert!(nurses.contains(text), "31301 page lacks {text:?}");
    }
    assert!(!nurses.contains("Bridging Program"));
    let on = site.read("provinces/on/index.html");
    for text in [
        "Ontario Workforce Matching Portal",
        "Bridging Program",
        "Nurses Network",
        "Webinar 2024",
    ] {
        assert!(on.contains(text), "Ontario page lacks {text:?}");
    }
    let draws = site.read("draws/index.html");
    assert!(draws.contains("2,104") && draws.contains("352–421"));
    // The draws as pictures drawn at build time, each with a text alternative, above the table
    // that keeps every number; its source shown by its site's name, the address in the link.
    let chart = draws.find("<svg viewBox=").expect("a chart on the draws page");
    assert!(chart < draws.find("<table").unwrap());
    assert!(draws.contains("<title id=\"chart-bars-t\">Invitations per health-targeted draw</title>"));
    assert!(draws.contains("<desc id=\"chart-bars-d\">A bar chart of the invitations each draw sent, from March 2024 to March 2024."));
    assert!(draws.contains("OINP: from 2,104 to 2,104 invitations per draw."));
    assert!(draws.contains("<rect class=\"bar series-0\""));
    assert!(draws.contains("<a href=\"https://example.org/oinp-2024-03-07\">example.org</a>"));
    let fr_draws = site.read("fr/draws/index.html");
    assert!(fr_draws.contains("<title id=\"chart-bars-t\">Invitations par tirage ciblant la santé</title>"));
    assert!(fr_draws.contains("de mars 2024 à mars 2024"));
    let provinces = site.read("provinces/index.html");
    assert!(provinces.contains("<title id=\"chart-rows-t\">Resources by province or territory</title>"));
    assert!(provinces.contains(">Ontario</text>"));
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.starts_with("<?xml"));
    assert!(sitemap.contains("<loc>https://hub.example.org/events/summit-2025/</loc>"));
    assert!(sitemap.contains("hreflang=\"fr\""));
    assert!(!sitemap.contains("404"));
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://hub.example.org/sitemap.xml")
    );
}

#[test]
fn drafts_flag_and_base_url_override() {
    let site = Site::fixture("valid");
    let out = site.iehp(&[
        "build",
        "--now",
        NOW,
        "--drafts",
        "--base-url",
        "https://preview.example.net/hub/",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.exists("programs/draft-program/index.html"));
    let page = site.read("programs/draft-program/index.html");
    assert!(
        page.contains("https://preview.example.net/hub/programs/draft-program/"),
        "canonical uses the override"
    );
    assert!(
        page.contains("href=\"/hub/assets/style."),
        "asset links follow the base path"
    );
}

#[test]
fn hidden_editor_and_gitignored_files_are_skipped() {
    let site = Site::fixture("valid");
    site.write(".gitignore", "content/events/ignored-*.md\n");
    site.write("content/events/ignored-by-git.md", "---\ntitle: [broken\n");
    site.write("content/events/.summit-2025.md.swp", "\u{0}\u{1}binary");
    site.write("content/events/summit-2025.md~", "not front matter");
    site.write("content/events/#summit-2025.md#", "not front matter");
    site.build_ok();
    assert!(!site.exists("events/ignored-by-git/index.html"));
}

#[test]
fn a_root_with_only_content_uses_the_built_in_theme() {
    let site = Site::fixture("valid");
    assert!(!site.root().join("themes").exists());
    site.build_ok();
    assert!(site.read("index.html").contains("Test Hub"));
}

#[test]
fn two_builds_are_byte_identical() {
    let site = Site::fixture("valid");
    let a = site.root().join("a");
    let b = site.root().join("b");
    for out in [&a, &b] {
        let o = site.iehp(&["build", "--now", NOW, "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (sa, sb) = (snapshot(&a), snapshot(&b));
    assert!(sa.len() > 40, "{} files", sa.len());
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (path, bytes) in &sa {
        assert!(bytes == &sb[path], "{} differs between builds", path.display());
    }
}

// ---- bad input ----

/// Builds with one extra file and expects failure with each `expected` line in stderr.
#[track_caller]
fn bad(rel: &str, content: &[u8], expected: &[&str]) {
    let site = Site::fixture("valid");
    site.write(rel, content);
    let out = site.build();
    let err = stderr(&out);
    assert!(!out.status.success(), "build of {rel} should fail");
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
    assert!(!site.exists("index.html"), "nothing is written on failure");
}

const EVENT_HEAD: &str = "---\ntitle: Bad Event\nprovince: ON\n";
const EVENT_TAIL: &str = "format: online\nsource: https://e.org\nreviewed: 2025-01-01\n---\n";

#[test]
fn bad_date_names_file_line_column_and_field() {
    bad(
        "content/events/x.md",
        format!("{EVENT_HEAD}start: next tuesday\n{EVENT_TAIL}").as_bytes(),
        &[
            "content/events/x.md:4:8: field \"start\": expected a date like 2025-06-26 or 2025-06-26T10:00:00-04:00, found \"next tuesday\"",
        ],
    );
}

#[test]
fn unknown_field_suggests_a_name() {
    bad(
        "content/members/x.md",
        b"---\ntitle: X\nprovince: ON\nloction: Toronto\nsource: https://e.org\nreviewed: 2025-01-01\n---\n",
        &[
            "content/members/x.md:4:1: unknown field \"loction\" (did you mean `location`?)",
            "content/members/x.md:1:1: missing required field \"location\"",
        ],
    );
}

#[test]
fn dangling_noc_code_is_reported_at_its_item() {
    bad(
        "content/portals/x.md",
        b"---\ntitle: X\nprovince: ON\nprofessions:\n  - \"31301\"\n  - \"99999\"\nurl: https://e.org\noperator: Y\nstatus: open\nsource: https://e.org\nreviewed: 2025-01-01\n---\n",
        &["content/portals/x.md:6:5: field \"professions\": NOC code \"99999\" is not in content/data/noc.yaml"],
    );
}

#[test]
fn event_ending_before_it_starts() {
    bad(
        "content/events/x.md",
        format!("{EVENT_HEAD}start: 2025-06-26\nend: 2025-06-25\n{EVENT_TAIL}").as_bytes(),
        &["content/events/x.md:5:6: field \"end\": the event ends before it starts"],
    );
}

#[test]
fn unsafe_and_duplicate_slugs() {
    bad(
        "content/events/x.md",
        format!("{EVENT_HEAD}slug: ../../etc\nstart: 2025-06-26\n{EVENT_TAIL}").as_bytes(),
        &[
            "content/events/x.md:4:7: field \"slug\": the slug \"../../etc\" must be lowercase letters, digits and dashes",
        ],
    );
    bad(
        "content/events/Bad_Name.md",
        format!("{EVENT_HEAD}start: 2025-06-26\n{EVENT_TAIL}").as_bytes(),
        &["content/events/Bad_Name.md: file name: the slug \"Bad_Name\""],
    );
    bad(
        "content/events/copy.md",
        format!("{EVENT_HEAD}slug: summit-2025\nstart: 2025-06-26\n{EVENT_TAIL}").as_bytes(),
        &[
            "content/events/copy.md:4:7: the slug \"summit-2025\" is already used by content/events/summit-2025.md",
        ],
    );
    bad(
        "content/pages/events.md",
        b"---\ntitle: Events\nreviewed: 2025-01-01\n---\n",
        &["content/pages/events.md: the page slug \"events\" would clash"],
    );
}

#[test]
fn broken_files_get_a_message_not_a_panic() {
    bad(
        "content/events/empty.md",
        b"",
        &["content/events/empty.md:1:1: the file is empty"],
    );
    bad(
        "content/events/latin1.md",
        b"---\ntitle: Caf\xe9\n---\n",
        &["content/events/latin1.md:2:11: the file is not UTF-8 text"],
    );
    bad(
        "content/events/open.md",
        b"---\ntitle: Never closed\nprovince: ON\n",
        &["content/events/open.md:1:1: the front matter opened on line 1 is never closed"],
    );
    bad(
        "content/events/syntax.md",
        b"---\ntitle: X\nprovince: [ON\n---\n",
        &["content/events/syntax.md:", "YAML syntax"],
    );
    bad(
        "content/events/nofm.md",
        b"Just text\n",
        &["content/events/nofm.md:1:1: expected the file to start with a --- line"],
    );
}

#[test]
fn alias_bomb_is_refused_quickly() {
    let mut yaml =
        String::from("---\ntitle: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
    let mut prev = "a".to_string();
    for n in 0..12 {
        let name = format!("b{n}");
        let refs = vec![format!("*{prev}"); 10].join(",");
        yaml.push_str(&format!("f{n}: &{name} [{refs}]\n"));
        prev = name;
    }
    yaml.push_str("---\n");
    let started = std::time::Instant::now();
    bad(
        "content/events/bomb.md",
        yaml.as_bytes(),
        &["content/events/bomb.md:", "repetition limit"],
    );
    // Generous bound: an expanded bomb would take minutes and gigabytes, not seconds.
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn crlf_and_bom_are_accepted() {
    let site = Site::fixture("valid");
    site.write(
        "content/events/windows.md",
        b"\xEF\xBB\xBF---\r\ntitle: Windows Event\r\nprovince: ON\r\nstart: 2025-06-26\r\nformat: online\r\nsource: https://e.org\r\nreviewed: 2025-01-01\r\n---\r\nBody\r\n",
    );
    site.build_ok();
    assert!(site.read("events/windows/index.html").contains("Windows Event"));
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let site = Site::fixture("valid");
    site.write(
        "content/events/a.md",
        format!("{EVENT_HEAD}start: someday\n{EVENT_TAIL}"),
    );
    site.write("content/portals/b.md", "---\ntitle: B\nprovince: XX\n---\n");
    site.write(
        "content/data/noc.yaml",
        "- code: \"3130\"\n  title: Short\n  teer: 9\n",
    );
    let out = site.build();
    let err = stderr(&out);
    assert!(!out.status.success());
    for e in [
        "content/events/a.md:4:8: field \"start\"",
        "content/portals/b.md:3:11: field \"province\": expected one of CA, AB",
        "content/portals/b.md:1:1: missing required field \"operator\"",
        "content/data/noc.yaml:1:9: field \"code\"",
        "content/data/noc.yaml:3:9: field \"teer\": expected a whole number from 0 to 5, found 9",
    ] {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
    assert!(err.trim_end().ends_with("nothing was written"), "{err}");
}

#[test]
fn bad_site_yaml() {
    bad(
        "content/site.yaml",
        b"title: X\nbase_url: not a url\n",
        &["content/site.yaml:2:11: field \"base_url\""],
    );
    let site = Site::fixture("valid");
    std::fs::remove_file(site.root().join("content/site.yaml")).unwrap();
    let out = site.build();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("content/site.yaml: not found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_now_and_root_are_usage_errors() {
    let site = Site::fixture("valid");
    let out = site.iehp(&["build", "--now", "tomorrow"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("expected a date like 2025-06-26"));
    let out = site.iehp(&["build", "--root", "no-such-folder"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no-such-folder is not a folder"));
}

#[test]
fn template_error_names_template_file_and_line() {
    let site = Site::fixture("valid");
    site.with_default_theme().build_ok();
    let path = "themes/default/templates/404.html";
    let original = std::fs::read_to_string(site.root().join(path)).unwrap();
    let broken = original.replacen("{% block content", "{% if %}\n{% block content", 1);
    assert_ne!(original, broken, "404.html has a content block");
    site.write(path, &broken);
    let out = site.build();
    let err = stderr(&out);
    assert!(!out.status.success());
    let line = original
        .lines()
        .position(|l| l.contains("{% block content"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("{path}:{line}:")),
        "expected {path}:{line}: in\n{err}"
    );

    // A variable that does not exist fails at render time, naming the template too.
    let broken = original.replacen("{% block content %}", "{% block content %}{{ no_such_value }}", 1);
    site.write(path, &broken);
    let err = stderr(&site.build());
    assert!(err.contains(&format!("{path}:")), "{err}");
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = Site::fixture("valid");
    site.build_ok();
    let before = snapshot(&site.root().join("output"));
    site.write(
        "content/events/x.md",
        format!("{EVENT_HEAD}start: nope\n{EVENT_TAIL}"),
    );
    assert!(!site.build().status.success());
    assert_eq!(
        snapshot(&site.root().join("output")),
        before,
        "output changed after a failed build"
    );
    // Template failures happen after loading; they must not touch the output either.
    std::fs::remove_file(site.root().join("content/events/x.md")).unwrap();
    site.with_default_theme().write(
        "themes/default/templates/item.html",
        "{% extends \"base.html\" %}{% block content %}{{ missing.value }}{% endblock content %}",
    );
    assert!(!site.build().status.success());
    assert_eq!(snapshot(&site.root().join("output")), before);
    assert_eq!(site.beside_output(), [".output.lock"]);
}

#[test]
fn output_folder_that_is_not_a_build_is_refused() {
    let site = Site::fixture("valid");
    site.write("precious/notes.txt", "keep me");
    let out = site.iehp(&["build", "--now", NOW, "--out", "precious"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("is not an iehp build"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(site.root().join("precious/notes.txt")).unwrap(),
        "keep me"
    );
    let out = site.iehp(&["build", "--now", NOW, "--out", "."]);
    assert!(!out.status.success(), "building over the site itself is refused");
    assert!(site.root().join("content/site.yaml").exists());
}

// ---- check, new, help ----

#[test]
fn check_validates_and_writes_nothing() {
    let site = Site::fixture("valid");
    let out = site.iehp(&["check", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("0 errors"), "{}", stdout(&out));
    assert!(!site.root().join("output").exists());
    site.write(
        "content/events/x.md",
        format!("{EVENT_HEAD}start: nope\n{EVENT_TAIL}"),
    );
    let out = site.iehp(&["check"]);
    assert!(!out.status.success());
    assert!(stdout(&out).contains("content/events/x.md:4:8"));
}

#[test]
fn new_writes_every_required_field_ready_to_fill() {
    let site = Site::fixture("valid");
    let out = site.iehp(&["new", "events", "Job Fair: Spring 2026"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("content/events/job-fair-spring-2026.md"));
    let text = std::fs::read_to_string(site.root().join("content/events/job-fair-spring-2026.md")).unwrap();
    for field in [
        "title:",
        "province:",
        "start:",
        "format:",
        "location:",
        "source:",
        "reviewed:",
    ] {
        assert!(text.contains(field), "{field} missing from\n{text}");
    }
    // Until filled in, check names each empty required field.
    let err = stdout(&site.iehp(&["check"]));
    for field in [
        "\"province\"",
        "\"start\"",
        "\"format\"",
        "\"source\"",
        "\"reviewed\"",
    ] {
        assert!(err.contains(field), "{field} not reported:\n{err}");
    }
    // Writing the same title again refuses to overwrite.
    let again = site.iehp(&["new", "events", "Job Fair: Spring 2026"]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("already exists"));
    let bad = site.iehp(&["new", "eventz", "X"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("unknown collection"));
}

#[test]
fn every_command_has_help() {
    let site = Site::fixture("valid");
    for args in [
        vec!["--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
        vec!["new", "--help"],
    ] {
        let out = site.iehp(&args);
        assert!(out.status.success(), "{args:?}");
        assert!(stdout(&out).contains("Usage: iehp"), "{args:?}");
    }
    let help = stdout(&site.iehp(&["build", "--help"]));
    for flag in ["--root", "--out", "--base-url", "--drafts", "--now"] {
        assert!(help.contains(flag), "{flag}");
    }
}

// ---- valid HTML ----

/// Runs the Nu Html Checker over every HTML page of builds of the fixtures (the hub's own pages
/// are checked with its content, by tests/hub-pages.sh).
#[test]
fn every_page_type_is_valid_html() {
    const VNU: &str = "tests/node_modules/vnu-jar/build/dist/vnu.jar";
    if !tools_present("the Nu Html Checker", &[VNU], &["java"]) {
        return;
    }
    let jar = Path::new(env!("CARGO_MANIFEST_DIR")).join(VNU);
    let site = Site::fixture("valid");
    site.build_ok();
    let pathways = Site::fixture("pathways");
    pathways.build_ok();
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html", "--format", "gnu"])
        .arg(site.root().join("output"))
        .arg(pathways.root().join("output"))
        .output()
        .expect("java runs the Nu Html Checker");
    let report = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        out.status.success() && report.trim().is_empty(),
        "invalid HTML:\n{report}"
    );
}

// ---- iehp check: links, freshness, annotations ----

const LINKS_PAGE: &str = "---\ntitle: Links\nreviewed: 2025-08-01\n---\n\nIntro.\n\n[gone](/nowhere/) and [anchor](/about/#missing)\n\n[fine](/about/#sources) [self](#also-missing) [ext](https://example.org/)\n";

#[test]
fn check_finds_broken_links_and_fragments_at_their_lines() {
    let site = Site::fixture("valid");
    site.write("content/pages/links.md", LINKS_PAGE);
    let out = site.iehp(&["check", "--now", NOW]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}\n{}", stderr(&out));
    for e in [
        "content/pages/links.md:8:1: broken link \"/nowhere/\": no such page or file in the built site",
        "content/pages/links.md:8:23: broken link \"/about/#missing\": the page /about/ has no #missing anchor",
        "content/pages/links.md:10:25: broken link \"#also-missing\"",
    ] {
        assert!(text.contains(e), "expected {e:?} in:\n{text}");
    }
    // The English about page has #sources; the French one does not, and the French site shows
    // this English-only page with links into the French pages.
    assert!(
        !text.contains("\"/about/#sources\": "),
        "a good fragment is not reported:\n{text}"
    );
    assert!(
        text.contains("content/pages/links.md:10:1: broken link \"/about/#sources\" (on the fr site): the page /fr/about/ has no #sources anchor"),
        "{text}"
    );
    assert_eq!(
        text.matches("\"/nowhere/\"").count(),
        1,
        "reported once, not once per language:\n{text}"
    );
    assert!(
        !text.contains("(from the theme's templates)"),
        "no duplicate report from the page:\n{text}"
    );
    assert!(!site.root().join("output").exists(), "check writes nothing");
}

#[test]
fn check_passes_a_clean_site_and_strict_fails_on_warnings() {
    let site = Site::fixture("valid");
    let out = site.iehp(&["check", "--now", NOW]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}\n{}", stderr(&out));
    assert!(text.contains("0 errors"), "{text}");
    // The fixture's portal facts are from 2020: a stale warning at the `reviewed` line.
    assert!(
        text.contains("content/portals/ontario-matching.md:10:11: warning: field \"reviewed\""),
        "{text}"
    );
    assert!(
        !text.contains("webinar-2024.md:5:8: note: past event"),
        "a past event with a recording gets no note:\n{text}"
    );
    let strict = site.iehp(&["check", "--now", NOW, "--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(stderr(&strict).contains("(--strict)"));
}

#[test]
fn check_notes_each_item_with_no_french_version_and_counts_them() {
    let site = Site::fixture("valid");
    let text = stdout(&site.iehp(&["check", "--now", NOW]));
    assert!(
        text.contains("content/members/nurses-network.md:1:1: note: no version in French: "),
        "{text}"
    );
    assert!(
        text.contains("add 31301.fr.md beside it"),
        "an occupation note counts too:\n{text}"
    );
    let before = text
        .lines()
        .filter(|l| l.contains("note: no version in French"))
        .count();
    assert!(
        text.trim_end()
            .ends_with(&format!("; {before} files with no version in another language")),
        "{text}"
    );
    site.write(
        "content/members/nurses-network.fr.md",
        std::fs::read_to_string(site.root().join("content/members/nurses-network.md")).unwrap(),
    );
    let text = stdout(&site.iehp(&["check", "--now", NOW]));
    assert!(
        !text.contains("nurses-network.md:1:1: note: no version"),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with(&format!(
            "; {} files with no version in another language",
            before - 1
        )),
        "{text}"
    );
}

#[test]
fn check_warns_when_a_hash_cuts_a_value_short() {
    let site = Site::fixture("valid");
    site.write(
        "content/events/webinar-3.md",
        "---\ntitle: Webinar #3\nprovince: ON\nstart: 2025-10-01\nformat: online\nsource: https://e.org\nreviewed: 2025-08-01\n---\n",
    );
    site.write(
        "content/data/draws.yaml",
        format!(
            "{}\n# a comment of its own is fine\n",
            std::fs::read_to_string(site.root().join("content/data/draws.yaml")).unwrap()
        ),
    );
    let out = site.iehp(&["check", "--now", NOW]);
    let text = stdout(&out);
    assert!(out.status.success(), "valid YAML, so not an error:\n{text}");
    assert!(
        text.contains(
            "content/events/webinar-3.md:2:16: warning: field \"title\": YAML reads \"#3\" as a comment, so the value is \"Webinar\"; if it belongs to the value, put the whole value in quotes (\"Webinar #3\")"
        ),
        "{text}"
    );
    assert_eq!(text.matches("as a comment").count(), 1, "{text}");
    // The build takes the value as YAML reads it.
    site.build_ok();
    assert!(
        site.read("events/webinar-3/index.html")
            .contains("<h1>Webinar</h1>")
    );
}

#[test]
fn check_warns_about_likely_duplicates_and_missing_recordings() {
    let site = Site::fixture("valid");
    site.write(
        "content/portals/copy.md",
        "---\ntitle: Ontario workforce matching portal\nprovince: ON\nurl: https://example.org/portal/\noperator: X\nstatus: open\nsource: https://e.org\nreviewed: 2025-08-01\n---\n",
    );
    site.write(
        "content/events/old-talk.md",
        "---\ntitle: Old Talk\nprovince: ON\nstart: 2024-02-01\nformat: online\nsource: https://e.org\nreviewed: 2025-08-01\n---\n",
    );
    let text = stdout(&site.iehp(&["check", "--now", NOW]));
    assert!(
        text.contains("content/portals/copy.md:2:8: warning: likely duplicate: content/portals/ontario-matching.md has nearly the same title"),
        "{text}"
    );
    assert!(
        text.contains("content/portals/copy.md:4:6: warning: likely duplicate: content/portals/ontario-matching.md has the same address"),
        "{text}"
    );
    assert!(
        text.contains("content/events/old-talk.md:4:8: note: past event without a recording_url"),
        "{text}"
    );
}

#[test]
fn check_github_format_puts_each_problem_on_its_line() {
    let site = Site::fixture("valid");
    site.write("content/pages/links.md", LINKS_PAGE);
    site.write(
        "content/events/x.md",
        format!("{EVENT_HEAD}start: nope\n{EVENT_TAIL}"),
    );
    let out = site.iehp(&["check", "--now", NOW, "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    // Content errors stop the build, so they are what is annotated.
    assert!(
        text.contains("::error file=content/events/x.md,line=4,col=8::field \"start\": expected a date like 2025-06-26 or 2025-06-26T10:00:00-04:00, found \"nope\"\n"),
        "{text}"
    );
    std::fs::remove_file(site.root().join("content/events/x.md")).unwrap();
    let text = stdout(&site.iehp(&["check", "--now", NOW, "--format", "github"]));
    assert!(
        text.contains("::error file=content/pages/links.md,line=8,col=1::broken link \"/nowhere/\": no such page or file in the built site\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "::warning file=content/portals/ontario-matching.md,line=10,col=11::field \"reviewed\""
        ),
        "{text}"
    );
    for line in text.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice ")
                || line.contains("pages checked"),
            "not an annotation: {line}"
        );
    }
}

/// A local HTTP server for the outside-link checker: `/ok` 200, `/gone` 404, `/moved` 301.
fn link_server() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", server.server_addr().to_ip().unwrap());
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            counter.fetch_add(1, Ordering::SeqCst);
            let resp = match req.url() {
                "/ok" => tiny_http::Response::from_string("ok").with_status_code(200),
                "/moved" => tiny_http::Response::from_string("")
                    .with_status_code(301)
                    .with_header(tiny_http::Header::from_bytes("Location", "/ok").unwrap()),
                _ => tiny_http::Response::from_string("no").with_status_code(404),
            };
            let _ = req.respond(resp);
        }
    });
    (addr, hits)
}

#[test]
fn check_external_reports_dead_and_moved_links_and_caches_results() {
    use std::sync::atomic::Ordering;
    let (addr, hits) = link_server();
    let site = Site::fixture("valid");
    site.write(
        "content/portals/local.md",
        format!(
            "---\ntitle: Local Portal\nprovince: ON\nurl: {addr}/gone\noperator: X\nstatus: open\nsource: {addr}/moved\nreviewed: 2025-08-01\n---\n\nSee [this]({addr}/ok).\n"
        ),
    );
    let cache = site.root().join("links-cache.json");
    let run = || {
        site.iehp(&[
            "check",
            "--now",
            NOW,
            "--external",
            "--cache",
            cache.to_str().unwrap(),
        ])
    };
    let out = run();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "content/portals/local.md:4:6: {addr}/gone is gone (404)"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "content/portals/local.md:7:9: warning: {addr}/moved redirects (301) to {addr}/ok"
        )),
        "{text}"
    );
    assert!(!text.contains(&format!("{addr}/ok is")), "{text}");
    let cached = std::fs::read_to_string(&cache).unwrap();
    assert!(
        cached.contains(&format!("{addr}/gone")) && cached.contains("\"status\": 404"),
        "{cached}"
    );
    // A second run within the cache's lifetime asks the server nothing and says the same.
    let before = hits.load(Ordering::SeqCst);
    let again = run();
    assert_eq!(hits.load(Ordering::SeqCst), before, "cached results are reused");
    assert_eq!(stdout(&again), text);
}

#[test]
fn next_change_says_when_the_site_changes_by_itself() {
    let site = Site::fixture("valid");
    site.build_ok();
    let next = site.read("next-change.json");
    assert!(next.contains("\"built_for\": \"2025-09-01\""), "{next}");
    // The fixture's network and program have facts from 2021-09-30: four years later (the
    // default archive_after_months) they move to the archive, before the summit (ending
    // 2025-11-22) becomes a past event. Of the two, the reason written first is kept.
    assert!(next.contains("\"next_change\": \"2025-10-01\""), "{next}");
    assert!(next.contains("nurses-network.md moves to the archive"), "{next}");
    site.write(
        "content/site.yaml",
        std::fs::read_to_string(site.root().join("content/site.yaml")).unwrap()
            + "archive_after_months: 120\n",
    );
    site.build_ok();
    let next = site.read("next-change.json");
    assert!(next.contains("\"next_change\": \"2025-11-23\""), "{next}");
    assert!(next.contains("summit-2025.md becomes a past event"), "{next}");
}

// ---- publishing: Netlify configuration and what the pages load ----

#[test]
fn netlify_config_parses_and_its_csp_allows_everything_pages_load() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("netlify.toml")).unwrap();
    let config: toml::Table = toml::from_str(&text).expect("netlify.toml parses");
    assert_eq!(config["build"]["publish"].as_str(), Some("output"));
    for ctx in ["production", "deploy-preview"] {
        assert!(
            config["context"][ctx]["command"]
                .as_str()
                .unwrap()
                .contains("--base-url"),
            "{ctx}"
        );
    }
    assert!(
        config["context"]["deploy-preview"]["command"]
            .as_str()
            .unwrap()
            .contains("--drafts")
    );
    let headers = config["headers"].as_array().unwrap();
    let all = headers.iter().find(|h| h["for"].as_str() == Some("/*")).unwrap();
    let values = all["values"].as_table().unwrap();
    for h in [
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Permissions-Policy",
    ] {
        assert!(values.contains_key(h), "{h}");
    }
    let csp = values["Content-Security-Policy"].as_str().unwrap();
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    for directive in ["script-src 'self'", "style-src 'self'", "default-src 'self'"] {
        assert!(csp.contains(directive), "{directive}");
    }
    let assets = headers
        .iter()
        .find(|h| h["for"].as_str() == Some("/assets/*"))
        .unwrap();
    assert!(
        assets["values"]["Cache-Control"]
            .as_str()
            .unwrap()
            .contains("immutable")
    );

    // Every page kind, built: each loads only same-site scripts and styles, none inline.
    let (site, licensing) = (Site::fixture("valid"), Site::fixture("pathways"));
    site.build_ok();
    licensing.build_ok();
    let mut pages = 0;
    let built = [site.root().join("output"), licensing.root().join("output")];
    for (path, bytes) in built.iter().flat_map(|dir| snapshot(dir)) {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).unwrap();
        let lower = html.to_lowercase();
        assert!(!lower.contains("<style"), "{}: inline <style>", path.display());
        assert!(
            !lower.contains(" style="),
            "{}: inline style attribute",
            path.display()
        );
        for (i, _) in lower.match_indices("<script") {
            let tag = &lower[i..i + lower[i..].find('>').unwrap()];
            let data_block = tag.contains("type=\"application/ld+json\"");
            assert!(
                tag.contains(" src=") || data_block,
                "{}: inline script {tag}",
                path.display()
            );
            if !data_block {
                assert!(
                    tag.contains("src=\"/"),
                    "{}: script from elsewhere: {tag}",
                    path.display()
                );
            }
        }
        for attr in [" on", "javascript:"] {
            let bad = lower.match_indices(attr).any(|(i, _)| {
                let rest = &lower[i + attr.len()..];
                attr == "javascript:"
                    || rest
                        .split(|c: char| !c.is_ascii_alphabetic())
                        .next()
                        .is_some_and(|w| !w.is_empty() && rest[w.len()..].starts_with('='))
            });
            assert!(
                !bad,
                "{}: inline event handler or javascript: URL",
                path.display()
            );
        }
        for (i, _) in lower.match_indices("<link") {
            let tag = &lower[i..i + lower[i..].find('>').unwrap()];
            if tag.contains("rel=\"stylesheet\"") {
                assert!(
                    tag.contains("href=\"/"),
                    "{}: stylesheet from elsewhere: {tag}",
                    path.display()
                );
            }
        }
        for (i, _) in lower.match_indices("<img") {
            let tag = &lower[i..i + lower[i..].find('>').unwrap()];
            assert!(
                tag.contains("src=\"/") || tag.contains("src=\"data:"),
                "{}: image from elsewhere",
                path.display()
            );
        }
    }
    assert!(pages > 100, "{pages} pages");
}

#[test]
fn check_only_shows_warnings_for_the_given_files() {
    let site = Site::fixture("valid");
    let out = site.iehp(&["check", "--now", NOW, "--only", "content/programs/bridging.md"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("content/programs/bridging.md:11:11: warning"),
        "{text}"
    );
    assert!(!text.contains("content/portals/ontario-matching.md"), "{text}");
    assert!(text.contains("about other files not shown"), "{text}");
}
#[path = "cli/search.rs"]
mod search;

#[path = "cli/serve.rs"]
mod serve;

#[path = "cli/publish.rs"]
mod publish;

#[path = "cli/reliability.rs"]
mod reliability;

#[path = "cli/editors.rs"]
mod editors;

/// Editors link to an item by its file; the page shows the item's address in each language,
/// `check` finds the link whole, and a link to a file that does not exist stops the build at
/// its line with the nearest name.
#[test]
fn links_to_content_files_become_item_addresses_and_a_wrong_one_is_named_at_its_line() {
    let site = Site::fixture("valid");
    let network = "content/members/nurses-network.md";
    let text = std::fs::read_to_string(site.root().join(network)).unwrap();
    site.write(
        network,
        format!(
            "{text}\nSee [the bridging program](@/programs/bridging.md) and https://www.cno.org/apply.\n"
        ),
    );
    site.build_ok();
    let page = site.read("members/nurses-network/index.html");
    assert!(
        page.contains("<a href=\"/programs/bridging/\">the bridging program</a>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"https://www.cno.org/apply\">cno.org</a>."),
        "{page}"
    );
    assert!(
        site.read("fr/members/nurses-network/index.html")
            .contains("<a href=\"/fr/programs/bridging/\">the bridging program</a>")
    );
    let out = site.iehp(&["check", "--now", NOW]);
    let report = stdout(&out);
    assert!(
        report.lines().any(|l| l.starts_with("0 errors")) && !report.contains("broken link"),
        "{report}"
    );

    let broken = std::fs::read_to_string(site.root().join(network))
        .unwrap()
        .replace("@/programs/bridging.md", "@/programs/bridgin.md");
    site.write(network, broken.as_bytes());
    let line = broken
        .lines()
        .position(|l| l.contains("@/programs/bridgin.md"))
        .unwrap()
        + 1;
    let out = site.build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{network}:{line}:5: link \"@/programs/bridgin.md\": no file content/programs/bridgin.md; did you mean @/programs/bridging.md?"
        )),
        "{err}"
    );
}
