//! An editor's first five minutes: `iehp new`, then `iehp check` names only the fields left to
//! fill in, each at its own line; common slips (a province's name, an impossible date, a
//! misspelt link, a file the site never reads) get a message that says what to do.

use super::{EVENT_HEAD, EVENT_TAIL, NOW, Site, stdout};

/// The check's lines about one file.
fn lines_about<'a>(report: &'a str, rel: &str) -> Vec<&'a str> {
    report
        .lines()
        .filter(|l| l.starts_with(&format!("{rel}:")))
        .collect()
}

#[test]
fn a_new_file_reports_only_its_empty_fields_each_at_its_own_line() {
    for (collection, title) in [
        ("events", "Job Fair: Spring 2026"),
        ("portals", "A Portal"),
        ("members", "A Network"),
        ("programs", "A Program"),
        ("pages", "A Page #2"),
        ("occupations", "31102"),
        ("organizations", "A Regulator"),
        ("pathways", "Registered nurse in Ontario"),
    ] {
        let site = Site::fixture("valid");
        let out = site.iehp(&["new", collection, title]);
        assert!(out.status.success(), "{collection}: {}", super::stderr(&out));
        let rel = stdout(&out)
            .split_whitespace()
            .nth(1)
            .unwrap()
            .trim_end_matches(':')
            .to_string();
        let text = std::fs::read_to_string(site.root().join(&rel)).unwrap();
        let report = stdout(&site.iehp(&["check", "--now", NOW]));
        let about = lines_about(&report, &rel);
        assert!(!about.is_empty(), "{collection}: nothing to fill in?\n{report}");
        let mut seen_lines = Vec::new();
        for line in &about {
            // `content/x.md:LINE:COL: field "name" is empty...`
            let mut parts = line.splitn(4, ':');
            let (_, n, _, message) = (
                parts.next(),
                parts.next().unwrap().parse::<usize>().unwrap(),
                parts.next(),
                parts.next().unwrap(),
            );
            assert!(
                !message.contains("warning") && !message.contains("note:"),
                "{collection}: a new file raised a warning: {line}"
            );
            let field = message.split('"').nth(1).unwrap();
            // Scalars say "is empty"; lists (provinces, codes) say what to give.
            assert!(
                message.contains("is empty") || message.contains(": missing: give"),
                "{collection}: not an empty field: {line}"
            );
            let at = text.lines().nth(n - 1).unwrap();
            assert!(
                at.trim_start()
                    .trim_start_matches("- ")
                    .starts_with(&format!("{field}:")),
                "{collection}: {field} reported at line {n}, which is {at:?}"
            );
            seen_lines.push(n);
        }
        seen_lines.dedup();
        assert_eq!(seen_lines.len(), about.len(), "{collection}: {about:#?}");
        // Filling in exactly those fields leaves nothing to report about the file.
        if collection == "events" {
            let filled = text
                .replace("\nprovince:\n", "\nprovince: ON\n")
                .replace("\nstart:\n", "\nstart: 2026-04-02\n")
                .replace("\nformat:\n", "\nformat: online\n")
                .replace("\nsource:\n", "\nsource: https://example.org/fair\n")
                .replace("\nreviewed:\n", "\nreviewed: 2025-08-01\n");
            assert_ne!(filled, text);
            site.write(&rel, filled);
            let report = stdout(&site.iehp(&["check", "--now", NOW]));
            assert_eq!(lines_about(&report, &rel), Vec::<&str>::new(), "{report}");
        }
    }
}

#[test]
fn common_slips_get_messages_that_say_what_to_do() {
    let site = Site::fixture("valid");
    site.write(
        "content/events/x.md",
        "---\ntitle: X\nprovince: [Québec, Colombie-Britannique]\nstart: 2025-02-30\nformat: online\nsource: https://e.org\nreviewed: 2025-01-01\n---\n\nSee [the summit](/events/sumit-2025/).\n",
    );
    site.write("content/events/flyer.pdf", "%PDF-1.7");
    site.write("content/pages/notes.markdown", "---\ntitle: N\n---\n");
    site.write("content/programs/empty.md", "");
    let report = stdout(&site.iehp(&["check", "--now", NOW]));
    for expected in [
        "content/events/x.md:3:12: field \"province\": expected one of CA, AB, BC, MB, NB, NL, NS, NT, NU, ON, PE, QC, SK, YT, found \"Québec\" (did you mean `QC`? that is Quebec's code)",
        "(did you mean `BC`? that is British Columbia's code)",
        "content/events/x.md:4:8: field \"start\": 2025 has no February 30 (in \"2025-02-30\"); February 2025 has 28 days",
        "content/programs/empty.md:1:1: the file is empty",
        "content/events/flyer.pdf: warning: the site does not use this file",
        "content/pages/notes.markdown: warning: the site does not use this file: only files ending in .md are read; rename it notes.md to publish it",
    ] {
        assert!(report.contains(expected), "missing {expected:?} in\n{report}");
    }
    // Once the front matter is right, the misspelt link gets its suggestion at its line.
    site.write(
        "content/events/x.md",
        format!("{EVENT_HEAD}start: 2025-02-28\n{EVENT_TAIL}\nSee [the summit](/events/sumit-2025/).\n"),
    );
    std::fs::remove_file(site.root().join("content/programs/empty.md")).unwrap();
    let report = stdout(&site.iehp(&["check", "--now", NOW]));
    assert!(
        report.contains(
            "content/events/x.md:10:5: broken link \"/events/sumit-2025/\": no such page or file in the built site (did you mean /events/summit-2025/?)"
        ),
        "{report}"
    );
    // The command line says the same of an impossible --now.
    let out = site.iehp(&["build", "--now", "2025-02-30"]);
    assert!(
        super::stderr(&out).contains("2025 has no February 30"),
        "{}",
        super::stderr(&out)
    );
}
