// Debian's chromium, headless, driven by playwright-core: never a downloaded browser.
// playwright-core gives every launch a fresh, temporary profile (its own --user-data-dir) and
// refuses one passed in args, so none is passed here.

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
