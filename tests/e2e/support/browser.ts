import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium; the e2e suite skips when it is not installed. */
export const chromiumPath = '/usr/bin/chromium';

/** True when Chromium is installed where the suite expects it. */
export const hasChromium = existsSync(chromiumPath);

/**
 * Launches headless Chromium at 1280×800 with a new empty profile and the flags DESIGN.md names
 * (a persistent context is how Playwright takes a user-data-dir).
 */
export async function launchChromium(
  colorScheme: 'light' | 'dark' = 'light',
): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'cairn-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    colorScheme,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
