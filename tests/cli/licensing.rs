//! Organisations, pathways and the "I am a..." professions: the fixture builds, and every slug a
//! pathway or an organisation names is checked at its line, with the nearest real one.

use super::*;

const PATHWAY: &str = "content/pathways/registered-nurse-on.md";

fn replace_in(site: &Site, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    site.write(rel, text.replacen(from, to, 1));
}

#[test]
fn the_pathways_fixture_builds_and_checks_clean() {
    let site = Site::fixture("pathways");
    site.build_ok();
    let out = site.iehp(&["check", "--now", NOW]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}\n{}", stderr(&out));
    assert!(text.contains("0 errors, 0 warnings, "), "{text}");
}

#[test]
fn an_unknown_slug_is_rejected_at_its_line_with_a_suggestion() {
    let site = Site::fixture("pathways");
    replace_in(
        &site,
        PATHWAY,
        "    who: enc\n    duration",
        "    who: encc\n    duration",
    );
    replace_in(&site, PATHWAY, "programs: [bridging]", "programs: [bridgin]");
    replace_in(
        &site,
        PATHWAY,
        "profession: registered-nurse",
        "profession: registered-nurses",
    );
    replace_in(
        &site,
        "content/organizations/exam-board.md",
        "successor: nursing-exams",
        "successor: nursing-exam",
    );
    let out = site.build();
    assert!(!out.status.success());
    let err = stderr(&out);
    for line in [
        "content/pathways/registered-nurse-on.md:4:13: field \"profession\": there is no profession (content/data/professions.yaml) with the slug \"registered-nurses\" (did you mean `registered-nurse`?)",
        "content/pathways/registered-nurse-on.md:17:10: field \"steps[2].who\": there is no organisation (content/organizations/) with the slug \"encc\" (did you mean `enc`?)",
        "content/pathways/registered-nurse-on.md:27:14: field \"related.programs\": there is no program (content/programs/) with the slug \"bridgin\" (did you mean `bridging`?)",
        "content/organizations/exam-board.md:9:12: field \"successor\": there is no organisation (content/organizations/) with the slug \"nursing-exam\" (did you mean `nursing-exams`?)",
    ] {
        assert!(err.contains(line), "missing {line:?} in:\n{err}");
    }
    assert!(
        !site.exists("index.html"),
        "nothing is written when content is wrong"
    );
}

#[test]
fn unknown_codes_fields_and_values_are_rejected_in_place() {
    let site = Site::fixture("pathways");
    replace_in(
        &site,
        "content/data/professions.yaml",
        "[\"31120\"]",
        "[\"31121\"]",
    );
    replace_in(&site, PATHWAY, "    cost:", "    cots:");
    replace_in(
        &site,
        "content/organizations/enc.md",
        "kind: regulator",
        "kind: regulater",
    );
    replace_in(
        &site,
        "content/organizations/ecs.fr.md",
        "province: CA",
        "province: CAN",
    );
    let err = stderr(&site.build());
    for line in [
        "content/data/professions.yaml:9:17: field \"professions\": NOC code \"31121\" is not in content/data/noc.yaml",
        "content/pathways/registered-nurse-on.md:11:5: unknown field \"cots\" (did you mean `cost`?)",
        "content/organizations/enc.md:6:7: field \"kind\": expected one of regulator, assessment, exam, support, government, association, found \"regulater\" (did you mean `regulator`?)",
        "content/organizations/ecs.fr.md:6:11: field \"province\": expected one of CA, AB,",
    ] {
        assert!(err.contains(line), "missing {line:?} in:\n{err}");
    }
    // The pathway's step run by `enc` is not reported again: its file is what is wrong.
    assert!(!err.contains("steps[2].who"), "{err}");
}

#[test]
fn a_pathway_is_named_after_its_profession_and_province_and_translations_follow_originals() {
    let site = Site::fixture("pathways");
    let text = std::fs::read_to_string(site.root().join(PATHWAY)).unwrap();
    site.write("content/pathways/nurse-ontario.md", &text);
    site.write(
        "content/pathways/pharmacist-on.fr.md",
        text.replace("profession: registered-nurse", "profession: pharmacist"),
    );
    let err = stderr(&site.build());
    assert!(
        err.contains("content/pathways/nurse-ontario.md: file name: a pathway is named after its profession and province: registered-nurse-on.md, not nurse-ontario.md"),
        "{err}"
    );
    assert!(
        err.contains("content/pathways/pharmacist-on.fr.md: this fr version has no en original: add content/pathways/pharmacist-on.md beside it"),
        "{err}"
    );
}

#[test]
fn check_warns_about_a_step_run_by_a_renamed_organisation() {
    let site = Site::fixture("pathways");
    replace_in(&site, PATHWAY, "who: nursing-exams", "who: exam-board");
    site.build_ok();
    let out = site.iehp(&["check", "--now", NOW, "--only", PATHWAY]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("content/pathways/registered-nurse-on.md:21:10: warning: field \"steps[3].who\": Example Exam Board (exam-board) was renamed on 2024-06-01: it is now `nursing-exams`; name that organisation here"),
        "{text}"
    );
}

#[test]
fn new_writes_organisations_and_pathways_with_every_field() {
    let site = Site::fixture("pathways");
    let out = site.iehp(&["new", "pathways", "Pharmacist in Ontario"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(site.root().join("content/pathways/pharmacist-on.md")).unwrap();
    for field in [
        "\nprofession: pharmacist\n",
        "\nprovince: ON\n",
        "\nsteps:",
        "    who:",
        "\nrelated:",
        "\nreviewed:",
    ] {
        assert!(text.contains(field), "{field:?} in:\n{text}");
    }
    let out = site.iehp(&["new", "organizations", "OCP"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.root().join("content/organizations/ocp.md").exists());
    // Until filled in, the build names what is missing, at its line.
    let err = stderr(&site.build());
    assert!(
        err.contains("content/organizations/ocp.md:18:1: field \"website\" is empty: fill it in (required)"),
        "{err}"
    );
    assert!(
        err.contains(
            "content/pathways/pharmacist-on.md:14:5: field \"title\" is empty: fill it in (required)"
        ),
        "{err}"
    );
    let bad = site.iehp(&["new", "pathways", "Nursing"]);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("named after its profession and province"),
        "{}",
        stderr(&bad)
    );
}

// ---- pages ----

/// The pathways fixture, built, keeping only the licensing pages and the pages that open with
/// them (home, an occupation, a province), in both languages: what the browser checks see of it.
pub(super) fn licensing_pages() -> Site {
    let site = Site::fixture("pathways");
    site.build_ok();
    let keep = |rel: &str| {
        let rel = rel.strip_prefix("fr/").unwrap_or(rel);
        rel == "index.html"
            || !rel.ends_with(".html")
            || [
                "pathways/",
                "organizations/",
                "occupations/31301/",
                "provinces/on/",
            ]
            .iter()
            .any(|p| rel.starts_with(p))
    };
    for (rel, _) in files_under(&site.root().join("output")) {
        if !keep(&rel) {
            std::fs::remove_file(site.root().join("output").join(&rel)).unwrap();
        }
    }
    site
}

/// The `<li>`s of the page's step list, in order.
fn steps_of(html: &str) -> Vec<&str> {
    let start = html.find("<ol class=\"steps\"").expect("a numbered step list");
    let end = start + html[start..].find("</ol>").expect("the list ends");
    html[start..end].split("<li class=\"step\"").skip(1).collect()
}

#[test]
fn a_pathway_shows_its_steps_in_order_with_linked_organisations_in_both_languages() {
    let site = Site::fixture("pathways");
    site.build_ok();
    let en = site.read("pathways/registered-nurse-on/index.html");
    let steps = steps_of(&en);
    let titles: Vec<&str> = steps
        .iter()
        .map(|s| {
            let h = &s[s.find("</span>").unwrap() + 7..];
            &h[..h.find("</h3>").unwrap()]
        })
        .collect();
    assert_eq!(
        titles,
        [
            "Have your credentials assessed",
            "Apply to the college",
            "Pass the entry-to-practice exam",
            "Register and start practising"
        ]
    );
    assert!(steps[0].contains("<a href=\"/organizations/ecs/\">Example Credential Service</a> (ECS) · <a href=\"https://ecs.example.org/\">ecs.example.org</a>"), "{}", steps[0]);
    assert!(
        steps[0].contains("US$650 (2025)")
            && steps[0].contains("<a href=\"https://ecs.example.org/guide\">ECS application guide</a>")
    );
    assert!(
        steps[1].contains("<a href=\"/organizations/enc/\">Example Nursing College</a>")
            && steps[1].contains("Several months (2025)")
    );
    assert!(
        steps[2].contains("<a href=\"https://exams.example.org/dates\">exams.example.org</a>"),
        "a step's own source is a link: {}",
        steps[2]
    );
    // Related items, the draws section (none in the fixture), the source, dated.
    for expected in [
        "href=\"/programs/bridging/\"",
        "href=\"/members/nurses-network/\"",
        "href=\"/events/nurses-webinar-2025/\"",
        "href=\"/organizations/welcome-centre/\"",
        "<a href=\"https://enc.example.org/registration\">enc.example.org</a>",
        "<time datetime=\"2025-03-01\">",
        "href=\"/provinces/on/\"",
        "href=\"/occupations/31301/\"",
    ] {
        assert!(en.contains(expected), "{expected} in:\n{en}");
    }
    let fr = site.read("fr/pathways/registered-nurse-on/index.html");
    let steps = steps_of(&fr);
    assert_eq!(steps.len(), 4);
    assert!(steps[0].contains("Faire évaluer vos titres de compétences"));
    assert!(
        steps[0].contains("<a href=\"/fr/organizations/ecs/\">Service d&#39;exemple des titres de compétences</a> (ECS) · <a href=\"https://ecs.example.org/\">"),
        "{}",
        steps[0]
    );
    assert!(steps[0].contains("Étape 1\u{a0}: </span>"), "{}", steps[0]);
    assert!(steps[3].contains("Vous inscrire et commencer à exercer"));
    assert!(fr.contains("<html lang=\"fr\">") && fr.contains("Étape par étape"));
}

#[test]
fn the_chooser_is_plain_links_two_clicks_from_home() {
    let site = Site::fixture("pathways");
    site.build_ok();
    let chooser = site.read("pathways/index.html");
    assert!(
        !chooser.contains("<script"),
        "the chooser needs no JavaScript:\n{chooser}"
    );
    assert!(
        chooser.contains("<h3 class=\"chooser-title\">Nurse (registered nurse)</h3>"),
        "{chooser}"
    );
    assert!(
        chooser.contains("<a href=\"/pathways/registered-nurse-on/\">Ontario</a>"),
        "{chooser}"
    );
    // A profession without a pathway says so rather than showing nothing.
    assert!(
        chooser.contains(
            "<h3 class=\"chooser-title\">Pharmacist</h3>\n<p class=\"chooser-hint\">No pathway written yet"
        ),
        "{chooser}"
    );
    // Home -> the chooser (its first link after the title) -> the pathway.
    let home = site.read("index.html");
    assert!(home.contains("href=\"/pathways/#registered-nurse\""), "{home}");
    let fr = site.read("fr/pathways/index.html");
    assert!(
        fr.contains("<a href=\"/fr/pathways/registered-nurse-on/\">Ontario</a>")
            && fr.contains("Infirmière ou infirmier autorisé"),
        "{fr}"
    );
    let sitemap = site.read("sitemap.xml");
    for url in [
        "/pathways/",
        "/pathways/registered-nurse-on/",
        "/fr/organizations/enc/",
        "/organizations/",
    ] {
        assert!(
            sitemap.contains(&format!("https://hub.example.org{url}</loc>")),
            "{url} in sitemap"
        );
    }
}

#[test]
fn organisation_pages_link_their_contacts_and_carry_json_ld() {
    let site = Site::fixture("pathways");
    site.build_ok();
    let ecs = site.read("organizations/ecs/index.html");
    for expected in [
        "<a href=\"mailto:help@ecs.example.org\">help@ecs.example.org</a>",
        "<a href=\"tel:15550100\">1-555-0100</a>",
        "<a href=\"https://ecs.example.org/apply\">ecs.example.org</a>",
        "<a href=\"/pathways/registered-nurse-on/\">Registered nurse in Ontario</a>",
    ] {
        assert!(ecs.contains(expected), "{expected} in:\n{ecs}");
    }
    let start = ecs.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let json: serde_json::Value =
        serde_json::from_str(&ecs[start..start + ecs[start..].find("</script>").unwrap()]).unwrap();
    assert_eq!(json["@type"], "Organization");
    assert_eq!(json["name"], "Example Credential Service");
    assert_eq!(json["url"], "https://ecs.example.org/");
    assert_eq!(json["areaServed"][0], "Canada");
    // A renamed body says what it became, and when.
    let old = site.read("organizations/exam-board/index.html");
    assert!(
        old.contains("renamed on")
            && old.contains("<a href=\"/organizations/nursing-exams/\">Nursing Exams Canada</a>"),
        "{old}"
    );
    let list = site.read("organizations/index.html");
    assert!(
        list.contains("<a href=\"/organizations/enc/\">Example Nursing College</a>"),
        "{list}"
    );
    // An occupation and a province page open with their pathways and regulators.
    for page in ["occupations/31301/index.html", "provinces/on/index.html"] {
        let html = site.read(page);
        assert!(
            html.contains("<a href=\"/pathways/registered-nurse-on/\">Registered nurse in Ontario</a>"),
            "{page}:\n{html}"
        );
        assert!(
            html.contains("<a href=\"/organizations/enc/\">Example Nursing College</a>"),
            "{page}:\n{html}"
        );
    }
}
