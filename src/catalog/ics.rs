//! iCalendar (RFC 5545) text for events: a pure writer from plain values to the bytes of an
//! `.ics` file. CRLF line ends, content lines folded at 75 octets (never inside a UTF-8
//! character), TEXT values escaped, date-times in UTC and all-day events as DATE values, so no
//! VTIMEZONE is needed. Deterministic: DTSTAMP is given by the caller, never the clock.

use jiff::Timestamp;
use jiff::civil::Date;

/// When an event happens, as a calendar can hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Whole days, `last` included.
    Days { first: Date, last: Date },
    /// A start and, when known, an end.
    Times {
        start: Timestamp,
        end: Option<Timestamp>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Globally unique and stable across builds and languages.
    pub uid: String,
    /// When this description of the event was last known true (DTSTAMP, LAST-MODIFIED).
    pub stamp: Timestamp,
    pub when: When,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    /// The event's page on the hub.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// PRODID: who made the file.
    pub product: String,
    pub name: String,
    pub description: String,
    /// The page this calendar mirrors.
    pub url: String,
    pub events: Vec<Event>,
}

/// The whole `.ics` file. A calendar needs at least one event to be valid (RFC 5545 §3.6:
/// one or more components); callers do not write empty ones.
pub fn write(cal: &Calendar) -> String {
    let blocks: Vec<String> = cal.events.iter().map(event_block).collect();
    write_with_blocks(cal, blocks.iter().map(String::as_str))
}

/// The whole `.ics` file, its events already written by [`event_block`] (the dev server keeps
/// each event's block between builds: a calendar of every event is rewritten on each edit of
/// one). `cal.events` is not read.
pub fn write_with_blocks<'b>(cal: &Calendar, blocks: impl Iterator<Item = &'b str>) -> String {
    // The calendar of every event runs to megabytes: it is written into one allocation.
    let blocks: Vec<&str> = blocks.collect();
    let mut out = String::with_capacity(blocks.iter().map(|b| b.len()).sum::<usize>() + 1024);
    let mut line = |name: &str, value: &str| fold_into(&mut out, &format!("{name}:{value}"));
    line("BEGIN", "VCALENDAR");
    line("VERSION", "2.0");
    line("PRODID", &cal.product);
    line("CALSCALE", "GREGORIAN");
    line("METHOD", "PUBLISH");
    // NAME, DESCRIPTION, URL and REFRESH-INTERVAL are RFC 7986's calendar properties; the X-WR
    // and X-PUBLISHED-TTL ones say the same to clients that predate it.
    line("NAME", &text(&cal.name));
    line("X-WR-CALNAME", &text(&cal.name));
    line("DESCRIPTION", &text(&cal.description));
    line("X-WR-CALDESC", &text(&cal.description));
    line("URL;VALUE=URI", &cal.url);
    line("REFRESH-INTERVAL;VALUE=DURATION", "P1D");
    line("X-PUBLISHED-TTL", "P1D");
    for block in blocks {
        out.push_str(block);
    }
    fold_into(&mut out, "END:VCALENDAR");
    out
}

/// One event's VEVENT, as lines of an `.ics` file.
pub fn event_block(e: &Event) -> String {
    let mut out = String::new();
    let mut line = |name: &str, value: &str| fold_into(&mut out, &format!("{name}:{value}"));
    {
        line("BEGIN", "VEVENT");
        line("UID", &text(&e.uid));
        line("DTSTAMP", &utc(e.stamp));
        line("LAST-MODIFIED", &utc(e.stamp));
        match e.when {
            When::Days { first, last } => {
                line("DTSTART;VALUE=DATE", &date(first));
                // DTEND of an all-day event is the day after its last day (exclusive). After
                // 9999-12-31 there is none: the length is given instead.
                match last.tomorrow() {
                    Ok(after) => line("DTEND;VALUE=DATE", &date(after)),
                    Err(_) => {
                        let days = first.until(last).map_or(0, |s| s.get_days()) + 1;
                        line("DURATION", &format!("P{days}D"));
                    }
                }
            }
            When::Times { start, end } => {
                line("DTSTART", &utc(start));
                if let Some(end) = end.filter(|end| *end > start) {
                    line("DTEND", &utc(end));
                }
            }
        }
        line("SUMMARY", &text(&e.summary));
        line("DESCRIPTION", &text(&e.description));
        if let Some(loc) = &e.location {
            line("LOCATION", &text(loc));
        }
        line("URL;VALUE=URI", &e.url);
        line("END", "VEVENT");
    }
    out
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn date(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so no line exceeds 75 octets (RFC 5545 §3.1): continuation
/// lines start with a space, and a UTF-8 character is never split.
fn fold_into(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn event(when: When) -> Event {
        Event {
            uid: "event-summit@hub.example.org".into(),
            stamp: ts("2025-06-26T00:00:00Z"),
            when,
            summary: "Summit, 2025; Toronto".into(),
            description: "Line one\nLine two \\ end".into(),
            location: Some("Toronto, ON".into()),
            url: "https://hub.example.org/events/summit/".into(),
        }
    }

    fn calendar(events: Vec<Event>) -> Calendar {
        Calendar {
            product: "-//IEHP Hub//iehp//EN".into(),
            name: "Events".into(),
            description: "All events".into(),
            url: "https://hub.example.org/events/".into(),
            events,
        }
    }

    #[track_caller]
    fn escapes(input: &str, expected: &str) {
        assert_eq!(text(input), expected);
    }

    #[test]
    fn text_values_are_escaped() {
        escapes("a, b; c", "a\\, b\\; c");
        escapes("back\\slash", "back\\\\slash");
        escapes("two\r\nlines", "two\\nlines");
        escapes("Île-du-Prince-Édouard", "Île-du-Prince-Édouard");
    }

    #[test]
    fn lines_end_in_crlf_and_fold_at_75_octets() {
        let mut e = event(When::Days {
            first: "2023-10-14".parse().unwrap(),
            last: "2023-10-14".parse().unwrap(),
        });
        e.summary = "Symposium pour les médecins formés à l’étranger ".repeat(6);
        let out = write(&calendar(vec![e]));
        assert!(out.ends_with("END:VCALENDAR\r\n"));
        assert!(!out.replace("\r\n", "").contains('\n'), "bare LF");
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        // Unfolding gives back the value, accents intact.
        let unfolded = out.replace("\r\n ", "");
        assert!(unfolded.contains(&format!(
            "SUMMARY:{}",
            text(&"Symposium pour les médecins formés à l’étranger ".repeat(6))
        )));
    }

    #[test]
    fn an_event_on_the_last_day_there_is_has_a_length_not_an_end_equal_to_its_start() {
        let out = write(&calendar(vec![event(When::Days {
            first: "9999-12-30".parse().unwrap(),
            last: "9999-12-31".parse().unwrap(),
        })]));
        assert!(out.contains("DTSTART;VALUE=DATE:99991230\r\n"), "{out}");
        assert!(out.contains("DURATION:P2D\r\n"), "{out}");
        assert!(!out.contains("DTEND"), "{out}");
    }

    #[test]
    fn all_day_events_are_dates_with_exclusive_end() {
        let out = write(&calendar(vec![event(When::Days {
            first: "2025-06-26".parse().unwrap(),
            last: "2025-06-27".parse().unwrap(),
        })]));
        assert!(out.contains("DTSTART;VALUE=DATE:20250626\r\n"), "{out}");
        assert!(out.contains("DTEND;VALUE=DATE:20250628\r\n"), "{out}");
        assert!(out.contains("DTSTAMP:20250626T000000Z\r\n"));
        assert!(out.contains("UID:event-summit@hub.example.org\r\n"));
    }

    #[test]
    fn timed_events_are_in_utc() {
        let out = write(&calendar(vec![event(When::Times {
            start: ts("2025-11-22T09:30:00-05:00"),
            end: Some(ts("2025-11-22T13:00:00-05:00")),
        })]));
        assert!(out.contains("DTSTART:20251122T143000Z\r\n"), "{out}");
        assert!(out.contains("DTEND:20251122T180000Z\r\n"), "{out}");
        let open = write(&calendar(vec![event(When::Times {
            start: ts("2025-11-22T09:30:00-05:00"),
            end: None,
        })]));
        assert!(!open.contains("DTEND"), "no invented end");
    }

    #[test]
    fn same_input_same_bytes() {
        let cal = calendar(vec![event(When::Times {
            start: ts("2025-11-22T14:30:00Z"),
            end: None,
        })]);
        assert_eq!(write(&cal), write(&cal.clone()));
    }
}
