import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from './fixtures';

/** Debian's `chromium` package puts it here; CHROMIUM_PATH names another Chromium or Chrome. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, offline and quiet: no sandbox (CI runs as root), no background requests, no first-run UI. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumPath(): string {
  return process.env['CHROMIUM_PATH'] || DEFAULT_CHROMIUM_PATH;
}

/**
 * The system's Chromium driven by playwright-core (which downloads no browser of its own).
 * Browser tests fail, never skip, when it is missing.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}: install Debian's chromium package (apt-get ` +
        `install --no-install-recommends chromium; .ci/run does it), or set CHROMIUM_PATH to a Chromium ` +
        `or Chrome executable.`,
    );
  }
  try {
    return await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  } catch (error) {
    throw new Error(`Chromium at ${executablePath} did not start: ${(error as Error).message}`);
  }
}

/** Where browser tests leave their screenshots: reports/ at the repository root, which git ignores. */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'reports', 'dashboard-screenshots');

/**
 * A screenshot taker for one test file: it empties `dir` (no screenshot of an earlier run stays
 * behind), then saves each shot as `<step number>-<step name>.png`, full page, and returns the file.
 */
export function screenshotTaker(dir = SCREENSHOT_DIR): (page: Page, step: string) => Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let count = 0;
  return async (page, step) => {
    count += 1;
    const file = path.join(
      dir,
      `${String(count).padStart(2, '0')}-${step
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')}.png`,
    );
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
    return file;
  };
}
