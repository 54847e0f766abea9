//! The draws page: every Express Entry and provincial draw the hub records, newest first, each
//! with its programme, stream, numbers and the occupations it named.

use tera::Context;

use super::{Views, source_view};
use crate::catalog::{Lang, dates};
use crate::content::model::Draw;
use crate::error::Result;
use crate::views::*;

impl Views<'_> {
    pub(super) fn draws_context(&self, lang: &Lang, neutral: &str) -> Result<Context> {
        let draws = self
            .cat
            .site
            .draws
            .iter()
            .map(|d| self.draw_view(lang, d))
            .collect::<Result<Vec<_>>>()?;
        let title = lang.tr("title_draws")?;
        let intro = lang.tr("intro_draws")?;
        let mut ctx = self.base_context(lang, neutral, &title, &intro);
        ctx.insert("draws", &draws);
        Ok(ctx)
    }

    pub(super) fn draw_view(&self, lang: &Lang, d: &Draw) -> Result<DrawView> {
        let crs = match (d.crs_min, d.crs_max) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}–{b}"),
            (Some(a), None) => format!("≥ {a}"),
            (None, Some(b)) => format!("≤ {b}"),
            (None, None) => lang.tr("draws_invitations_unknown")?,
        };
        // The French site shows the French form of a text where the data file gives one.
        let local = |en: &Option<String>, fr: &Option<String>| match (lang.code, fr) {
            ("fr", Some(fr)) => fr.clone(),
            _ => en.clone().unwrap_or_default(),
        };
        Ok(DrawView {
            date: dates::date(d.date, lang.code),
            date_iso: d.date.to_string(),
            program: local(&Some(d.program.clone()), &d.program_fr),
            stream: local(&d.stream, &d.stream_fr),
            province: d.province.map(|p| self.cat.province_link(lang, p)),
            invitations: match d.invitations {
                Some(n) => group_digits(n, lang.code),
                None => lang.tr("draws_invitations_unknown")?,
            },
            crs,
            professions: d
                .professions
                .iter()
                .filter_map(|c| self.cat.site.occupation(c))
                .map(|o| self.cat.occupation_link(lang, o))
                .collect(),
            notes: local(&d.notes, &d.notes_fr),
            source: source_view(&d.source),
        })
    }
}

/// 2104 -> "2,104" (English) or "2 104" (French, with a no-break space).
fn group_digits(n: u32, lang: &str) -> String {
    let digits = n.to_string();
    let sep = if lang == "fr" { '\u{a0}' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits() {
        assert_eq!(group_digits(2104, "en"), "2,104");
        assert_eq!(group_digits(2104, "fr"), "2\u{a0}104");
        assert_eq!(group_digits(999, "en"), "999");
        assert_eq!(group_digits(1_000_000, "en"), "1,000,000");
    }
}
