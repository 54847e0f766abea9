//! The one Markdown pass: pulldown-cmark events, a few small named transforms, then HTML and
//! plain text from the same stream, so pages and the search index see the same words and anchors.
//! This file owns the pass itself, the text transforms (raw HTML shown as text, French spacing,
//! plain text) and slugs; the link transforms are in `links`, heading anchors in `headings`.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

use super::model::{Body, BodyLink};
use crate::lang::Lang;

mod headings;
mod links;

use headings::anchor_headings;
pub use links::{UNSAFE_SCHEMES, item_link, item_target, relocate, site_name, unsafe_scheme};
use links::{autolink_addresses, is_web_address, neutralise_unsafe_links, rewrite_links};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders a body. Root-relative links (`/provinces/on/`) are placed under `lang_root`
/// (`/`, `/fr/`, or a base path such as `/hub/fr/`), so the same Markdown serves every language.
pub fn render(source: &str, lang_root: &str) -> Body {
    render_with(source, lang_root, None)
}

/// [`render`] for text written in `lang`, with that language's spacing rules (French: a
/// no-break space before a colon and inside guillemets, so `Date :` never wraps before its
/// colon).
pub fn render_in(source: &str, lang_root: &str, lang: Lang) -> Body {
    render_with(source, lang_root, Some(lang))
}

fn render_with(source: &str, lang_root: &str, lang: Option<Lang>) -> Body {
    let mut links = Vec::new();
    // Inside a link, an image or a code block, text is never turned into a link.
    let mut no_autolink = 0usize;
    let mut autolink_text = false;
    let mut run: Option<(String, usize)> = None;
    let mut events: Vec<Event> = Vec::new();
    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        match &event {
            Event::Start(Tag::Link {
                dest_url, link_type, ..
            }) => {
                links.push(BodyLink {
                    url: dest_url.to_string(),
                    offset: range.start,
                });
                autolink_text = *link_type == LinkType::Autolink && is_web_address(dest_url);
                no_autolink += 1;
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                links.push(BodyLink {
                    url: dest_url.to_string(),
                    offset: range.start,
                });
                no_autolink += 1;
            }
            Event::Start(Tag::CodeBlock(_)) => no_autolink += 1,
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => {
                no_autolink = no_autolink.saturating_sub(1);
                autolink_text = false;
            }
            _ => {}
        }
        match event {
            // `<https://www.cno.org/apply>` shows the site's name, like every other address.
            Event::Text(t) if autolink_text => events.push(Event::Text(site_name(&t).into())),
            // The parser splits text at `_`, `*` and the like: gather a run of text first, so
            // an address holding them is found whole.
            Event::Text(t) if no_autolink == 0 => match &mut run {
                Some((text, _)) => text.push_str(&t),
                None => run = Some((t.to_string(), range.start)),
            },
            other => {
                if let Some((text, at)) = run.take() {
                    autolink_addresses(&text, at, &mut events, &mut links);
                }
                events.push(other);
            }
        }
    }
    if let Some((text, at)) = run.take() {
        autolink_addresses(&text, at, &mut events, &mut links);
    }
    let mut events = neutralise_unsafe_links(events);
    let headings = anchor_headings(&mut events);
    for event in events.iter_mut() {
        rewrite_links(event, lang_root);
        escape_raw_html(event);
        match lang {
            Some(Lang::Fr) => french_spacing(event),
            Some(Lang::En) | None => {}
        }
    }
    let text = plain_text(&events);
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    Body {
        source: source.to_string(),
        html: out,
        text,
        headings,
        links,
    }
}

/// Editors write Markdown, not HTML: raw HTML is shown as text rather than passed through, so a
/// pasted `<script>` can never run on the hub.
fn escape_raw_html(event: &mut Event) {
    if let Event::Html(raw) | Event::InlineHtml(raw) = event {
        *event = Event::Text(raw.clone());
    }
}

fn french_spacing(event: &mut Event) {
    if let Event::Text(t) = event
        && (t.contains(" :") || t.contains("« ") || t.contains(" »"))
    {
        let spaced = t
            .replace(" :", "\u{a0}:")
            .replace("« ", "«\u{a0}")
            .replace(" »", "\u{a0}»");
        *event = Event::Text(CowStr::from(spaced));
    }
}

fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock,
            ) => text.push('\n'),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// Lowercase ASCII letters, digits and dashes, accents folded (`Santé publique` -> `sante-publique`).
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Folds the Latin letters used in English and French to ASCII. A table rather than a Unicode
/// normalisation crate: slugs only need these letters, and the table keeps slugs stable.
fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' | 'Å' => "a",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ÿ' | 'Ÿ' => "y",
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        _ => "",
    };
    let single = if folded.is_empty() { Some(c) } else { None };
    folded.chars().chain(single)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_footnotes_strikethrough() {
        let body = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1] ~~old~~\n\n[^1]: Note.\n",
            "/",
        );
        assert!(body.html.contains("<table>"));
        assert!(body.html.contains("<del>old</del>"));
        assert!(body.html.contains("footnote-definition"));
    }

    #[test]
    fn french_text_keeps_its_colons_and_guillemets_attached() {
        let fr = render_in(
            "**Date :** jeudi, « ordre » [lien](/about/) : fin",
            "/fr/",
            Lang::Fr,
        );
        assert!(
            fr.html.contains(
                "Date\u{a0}:</strong> jeudi, «\u{a0}ordre\u{a0}» <a href=\"/fr/about/\">lien</a>\u{a0}: fin"
            ),
            "{}",
            fr.html
        );
        let en = render_in("Note : as written", "/", Lang::En);
        assert!(
            en.html.contains("Note : as written"),
            "English text is left alone"
        );
    }

    #[test]
    fn raw_html_is_shown_not_run() {
        let body = render("Hi <script>alert(1)</script>\n\n<div onclick=x>y</div>\n", "/");
        assert!(!body.html.contains("<script"), "{}", body.html);
        assert!(!body.html.contains("<div"), "{}", body.html);
        assert!(body.html.contains("&lt;script&gt;"));
    }

    #[test]
    fn plain_text_for_search() {
        let body = render("## Title\n\nSome *text* here\nand `code`.\n\n- one\n- two\n", "/");
        assert_eq!(body.text, "Title\nSome text here and code.\none\ntwo");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Santé publique & Œuvres"), "sante-publique-oeuvres");
        assert_eq!(slugify("  NOC 31301 — RNs "), "noc-31301-rns");
        assert_eq!(slugify("!!!"), "");
    }
}
