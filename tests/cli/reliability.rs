//! Nothing lost, nothing run that an editor did not mean: the output folder is replaced only
//! when it is a build (never through a link, never content or a theme), builds into one folder
//! take turns, killed builds' leftovers go, and hostile bodies, caches and file names fail safe.

use super::*;

#[cfg(unix)]
#[test]
fn a_symlinked_output_is_refused_and_its_target_untouched() {
    let site = Site::fixture("valid");
    let www = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("precious.html"), "keep me").unwrap();
    std::fs::write(www.path().join("index.html"), "looks like a site").unwrap();
    std::os::unix::fs::symlink(www.path(), site.root().join("output")).unwrap();
    let out = site.build();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is a symbolic link"), "{err}");
    assert!(err.contains("--out"), "says what to do instead: {err}");
    assert_eq!(
        std::fs::read_to_string(www.path().join("precious.html")).unwrap(),
        "keep me"
    );
    assert_eq!(std::fs::read_dir(www.path()).unwrap().count(), 2);
    // Building into the real folder is the way: refused too, since it is not a build.
    let real = site.iehp(&["build", "--now", NOW, "--out", www.path().to_str().unwrap()]);
    assert!(!real.status.success());
    assert!(www.path().join("precious.html").exists());
}

#[test]
fn out_never_replaces_content_or_the_theme_even_with_an_index_html() {
    let site = Site::fixture("valid");
    site.with_default_theme();
    site.write("content/index.html", "<p>an editor's file</p>");
    site.write("themes/default/static/index.html", "<p>a theme file</p>");
    site.write("notes/index.html", "<p>someone's notes</p>");
    let before = snapshot(site.root());
    for out in [
        "content",
        "content/events",
        "themes/default/static",
        "themes",
        "notes",
    ] {
        let o = site.iehp(&["build", "--now", NOW, "--out", out]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "--out {out}: {err}");
        assert!(err.contains("refusing"), "--out {out}: {err}");
    }
    assert_eq!(snapshot(site.root()), before, "nothing changed");
    // A folder a build made is replaced by the next build.
    let o = site.iehp(&["build", "--now", NOW, "--out", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.root().join("site").join(".iehp-build").is_file());
    let o = site.iehp(&["build", "--now", NOW, "--out", "site"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn leftovers_of_killed_builds_are_removed_by_the_next_build() {
    let site = Site::fixture("valid");
    for stale in [".output.staging-1", ".output.old-7-18c2-0"] {
        site.write(&format!("{stale}/events/index.html"), "half a build");
    }
    site.build_ok();
    assert_eq!(site.beside_output(), [".output.lock"]);
    let ignore = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".gitignore")).unwrap();
    assert!(
        ignore.lines().any(|l| l == "/.output.*"),
        "the repository ignores them"
    );
}

#[cfg(unix)]
#[test]
fn a_build_waits_while_another_holds_the_output_folder() {
    let site = Site::fixture("valid");
    site.build_ok();
    let out = site.root().join("output");
    let lock = iehp::output::OutputLock::take(&out).unwrap();
    let mut child = site.spawn_build();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the second build waits for the first"
    );
    drop(lock);
    let done = child.wait_with_output().unwrap();
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(
        stderr(&done).contains("waiting for another build into"),
        "{}",
        stderr(&done)
    );
}

#[test]
fn concurrent_builds_into_one_folder_give_one_whole_build() {
    let site = Site::fixture("valid");
    let reference = site.root().join("reference");
    let o = site.iehp(&["build", "--now", NOW, "--out", "reference"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let children: Vec<_> = (0..4).map(|_| site.spawn_build()).collect();
    for child in children {
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(snapshot(&site.root().join("output")), snapshot(&reference));
    assert_eq!(site.once_removed(), [".output.lock", ".output.previous"]);
}

/// A folder outside the site with a file in it, and links to both planted at `at`.
#[cfg(unix)]
fn links_out_of(at: &Path) -> tempfile::TempDir {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("precious.html"), "keep me").unwrap();
    std::fs::create_dir_all(at).unwrap();
    std::os::unix::fs::symlink(outside.path(), at.join("a-folder-elsewhere")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("precious.html"), at.join("a-file-elsewhere")).unwrap();
    outside
}

#[cfg(unix)]
#[track_caller]
fn untouched(outside: &tempfile::TempDir) {
    assert_eq!(
        std::fs::read_to_string(outside.path().join("precious.html")).unwrap(),
        "keep me"
    );
}

#[cfg(unix)]
#[test]
fn the_previous_output_is_kept_and_reused_and_links_in_it_are_never_followed() {
    let site = Site::fixture("valid");
    site.build_ok();
    let first = snapshot(&site.root().join("output"));
    let outside = links_out_of(&site.root().join("output/events"));
    // Links where the next builds write a folder and a page.
    std::fs::remove_dir_all(site.root().join("output/fr")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root().join("output/fr")).unwrap();
    std::fs::remove_file(site.root().join("output/index.html")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("precious.html"),
        site.root().join("output/index.html"),
    )
    .unwrap();
    let o = site.iehp(&["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(snapshot(&site.root().join("output")), first);
    // The output it replaced, links and all, is kept as the spare the next build reuses.
    assert_eq!(site.beside_output(), [".output.lock", ".output.previous"]);
    assert!(
        site.root()
            .join(".output.previous/events/a-file-elsewhere")
            .is_symlink()
    );
    let o = site.iehp(&["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Rebuilt in place, it is the same build as a new folder would be: the links are gone,
    // nothing was written through them.
    assert_eq!(snapshot(&site.root().join("output")), first);
    assert!(!site.root().join("output/fr").is_symlink());
    assert!(!site.root().join("output/index.html").is_symlink());
    untouched(&outside);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
    assert_eq!(site.beside_output(), [".output.lock", ".output.previous"]);
}

#[cfg(unix)]
#[test]
fn a_spare_name_that_is_not_a_build_is_left_alone_and_the_previous_output_removed_in_the_background() {
    let site = Site::fixture("valid");
    site.write(".output.previous/notes.txt", "mine, not a build");
    let outside = links_out_of(&site.root().join(".output.previous"));
    site.build_ok();
    let first = snapshot(&site.root().join("output"));
    let outside_output = links_out_of(&site.root().join("output/events"));
    let o = site.iehp(&["build", "--now", NOW]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The new output is whole as soon as the build returns; the old one goes after.
    assert_eq!(snapshot(&site.root().join("output")), first);
    assert_eq!(site.once_removed(), [".output.lock", ".output.previous"]);
    assert_eq!(
        std::fs::read_to_string(site.root().join(".output.previous/notes.txt")).unwrap(),
        "mine, not a build"
    );
    untouched(&outside);
    untouched(&outside_output);
    assert_eq!(std::fs::read_dir(outside_output.path()).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn a_killed_builds_previous_output_is_removed_by_the_next_build_and_links_in_it_are_never_followed() {
    let site = Site::fixture("valid");
    // What a build killed after its swap leaves: the previous output, set aside.
    let old = site.root().join(".output.old-4242-18c2-0");
    site.write(".output.old-4242-18c2-0/events/index.html", "the previous build");
    let outside = links_out_of(&old.join("fr"));
    // A set-aside name that is itself a link: the link goes, not what it points to.
    let elsewhere = links_out_of(&site.root().join("elsewhere"));
    std::os::unix::fs::symlink(
        site.root().join("elsewhere"),
        site.root().join(".output.old-4242-18c2-1"),
    )
    .unwrap();
    site.build_ok();
    assert_eq!(site.beside_output(), [".output.lock"]);
    untouched(&outside);
    untouched(&elsewhere);
    assert!(site.root().join("elsewhere/a-folder-elsewhere").exists());
    // The remover a build starts refuses anything not named as a set-aside output.
    for dir in [
        outside.path(),
        &site.root().join("output"),
        &site.root().join("content"),
    ] {
        let o = site.iehp(&["remove-previous-build", dir.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("refusing to remove"), "{}", stderr(&o));
        assert!(dir.is_dir());
    }
    untouched(&outside);
}

const UNSAFE_PAGE: &str = "---\ntitle: Links\nsummary: Hostile links.\nreviewed: 2025-01-15\n---\n\n[a](javascript:alert(1)) and ![b](data:image/png;base64,AAAA)\n\n<vbscript:msgbox(1)> then [c][ref].\n\n[ref]: file:///etc/passwd\n\nFine: [d](https://example.org/) [e](/about/).\n";

#[test]
fn unsafe_link_schemes_are_removed_from_pages_and_reported_by_check() {
    let site = Site::fixture("valid");
    site.write("content/pages/links.md", UNSAFE_PAGE);
    let out = site.iehp(&["check", "--now", NOW]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}\n{}", stderr(&out));
    for (at, scheme) in [
        ("7:1", "javascript"),
        ("7:30", "data"),
        ("9:1", "vbscript"),
        ("9:27", "file"),
    ] {
        let e = format!("content/pages/links.md:{at}: a {scheme}: address is never allowed");
        assert!(text.contains(&e), "expected {e:?} in:\n{text}");
    }
    // Each once, though both languages show the page.
    assert_eq!(text.matches("is never allowed").count(), 4, "{text}");
    site.build_ok();
    for page in ["links/index.html", "fr/links/index.html"] {
        let html = site.read(page).to_lowercase();
        for scheme in ["javascript:", "vbscript:", "data:", "file:"] {
            for attr in ["href", "src"] {
                let bad = format!("{attr}=\"{scheme}");
                assert!(!html.contains(&bad), "{page} has {bad}");
            }
        }
        assert!(html.contains("href=\"https://example.org/\""), "{page}");
    }
}

#[test]
fn a_broken_link_with_an_ampersand_is_reported_once() {
    let site = Site::fixture("valid");
    site.write(
        "content/pages/links.md",
        "---\ntitle: Links\nsummary: A broken link.\nreviewed: 2025-01-15\n---\n\n[x](/nowhere/?a=1&b=2)\n",
    );
    let out = site.iehp(&["check", "--now", NOW]);
    let text = stdout(&out);
    assert_eq!(text.matches("broken link").count(), 1, "{text}");
    assert!(text.contains("content/pages/links.md:7:1: broken link"), "{text}");
}

#[cfg(unix)]
#[test]
fn the_link_cache_is_never_written_through_a_symlink() {
    let site = Site::fixture("valid");
    let precious = site.root().join("precious.json");
    std::fs::write(&precious, "keep me").unwrap();
    let cache = site.root().join("links-cache.json");
    std::os::unix::fs::symlink(&precious, &cache).unwrap();
    let out = site.iehp(&[
        "check",
        "--now",
        NOW,
        "--external",
        "--cache",
        cache.to_str().unwrap(),
    ]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me");
}

#[test]
fn a_translation_that_contradicts_its_originals_facts_is_reported() {
    let site = Site::fixture("valid");
    let original = std::fs::read_to_string(site.root().join("content/events/summit-2025.md")).unwrap();
    let fr = original
        .replace("title: Annual Summit 2025", "title: Sommet annuel 2025")
        .replace(
            "start: 2025-11-22T09:30:00-05:00",
            "start: 2025-11-22T10:30:00-05:00",
        )
        .replace("province: ON", "province: QC");
    site.write("content/events/summit-2025.fr.md", &fr);
    let out = site.iehp(&["check", "--now", NOW]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("content/events/summit-2025.fr.md:4:11: field \"province\" says \"QC\" here but \"ON\" in content/events/summit-2025.md"),
        "{text}"
    );
    assert!(
        text.contains("content/events/summit-2025.fr.md:6:8: field \"start\" says"),
        "{text}"
    );
    // The same facts in other words are fine.
    site.write(
        "content/events/summit-2025.fr.md",
        original.replace("title: Annual Summit 2025", "title: Sommet annuel 2025"),
    );
    let out = site.iehp(&["check", "--now", NOW]);
    assert!(out.status.success(), "{}", stdout(&out));
}

#[test]
fn quieter_holes_are_reported_at_their_line() {
    // A duplicate key, at its second use.
    bad(
        "content/pages/dup.md",
        b"---\ntitle: A\nsummary: B\nreviewed: 2025-01-15\ntitle: C\n---\nBody\n",
        &["content/pages/dup.md:5:1:", "each field may appear only once"],
    );
    // A NUL byte, where it is.
    bad(
        "content/pages/nul.md",
        b"---\ntitle: A\nsummary: B\nreviewed: 2025-01-15\n---\n\nSome \0 text\n",
        &["content/pages/nul.md:7:6:", "NUL character"],
    );
    // A slug over 120 characters: its length, and a slug that would do.
    let long = "word-".repeat(30) + "end";
    bad(
        &format!("content/pages/{long}.md"),
        b"---\ntitle: A\nsummary: B\nreviewed: 2025-01-15\n---\nBody\n",
        &["153 characters long; the longest is 120"],
    );
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_reported() {
    use std::os::unix::ffi::OsStrExt;
    let site = Site::fixture("valid");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(
        site.root().join("content/pages").join(name),
        "---\ntitle: A\nsummary: B\nreviewed: 2025-01-15\n---\nBody\n",
    )
    .unwrap();
    let out = site.build();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("is not valid UTF-8"), "{err}");
}

#[test]
fn new_with_a_very_long_title_writes_a_file_the_build_takes() {
    let site = Site::fixture("valid");
    let title = "A very long title about the licensing of internationally educated nurses ".repeat(6);
    let out = site.iehp(&["new", "pages", &title]);
    assert!(out.status.success(), "{}", stderr(&out));
    let written: Vec<_> = std::fs::read_dir(site.root().join("content/pages"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("a-very-long"))
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    let stem = written[0].strip_suffix(".md").unwrap();
    assert!(stem.len() <= 120 && !stem.ends_with('-'), "{stem}");
    // Filled in, it builds.
    let path = site.root().join("content/pages").join(&written[0]);
    let text: String = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("draft:"))
        .map(|l| {
            if l.starts_with("summary:") {
                "summary: Filled in.\n".to_string()
            } else if l.starts_with("reviewed:") {
                "reviewed: 2025-01-15\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&path, text).unwrap();
    let built = site.build();
    assert!(built.status.success(), "{}", stderr(&built));
}
