//! Dates and times written the way each language writes them, in the site's time zone.
//!
//! jiff has no locale data; the month names are [`Lang`]'s.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::lang::Lang;
use crate::schema::Moment;

fn month(d: Date, lang: Lang) -> &'static str {
    lang.month_name(d.month())
}

/// November 22, 2025 / 22 novembre 2025 (1er for the first of the month in French).
pub fn date(d: Date, lang: Lang) -> String {
    match lang {
        Lang::Fr => {
            let day = if d.day() == 1 {
                "1er".to_string()
            } else {
                d.day().to_string()
            };
            format!("{day} {} {}", month(d, lang), d.year())
        }
        Lang::En => format!("{} {}, {}", month(d, lang), d.day(), d.year()),
    }
}

/// November 2025 / novembre 2025.
pub fn month_year(d: Date, lang: Lang) -> String {
    format!("{} {}", month(d, lang), d.year())
}

/// 9:30 AM / 9 h 30 (and 13 h, not 13 h 00, as Canadian French writes a full hour).
fn time(z: &jiff::Zoned, lang: Lang) -> String {
    let (h, m) = (z.hour(), z.minute());
    match lang {
        Lang::Fr if m == 0 => format!("{h}\u{a0}h"),
        Lang::Fr => format!("{h}\u{a0}h\u{a0}{m:02}"),
        Lang::En => {
            let (h12, ampm) = match h {
                0 => (12, "AM"),
                1..=11 => (h, "AM"),
                12 => (12, "PM"),
                _ => (h - 12, "PM"),
            };
            format!("{h12}:{m:02} {ampm}")
        }
    }
}

fn zone_abbrev(z: &jiff::Zoned, lang: Lang) -> String {
    let abbrev = z.strftime("%Z").to_string();
    match lang {
        Lang::Fr => french_zone(&abbrev).map_or(abbrev, str::to_string),
        Lang::En => abbrev,
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
fn day_or_less(m: Moment, tz: &TimeZone, lang: Lang) -> String {
    match m {
        Moment::Year(d) => d.year().to_string(),
        Moment::Month(d) => month_year(d, lang),
        Moment::Date(d) => date(d, lang),
        Moment::DateTime(t) => date(t.to_zoned(tz.clone()).date(), lang),
    }
}

/// An event's when, in one phrase: `November 22, 2025, 9:30 AM – 1:00 PM EST`,
/// `June 26 – June 27, 2025`, `22 novembre 2025, 9 h 30 – 13 h (HNE)`.
pub fn span(start: Moment, end: Option<Moment>, tz: &TimeZone, lang: Lang) -> String {
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

fn with_zone(text: String, tz: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("{text} ({tz})"),
        Lang::En => format!("{text} {tz}"),
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
    fn case(start: &str, end: Option<&str>, lang: Lang, expected: &str) {
        let s = parse_moment(start).unwrap();
        let e = end.map(|e| parse_moment(e).unwrap());
        assert_eq!(span(s, e, &tz(), lang), expected);
    }

    #[test]
    fn dates_in_both_languages() {
        let d: Date = "2025-11-22".parse().unwrap();
        assert_eq!(date(d, Lang::En), "November 22, 2025");
        assert_eq!(date(d, Lang::Fr), "22 novembre 2025");
        assert_eq!(date("2025-08-01".parse().unwrap(), Lang::Fr), "1er août 2025");
        assert_eq!(month_year(d, Lang::Fr), "novembre 2025");
    }

    #[test]
    fn spans() {
        case(
            "2025-11-22T09:30:00-05:00",
            Some("2025-11-22T13:00:00-05:00"),
            Lang::En,
            "November 22, 2025, 9:30 AM – 1:00 PM EST",
        );
        case(
            "2025-11-22T09:30:00-05:00",
            Some("2025-11-22T13:00:00-05:00"),
            Lang::Fr,
            "22 novembre 2025, 9\u{a0}h\u{a0}30 – 13\u{a0}h (HNE)",
        );
        case(
            "2024-06-26T14:00:00Z",
            None,
            Lang::Fr,
            "26 juin 2024, 10\u{a0}h (HAE)",
        );
        // Given in UTC, shown in the site's zone.
        case(
            "2024-06-26T14:00:00Z",
            None,
            Lang::En,
            "June 26, 2024, 10:00 AM EDT",
        );
        case(
            "2025-06-26",
            Some("2025-06-27"),
            Lang::En,
            "June 26, 2025 – June 27, 2025",
        );
        case("2025-06-26", Some("2025-06-26"), Lang::En, "June 26, 2025");
        case("2023", None, Lang::En, "2023");
        case("2023-06", None, Lang::Fr, "juin 2023");
    }
}
