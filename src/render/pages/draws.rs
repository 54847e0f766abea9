//! The draws page: every Express Entry and provincial draw the hub records, newest first, each
//! with its programme, stream, numbers and the occupations it named.

use std::collections::BTreeMap;

use jiff::civil::Date;
use tera::Context;

use super::{Views, source_view};
use crate::catalog::{Edition, dates};
use crate::content::model::Draw;
use crate::error::Result;
use crate::lang::Lang;
use crate::render::charts::{self, Series, TimeChartText};
use crate::views::*;

impl Views<'_> {
    pub(super) fn draws_context(&self, lang: &Edition, neutral: &str) -> Result<Context> {
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
        ctx.insert("draws_charts", &self.draws_charts(lang)?);
        Ok(ctx)
    }

    /// The draws as two pictures: invitations per draw, and the lowest score each draw invited,
    /// over time, one series per programme (draws of one programme on one day added together).
    fn draws_charts(&self, lang: &Edition) -> Result<Option<DrawsCharts>> {
        let draws = &self.cat.site.draws;
        if draws.is_empty() {
            return Ok(None);
        }
        let mut programs: Vec<&str> = draws.iter().map(|d| d.program.as_str()).collect();
        programs.sort_unstable();
        programs.dedup();
        let series = |value: &dyn Fn(&Draw) -> Option<u32>, sum: bool| -> Vec<Series> {
            programs
                .iter()
                .map(|p| {
                    let mut by_day: BTreeMap<Date, Option<u32>> = BTreeMap::new();
                    for d in draws.iter().filter(|d| d.program == *p) {
                        let v = value(d);
                        by_day
                            .entry(d.date)
                            .and_modify(|acc| {
                                *acc = match (*acc, v) {
                                    (Some(a), Some(b)) if sum => Some(a + b),
                                    (Some(a), Some(b)) => Some(a.min(b)),
                                    (a, b) => a.or(b),
                                }
                            })
                            .or_insert(v);
                    }
                    Series {
                        name: (*p).to_string(),
                        points: by_day.into_iter().collect(),
                    }
                })
                .collect()
        };
        let invitations = series(&|d: &Draw| d.invitations, true);
        let scores: Vec<Series> = series(&|d: &Draw| d.crs_min, false)
            .into_iter()
            .map(|mut s| {
                s.points.retain(|p| p.1.is_some());
                s
            })
            .filter(|s| !s.points.is_empty())
            .collect();
        let first = draws.iter().map(|d| d.date).min().unwrap_or_default();
        let last = draws.iter().map(|d| d.date).max().unwrap_or_default();
        let range = |s: &Series| {
            let known: Vec<u32> = s.points.iter().filter_map(|p| p.1).collect();
            (
                known.iter().min().copied(),
                known.iter().max().copied(),
                s.points.len() - known.len(),
            )
        };
        let fill = |template: String, pairs: &[(&str, String)]| {
            pairs
                .iter()
                .fold(template, |t, (k, v)| t.replace(&format!("{{{k}}}"), v))
        };
        let span = [
            ("from", dates::month_year(first, lang.code)),
            ("to", dates::month_year(last, lang.code)),
        ];
        let mut inv_desc = vec![fill(lang.tr("chart_invitations_desc")?, &span)];
        for s in &invitations {
            let (lo, hi, unknown) = range(s);
            if let (Some(lo), Some(hi)) = (lo, hi) {
                inv_desc.push(fill(
                    lang.tr("chart_invitations_series")?,
                    &[
                        ("program", s.name.clone()),
                        ("min", charts::group(lo.into(), lang.code)),
                        ("max", charts::group(hi.into(), lang.code)),
                    ],
                ));
            }
            if unknown > 0 {
                inv_desc.push(fill(
                    lang.tr("chart_unknown_count")?,
                    &[("program", s.name.clone()), ("n", unknown.to_string())],
                ));
            }
        }
        let mut score_desc = vec![fill(lang.tr("chart_scores_desc")?, &span)];
        for s in &scores {
            if let (Some(lo), Some(hi), _) = range(s) {
                score_desc.push(fill(
                    lang.tr("chart_scores_series")?,
                    &[
                        ("program", s.name.clone()),
                        ("min", lo.to_string()),
                        ("max", hi.to_string()),
                    ],
                ));
            }
        }
        let text = |title: String, desc: Vec<String>| TimeChartText {
            title,
            desc: desc.join(" "),
            unknown: "?".to_string(),
            month: dates::month_year,
            lang: lang.code,
        };
        Ok(Some(DrawsCharts {
            invitations_title: lang.tr("chart_invitations_title")?,
            invitations_svg: charts::time_chart(
                &invitations,
                true,
                true,
                &text(lang.tr("chart_invitations_title")?, inv_desc),
            ),
            scores_title: lang.tr("chart_scores_title")?,
            scores_svg: charts::time_chart(
                &scores,
                false,
                false,
                &text(lang.tr("chart_scores_title")?, score_desc),
            ),
            legend: programs.iter().map(|p| (*p).to_string()).collect(),
        }))
    }

    pub(super) fn draw_view(&self, lang: &Edition, d: &Draw) -> Result<DrawView> {
        let crs = match (d.crs_min, d.crs_max) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}–{b}"),
            (Some(a), None) => format!("≥ {a}"),
            (None, Some(b)) => format!("≤ {b}"),
            (None, None) => lang.tr("draws_invitations_unknown")?,
        };
        // The French site shows the French form of a text where the data file gives one.
        let local = |en: &Option<String>, fr: &Option<String>| match (lang.code, fr) {
            (Lang::Fr, Some(fr)) => fr.clone(),
            (Lang::Fr, None) | (Lang::En, _) => en.clone().unwrap_or_default(),
        };
        Ok(DrawView {
            date: dates::date(d.date, lang.code),
            date_iso: d.date.to_string(),
            program: local(&Some(d.program.clone()), &d.program_fr),
            stream: local(&d.stream, &d.stream_fr),
            province: d.province.map(|p| self.cat.province_link(lang, p)),
            invitations: match d.invitations {
                Some(n) => charts::group(n.into(), lang.code),
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
