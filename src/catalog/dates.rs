//! Dates and times written the way each language writes them, in the site's time zone.
//!
//! jiff has no locale data; the month names of the two interface languages are a small table.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::schema::Moment;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

fn month(d: Date, lang: &str) -> &'static str {
    let i = (d.month() - 1) as usize;
    if lang == "fr" { MONTHS_FR[i] } else { MONTHS_EN[i] }
}

/// November 22, 2025 / 22 novembre 2025 (1er for the first of the month in French).
pub fn date(d: Date, lang: &str) -> String {
    if lang == "fr" {
        let day = if d.day() == 1 {
            "1er".to_string()
        } else {
            d.day().to_string()
        };
        format!("{day} {} {}", month(d, lang), d.year())
    } else {
        format!("{} {}, {}", month(d, lang), d.day(), d.year())
    }
}

/// November 2025 / novembre 2025.
pub fn month_year(d: Date, lang: &str) -> String {
    format!("{} {}", month(d, lang), d.year())
}

/// 9:30 AM / 9 h 30 (and 13 h, not 13 h 00, as Canadian French writes a full hour).
fn time(z: &jiff::Zoned, lang: &str) -> String {
    let (h, m) = (z.hour(), z.minute());
    if lang == "fr" {
        if m == 0 {
            format!("{h}\u{a0}h")
        } else {
            format!("{h}\u{a0}h\u{a0}{m:02}")
        }
    } else {
        let (h12, ampm) = match h {
            0 => (12, "AM"),
            1..=11 => (h, "AM"),
            12 => (12, "PM"),
            _ => (h - 12, "PM"),
        };
        format!("{h12}:{m:02} {ampm}")
    }
}

fn zone_abbrev(z: &jiff::Zoned, lang: &str) -> String {
    let abbrev = z.strftime("%Z").to_string();
    if lang == "fr" {
        french_zone(&abbrev).map_or(abbrev, str::to_string)
    } else {
        abbrev
    }
}

/// The French abbreviations of Canada's time zones (HNE: heure normale de l'Est, HAE: heure
/// avancée de l'Est, ...); the tz database knows only the English ones.
fn french_zone(abbrev: &str) -> Option<&'static str> {
    Some(match abbrev {
        "NST" => "HNT",
        "NDT" => "HAT",
        "AST" => "HNA",
        "ADT" => "HAA",
        "EST" => "HNE",
        "EDT" => "HAE",
        "CST" => "HNC",
        "CDT" => "HAC",
        "MST" => "HNR",
        "MDT" => "HAR",
        "PST" => "HNP",
        "PDT" => "HAP",
        _ => return None,
    })
}

/// A moment as an ISO 8601 string for `<time datetime>`: a date, or a UTC date-time.
pub fn iso(m: Moment) -> String {
    match m {
        Moment::Year(d) => d.year().to_string(),
        Moment::Month(d) => format!("{:04}-{:02}", d.year(), d.month()),
        Moment::Date(d) => d.to_string(),
        Moment::DateTime(t) => t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
}

/// A moment given without a time: `June 26, 2025`, `June 2023`, `2023`.
fn day_or_less(m: Moment, tz: &TimeZone, lang: &str) -> String {
    match m {
        Moment::Year(d) => d.year().to_string(),
        Moment::Month(d) => month_year(d, lang),
        Moment::Date(d) => date(d, lang),
        Moment::DateTime(t) => date(t.to_zoned(tz.clone()).date(), lang),
    }
}

/// An event's when, in one phrase: `November 22, 2025, 9:30 AM – 1:00 PM EST`,
/// `June 26 – June 27, 2025`, `22 novembre 2025, 9 h 30 – 13 h (HNE)`.
pub fn span(start: Moment, end: Option<Moment>, tz: &TimeZone, lang: &str) -> String {
    let zoned = |t: jiff::Timestamp| t.to_zoned(tz.clone());
    match (start, end) {
        (Moment::DateTime(s), Some(Moment::DateTime(e))) => {
            let (zs, ze) = (zoned(s), zoned(e));
            let tzname = zone_abbrev(&zs, lang);
            if zs.date() == ze.date() {
                let times = format!("{} – {}", time(&zs, lang), time(&ze, lang));
                with_zone(format!("{}, {times}", date(zs.date(), lang)), &tzname, lang)
            } else {
                let a = format!("{}, {}", date(zs.date(), lang), time(&zs, lang));
                let b = format!("{}, {}", date(ze.date(), lang), time(&ze, lang));
                with_zone(format!("{a} – {b}"), &tzname, lang)
            }
        }
        (Moment::DateTime(s), _) => {
            let zs = zoned(s);
            let tzname = zone_abbrev(&zs, lang);
            let when = format!("{}, {}", date(zs.date(), lang), time(&zs, lang));
            match end {
                Some(e) if day_or_less(e, tz, lang) != date(zs.date(), lang) => {
                    with_zone(format!("{when} – {}", day_or_less(e, tz, lang)), &tzname, lang)
                }
                _ => with_zone(when, &tzname, lang),
            }
        }
        (s, end) => {
            let first = day_or_less(s, tz, lang);
            match end.map(|e| day_or_less(e, tz, lang)).filter(|e| *e != first) {
                Some(last) => format!("{first} – {last}"),
                None => first,
            }
        }
    }
}

fn with_zone(text: String, tz: &str, lang: &str) -> String {
    if lang == "fr" {
        format!("{text} ({tz})")
    } else {
        format!("{text} {tz}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::parse_moment;

    fn tz() -> TimeZone {
        jiff::tz::db().get("America/Toronto").unwrap()
    }

    #[track_caller]
    fn case(start: &str, end: Option<&str>, lang: &str, expected: &str) {
        let s = parse_moment(start).unwrap();
        let e = end.map(|e| parse_moment(e).unwrap());
        assert_eq!(span(s, e, &tz(), lang), expected);
    }

    #[test]
    fn dates_in_both_languages() {
        let d: Date = "2025-11-22".parse().unwrap();
        assert_eq!(date(d, "en"), "November 22, 2025");
        assert_eq!(date(d, "fr"), "22 novembre 2025");
        assert_eq!(date("2025-08-01".parse().unwrap(), "fr"), "1er août 2025");
        assert_eq!(month_year(d, "fr"), "novembre 2025");
    }

    #[test]
    fn spans() {
        case(
            "2025-11-22T09:30:00-05:00",
            Some("2025-11-22T13:00:00-05:00"),
            "en",
            "November 22, 2025, 9:30 AM – 1:00 PM EST",
        );
        case(
            "2025-11-22T09:30:00-05:00",
            Some("2025-11-22T13:00:00-05:00"),
            "fr",
            "22 novembre 2025, 9\u{a0}h\u{a0}30 – 13\u{a0}h (HNE)",
        );
        case(
            "2024-06-26T14:00:00Z",
            None,
            "fr",
            "26 juin 2024, 10\u{a0}h (HAE)",
        );
        // Given in UTC, shown in the site's zone.
        case("2024-06-26T14:00:00Z", None, "en", "June 26, 2024, 10:00 AM EDT");
        case(
            "2025-06-26",
            Some("2025-06-27"),
            "en",
            "June 26, 2025 – June 27, 2025",
        );
        case("2025-06-26", Some("2025-06-26"), "en", "June 26, 2025");
        case("2023", None, "en", "2023");
        case("2023-06", None, "fr", "juin 2023");
    }
}
