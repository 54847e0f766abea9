//! The hub's own content, apart from the code's tests: an editor's change to `content/` can fail
//! these and no code test, and a code change no test here unless the hub stops building. Run
//! them alone with `cargo test --test hub`; scripts/test runs them as their own step, with
//! `iehp check` over the hub.

use std::path::Path;
use std::process::Command;

const NOW: &str = "2025-09-01";

/// Builds the hub's own content into `dir`.
fn build_hub(dir: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_iehp"))
        .args([
            "build",
            "--now",
            NOW,
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "--out",
        ])
        .arg(dir)
        .output()
        .expect("run iehp");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn the_hubs_own_content_builds() {
    let out = tempfile::tempdir().unwrap();
    build_hub(&out.path().join("site"));
    let site = out.path().join("site");
    let count = |dir: &str| {
        std::fs::read_dir(site.join(dir))
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_dir())
            .count()
    };
    assert_eq!(count("events"), 8, "the eight IEHP-CAN events");
    assert_eq!(count("occupations"), 43, "the 43 NOC codes");
    assert!(count("members") >= 8, "seven ITPAC networks and the PINs");
    assert!(count("programs") >= 5);
    for page in ["about", "for-employers", "licensing-in-canada"] {
        assert!(site.join(page).join("index.html").exists(), "{page}");
        assert!(
            site.join("fr").join(page).join("index.html").exists(),
            "fr/{page}"
        );
    }
    // The overview's former address leads to the chooser, and the chooser links to the overview.
    let redirects = std::fs::read_to_string(site.join("_redirects")).unwrap();
    assert!(
        redirects.contains("/licensure-pathways/  /pathways/  301\n"),
        "{redirects}"
    );
    assert!(
        redirects.contains("/fr/licensure-pathways/  /fr/pathways/  301\n"),
        "{redirects}"
    );
    let chooser = std::fs::read_to_string(site.join("pathways/index.html")).unwrap();
    assert!(
        chooser.contains("<a href=\"/licensing-in-canada/\">How licensing works in Canada</a>"),
        "the chooser does not link to the overview"
    );
}
