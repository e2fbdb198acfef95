import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCli, type CliProcess } from '../helpers/cliProcess.ts';
import { createDemoProject, type DemoProject } from '../helpers/demoProject.ts';
import { requireOrSkip } from '../helpers/requireOrSkip.ts';
import { sandboxUnavailable } from '../helpers/sandboxAvailable.ts';

/** Debian's chromium (apt-get install chromium): no browser download. */
const CHROMIUM = '/usr/bin/chromium';
const unavailable =
  sandboxUnavailable() ??
  requireOrSkip('dashboard browser test', existsSync(CHROMIUM) ? null : `no ${CHROMIUM} (apt-get install chromium)`);
if (unavailable !== null) console.warn(`[vmwatch tests] skipping the dashboard browser test: ${unavailable}`);

/** Screenshots of the main views, to look at: test-runs/dashboard/ in this repository (git-ignored). */
const SHOTS = path.resolve('test-runs', 'dashboard');

describe.skipIf(unavailable !== null)('the dashboard in a real browser (Debian chromium, playwright-core)', () => {
  let demo: DemoProject;
  let watch: CliProcess;
  let browser: Browser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    demo = createDemoProject({ pool: 'e2e-dash', overrides: { pool: { name: 'e2e-dash', snapshot: 'vmwatch-e2e-demo-ready', size: 2 } } });
    watch = startCli(['watch', '--config', demo.configFile], { env: { VMWATCH_HOME: inject('demoHome') } });
    url = (await watch.waitFor(/vmwatch: dashboard (http:\S+)/, { timeoutMs: 120_000 }))[1]!;
    // Root in CI: chromium's own sandbox needs a user namespace it cannot have there.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (watch && watch.child.exitCode === null) {
      watch.child.kill('SIGINT');
      await watch.exited;
    }
    demo?.cleanup();
  });

  it('is refused without the token, and loads with it (the machines shown)', async () => {
    const bare = url.replace(/\?token=.*$/, '');
    expect((await page.goto(bare))!.status()).toBe(401);
    expect((await page.goto(url))!.status()).toBe(200);
    await page.getByTestId('machines').getByText('vmwatch-e2e-dash-1').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(SHOTS, 'start.png') });
  });

  it('a run started by a file change appears live; a failed test shows its output and failing case', async () => {
    const prices = path.join(demo.app, 'shop/prices.py');
    writeFileSync(prices, readFileSync(prices, 'utf8').replace('symbol: str = "€"', 'symbol: str = "$"'));
    // No reload: the run comes through the event stream.
    await page.getByTestId('runs').locator('li', { hasText: 'failed' }).first().waitFor({ timeout: 90_000 });
    await page.locator('[data-test="tests/test_prices.py"]').click();
    await page.getByTestId('failed-case').filter({ hasText: 'test_format_cents' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByTestId('output').textContent(), { timeout: 20_000 }).toContain('<vmwatch unittest runner>');
    await page.screenshot({ path: path.join(SHOTS, 'failed-test.png'), fullPage: true });
  }, 120_000);

  it('the rerun button starts a run, and it appears', async () => {
    const before = await page.getByTestId('runs').locator('li').count();
    await page.getByTestId('rerun-test').click();
    await expect.poll(() => page.getByTestId('runs').locator('li').count(), { timeout: 90_000 }).toBe(before + 1);
  }, 120_000);

  it('shows an image artifact inline (the report suite draws a chart), and text artifacts in a viewer', async () => {
    const before = await page.getByTestId('runs').locator('li').count();
    expect((await page.request.post(`${new URL(url).origin}/api/run`, { data: { tests: ['write-report'] } })).status()).toBe(202);
    await expect.poll(() => page.getByTestId('runs').locator('li').count(), { timeout: 90_000 }).toBe(before + 1);
    await page.getByTestId('runs').locator('li').first().click();
    await page.locator('[data-testid="tests"] [data-test="write-report"]').click();
    const image = page.getByTestId('artifact-image');
    await image.waitFor({ timeout: 20_000 });
    await expect
      .poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: 10_000 })
      .toBe(240);
    await page.getByTestId('artifacts').locator('li', { hasText: 'report.json' }).getByRole('button', { name: 'view' }).click();
    await expect.poll(() => page.getByTestId('artifact-text').textContent(), { timeout: 10_000 }).toContain('"formattedTotal"');
    await page.screenshot({ path: path.join(SHOTS, 'artifacts.png'), fullPage: true });
  }, 120_000);

  it("follows a running test's output live", async () => {
    // A test that prints, takes a while, then prints again: its first line must show while it still runs.
    writeFileSync(
      path.join(demo.app, 'tests/test_slow.py'),
      [
        'import time, unittest',
        'class SlowTest(unittest.TestCase):',
        '    def test_slow(self):',
        '        print("slow test started", flush=True)',
        '        time.sleep(8)',
        '        print("slow test finished", flush=True)',
        '',
      ].join('\n'),
    );
    const running = page.locator('[data-testid="running"] li', { hasText: 'tests/test_slow.py' });
    await running.waitFor({ timeout: 60_000 });
    // A page opened while the run goes on shows it too (it did not see the run start).
    const late = await browser.newPage();
    await late.goto(url);
    await late.getByTestId('live-run').waitFor({ timeout: 20_000 });
    await late.locator('[data-testid="running"] li', { hasText: 'tests/test_slow.py' }).waitFor({ timeout: 20_000 });
    await late.close();
    await running.click();
    await expect.poll(() => page.getByTestId('output').textContent(), { timeout: 20_000 }).toContain('slow test started');
    expect(await page.getByTestId('output').textContent()).not.toContain('slow test finished');
    await page.screenshot({ path: path.join(SHOTS, 'live-output.png'), fullPage: true });
    await expect.poll(() => page.getByTestId('output').textContent(), { timeout: 60_000 }).toContain('slow test finished');
  }, 120_000);

  it('refuses artifact paths that leave the test folder, from the page too', async () => {
    const runs = (await (await page.request.get(`${new URL(url).origin}/api/runs`)).json()) as Array<{
      runId: string;
      failedTests: string[];
    }>;
    const runId = runs.find((r) => r.failedTests.includes('tests/test_prices.py'))?.runId;
    expect(runId).toBeDefined();
    const base = `${new URL(url).origin}/api/runs/${runId}/tests/${encodeURIComponent('tests/test_prices.py')}/files`;
    for (const p of ['/..%2F..%2Fsummary.json', `/${encodeURIComponent('../../summary.json')}`]) {
      expect((await page.request.get(`${base}${p}`)).status(), p).toBe(404);
    }
    expect((await page.request.get(`${base}/output.log`)).status()).toBe(200);
  });
});
