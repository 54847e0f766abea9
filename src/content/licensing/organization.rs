//! An organisation's file (`organizations/<slug>.md`): a regulator, assessment or exam body, or
//! support organisation, in one language. Owns the organisation's own fields (kinds, provinces,
//! contacts, status and successor); what every licensing file has is [`super::read_file`]'s.

use std::sync::Arc;

use super::{Frame, ParsedOrganization, SlugRef, Target, nested_map, read_file};
use crate::content::model::*;
use crate::content::parse::{self, Source};
use crate::error::Diagnostic;
use crate::schema::Fields;
use crate::yaml::{self, Node};

/// The fields only an organisation has, as read (required ones still `None` when missing).
struct Own {
    title_fr: Option<String>,
    abbreviation: Option<String>,
    summary: Option<String>,
    kinds: Vec<OrgKind>,
    provinces: Vec<Province>,
    professions: Vec<String>,
    refs: Vec<parse::CodeRef>,
    website: Option<String>,
    contacts: Contacts,
    status: OrgStatus,
    successor: Option<String>,
    status_date: Option<jiff::civil::Date>,
    slugs: Vec<SlugRef>,
}

pub fn organization(src: &Source, diags: &mut Vec<Diagnostic>) -> Option<ParsedOrganization> {
    let (common, own) = read_file(src, diags, own_fields)?;
    Some(ParsedOrganization {
        org: Arc::new(Organization {
            slug: common.slug,
            lang: common.lang,
            path: src.file.rel.clone(),
            title: common.title,
            title_fr: own.title_fr,
            abbreviation: own.abbreviation,
            summary: own.summary?,
            kinds: own.kinds,
            provinces: own.provinces,
            professions: own.professions,
            website: own.website?,
            contacts: own.contacts,
            status: own.status,
            successor: own.successor,
            status_date: own.status_date,
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
    let title_fr = f.opt_str("title_fr");
    let abbreviation = f.opt_str("abbreviation");
    let summary = f.req_str("summary");
    let kinds = {
        let present = frame.map.iter().any(|(k, v)| k == "kind" && *v != Node::Null);
        let kinds = f.choice_list("kind", OrgKind::CHOICES);
        if !present {
            f.error_at_value(
                "kind",
                "missing: give what it does: regulator, assessment, exam, support, government or association (or a list, e.g. [assessment, exam])",
            );
        }
        kinds
    };
    let provinces = {
        let present = frame.map.iter().any(|(k, v)| k == "province" && *v != Node::Null);
        let p = f.choice_list("province", &Province::choices());
        if !present {
            f.error_at_value(
                "province",
                "missing: give the province codes it works in (ON, QC, ...) or CA for a national body",
            );
        }
        p
    };
    let (professions, refs) = parse::professions(f, "professions");
    let website = f.req_url("website");
    let contacts = match nested_map(f, frame.map, "contacts") {
        Some(m) => {
            let cindex = yaml::index_map_under(frame.front, "contacts");
            let mut c = Fields::new(frame.rel, m, &cindex, frame.offset, &mut frame.nested);
            let email = c.opt_str("email");
            if let Some(e) = &email
                && (!e.contains('@') || e.contains(char::is_whitespace) || e.starts_with("mailto:"))
            {
                c.error_at_value(
                    "email",
                    format!("expected an email address like info@example.org, found {e:?}"),
                );
            }
            let contacts = Contacts {
                email,
                phone: c.opt_str("phone"),
                page: c.opt_url("page"),
            };
            c.finish();
            contacts
        }
        None => Contacts::default(),
    };
    let status = f
        .opt_choice("status", OrgStatus::CHOICES)
        .unwrap_or(OrgStatus::Active);
    let successor = f.opt_str("successor");
    let mut slugs = Vec::new();
    match (&successor, status) {
        (None, OrgStatus::Renamed | OrgStatus::Merged) => f.error_at_value(
            "status",
            format!(
                "a {} organisation needs `successor:`, the slug of the organisation it became or joined",
                status.name()
            ),
        ),
        (Some(_), OrgStatus::Active) => f.error_at_value(
            "successor",
            "only a renamed or merged organisation has a successor; set `status:` or remove this line",
        ),
        (Some(s), _) if *s == frame.slug => {
            f.error_at_value("successor", "an organisation cannot be its own successor")
        }
        (Some(s), _) => {
            let (line, col) = f.value_pos("successor");
            slugs.push(SlugRef {
                target: Target::Organization,
                field: "successor".into(),
                slug: s.clone(),
                line,
                col,
            });
        }
        (None, _) => {}
    }
    let status_date = f.opt_date("status_date");
    Own {
        title_fr,
        abbreviation,
        summary,
        kinds,
        provinces,
        professions,
        refs,
        website,
        contacts,
        status,
        successor,
        status_date,
        slugs,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::parse_as;
    use super::*;
    use crate::content::discover::FileKind;

    fn org(text: &str) -> (Option<ParsedOrganization>, Vec<String>) {
        let kind = FileKind::Organization {
            stem: "cno".into(),
            lang: None,
        };
        parse_as(kind, "content/organizations/cno.md", text, organization)
    }

    const ORG: &str = "---\ntitle: College of Nurses of Ontario\nabbreviation: CNO\nsummary: Licenses nurses in Ontario.\nkind: regulator\nprovince: ON\nprofessions: [\"31301\", \"32101\"]\nwebsite: https://www.cno.org\ncontacts:\n  email: info@example.org\n  page: https://www.cno.org/apply\nsource: https://www.cno.org/about\nreviewed: 2025-03-01\n---\nBody.\n";

    #[test]
    fn a_valid_organisation_is_read_whole() {
        let (o, diags) = org(ORG);
        assert!(diags.is_empty(), "{diags:?}");
        let o = o.unwrap();
        assert_eq!(o.org.kinds, [OrgKind::Regulator]);
        assert_eq!(o.org.provinces, [Province::ON]);
        assert_eq!(o.org.contacts.email.as_deref(), Some("info@example.org"));
        assert_eq!(o.org.status, OrgStatus::Active);
        assert_eq!(o.refs.len(), 2);
        assert!(o.org.body.html.contains("Body."));
    }

    #[test]
    fn organisation_problems_are_each_at_their_value() {
        let text = ORG
            .replace("kind: regulator", "kind: [regulator, exm]")
            .replace("  email: info@example.org", "  email: info at example\n  fax: 1")
            .replace("reviewed:", "status: renamed\nreviewed:");
        let (o, diags) = org(&text);
        assert!(o.is_none());
        assert_eq!(
            diags,
            [
                "content/organizations/cno.md:5:19: field \"kind\": expected one of regulator, assessment, exam, support, government, association, found \"exm\" (did you mean `exam`?)",
                "content/organizations/cno.md:14:9: field \"status\": a renamed organisation needs `successor:`, the slug of the organisation it became or joined",
                "content/organizations/cno.md:10:10: field \"email\": expected an email address like info@example.org, found \"info at example\"",
                "content/organizations/cno.md:11:3: unknown field \"fax\"; the fields here are: email, page, phone",
            ]
        );
    }

    #[test]
    fn an_active_organisation_has_no_successor_and_a_website_is_required() {
        let text = ORG
            .replace("website: https://www.cno.org\n", "")
            .replace("reviewed:", "successor: ocn\nreviewed:");
        let (_, diags) = org(&text);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert!(
            diags[0].ends_with("missing required field \"website\""),
            "{diags:?}"
        );
        assert!(
            diags[1].contains(":12:12: field \"successor\": only a renamed or merged"),
            "{diags:?}"
        );
    }
}
