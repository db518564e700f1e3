import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../../scripts/console-build.js';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium.js';
import { READ_TOKEN, refHeaders, startLocationFleet, type LocationFleet } from '../support/location-fleet.js';
import { waitUntil } from '../support/wait.js';

/**
 * The console's Location page in Chromium against the location provider on the real broker and
 * database: a geofence, a user walking in and out of it, drawn on the SVG map with the crossings beside it.
 */

const SCREENSHOTS = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'docs', 'screenshots');
const BASE = Date.parse('2026-12-01T08:00:00Z');
const USER = 'courier-7';

let fleet: LocationFleet;
let browser: Browser;
let page: Page;

function position(id: string, sec: number, lon: number, lat: number): Record<string, unknown> {
  return {
    id,
    created_at: new Date(BASE + sec * 1000).toISOString(),
    live: 'TRUE',
    type: 'user.updated_trip',
    MMUserId: USER,
    location: { type: 'Point', coordinates: { longitude: String(lon), latitude: String(lat) } },
  };
}

beforeAll(async () => {
  const executablePath = findChromium();
  ensureConsoleBuilt((line) => process.stderr.write(`${line}\n`));
  fleet = await startLocationFleet({ processors: 1, env: { GEOFENCE_DWELL_MS: 'off' }, consoleDir: CONSOLE_DIST });
  const put = await fleet.api('/geofences/depots/north', {
    method: 'PUT',
    body: { description: 'North depot', type: 'circle', coordinates: [10, 50], radius: 150 },
    admin: true,
  });
  expect(put.status, put.text).toBe(201);
  await fleet.geofencesSynced();
  // Outside, inside, inside, outside: one entry and one exit.
  const walk: Array<[number, number]> = [
    [10.004, 49.999],
    [10.0005, 50.0003],
    [9.9995, 50.0004],
    [9.996, 50.002],
  ];
  for (const [i, [lon, lat]] of walk.entries()) {
    const r = await fleet.post('ref', position(`console-walk-${i}`, i * 60, lon, lat), refHeaders());
    expect(r.status, r.text).toBe(200);
  }
  await fleet.drained();
  await waitUntil('the entry and the exit', async () => {
    const r = await fleet.api(`/location/geofence-events?userId=${USER}`);
    return ((r.json.events as unknown[] | undefined) ?? []).length === 2;
  });
  browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: { width: 1180, height: 760 }, baseURL: fleet.apiUrl })).newPage();
  page.setDefaultTimeout(15_000);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
});

describe("the console's Location page in Chromium", () => {
  it("draws the geofence and the user's track, and lists the entry and exit beside them", async () => {
    await page.goto('/console/');
    await page.getByLabel('events-api token').fill(READ_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Location' }).click();
    await page.getByRole('heading', { name: 'Location' }).waitFor();
    await page.getByRole('img', { name: 'Map of 1 geofence' }).waitFor();

    await page.getByLabel('user id').fill(USER);
    await page.getByRole('button', { name: 'Show track' }).click();
    await page.getByRole('img', { name: `Map of 1 geofence and 4 track points of ${USER}` }).waitFor();
    expect(await page.locator('svg.map .fence circle').count()).toBe(1);
    expect(await page.locator('svg.map polyline.track').count()).toBe(1);
    expect(await page.locator('svg.map circle.point').count()).toBe(4);
    const events = page.getByRole('table', { name: 'Geofence events of this user' });
    await events.getByRole('cell', { name: 'user.entered_geofence' }).waitFor();
    await events.getByRole('cell', { name: 'user.exited_geofence' }).waitFor();
    expect(await events.getByRole('cell', { name: 'depots/north' }).count()).toBe(2);
    await page.getByRole('table', { name: 'Geofences' }).getByRole('cell', { name: 'North depot' }).waitFor();
    expect(page.url()).toContain(`/console/location?userId=${USER}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'location.png') });
  });

  it("an event's detail shows what it changed: the user's state as the location provider serves it", async () => {
    const listed = await fleet.api(`/events?provider=location&limit=100`);
    const rows = (listed.json.events as Array<{ id: number; subject?: string; type?: string }> | undefined) ?? [];
    const last = rows.filter((e) => e.subject === USER && e.type === 'user.updated_trip').at(-1);
    expect(last, listed.text).toBeDefined();
    await page.goto(`/console/events/${last?.id}`);
    await page.getByRole('heading', { name: `What it changed: user ${USER}` }).waitFor();
    const state = page.getByLabel(`What it changed: user ${USER}`);
    await state.getByText(`"userId": "${USER}"`, { exact: false }).waitFor();
    const shown = JSON.parse((await state.textContent()) ?? '') as Record<string, unknown>;
    const served = await fleet.api(`/location/users/${USER}?source=ref`);
    expect(served.status, served.text).toBe(200);
    expect(shown).toEqual(served.json);
  });
});
