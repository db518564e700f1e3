import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium.js';
import { ADMIN_TOKEN, READER_TOKEN, startConsoleFleet, type ConsoleFleet } from '../support/console-fleet.js';
import { apiKeyHeaders, NOTES_KEYS } from '../support/sources-fixture.js';
import { waitUntil } from '../support/wait.js';

/**
 * The console's Dead letters page in Chromium against the sources pipeline on the real broker
 * and database: the database refuses one event (a CHECK constraint added here), the processor
 * retries it once and dead-letters it; the page lists it with its error code, the cause is
 * removed, and a redrive from the page stores the event.
 */

const SCREENSHOTS = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'docs', 'screenshots');
const run = randomBytes(3).toString('hex');
const CONSTRAINT = `console_dl_block_${run}`;
const refused = {
  event_id: `evt_dead_${run}`,
  type: 'note.created',
  occurred_at: '2026-12-01T10:15:00.000Z',
  account: 'acct_console',
  note: { id: `n_dead_${run}`, text: 'Refused until the constraint goes' },
};

interface Letter {
  partition: number;
  offset: string;
  errorCode: string | null;
  error: string | null;
  attempts: number;
  redriven: boolean;
}

let fleet: ConsoleFleet;
let browser: Browser;
let page: Page;
let letter: Letter;

const stored = async (): Promise<boolean> => (await fleet.sources.rows('notes')).some((r) => r.eventId === refused.event_id);

beforeAll(async () => {
  const executablePath = findChromium();
  fleet = await startConsoleFleet();
  mkdirSync(SCREENSHOTS, { recursive: true });
  await fleet.sources.ds.query(`ALTER TABLE events ADD CONSTRAINT ${CONSTRAINT} CHECK (subject IS NULL OR subject <> '${refused.note.id}')`);
  const r = await fleet.sources.post('notes', JSON.stringify(refused), apiKeyHeaders(NOTES_KEYS[0]));
  expect(r.status, r.text).toBe(200);
  letter = await waitUntil(
    'the refused event in the DLQ',
    async () => {
      const list = await fleet.api<{ items: Letter[] }>('GET', `/dead-letters/${fleet.dlqTopic}`);
      return list.json.items?.[0];
    },
    60_000,
    250,
  );
  expect(await stored()).toBe(false);
  browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  // UTC, so that the time-range fields (local time) read as the API's times.
  page = await (await browser.newContext({ viewport: { width: 1440, height: 800 }, baseURL: fleet.apiUrl, timezoneId: 'UTC' })).newPage();
  page.setDefaultTimeout(15_000);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
});

describe("the console's Dead letters page in Chromium", () => {
  it('lists the dead letter with its error code; after the cause is fixed, a redrive from the keyboard stores the event', async () => {
    // What the processor wrote: the database's refusal, after both attempts.
    expect(letter.attempts).toBe(2);
    expect(letter.error).toContain(CONSTRAINT);
    expect(letter.errorCode).toMatch(/^ER_/);
    const position = `${letter.partition}@${letter.offset}`;

    await page.goto('/console/');
    await page.getByLabel('events-api token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.getByRole('heading', { name: 'Dead letters', exact: true }).waitFor();
    const topics = page.getByRole('table', { name: 'Dead-letter topics' });
    const topicRow = topics.locator(`tr[data-topic="${fleet.dlqTopic}"]`);
    await topicRow.getByTestId('topic-pending').getByText('1', { exact: true }).waitFor();

    await topicRow.getByRole('button', { name: `Show dead letters of ${fleet.dlqTopic}` }).click();
    const letters = page.getByRole('table', { name: `Dead letters in ${fleet.dlqTopic}`, exact: true });
    await page.getByTestId('letters-count').getByText('1 held, 50 a page').waitFor();
    const row = letters.locator(`tr[data-position="${position}"]`);
    await row.getByRole('cell', { name: letter.errorCode ?? '', exact: true }).waitFor();
    await row.getByText(CONSTRAINT, { exact: false }).waitFor();
    expect(await row.getByTestId('letter-state').textContent()).toBe('not yet redriven');
    expect(await row.getByRole('cell', { name: '2', exact: true }).count()).toBe(1);
    expect(page.url()).toContain(`/console/dead-letters?topic=${fleet.dlqTopic}`);
    // Every input of the page (checkboxes, the time range) has a label.
    const unlabelled = await page.evaluate("[...document.querySelectorAll('input, select')].filter((el) => el.labels.length === 0).map((el) => el.outerHTML)");
    expect(unlabelled).toEqual([]);

    // The cause goes away; the redrive is chosen and started from the keyboard.
    await fleet.sources.ds.query(`ALTER TABLE events DROP CONSTRAINT ${CONSTRAINT}`);
    const box = page.getByLabel(`Select dead letter ${position}`);
    await box.focus();
    await page.keyboard.press('Space');
    expect(await box.isChecked()).toBe(true);
    const redrive = page.getByRole('button', { name: 'Redrive selected (1)' });
    await redrive.focus();
    await page.keyboard.press('Enter');

    await page.getByTestId('redrive-status').getByText(`Redrive done: 1 of 1 put back on ${fleet.sources.topic}.`).waitFor({ timeout: 60_000 });
    const progress = page.getByRole('progressbar', { name: 'Redrive progress' });
    expect(await progress.getAttribute('value')).toBe('1');
    expect(await progress.getAttribute('max')).toBe('1');
    await row.getByTestId('letter-state').getByText('redriven', { exact: true }).waitFor();
    await topicRow.getByTestId('topic-pending').getByText('0', { exact: true }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'dead-letters.png') });

    // Stored once, and the Events page shows it.
    await waitUntil('the redriven event stored', stored, 60_000);
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByLabel('subject (object, deal or user id)').fill(refused.note.id);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('1 event on this page.').waitFor();
    await page.locator('tbody tr').getByText(refused.event_id).waitFor();
    expect((await fleet.sources.rows('notes')).filter((r) => r.eventId === refused.event_id)).toHaveLength(1);

    // The redrive group's cursor moved past it: a second redrive of everything finds nothing.
    const again = await fleet.api<{ job: { id: string; total: number } }>('POST', `/dead-letters/${fleet.dlqTopic}/redrive`, {});
    expect(again.status).toBe(202);
    expect(again.json.job.total).toBe(0);
  });

  it('refuses a second redrive while one runs with 409 REDRIVE_RUNNING, and a reader token with 403', async () => {
    const offsets = [{ partition: letter.partition, offset: letter.offset }];
    const [a, b] = await Promise.all([
      fleet.api<{ job?: { id: string }; code?: string }>('POST', `/dead-letters/${fleet.dlqTopic}/redrive`, { offsets }),
      fleet.api<{ job?: { id: string }; code?: string }>('POST', `/dead-letters/${fleet.dlqTopic}/redrive`, { offsets }),
    ]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    expect((a.status === 409 ? a : b).json.code).toBe('REDRIVE_RUNNING');
    const id = (a.status === 202 ? a : b).json.job?.id;
    await waitUntil(
      'the re-sent selection done',
      async () => (await fleet.api<{ job: { state: string } }>('GET', `/dead-letters/jobs/${id}`)).json.job.state === 'done',
      60_000,
      200,
    );
    // Re-sent below the cursor: the events table's unique key keeps one row.
    await fleet.sources.drained();
    expect((await fleet.sources.rows('notes')).filter((r) => r.eventId === refused.event_id)).toHaveLength(1);
    const reader = await fleet.api('GET', '/dead-letters', undefined, READER_TOKEN);
    expect(reader.status).toBe(403);
  });

  it('redrives a time range from the page: the dead letters since a time, and not the ones before', async () => {
    const second = { ...refused, event_id: `evt_dead2_${run}`, note: { id: `n_dead2_${run}`, text: 'Refused later' } };
    await fleet.sources.ds.query(`ALTER TABLE events ADD CONSTRAINT ${CONSTRAINT}_2 CHECK (subject IS NULL OR subject <> '${second.note.id}')`);
    const r = await fleet.sources.post('notes', JSON.stringify(second), apiKeyHeaders(NOTES_KEYS[1]));
    expect(r.status, r.text).toBe(200);
    const late = await waitUntil(
      'the second refused event in the DLQ',
      async () =>
        (
          await fleet.api<{ items: Array<Letter & { key: string; deadLetteredAt: string }> }>('GET', `/dead-letters/${fleet.dlqTopic}?pending=true`)
        ).json.items?.find((l) => l.key.includes(second.note.id)),
      60_000,
      250,
    );
    await fleet.sources.ds.query(`ALTER TABLE events DROP CONSTRAINT ${CONSTRAINT}_2`);

    await page.goto(`/console/dead-letters?topic=${fleet.dlqTopic}&pending=true`);
    const letters = page.getByRole('table', { name: `Dead letters in ${fleet.dlqTopic}`, exact: true });
    await letters.locator(`tr[data-position="${late.partition}@${late.offset}"]`).waitFor();
    // Only the second is pending: the first was redriven by the first test.
    expect(await letters.locator('tbody tr').count()).toBe(1);
    const since = new Date(Date.parse(late.deadLetteredAt) - 1000).toISOString().slice(0, 19);
    await page.getByLabel('dead-lettered from').fill(since);
    await page.getByRole('button', { name: 'Redrive time range' }).click();
    await page.getByTestId('redrive-status').getByText(`Redrive done: 1 of 1 put back on ${fleet.sources.topic}.`).waitFor({ timeout: 60_000 });
    await page.getByText('No dead letters waiting for a redrive in this topic.').waitFor();
    await waitUntil('the second event stored', async () => (await fleet.sources.rows('notes')).some((row) => row.eventId === second.event_id), 60_000);
  });
});
