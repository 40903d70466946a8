// The system Chromium, shared by the tests (web-test-runner.config.mjs) and the bench:
// no browser is ever downloaded.
import { existsSync } from 'node:fs';

/** `CHROME_PATH`, else Debian's `/usr/bin/chromium`. */
export const chromiumPath = process.env.CHROME_PATH || '/usr/bin/chromium';

/** The path, or a clear error saying how to get a Chromium. */
export function requireChromium(what = 'the tests') {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium found at ${chromiumPath}. Install one (Debian/Ubuntu: sudo apt-get install -y chromium) ` +
        `or point CHROME_PATH at a Chrome/Chromium binary, then run ${what} again.`,
    );
  }
  return chromiumPath;
}

/** Headless flags: no sandbox (containers, root), no background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Tests hide the page on purpose; keep its timers at full speed meanwhile.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
];
