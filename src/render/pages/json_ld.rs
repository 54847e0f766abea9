//! schema.org JSON-LD as pages carry it: the escaping every `<script type="application/ld+json">`
//! needs, and an organisation's record (an event's is built with its page, in `item`).

use crate::content::model::{OrgKind, Organization, Province};
use crate::lang::Lang;

/// JSON for a `<script type="application/ld+json">`: `<`, `>` and `&` are escaped so the text
/// can never close the element or start markup.
pub(super) fn for_html(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// schema.org `Organization` (`GovernmentOrganization` for a government body) for its page.
pub(super) fn organization(o: &Organization, url: &str) -> String {
    let kind = if o.kinds.contains(&OrgKind::Government) {
        "GovernmentOrganization"
    } else {
        "Organization"
    };
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": kind,
        "name": o.title,
        "url": o.website,
        "mainEntityOfPage": url,
        "description": o.summary,
        "areaServed": o
            .provinces
            .iter()
            .map(|p| if *p == Province::CA { "Canada" } else { p.name(Lang::En) })
            .collect::<Vec<_>>(),
    });
    if let Some(obj) = ld.as_object_mut() {
        if let Some(a) = &o.abbreviation {
            obj.insert("alternateName".into(), a.clone().into());
        }
        if let Some(e) = &o.contacts.email {
            obj.insert("email".into(), e.clone().into());
        }
        if let Some(p) = &o.contacts.phone {
            obj.insert("telephone".into(), p.clone().into());
        }
    }
    for_html(&ld)
}
