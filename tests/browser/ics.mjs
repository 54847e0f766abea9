// Validates every `.ics` file of one or more built sites with an independent parser (ical.js)
// and against the rules of RFC 5545 that parsers forgive: CRLF line ends, lines of at most 75
// octets, VERSION and PRODID, and in each VEVENT a UID, a DTSTAMP in UTC and a DTSTART that is a
// DATE or a UTC DATE-TIME (no floating times, no TZID without a VTIMEZONE), a DTEND of the same
// kind after it, and UIDs unique within a calendar. An event's UID must be the same in its own
// file and in every calendar that lists it, in every language.
// Usage: node tests/browser/ics.mjs SITE_DIR... ; prints each problem and a closing count line.
import fs from 'node:fs';
import path from 'node:path';
import ICAL from 'ical.js';

function icsFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ics')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function check(file, problems, uidsBySummaryUrl) {
  const say = (m) => problems.push(`${file}: ${m}`);
  const bytes = fs.readFileSync(file);
  const text = bytes.toString('utf8');
  if (!text.endsWith('\r\n')) say('does not end with CRLF');
  if (/[^\r]\n/.test(text) || /\r(?!\n)/.test(text)) say('has a line end that is not CRLF');
  for (const line of text.split('\r\n')) {
    const n = Buffer.byteLength(line, 'utf8');
    if (n > 75) say(`line of ${n} octets: ${line.slice(0, 40)}…`);
  }
  let cal;
  try {
    cal = new ICAL.Component(ICAL.parse(text));
  } catch (e) {
    say(`ical.js cannot parse it: ${e.message}`);
    return 0;
  }
  if (cal.name !== 'vcalendar') say(`top component is ${cal.name}`);
  if (cal.getFirstPropertyValue('version') !== '2.0') say('VERSION is not 2.0');
  if (!cal.getFirstPropertyValue('prodid')) say('no PRODID');
  const events = cal.getAllSubcomponents('vevent');
  if (!events.length) say('no VEVENT: a calendar needs at least one component');
  const seen = new Set();
  for (const ve of events) {
    const uid = ve.getFirstPropertyValue('uid');
    if (!uid) say('a VEVENT has no UID');
    if (seen.has(uid)) say(`UID ${uid} appears twice`);
    seen.add(uid);
    const stamp = ve.getFirstProperty('dtstamp');
    const stampValue = stamp && stamp.getFirstValue();
    if (!stampValue || stamp.type !== 'date-time' || stampValue.zone !== ICAL.Timezone.utcTimezone) {
      say(`UID ${uid}: DTSTAMP missing or not a UTC date-time`);
    }
    const start = ve.getFirstProperty('dtstart');
    if (!start) {
      say(`UID ${uid}: no DTSTART`);
      continue;
    }
    const s = start.getFirstValue();
    if (start.type === 'date-time' && s.zone !== ICAL.Timezone.utcTimezone) {
      say(`UID ${uid}: DTSTART is a floating or zoned time without VTIMEZONE`);
    }
    const end = ve.getFirstProperty('dtend');
    if (end) {
      if (end.type !== start.type) say(`UID ${uid}: DTSTART and DTEND are not the same kind`);
      if (end.getFirstValue().compare(s) <= 0) say(`UID ${uid}: DTEND is not after DTSTART`);
    }
    if (!ve.getFirstPropertyValue('summary')) say(`UID ${uid}: no SUMMARY`);
    const url = ve.getFirstPropertyValue('url');
    if (!url) say(`UID ${uid}: no URL`);
    // The same event (its page, whatever the language) keeps one UID everywhere.
    const key = String(url).replace(/\/fr\//, '/');
    const known = uidsBySummaryUrl.get(key);
    if (known && known !== uid) say(`UID ${uid} differs from ${known} for the same event`);
    uidsBySummaryUrl.set(key, uid);
  }
  return events.length;
}

const dirs = process.argv.slice(2);
if (!dirs.length) {
  console.error('usage: node tests/browser/ics.mjs SITE_DIR...');
  process.exit(2);
}
const problems = [];
let files = 0;
let events = 0;
for (const dir of dirs) {
  const uids = new Map();
  for (const f of icsFiles(dir)) {
    files++;
    events += check(f, problems, uids);
  }
}
for (const p of problems) console.log(`problem: ${p}`);
console.log(`${files} calendars (${events} events) checked, ${problems.length} problems`);
process.exit(problems.length || !files ? 1 : 0);
