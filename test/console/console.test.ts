import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium.js';
import { ADMIN_TOKEN, READER_TOKEN, SCOPED_TOKEN, startConsoleFleet, type ConsoleFleet } from '../support/console-fleet.js';
import { apiKeyHeaders, NOTES_KEYS } from '../support/sources-fixture.js';

/**
 * The operator console in a real browser (Chromium driven by playwright-core) against the
 * sources pipeline on the real broker and database and events-api serving the console's
 * production build. Every wait is on visible state; the screenshots land in docs/screenshots.
 */

const SCREENSHOTS = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'docs', 'screenshots');

let fleet: ConsoleFleet;
let browser: Browser;
let context: BrowserContext;
let page: Page;

const run = randomBytes(3).toString('hex');
const posted = {
  event_id: `evt_console_${run}`,
  type: 'note.created',
  occurred_at: '2026-12-01T09:30:00.000Z',
  account: 'acct_console',
  note: { id: `n_console_${run}`, text: 'Call Ada back about the renewal' },
};
let ledgerId: number;

beforeAll(async () => {
  const executablePath = findChromium();
  fleet = await startConsoleFleet();
  browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Other events around it, so finding it takes the filters.
  for (const [i, e] of [
    posted,
    ...[1, 2, 3].map((n) => ({ ...posted, event_id: `${posted.event_id}_other${n}`, note: { id: `n_other_${n}`, text: `other ${n}` } })),
  ].entries()) {
    const r = await fleet.sources.post('notes', JSON.stringify(e), apiKeyHeaders(NOTES_KEYS[i % 2] as string));
    expect(r.status, r.text).toBe(200);
  }
  await fleet.sources.drained();
  const row = (await fleet.sources.rows('notes')).find((r) => r.eventId === posted.event_id);
  if (!row) throw new Error('the posted event was not stored');
  ledgerId = row.id;
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
});

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1180, height: 760 }, baseURL: fleet.apiUrl });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});
afterEach(async () => {
  await context?.close();
});

async function signIn(token: string): Promise<void> {
  await page.goto('/console/');
  await page.getByLabel('events-api token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

describe('the console in Chromium', () => {
  it('serves the build with a CSP allowing this origin only', async () => {
    const res = await page.goto('/console/');
    expect(res?.status()).toBe(200);
    const csp = res?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    await page.getByRole('heading', { name: 'Hookstream console' }).waitFor();
  });

  it('refuses a wrong token with the message, and keeps the sign-in form', async () => {
    await signIn('not-a-token-of-this-fleet');
    await page.getByRole('alert').filter({ hasText: 'This token was refused (401)' }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await shot('sign-in-refused');
  });

  it('a reader finds the posted event by its subject, opens it and sees its raw payload; a reload reads it again', async () => {
    await signIn(READER_TOKEN);
    await page.getByRole('heading', { name: 'Events', exact: true }).waitFor();
    expect(await page.getByText('reader token').isVisible()).toBe(true);
    // Readers get no Endpoints page.
    expect(await page.getByRole('link', { name: 'Endpoints' }).count()).toBe(0);

    await page.getByLabel('source', { exact: true }).fill('notes');
    await page.getByLabel('subject (object, deal or user id)').fill(posted.note.id);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    // The filtered page has it alone (the unfiltered first page had all four).
    await page.getByText('1 event on this page.').waitFor();
    const row = page.locator(`tr[data-event-id="${ledgerId}"]`);
    await row.getByText(posted.event_id).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(page.url()).toContain(`subject=${posted.note.id}`);
    await shot('events');

    await row.getByRole('link', { name: `Open event ${ledgerId}` }).click();
    await page.getByRole('heading', { name: `Event ${ledgerId}` }).waitFor();
    const raw = page.locator('pre.json');
    await raw.getByText(`"event_id": "${posted.event_id}"`, { exact: false }).waitFor();
    expect(JSON.parse((await raw.textContent()) ?? '')).toEqual(posted);
    expect(await page.getByRole('button', { name: 'Copy raw payload' }).isEnabled()).toBe(true);
    await shot('event-detail');

    // A deep link: no list in memory, the event is read from the changes feed.
    await page.reload();
    await page.getByRole('heading', { name: `Event ${ledgerId}` }).waitFor();
    await page.locator('pre.json').getByText(posted.note.text, { exact: false }).waitFor();
  });

  it('works from the keyboard: sign in with Enter, open an event by id, copy its payload; every field is labelled', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fleet.apiUrl });
    await page.goto('/console/');
    // The token field has the focus on arrival. Typing waits for the app to
    // mount: keys pressed before React renders go to the empty document.
    await page.waitForFunction("document.activeElement?.labels?.[0]?.textContent === 'events-api token'");
    await page.keyboard.type(READER_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Events', exact: true }).waitFor();
    // Strings run in the page: this file is checked without DOM types.
    const unlabelled = await page.evaluate("[...document.querySelectorAll('input, select')].filter((el) => el.labels.length === 0).map((el) => el.outerHTML)");
    expect(unlabelled).toEqual([]);

    await page.getByLabel('Open event by ledger id').focus();
    await page.keyboard.type(String(ledgerId));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Event ${ledgerId}` }).waitFor();
    // Focus moved to the page's content for the next Tab.
    await page.waitForFunction("document.activeElement !== null && document.activeElement.id === 'main'");

    await page.getByRole('button', { name: 'Copy raw payload' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Raw payload copied to the clipboard.').waitFor();
    expect(JSON.parse(await page.evaluate<string>('navigator.clipboard.readText()'))).toEqual(posted);
  });

  it('live mode shows an event posted after it was turned on, without a reload', async () => {
    await signIn(READER_TOKEN);
    await page.getByRole('heading', { name: 'Events', exact: true }).waitFor();
    await page.getByText(/events? on this page/).waitFor();
    await page.getByLabel('Live: follow the changes feed').check();
    await page.getByText(/^Live: \d+ new at/).waitFor();
    const late = { ...posted, event_id: `${posted.event_id}_live`, note: { id: `n_live_${run}`, text: 'arrived while watching' } };
    const r = await fleet.sources.post('notes', JSON.stringify(late), apiKeyHeaders(NOTES_KEYS[0]));
    expect(r.status, r.text).toBe(200);
    await page.getByRole('cell', { name: late.event_id, exact: true }).waitFor({ timeout: 30_000 });
  });

  it("shows a filter outside a scoped token's scope as such", async () => {
    await signIn(SCOPED_TOKEN);
    await page.getByRole('heading', { name: 'Events', exact: true }).waitFor();
    await page.getByLabel('provider', { exact: true }).fill('sources');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('alert').filter({ hasText: "Outside this token's scope" }).waitFor();
  });

  it('a token that stops working sends the operator back to sign in with the reason', async () => {
    await signIn(READER_TOKEN);
    await page.getByRole('heading', { name: 'Events', exact: true }).waitFor();
    await page.evaluate(() => sessionStorage.setItem('hookstream.console.token', 'revoked-token-0000000'));
    await page.reload();
    await page.getByText('The token was refused (401): sign in again.').waitFor();
    expect(await page.getByLabel('events-api token').isVisible()).toBe(true);
  });

  it('an admin disables an endpoint and the API agrees', async () => {
    const created = await fleet.api<{ id: string; enabled: boolean }>('POST', '/endpoints', {
      url: 'http://127.0.0.1:9/console-test',
      description: `console test ${run}`,
    });
    expect(created.status).toBe(201);
    const id = created.json.id;

    await signIn(ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Endpoints' }).click();
    await page.getByRole('heading', { name: 'Endpoints', exact: true }).waitFor();
    const row = page.locator(`tr[data-endpoint-id="${id}"]`);
    await row.getByTestId('endpoint-state').getByText('enabled', { exact: true }).waitFor();
    await row.getByRole('button', { name: `Disable ${id}` }).click();
    await page.getByText(`Endpoint ${id} disabled.`).waitFor();
    await row.getByTestId('endpoint-state').getByText('disabled', { exact: true }).waitFor();
    await row.getByRole('button', { name: `Enable ${id}` }).waitFor();
    await shot('endpoints');

    const read = await fleet.api<{ enabled: boolean }>('GET', `/endpoints/${id}`);
    expect(read.status).toBe(200);
    expect(read.json.enabled).toBe(false);

    // Its delivery log opens from the list (empty: no dispatcher runs here).
    await row.getByRole('link', { name: id }).click();
    await page.getByRole('heading', { name: `Deliveries of ${id}` }).waitFor();
    await page.getByText('No deliveries.').waitFor();
  });
});
