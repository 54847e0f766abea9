//! The occupations index (by NOC category and major group) and each occupation's page: its
//! note, the draws that named it, and the items that name it.

use tera::Context;

use super::{Views, source_view};
use crate::catalog::{Edition, dates, occupation_title};
use crate::content::markdown;
use crate::error::{Error, Result};
use crate::views::*;

impl Views<'_> {
    pub(super) fn occupations_context(&self, lang: &Edition, neutral: &str) -> Result<Context> {
        let title = lang.tr("title_occupations")?;
        let intro = lang.tr("intro_occupations")?;
        let mut ctx = self.base_context(lang, neutral, &title, &intro);
        ctx.insert("groups", &self.occupation_groups(lang));
        Ok(ctx)
    }

    pub(super) fn occupation_context(
        &self,
        lang: &Edition,
        neutral: &str,
        code: &str,
        list: usize,
        n: usize,
    ) -> Result<Context> {
        let spec = &self.cat.lists[list];
        let occ = self.cat.site.occupation(code).ok_or_else(|| {
            Error::Internal(format!(
                "the catalog planned a page for occupation {code}, which the site does not have"
            ))
        })?;
        let note = if n == 1 { self.note_view(lang, code) } else { None };
        let draws = if n == 1 {
            self.cat
                .site
                .draws
                .iter()
                .filter(|d| d.professions.iter().any(|p| p == code))
                .map(|d| self.draw_view(lang, d))
                .collect::<Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        let description = note.as_ref().map(|n| n.summary.clone()).unwrap_or_default();
        let view = OccupationView {
            code: occ.code.clone(),
            title: occupation_title(occ, lang.code).to_string(),
            teer: occ.teer,
            teer_label: lang.tr(&format!("teer_{}", occ.teer))?,
            group: group_title(lang, &occ.code[..2]),
            note,
            draws,
            list: self.list_view(lang, spec, n),
        };
        let mut ctx = self.base_context(lang, neutral, &spec.heading, &description);
        ctx.insert("occupation", &view);
        ctx.insert("licensing", &self.licensing_view(lang, Some(code), None, n)?);
        Ok(ctx)
    }

    /// The occupations by NOC broad category (first digit), then major group (two digits).
    fn occupation_groups(&self, lang: &Edition) -> Vec<OccupationCategory> {
        let mut categories: Vec<OccupationCategory> = Vec::new();
        for occ in &self.cat.site.occupations {
            let (cat, code) = (&occ.code[..1], &occ.code[..2]);
            if categories.last().is_none_or(|c| c.code != cat) {
                categories.push(OccupationCategory {
                    code: cat.to_string(),
                    title: noc_title(lang, "noc_category", cat),
                    groups: Vec::new(),
                });
            }
            let Some(category) = categories.last_mut() else {
                continue;
            };
            if category.groups.last().is_none_or(|g| g.code != code) {
                category.groups.push(OccupationGroup {
                    code: code.to_string(),
                    title: group_title(lang, code),
                    occupations: Vec::new(),
                });
            }
            let link = self.cat.occupation_link(lang, occ);
            if let Some(g) = category.groups.last_mut() {
                g.occupations.push(link);
            }
        }
        categories
    }

    fn note_view(&self, lang: &Edition, code: &str) -> Option<NoteView> {
        let default = self.cat.site.config.default_language();
        let note = self
            .cat
            .site
            .notes
            .iter()
            .find(|n| n.code == code && n.lang == lang.code)
            .or_else(|| {
                self.cat
                    .site
                    .notes
                    .iter()
                    .find(|n| n.code == code && n.lang == default)
            })?;
        let body_html = if note.lang == lang.code {
            note.body.html.clone()
        } else {
            markdown::relocate(
                &note.body.html,
                &self.cat.site.config.lang_root(note.lang),
                &lang.root,
            )
        };
        Some(NoteView {
            summary: note.summary.clone().unwrap_or_default(),
            body_html,
            source: source_view(&note.source),
            reviewed: dates::date(note.reviewed, lang.code),
            reviewed_iso: note.reviewed.to_string(),
            fallback_lang_name: (note.lang != lang.code)
                .then(|| lang.t.get(&format!("language_name_{}", note.lang)).cloned())
                .flatten(),
            text_lang: note.lang,
        })
    }
}

fn group_title(lang: &Edition, code: &str) -> String {
    noc_title(lang, "noc_group", code)
}

/// The title of a NOC broad category or major group from the string tables: `3 – Health
/// occupations`; a code the tables do not name is shown as `NOC 42` (`CNP 42`).
fn noc_title(lang: &Edition, prefix: &str, code: &str) -> String {
    match lang.t.get(&format!("{prefix}_{code}")) {
        Some(title) => format!("{code} – {title}"),
        None => {
            let noc = lang.t.get("noc_short").map_or("NOC", String::as_str);
            format!("{noc} {code}")
        }
    }
}
