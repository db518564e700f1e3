import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium.js';
import { READER_TOKEN, startConsoleFleet, type ConsoleFleet } from '../support/console-fleet.js';
import { apiKeyHeaders, NOTES_KEYS } from '../support/sources-fixture.js';
import { waitUntil } from '../support/wait.js';

/**
 * The console's Overview page in Chromium: events-api samples the real edge's and processor's
 * /metrics every second (the sources pipeline on the real broker and database); events posted
 * while the page is open show as a rate on the events chart, beside the group's consumer lag,
 * the dead-letter topic's size and every target up.
 */

const SCREENSHOTS = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'docs', 'screenshots');
const run = randomBytes(3).toString('hex');

let fleet: ConsoleFleet;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const executablePath = findChromium();
  fleet = await startConsoleFleet();
  browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  mkdirSync(SCREENSHOTS, { recursive: true });
  page = await (await browser.newContext({ viewport: { width: 1180, height: 1000 }, baseURL: fleet.apiUrl })).newPage();
  page.setDefaultTimeout(15_000);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
});

/** The latest value a chart's screen-reader table gives for one line, as a number (NaN for "no value"). */
async function latest(chart: string, line: string): Promise<number> {
  const row = page.getByRole('table', { name: `${chart}, latest values` }).getByRole('row', { name: new RegExp(`^${line} `) });
  if ((await row.count()) === 0) return NaN;
  return Number.parseFloat(((await row.getByRole('cell').first().textContent()) ?? '').replace(/,/g, ''));
}

describe("the console's Overview page in Chromium", () => {
  it('charts the events posted while it is open, the consumer lag and the DLQ size, from the fleet’s own metrics', async () => {
    // Events keep arriving, as in production: the page refreshes every 5 s and the rate is per 1 s sample.
    let posting = true;
    let posted = 0;
    const poster = (async () => {
      while (posting) {
        const body = {
          event_id: `evt_overview_${run}_${posted}`,
          type: 'note.created',
          occurred_at: new Date().toISOString(),
          account: 'acct_o',
          note: { id: `n_${posted}`, text: 'hi' },
        };
        const r = await fleet.sources.post('notes', JSON.stringify(body), apiKeyHeaders(NOTES_KEYS[0] as string));
        expect(r.status, r.text).toBe(200);
        posted++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      await page.goto('/console/');
      await page.getByLabel('events-api token').fill(READER_TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'Overview' }).click();
      await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
      expect(page.url()).toContain('/console/overview');

      const rate = await waitUntil(
        'a rate of sources events above zero on the events chart',
        async () => {
          const v = await latest('Events per second, by provider', 'sources');
          return v > 0 ? v : undefined;
        },
        90_000,
        500,
      );
      // At most what was posted: ~10 a second with the 100 ms pause, fewer when the machine is slow.
      expect(rate).toBeLessThan(50);
      // Every sample so far had every target's answer (none missing), and the page alerts none.
      const api = await fleet.api<{ missing: number[] }>('GET', '/overview', undefined, READER_TOKEN);
      expect(api.json.missing.length).toBeGreaterThan(1);
      expect(api.json.missing.filter((m) => m > 0)).toEqual([]);
      expect(await page.getByText(/metrics targets? do(es)? not answer/).count()).toBe(0);
      expect(await latest('Consumer lag, by group', fleet.sources.groupId)).toBeGreaterThanOrEqual(0);
      expect(await latest('Dead-letter topic sizes', `${fleet.sources.topic}.dlq`)).toBe(0);
      const lines = page.locator('svg.chart-svg').first().locator('path.chart-line');
      expect(await lines.getAttribute('data-label')).toBe('sources');
      // A line once two samples have a rate (the page refreshes every 5 s).
      await waitUntil('a line of two samples or more', async () => /^M[\d.]+,[\d.]+L/.test((await lines.getAttribute('d')) ?? ''), 30_000, 500);

      // Every target up: events-api itself, the edge, the processor.
      const targets = page.getByRole('table', { name: 'Metrics targets' });
      expect(await targets.getByRole('cell', { name: 'up', exact: true }).count()).toBe(2 + fleet.sources.processors.length);
      for (const url of fleet.metricsTargets) await targets.getByRole('cell', { name: new URL(url).host + '/metrics' }).waitFor();

      // Keyboard: Tab reaches the charts; the arrow keys read one sample at a time.
      const chart = page.getByRole('img', { name: /^Events per second, by provider over the last 60 minutes, latest: sources / });
      await chart.focus();
      await page.keyboard.press('End');
      const readout = page.locator('.chart-readout').first();
      await expect.poll(() => readout.textContent()).toMatch(/^\d\d:\d\d:\d\d: sources \d/);
      const atEnd = await readout.textContent();
      await page.keyboard.press('Home');
      await expect.poll(() => readout.textContent()).not.toBe(atEnd);
    } finally {
      posting = false;
      await poster;
    }
    // The last 5 minutes, so a fleet that started seconds ago shows more than a sliver.
    await page.getByLabel('window').selectOption('5');
    await page.getByRole('img', { name: /^Events per second, by provider over the last 5 minutes/ }).waitFor();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).click();
    await page.screenshot({ path: join(SCREENSHOTS, 'overview.png'), fullPage: true });
  });

  it('shows a target that stops answering as down, and its lines as missing, not as zero', async () => {
    const processorTargets = fleet.metricsTargets.slice(1).map((u) => `${new URL(u).host}/metrics`);
    await fleet.stopProcessorMetrics();
    const alert = page.getByRole('alert').filter({ hasText: 'metrics target does not answer' });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain(processorTargets.join(', '));
    expect(await alert.textContent()).toContain('not counted as zero');
    const targets = page.getByRole('table', { name: 'Metrics targets' });
    for (const name of processorTargets) {
      const row = targets.getByRole('row', { name: new RegExp(`^${name.replace(/\./g, '\\.')} `) });
      expect(await row.getByRole('cell').nth(1).textContent()).toBe('down: connection refused');
    }
    // Only the processor reports lag: with it down the lag line's latest sample is null, and the sample counts it missing.
    const { json } = await fleet.api<{ missing: number[]; series: { consumerLag: Array<{ label: string; values: Array<number | null> }> } }>(
      'GET',
      '/overview?minutes=5',
      undefined,
      READER_TOKEN,
    );
    expect(json.missing.at(-1)).toBe(processorTargets.length);
    const lag = json.series.consumerLag.find((l) => l.label === fleet.sources.groupId);
    expect(lag?.values.at(-1)).toBeNull();
    expect(lag?.values.some((v) => v !== null)).toBe(true);
  });
});
