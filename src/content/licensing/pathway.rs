//! A pathway's file (`pathways/<profession>-<province>.md`): how one profession gets licensed in
//! one province, in one language. Owns the pathway's own fields (its profession, province,
//! steps in order and related items); what every licensing file has is
//! [`super::read_file`]'s.

use std::sync::Arc;

use super::{Frame, ParsedPathway, SlugRef, Target, nested_map, read_file, slug_list};
use crate::content::markdown;
use crate::content::model::*;
use crate::content::parse::{self, Source};
use crate::error::Diagnostic;
use crate::schema::Fields;
use crate::yaml::{self, KeyIndex, Node};

/// The fields only a pathway has, as read (required ones still `None` when missing).
struct Own {
    summary: Option<String>,
    profession: Option<String>,
    professions: Vec<String>,
    refs: Vec<parse::CodeRef>,
    province: Option<Province>,
    steps: Vec<Step>,
    related: Related,
    slugs: Vec<SlugRef>,
}

pub fn pathway(src: &Source, diags: &mut Vec<Diagnostic>) -> Option<ParsedPathway> {
    let (common, own) = read_file(src, diags, own_fields)?;
    Some(ParsedPathway {
        pathway: Arc::new(Pathway {
            slug: common.slug,
            lang: common.lang,
            path: src.file.rel.clone(),
            title: common.title,
            summary: own.summary?,
            profession: own.profession?,
            professions: own.professions,
            province: own.province?,
            steps: own.steps,
            related: own.related,
            source: common.source,
            reviewed: common.reviewed,
            draft: common.draft,
            body: common.body,
            body_line: common.body_line,
            positions: common.positions,
        }),
        refs: own.refs,
        slugs: own.slugs,
    })
}

fn own_fields(f: &mut Fields, frame: &mut Frame) -> Own {
    let mut slugs = Vec::new();
    let summary = f.req_str("summary");
    let profession = f.req_str("profession");
    if let Some(p) = &profession {
        let (line, col) = f.value_pos("profession");
        slugs.push(SlugRef {
            target: Target::Profession,
            field: "profession".into(),
            slug: p.clone(),
            line,
            col,
        });
    }
    let (professions, refs) = parse::professions(f, "professions");
    if professions.is_empty() {
        f.error_at_value(
            "professions",
            "missing: give the NOC 2021 codes of this profession, e.g. [\"31301\"] (see content/data/professions.yaml)",
        );
    }
    let province = match f.req_choice("province", &Province::choices()) {
        Some(Province::CA) => {
            f.error_at_value(
                "province",
                "a pathway is for one province or territory (ON, QC, ...), not CA: licences are provincial",
            );
            None
        }
        p => p,
    };
    let steps = {
        f.allow("steps");
        match frame.map.iter().find(|(k, _)| k == "steps").map(|(_, v)| v) {
            Some(Node::Seq(items)) if !items.is_empty() => {
                let indexes = yaml::index_list_under(frame.front, "steps");
                let fallback = KeyIndex::at(frame.index.value("steps"));
                let mut steps = Vec::new();
                for (n, node) in items.iter().enumerate() {
                    let sindex = indexes.get(n).unwrap_or(&fallback);
                    let (line, col) = (sindex.start.line + frame.offset, sindex.start.col);
                    let Node::Map(m) = node else {
                        frame.nested.push(Diagnostic::error(
                            frame.rel,
                            line,
                            col,
                            format!(
                                "field \"steps\": step {} should have fields (`- title: ...` then `text: ...`), found {}",
                                n + 1,
                                node.describe()
                            ),
                        ));
                        continue;
                    };
                    let mut step_diags = Vec::new();
                    let step = step(frame, m, sindex, n, &mut slugs, &mut step_diags);
                    frame.nested.append(&mut step_diags);
                    steps.extend(step);
                }
                steps
            }
            Some(Node::Null) | None | Some(Node::Seq(_)) => {
                f.error_at_value(
                    "steps",
                    "missing: a pathway lists its steps in order, each `- title: ...` with `text: ...` under it",
                );
                Vec::new()
            }
            Some(other) => {
                f.error_at_value(
                    "steps",
                    format!(
                        "expected a list of steps (lines starting with `  - title:`), found {}",
                        other.describe()
                    ),
                );
                Vec::new()
            }
        }
    };
    let related = match nested_map(f, frame.map, "related") {
        Some(m) => {
            let rindex = yaml::index_map_under(frame.front, "related");
            let mut r = Fields::new(frame.rel, m, &rindex, frame.offset, &mut frame.nested);
            let related = Related {
                programs: slug_list(&mut r, "programs", "related.", Target::Program, &mut slugs),
                members: slug_list(&mut r, "members", "related.", Target::Member, &mut slugs),
                events: slug_list(&mut r, "events", "related.", Target::Event, &mut slugs),
                organizations: slug_list(
                    &mut r,
                    "organizations",
                    "related.",
                    Target::Organization,
                    &mut slugs,
                ),
            };
            r.finish();
            related
        }
        None => Related::default(),
    };
    Own {
        summary,
        profession,
        professions,
        refs,
        province,
        steps,
        related,
        slugs,
    }
}

/// Step `n` (from 0) of the pathway `frame` reads.
fn step(
    frame: &Frame,
    map: &[(String, Node)],
    index: &KeyIndex,
    n: usize,
    slugs: &mut Vec<SlugRef>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Step> {
    let (path, offset) = (frame.rel, frame.offset);
    let before = diags.len();
    let mut f = Fields::new(path, map, index, offset, diags);
    let title = f.req_str("title");
    let text = f.req_str("text");
    let who = f.opt_str("who");
    let who_pos = f.value_pos("who");
    if let Some(w) = &who {
        slugs.push(SlugRef {
            target: Target::Organization,
            field: format!("steps[{}].who", n + 1),
            slug: w.clone(),
            line: who_pos.0,
            col: who_pos.1,
        });
    }
    let cost = f.opt_str("cost");
    let duration = f.opt_str("duration");
    let mut links = Vec::new();
    f.allow("links");
    let mut link_diags = Vec::new();
    match map.iter().find(|(k, _)| k == "links").map(|(_, v)| v) {
        None | Some(Node::Null) => {}
        Some(Node::Seq(items)) => {
            for (k, item) in items.iter().enumerate() {
                let lindex = KeyIndex::at(index.item("links", k));
                match item {
                    Node::Map(m) => {
                        let mut l = Fields::new(path, m, &lindex, offset, &mut link_diags);
                        let title = l.req_str("title");
                        let url = l.req_url("url");
                        l.finish();
                        if let (Some(title), Some(url)) = (title, url) {
                            links.push(StepLink { title, url });
                        }
                    }
                    other => {
                        let (line, col) = f.item_pos("links", k);
                        link_diags.push(Diagnostic::error(
                            path,
                            line,
                            col,
                            format!(
                                "field \"links\": each link has `title:` and `url:` (`- title: ...` then `url: https://...`), found {}",
                                other.describe()
                            ),
                        ));
                    }
                }
            }
        }
        Some(other) => f.error_at_value(
            "links",
            format!(
                "expected a list of links (`- title: ...` then `url: https://...`), found {}",
                other.describe()
            ),
        ),
    }
    let source = f.opt_str("source");
    f.finish();
    diags.append(&mut link_diags);
    if diags.len() > before {
        return None;
    }
    Some(Step {
        title: title?,
        text: markdown::render_in(&text?, &frame.lang_root, frame.read_as),
        who,
        cost,
        duration,
        links,
        source,
        line: index.start.line + offset,
        who_pos,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::parse_as;
    use super::*;
    use crate::content::discover::FileKind;

    fn path(text: &str) -> (Option<ParsedPathway>, Vec<String>) {
        let kind = FileKind::Pathway {
            stem: "registered-nurse-on".into(),
            lang: None,
        };
        parse_as(kind, "content/pathways/registered-nurse-on.md", text, pathway)
    }

    const PATHWAY: &str = "---\ntitle: Registered nurse in Ontario\nsummary: How.\nprofession: registered-nurse\nprofessions: [\"31301\"]\nprovince: ON\nsteps:\n  - title: Assessment\n    text: \"Apply to [NNAS](https://www.nnas.ca).\"\n    who: nnas\n    cost: \"US$650 (2025)\"\n    links:\n      - title: Guide\n        url: https://www.nnas.ca/guide\n  - title: Register\n    text: Apply to CNO.\n    who: cno\nrelated:\n  programs: [bridging]\n  organizations:\n    - care-centre\nsource: https://www.cno.org/\nreviewed: 2025-03-01\n---\nNotes.\n";

    #[test]
    fn a_valid_pathway_keeps_its_steps_in_order_with_their_references() {
        let (p, diags) = path(PATHWAY);
        assert!(diags.is_empty(), "{diags:?}");
        let p = p.unwrap();
        let titles: Vec<&str> = p.pathway.steps.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Assessment", "Register"]);
        let first = &p.pathway.steps[0];
        assert_eq!(first.who.as_deref(), Some("nnas"));
        assert_eq!(first.who_pos, (10, 10));
        assert_eq!(first.line, 8);
        assert_eq!(first.links[0].url, "https://www.nnas.ca/guide");
        assert!(
            first
                .text
                .html
                .contains("<a href=\"https://www.nnas.ca\">NNAS</a>")
        );
        assert_eq!(p.pathway.related.organizations, ["care-centre"]);
        let refs: Vec<(String, &str, usize, usize)> = p
            .slugs
            .iter()
            .map(|r| (r.field.clone(), r.slug.as_str(), r.line, r.col))
            .collect();
        assert_eq!(
            refs,
            [
                ("profession".into(), "registered-nurse", 4, 13),
                ("steps[1].who".into(), "nnas", 10, 10),
                ("steps[2].who".into(), "cno", 17, 10),
                ("related.programs".into(), "bridging", 19, 14),
                ("related.organizations".into(), "care-centre", 21, 7),
            ]
        );
    }

    #[test]
    fn pathway_problems_point_into_the_steps() {
        let text = PATHWAY
            .replace("    cost:", "    cots:")
            .replace(
                "        url: https://www.nnas.ca/guide",
                "        url: www.nnas.ca",
            )
            .replace("province: ON", "province: CA")
            .replace("  programs: [bridging]", "  program: [bridging]");
        let (p, diags) = path(&text);
        assert!(p.is_none());
        assert_eq!(
            diags,
            [
                "content/pathways/registered-nurse-on.md:6:11: field \"province\": a pathway is for one province or territory (ON, QC, ...), not CA: licences are provincial",
                "content/pathways/registered-nurse-on.md:11:5: unknown field \"cots\" (did you mean `cost`?)",
                "content/pathways/registered-nurse-on.md:13:9: field \"url\": expected a web address starting with https://, found \"www.nnas.ca\"",
                "content/pathways/registered-nurse-on.md:19:3: unknown field \"program\" (did you mean `programs`?)",
            ]
        );
    }

    #[test]
    fn a_pathway_needs_steps() {
        let text = PATHWAY.replace(
            &PATHWAY[PATHWAY.find("steps:").unwrap()..PATHWAY.find("related:").unwrap()],
            "steps: []\n",
        );
        let (_, diags) = path(&text);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].contains(":7:8: field \"steps\": missing: a pathway lists its steps"),
            "{diags:?}"
        );
        let text = PATHWAY.replace("    who: cno\n", "    who: cno\n  - just words\n");
        let (_, diags) = path(&text);
        assert_eq!(
            diags,
            [
                "content/pathways/registered-nurse-on.md:18:3: field \"steps\": step 3 should have fields (`- title: ...` then `text: ...`), found \"just words\""
            ]
        );
    }

    #[test]
    fn corrupted_pathways_never_panic() {
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let noise = ['\0', ':', '-', '"', '[', ']', '{', '#', '\n', ' ', 'é', '\t', '|'];
        for cut in (0..=PATHWAY.len()).filter(|c| PATHWAY.is_char_boundary(*c)) {
            let (p, diags) = path(&PATHWAY[..cut]);
            assert!(p.is_some() || !diags.is_empty(), "cut at {cut}");
        }
        for _ in 0..1500 {
            let mut chars: Vec<char> = PATHWAY.chars().collect();
            for _ in 0..3 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = (seed as usize) % chars.len();
                chars[at] = noise[(seed >> 32) as usize % noise.len()];
            }
            let text: String = chars.into_iter().collect();
            let (p, diags) = path(&text);
            assert!(p.is_some() || !diags.is_empty(), "{text:?}");
        }
    }
}
