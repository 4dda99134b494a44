import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { missingTool } from './system-tools.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots land here (git-ignored). */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-output', 'dashboard');

/** Why the browser tests cannot run here; under CI=true a missing browser fails instead of skipping. */
export function chromiumMissing(): string | false {
  const reason = missingTool(CHROMIUM, 'chromium');
  if (reason && process.env.CI === 'true') throw new Error(`${reason}: CI must install it (.ci/run)`);
  return reason;
}

/**
 * Debian's chromium, headless, with every background service off: this machine's network is
 * closed, and a test must see only the requests the page itself makes.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** What a page did that a user would not want: console errors and uncaught exceptions. */
export function recordProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  return problems;
}

export async function signIn(page: Page, base: string, key: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.fill('#api-key', key);
  await page.click('button[type=submit]');
  await page.waitForSelector('#live-status[data-status=live]');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
