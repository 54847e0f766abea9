#!/usr/bin/env bash
# The hub's own content as readers get it: builds content/ into a temporary folder, then checks
# every page with the Nu Html Checker (valid HTML), tests/browser/a11y.mjs (axe-core and the
# reader checks in headless Chromium) and every calendar with tests/browser/ics.mjs. The code's
# own tests run the same checks on the fixtures (tests/cli), so a content change can fail only
# this, and a code change only those. scripts/test runs it after installing the tools.
set -euo pipefail
cd "$(dirname "$0")/.."

site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
cargo run --quiet -- build --out "$site/output" >/dev/null
pages="$(find "$site/output" -name '*.html' | wc -l)"

echo "-- Nu Html Checker over $pages HTML files"
report="$(java -jar tests/node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html \
  --format gnu "$site/output" 2>&1)" || true
if [ -n "$report" ]; then
  echo "$report"
  echo "FAIL: invalid HTML in the hub"
  exit 1
fi
echo "-- axe-core and the reader checks in Chromium (--content: the keyboard walk and list filters"
echo "   are the theme's, checked on the fixtures by cargo test)"
node tests/browser/a11y.mjs --content "$site/output"
echo "-- calendars (ical.js)"
node tests/browser/ics.mjs "$site/output"
echo "ok: every page of the hub is valid HTML and passes the browser checks; calendars are valid"
