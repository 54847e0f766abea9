//! When the built site next changes by itself: the first day an upcoming event becomes past or
//! an item's facts become stale. Written as `next-change.json` so a scheduled rebuild can run
//! exactly when needed rather than blindly.

use jiff::civil::Date;
use serde::Serialize;

use crate::content::model::Site;
use crate::content::parse::last_date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextChange {
    /// The build date the site was judged against.
    pub built_for: String,
    /// The first date on which a build would differ, if any.
    pub next_change: Option<String>,
    pub reason: Option<String>,
}

pub fn next_change(site: &Site, now: Date) -> NextChange {
    let tz = &site.config.timezone;
    let months = i64::from(site.config.stale_after_months);
    let mut best: Option<(Date, String)> = None;
    let mut consider = |date: Date, reason: String| {
        if date > now && best.as_ref().is_none_or(|(d, r)| (date, &reason) < (*d, r)) {
            best = Some((date, reason));
        }
    };
    for item in &site.items {
        if let Some(e) = item.event()
            && let Ok(day_after) = last_date(e.end.unwrap_or(e.start), tz).tomorrow()
        {
            consider(day_after, format!("{} becomes a past event", item.path.display()));
        }
        if let Ok(stale_from) = item
            .reviewed
            .checked_add(jiff::Span::new().months(months))
            .and_then(|d| d.tomorrow())
        {
            consider(stale_from, format!("{} becomes stale", item.path.display()));
        }
    }
    NextChange {
        built_for: now.to_string(),
        next_change: best.as_ref().map(|(d, _)| d.to_string()),
        reason: best.map(|(_, r)| r),
    }
}
