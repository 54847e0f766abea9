//! When the built site next changes by itself: the first day an upcoming event becomes past or
//! an item's facts become stale. Written as `next-change.json` so a scheduled rebuild can run
//! exactly when needed rather than blindly.

use std::cmp::Ordering;
use std::collections::HashMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::catalog::is_archived;
use crate::content::model::{Item, Site};
use crate::content::parse::last_date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextChange {
    /// The build date the site was judged against.
    pub built_for: String,
    /// The first date on which a build would differ, if any.
    pub next_change: Option<String>,
    pub reason: Option<String>,
}

/// What happens to an item on its date.
#[derive(Clone, Copy)]
enum Why {
    Past,
    Stale,
    Archived,
}

fn reason(item: &Item, why: Why) -> String {
    match why {
        Why::Past => format!("{} becomes a past event", item.path.display()),
        Why::Stale => format!("{} becomes stale", item.path.display()),
        Why::Archived => format!("{} moves to the archive", item.path.display()),
    }
}

/// Keeps the change on `date` if it comes after `now` and before `best`.
fn consider<'a>(best: &mut Option<(Date, &'a Item, Why)>, now: Date, date: Date, item: &'a Item, why: Why) {
    if date <= now {
        return;
    }
    // Reasons are written out only to break a tie.
    let better = match best {
        None => true,
        Some((d, other, other_why)) => match date.cmp(d) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => reason(item, why) < reason(other, *other_why),
        },
    };
    if better {
        *best = Some((date, item, why));
    }
}

/// The earliest change after `now`; among changes on the same day, the first by its reason's
/// text, so that the answer does not depend on the order of the items.
pub fn next_change(site: &Site, now: Date) -> NextChange {
    let tz = &site.config.timezone;
    let months = jiff::Span::new().months(i64::from(site.config.stale_after_months));
    let archive_months = jiff::Span::new().months(i64::from(site.config.archive_after_months));
    // Items share few review dates, and adding months to a date is not free: the dev server
    // works this out after every edit of a large hub.
    let mut stale_from: HashMap<Date, Option<Date>, ahash::RandomState> = HashMap::default();
    let mut best: Option<(Date, &Item, Why)> = None;
    for item in &site.items {
        if let Some(e) = item.event()
            && let Ok(day_after) = last_date(e.end.unwrap_or(e.start), tz).tomorrow()
        {
            consider(&mut best, now, day_after, item, Why::Past);
        }
        let stale = *stale_from
            .entry(item.reviewed)
            .or_insert_with(|| item.reviewed.checked_add(months).and_then(|d| d.tomorrow()).ok());
        if let Some(stale) = stale {
            consider(&mut best, now, stale, item, Why::Stale);
        }
        // The day `is_archived` first holds (never for an open portal, an event or a page).
        if let Ok(Some(day)) = item
            .reviewed
            .checked_add(archive_months)
            .map(|d| d.tomorrow().ok())
            && is_archived(item, day, site.config.archive_after_months)
        {
            consider(&mut best, now, day, item, Why::Archived);
        }
    }
    NextChange {
        built_for: now.to_string(),
        next_change: best.as_ref().map(|(d, _, _)| d.to_string()),
        reason: best.map(|(_, item, why)| reason(item, why)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::LoadOptions;
    use crate::content::store::Store;

    fn write(root: &std::path::Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn page(reviewed: &str) -> String {
        format!("---\ntitle: T\nreviewed: {reviewed}\n---\nText.\n")
    }

    fn event(end: &str) -> String {
        format!(
            "---\ntitle: E\nprovince: ON\nstart: 2025-02-01\nend: {end}\nformat: online\nsource: https://example.org/\nreviewed: 2025-01-01\n---\nText.\n"
        )
    }

    #[test]
    fn the_earliest_change_wins_and_a_tie_goes_to_the_first_reason() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(
            root,
            "content/site.yaml",
            "title: T\nbase_url: https://example.org/\nstale_after_months: 1\n",
        );
        // Stale from 2025-04-02 (March 1 plus a month, and a day).
        write(root, "content/pages/b.md", &page("2025-03-01"));
        // Past from 2025-04-02 too: a tie, which `content/events/z.md` wins by its reason's text.
        write(root, "content/events/z.md", &event("2025-04-01"));
        write(root, "content/pages/d.md", &page("2025-03-01"));
        // Stale from 2025-03-29: Feb 28 plus a month; the earliest.
        write(root, "content/pages/c.md", &page("2025-02-28"));
        // Stale already.
        write(root, "content/pages/a.md", &page("2024-01-01"));
        let site = Store::open(root, LoadOptions::default()).site().unwrap();
        let now = |s: &str| s.parse::<Date>().unwrap();

        let next = next_change(&site, now("2025-03-15"));
        assert_eq!(next.next_change.as_deref(), Some("2025-03-29"));
        assert_eq!(next.reason.as_deref(), Some("content/pages/c.md becomes stale"));

        let next = next_change(&site, now("2025-03-29"));
        assert_eq!(next.next_change.as_deref(), Some("2025-04-02"));
        assert_eq!(
            next.reason.as_deref(),
            Some("content/events/z.md becomes a past event")
        );

        let next = next_change(&site, now("2025-04-02"));
        assert_eq!(next.next_change, None);
        assert_eq!(next.reason, None);
    }
}
