import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

/** Debian's Chromium; playwright-core downloads no browser of its own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

// Quiet, offline, reproducible: nothing phones home, nothing is synced, no first-run UI.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Saves a full-page screenshot as `<dir>/<nn>-<name>.png`, numbered in the order taken. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** `extraArgs`: e.g. the fake microphone flags a softphone call needs. */
export async function launchChromium(screenshotDir: string, extraArgs: string[] = []): Promise<TestBrowser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-chromium-'));
  fs.mkdirSync(screenshotDir, { recursive: true });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    locale: 'ja-JP',
    viewport: { width: 1100, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let shots = 0;
  return {
    context,
    page,
    async screenshot(name) {
      const file = path.join(screenshotDir, `${String(++shots).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
