//! An item's own page (portals, events, networks, programs and plain pages): its facts in this
//! language, its body, its event details with schema.org JSON-LD and calendar link, its form;
//! and the thank-you page a page's form leads to.

use tera::Context;

use super::{Views, source_view};
use crate::catalog::{Edition, dates, form_name, format_key, is_stale};
use crate::content::markdown;
use crate::content::model::*;
use crate::error::Result;
use crate::schema::Moment;
use crate::schema::is_web_url;
use crate::urls;
use crate::views::*;

impl Views<'_> {
    pub(super) fn item_context(&self, lang: &Edition, neutral: &str, i: usize) -> Result<Context> {
        let item = self.cat.entities[i].shown(lang.code);
        let view = self.item_view(lang, i)?;
        let mut ctx = self.base_context(lang, neutral, &item.title, &view.card.summary);
        ctx.insert("item", &view);
        ctx.insert("og_type", "article");
        Ok(ctx)
    }

    fn item_view(&self, lang: &Edition, i: usize) -> Result<ItemView> {
        let card = &lang.cards[i];
        let entity = &self.cat.entities[i];
        let item = entity.shown(lang.code);
        let cfg = &self.cat.site.config;
        let tz = &cfg.timezone;
        let yes = |s: &Option<String>| s.clone();
        let mut facts: Vec<Fact> = Vec::new();
        let mut fact = |label: String, text: Option<String>, url: Option<String>, list: Vec<String>| {
            if text.is_some() || !list.is_empty() {
                // A web address is shown by its site's name, never spelt out in full.
                let text = match &url {
                    Some(u) if is_web_url(u) => Some(markdown::site_name(u)),
                    _ => text,
                };
                facts.push(Fact {
                    label,
                    text: text.unwrap_or_default(),
                    url,
                    list,
                });
            }
        };
        let mut event_view = None;
        let mut action_url = None;
        match &item.details {
            Details::Page => {}
            Details::Portal { url, operator, .. } => {
                fact(lang.tr("field_operator")?, Some(operator.clone()), None, vec![]);
                fact(
                    lang.tr("field_status")?,
                    Some(card.status_label.clone()),
                    None,
                    vec![],
                );
                fact(lang.tr("field_portal_url")?, url.clone(), url.clone(), vec![]);
                action_url = url.clone();
            }
            Details::Event(e) => {
                // The date is shown once, under the title (`event.when`), not again as a fact.
                let when = dates::span(e.start, e.end, tz, lang.code);
                fact(
                    lang.tr("field_format")?,
                    Some(lang.tr(format_key(e.format))?),
                    None,
                    vec![],
                );
                fact(lang.tr("field_location")?, yes(&e.location), None, vec![]);
                fact(lang.tr("field_host")?, yes(&e.host), None, vec![]);
                fact(lang.tr("field_partners")?, None, None, e.partners.clone());
                if let Some(l) = e.language {
                    let key = match l {
                        EventLanguage::En => "event_lang_en",
                        EventLanguage::Fr => "event_lang_fr",
                        EventLanguage::Bilingual => "event_lang_bilingual",
                        EventLanguage::NotStated => "event_lang_not_stated",
                    };
                    fact(
                        lang.tr("field_event_language")?,
                        Some(lang.tr(key)?),
                        None,
                        vec![],
                    );
                }
                fact(
                    lang.tr("field_registration")?,
                    yes(&e.registration_url),
                    yes(&e.registration_url),
                    vec![],
                );
                fact(
                    lang.tr("field_recording")?,
                    yes(&e.recording_url),
                    yes(&e.recording_url),
                    vec![],
                );
                event_view = Some(EventView {
                    when,
                    start_iso: dates::iso(e.start),
                    end_iso: e.end.map(dates::iso),
                    upcoming: self.cat.upcoming(e),
                    registration_url: e.registration_url.clone(),
                    recording_url: e.recording_url.clone(),
                    calendar_url: self.cat.event_calendar_url(lang, i),
                    json_ld: self.event_json_ld(lang, i, item, e),
                });
            }
            Details::Member {
                location,
                membership,
                services,
                host_org,
                url,
            } => {
                fact(lang.tr("field_location")?, Some(location.clone()), None, vec![]);
                fact(lang.tr("field_membership")?, yes(membership), None, vec![]);
                fact(lang.tr("field_services")?, None, None, services.clone());
                fact(lang.tr("field_host_org")?, yes(host_org), None, vec![]);
                fact(lang.tr("field_website")?, yes(url), yes(url), vec![]);
            }
            Details::Program {
                provider,
                location,
                delivery,
                clients,
                supports,
                url,
            } => {
                fact(lang.tr("field_provider")?, Some(provider.clone()), None, vec![]);
                fact(lang.tr("field_location")?, yes(location), None, vec![]);
                if let Some(d) = delivery {
                    fact(
                        lang.tr("field_delivery")?,
                        Some(lang.tr(format_key(*d))?),
                        None,
                        vec![],
                    );
                }
                fact(lang.tr("field_clients")?, yes(clients), None, vec![]);
                fact(lang.tr("field_supports")?, None, None, supports.clone());
                fact(lang.tr("field_website")?, yes(url), yes(url), vec![]);
            }
        }
        if item.collection != Collection::Pages {
            let provinces = item
                .provinces
                .iter()
                .map(|p| p.name(lang.code).to_string())
                .collect();
            fact(lang.tr("field_provinces")?, None, None, provinces);
            let audience = item
                .audience
                .iter()
                .map(|a| {
                    lang.tr(match a {
                        Audience::Iehp => "audience_iehp",
                        Audience::Employer => "audience_employer",
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            fact(lang.tr("field_audience")?, None, None, audience);
        }
        let professions = item
            .professions
            .iter()
            .filter_map(|c| self.cat.site.occupation(c))
            .map(|o| self.cat.occupation_link(lang, o))
            .collect();
        // An item shown under another language's interface keeps its own text, with links
        // placed under this language's pages.
        let body_html = if item.lang == lang.code {
            item.body.html.clone()
        } else {
            markdown::relocate(
                &item.body.html,
                &self.cat.site.config.lang_root(item.lang),
                &lang.root,
            )
        };
        let view = ItemView {
            card: Card::clone(card),
            facts,
            professions,
            body_html,
            source: item.source.as_deref().map(source_view),
            reviewed: dates::date(item.reviewed, lang.code),
            reviewed_iso: item.reviewed.to_string(),
            reviewed_month: dates::month_year(item.reviewed, lang.code),
            stale: is_stale(item.reviewed, self.cat.now, cfg.stale_after_months),
            fallback_lang_name: (item.lang != lang.code)
                .then(|| lang.tr(&format!("language_name_{}", item.lang)))
                .transpose()?,
            text_lang: item.lang,
            event: event_view,
            action_url,
            form: self.form_view(lang, i),
        };
        Ok(view)
    }

    /// schema.org `Event` data for an event page.
    pub(super) fn event_json_ld(&self, lang: &Edition, i: usize, item: &Item, e: &Event) -> String {
        let tz = &self.cat.site.config.timezone;
        let url = format!("{}{}", self.cat.origin, lang.url(&self.cat.entities[i].neutral()));
        let mut ld = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Event",
            "name": item.title,
            "description": lang.cards[i].summary,
            "url": url,
            "startDate": schema_date(e.start, tz),
        });
        let mode = match e.format {
            Format::Online => Some("https://schema.org/OnlineEventAttendanceMode"),
            Format::InPerson => Some("https://schema.org/OfflineEventAttendanceMode"),
            Format::Hybrid => Some("https://schema.org/MixedEventAttendanceMode"),
            Format::NotStated => None,
        };
        let mut locations = Vec::new();
        if let (Some(place), Format::InPerson | Format::Hybrid | Format::NotStated) = (&e.location, e.format)
        {
            locations.push(serde_json::json!({"@type": "Place", "name": place, "address": place}));
        }
        if matches!(e.format, Format::Online | Format::Hybrid) {
            let online = e.registration_url.clone().unwrap_or_else(|| url.clone());
            locations.push(serde_json::json!({"@type": "VirtualLocation", "url": online}));
        }
        if let Some(obj) = ld.as_object_mut() {
            if let Some(mode) = mode {
                obj.insert("eventAttendanceMode".into(), mode.into());
            }
            if let Some(end) = e.end {
                obj.insert("endDate".into(), schema_date(end, tz).into());
            }
            if !locations.is_empty() {
                obj.insert("location".into(), serde_json::Value::Array(locations));
            }
            if let Some(host) = &e.host {
                obj.insert(
                    "organizer".into(),
                    serde_json::json!({"@type": "Organization", "name": host}),
                );
            }
            let langs = match e.language {
                Some(EventLanguage::En) => Some(serde_json::json!("en")),
                Some(EventLanguage::Fr) => Some(serde_json::json!("fr")),
                Some(EventLanguage::Bilingual) => Some(serde_json::json!(["en", "fr"])),
                Some(EventLanguage::NotStated) | None => None,
            };
            if let Some(langs) = langs {
                obj.insert("inLanguage".into(), langs);
            }
        }
        super::json_ld::for_html(&ld)
    }

    /// The form a page carries, in this language.
    pub(super) fn form_view(&self, lang: &Edition, i: usize) -> Option<FormView> {
        let original = self.cat.entities[i].original;
        let form = original.form?;
        Some(FormView {
            name: form_name(form).to_string(),
            action: lang.url(&urls::form_thanks(&original.slug)),
            lang: lang.code,
            provinces: Province::ALL
                .iter()
                .map(|p| self.cat.province_link(lang, *p))
                .collect(),
        })
    }

    /// The template context of a thank-you page.
    pub(super) fn thanks_context(&self, lang: &Edition, neutral: &str, i: usize) -> Result<Context> {
        let page = self.cat.entities[i].shown(lang.code);
        let mut ctx = self.base_context(lang, neutral, &lang.tr("form_thanks_title")?, "");
        ctx.insert(
            "thanks",
            &ThanksView {
                back_url: lang.url(&self.cat.entities[i].neutral()),
                back_title: page.title.clone(),
                back_lang: (page.lang != lang.code).then_some(page.lang),
            },
        );
        Ok(ctx)
    }
}

/// A moment as schema.org writes dates: `2025-11-22T09:30:00-05:00` in the site's zone, or just
/// as much of a date as is known (`2025-06-26`, `2023-06`, `2023`).
fn schema_date(m: Moment, tz: &jiff::tz::TimeZone) -> String {
    match m {
        Moment::DateTime(t) => t
            .to_zoned(tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        other => dates::iso(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::parse_moment;

    fn tz() -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get("America/Toronto").unwrap()
    }

    #[test]
    fn schema_dates_keep_their_precision() {
        let m = |s: &str| parse_moment(s).unwrap();
        assert_eq!(
            schema_date(m("2025-11-22T14:30:00Z"), &tz()),
            "2025-11-22T09:30:00-05:00"
        );
        assert_eq!(schema_date(m("2025-06-26"), &tz()), "2025-06-26");
        assert_eq!(schema_date(m("2023"), &tz()), "2023");
    }

    #[test]
    fn json_ld_cannot_close_its_script() {
        let v = serde_json::json!({"name": "</script><b>&"});
        let out = super::super::json_ld::for_html(&v);
        assert!(!out.contains('<') && !out.contains('&'), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, v);
    }
}
