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
    assert!(text.starts_with("0 errors, 0 warnings, 0 notes;"), "{text}");
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
