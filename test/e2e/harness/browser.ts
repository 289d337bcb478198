import { chromium, type Browser } from 'playwright-core';
import type { E2eTools } from './e2eEnvironment';

/** Debian's chromium, headless, with everything that would reach the network switched off. */
export function launchBrowser(tools: E2eTools): Promise<Browser> {
  return chromium.launch({
    executablePath: tools.chromium,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // Exact heap sizes and gc() in webviews, for the bounded-memory measurement.
      '--enable-precise-memory-info', '--js-flags=--expose-gc',
    ],
  });
}
