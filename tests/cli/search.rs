//! Search: the index files a build writes, the search pages and the header search box. (The
//! query side is tested under node, in tests/search/.)

use super::*;

fn manifest_of(html: &str) -> String {
    let start = html
        .find("data-manifest=\"")
        .expect("the search page links the manifest")
        + 15;
    let len = html[start..].find('"').unwrap();
    html[start..start + len].to_string()
}

#[test]
fn search_pages_in_both_languages_with_a_get_form_and_a_fallback() {
    let site = Site::fixture("search");
    site.build_ok();
    for (page, root) in [("search/index.html", "/"), ("fr/search/index.html", "/fr/")] {
        let html = site.read(page);
        for needed in [
            "<form role=\"search\"".to_string(),
            format!("action=\"{root}search/\" method=\"get\""),
            "name=\"q\"".to_string(),
            "id=\"results\"".to_string(),
            "role=\"status\" aria-live=\"polite\"".to_string(),
            "name=\"province\" value=\"QC\"".to_string(),
            "name=\"type\" value=\"occupations\"".to_string(),
            "name=\"status\" value=\"upcoming\"".to_string(),
            "name=\"lang\" value=\"fr\"".to_string(),
            "<option value=\"31301\">".to_string(),
            format!("href=\"{root}occupations/\""),
            format!("href=\"{root}provinces/\""),
            format!("href=\"{root}portals/\""),
            "<script type=\"module\" src=\"/assets/search.".to_string(),
        ] {
            assert!(html.contains(&needed), "{page} lacks {needed}");
        }
        let manifest = manifest_of(&html);
        assert!(
            site.exists(manifest.trim_start_matches('/')),
            "{page} links {manifest}, which was not written"
        );
    }
    assert!(
        site.read("fr/search/index.html")
            .contains("La recherche a besoin de JavaScript")
    );
}

#[test]
fn every_page_has_a_search_box_leading_to_its_languages_search_page() {
    let site = Site::fixture("search");
    site.build_ok();
    let out = site.root().join("output");
    let mut pages = 0;
    for (path, bytes) in files_under(&out) {
        if !path.ends_with(".html") || path.ends_with("search/index.html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let action = if path.starts_with("fr/") {
            "/fr/search/"
        } else {
            "/search/"
        };
        assert!(
            html.contains(&format!(
                "<form class=\"header-search\" role=\"search\" action=\"{action}\" method=\"get\">"
            )),
            "{path} has no search box leading to {action}"
        );
        pages += 1;
    }
    assert!(pages > 40, "{pages}");
}

#[test]
fn no_inline_script_or_style_in_any_page() {
    let site = Site::fixture("search");
    site.build_ok();
    for (path, bytes) in files_under(&site.root().join("output")) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for bad in ["style=", "<style", " on", "javascript:"] {
            let hit = match bad {
                // Event handler attributes, e.g. onclick=.
                " on" => html.match_indices(" on").any(|(i, _)| {
                    let rest = &html[i + 3..];
                    rest.chars().take_while(|c| c.is_ascii_lowercase()).count() > 2
                        && rest
                            .trim_start_matches(|c: char| c.is_ascii_lowercase())
                            .starts_with("=\"")
                }),
                _ => html.contains(bad),
            };
            assert!(!hit, "{path} contains {bad}");
        }
        for script in html.split("<script").skip(1) {
            let tag = &script[..script.find('>').unwrap()];
            // JSON-LD is data, never run; every script that runs comes from a file.
            let data = tag.contains("type=\"application/ld+json\"");
            assert!(tag.contains(" src=\"") || data, "{path} has an inline script");
        }
    }
}

#[test]
fn index_files_are_named_by_their_content_and_all_listed() {
    use sha2::{Digest, Sha256};
    let site = Site::fixture("search");
    site.build_ok();
    let data = site.root().join("output/search/data");
    let files = files_under(&data);
    let manifest_name = manifest_of(&site.read("search/index.html"));
    let manifest_name = manifest_name.rsplit('/').next().unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&files[manifest_name]).unwrap();
    let mut listed = vec![
        manifest_name.to_string(),
        manifest["facets"].as_str().unwrap().to_string(),
    ];
    for page in manifest["pages"].as_array().unwrap() {
        let page = page.as_str().unwrap();
        listed.push(page.to_string());
        let body: serde_json::Value = serde_json::from_slice(&files[page]).unwrap();
        for s in body["shards"].as_array().unwrap() {
            listed.push(s.as_str().unwrap().to_string());
        }
        let dicts = body["dicts"].as_array().unwrap();
        assert_eq!(dicts.len(), body["dictFirst"].as_array().unwrap().len());
        assert!(!dicts.is_empty(), "every page has its dictionary");
        for d in dicts {
            listed.push(d.as_str().unwrap().to_string());
        }
    }
    for name in &listed {
        let bytes = files
            .get(name)
            .unwrap_or_else(|| panic!("{name} is listed but not written"));
        let hex: String = Sha256::digest(bytes)
            .iter()
            .take(5)
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(
            name.contains(&format!(".{hex}.")),
            "{name} is not named by its content ({hex})"
        );
    }
    let docs = manifest["docs"].as_u64().unwrap() as usize;
    let chunk = manifest["chunk"].as_u64().unwrap() as usize;
    for (lang, dir) in manifest["stored"].as_object().unwrap() {
        let dir = dir.as_str().unwrap();
        assert!(dir.starts_with(&format!("stored-{lang}.")));
        let mut rows = 0;
        for k in 0..docs.div_ceil(chunk) {
            let name = format!("{dir}{k}.json");
            let chunk: Vec<serde_json::Value> =
                serde_json::from_slice(files.get(&name).unwrap_or_else(|| panic!("{name} missing"))).unwrap();
            rows += chunk.len();
            listed.push(name);
        }
        assert_eq!(rows, docs);
    }
    let unlisted: Vec<&String> = files.keys().filter(|f| !listed.contains(f)).collect();
    assert!(
        unlisted.is_empty(),
        "written but not reachable from the manifest: {unlisted:?}"
    );
    // 9 items, 5 occupations, the Get licensed chooser and the organisations list: a
    // translation is no document of its own.
    assert_eq!(docs, 16);
}

/// Pins the index byte for byte (mdBook's `search_index_hasnt_changed_accidentally`): a
/// change to the normaliser, the ranking or the file layout shows up here and must be
/// deliberate. After one, run with `IEHP_BLESS=1` and review the diff of the golden file.
#[test]
fn search_index_hasnt_changed_accidentally() {
    let site = Site::fixture("search");
    site.build_ok();
    let mut dump = String::new();
    for (path, bytes) in files_under(&site.root().join("output/search/data")) {
        dump.push_str(&format!("== {path}\n{}\n", String::from_utf8(bytes).unwrap()));
    }
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search-index.golden");
    if std::env::var_os("IEHP_BLESS").is_some() {
        std::fs::write(&golden, &dump).unwrap();
    }
    let expected = std::fs::read_to_string(&golden)
        .expect("tests/fixtures/search-index.golden (IEHP_BLESS=1 writes it)");
    assert!(
        expected == dump,
        "the search index changed; if that is intended, run with IEHP_BLESS=1 and review the diff"
    );
}
