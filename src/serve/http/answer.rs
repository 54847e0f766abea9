//! What a GET gets: its target resolved against the site being served (a file of the site with
//! the live-reload script, a redirect, the site's 404 page, or one of the dev server's own
//! files). Apart from `response`, which the event streams of `live` use too.

use super::live::Shared;
use super::response::{Answer, SCRIPT, STYLE, inject, media_type};
use super::route::{Dev, Resolution, redirect_rule, resolve};

pub(super) enum Reply {
    Answer(Answer),
    Events,
}

/// The answer to a GET for `target`.
pub(super) fn answer(target: &str, shared: &Shared) -> Reply {
    let resolution = {
        let files = shared.files();
        resolve(target, files.base_path(), |p| files.contains(p))
    };
    Reply::Answer(match resolution {
        Resolution::File(path) => match shared.files().get(&path) {
            Some(bytes) => {
                let media = media_type(&path);
                let body = if media.starts_with("text/html") {
                    inject(&bytes, &path)
                } else {
                    bytes.to_vec()
                };
                Answer::new(200, media, body)
            }
            None => not_found(shared),
        },
        // Only ASCII goes in a header: no site path is anything else.
        Resolution::Redirect(to) if to.bytes().all(|b| b.is_ascii_graphic()) => {
            Answer::text(301, &format!("moved to {to}")).with("Location", to)
        }
        // Netlify follows the site's `_redirects` (former addresses) before its 404: so does
        // the preview.
        Resolution::NotFound => match former_address(target, shared) {
            Some(to) => Answer::text(301, &format!("moved to {to}")).with("Location", to),
            None => not_found(shared),
        },
        Resolution::Redirect(_) => not_found(shared),
        Resolution::BadRequest => Answer::text(400, "400 Bad Request"),
        Resolution::Dev(Dev::Script) => Answer::new(200, media_type(".js"), SCRIPT),
        Resolution::Dev(Dev::Style) => Answer::new(200, media_type(".css"), STYLE),
        Resolution::Dev(Dev::Files) => {
            let paths = shared.files().paths();
            let mut body = paths.join("\n");
            body.push('\n');
            Answer::new(200, media_type(".txt"), body)
        }
        Resolution::Dev(Dev::Events) => return Reply::Events,
    })
}

/// Where the site's `_redirects` sends `target` (its path, query left out), if anywhere.
fn former_address(target: &str, shared: &Shared) -> Option<String> {
    let rules = shared.files().get("_redirects")?;
    let path = target.split(['?', '#']).next().unwrap_or("");
    redirect_rule(&String::from_utf8_lossy(&rules), path)
        .filter(|to| to.bytes().all(|b| b.is_ascii_graphic()))
}

fn not_found(shared: &Shared) -> Answer {
    let page = shared.files().get("404.html");
    let body = match page {
        Some(bytes) => inject(&bytes, "404.html"),
        // No site yet (the first build failed): a page that shows the problems and reloads
        // when they are fixed.
        None => inject(
            format!(
                "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>iehp serve</title></head>\n<body>\n<h1>Nothing to show yet</h1>\n<p>{}</p>\n</body>\n</html>\n",
                if shared.is_failing() {
                    "The site has problems; this page shows them and reloads once they are fixed."
                } else {
                    "No such page."
                }
            )
            .as_bytes(),
            "404.html",
        ),
    };
    Answer::new(404, media_type(".html"), body)
}
