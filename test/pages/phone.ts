/**
 * A phone in real Chromium for the page tests: Debian's /usr/bin/chromium
 * driven by playwright-core, a fresh user-data dir per phone, a 390×844
 * touch viewport and a WeChat-like user agent. Screenshots go to
 * test-artifacts/pages/. A missing Chromium fails the test (never skips).
 */
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'pages');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// WeChat's in-app browser on Android, as the pages would see it.
const WECHAT_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.188 Mobile Safari/537.36 XWEB/1260117 MMWEBSDK/20240404 MicroMessenger/8.0.49.2600(0x28003137) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';

/** @throws Error naming the packages to install when Chromium is not there. */
export function requireChromium(): void {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(`Chromium is required for the consent and bind page tests and was not found at ${CHROMIUM}: apt-get install chromium fonts-wqy-zenhei`);
  }
}

export interface Phone {
  context: BrowserContext;
  page: Page;
  /** Save a full-page screenshot as test-artifacts/pages/<name>.png. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** A fresh phone whose browser prefers `locale` (Accept-Language). */
export async function openPhone(locale: 'zh-CN' | 'en-US' = 'zh-CN'): Promise<Phone> {
  requireChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'cgw-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale,
      userAgent: WECHAT_UA,
      timeout: 30_000,
    });
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`Chromium at ${CHROMIUM} did not start (${(err as Error).message.split('\n')[0]}); apt-get install chromium fonts-wqy-zenhei`);
  }
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    page,
    async screenshot(name) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
