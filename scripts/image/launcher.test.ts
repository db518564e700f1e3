import { createServer, type Server } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL } from '../local-defaults.js';
import { withFakes } from './fakes-env.js';
import { FAKE_BREVO_KEY, FAKE_PORTS } from './layout.js';
import { parsePortRange, reservePort } from './reserve-port.js';

describe('withFakes: third parties without credentials go to the fakes', () => {
  it('changes nothing without FAKES_URL (production)', () => {
    const env = { HUBSPOT_ACCESS_TOKEN: '' };
    expect(withFakes(env)).toEqual({ env, faked: [] });
  });

  it('points every third party without credentials at its fake, with the credential the fake accepts', () => {
    const { env, faked } = withFakes({ FAKES_URL: 'http://fakes/', HUBSPOT_ACCESS_TOKEN: '', META_ACCESS_TOKEN: '' });
    expect(faked).toEqual(['hubspot', 'meta', 'brevo']);
    expect(env).toMatchObject({
      HUBSPOT_API_BASE_URL: `http://fakes:${FAKE_PORTS.hubspot}`,
      HUBSPOT_ACCESS_TOKEN: LOCAL.fakeHubSpotToken,
      META_GRAPH_URL: `http://fakes:${FAKE_PORTS.meta}`,
      META_ACCESS_TOKEN: LOCAL.fakeMetaToken,
      META_PIXEL_ID: LOCAL.fakeMetaPixelId,
      BREVO_API_URL: `http://fakes:${FAKE_PORTS.brevo}`,
      BREVO_API_KEY: FAKE_BREVO_KEY,
      BREVO_SENDER_EMAIL: LOCAL.brevoSender,
    });
  });

  it('leaves a third party whose credential is given alone', () => {
    const given = {
      FAKES_URL: 'http://fakes',
      HUBSPOT_ACCESS_TOKEN: 'pat-real',
      HUBSPOT_API_BASE_URL: '',
      BREVO_API_KEY: 'xkeysib-real',
      BREVO_SENDER_EMAIL: 'me@example.com',
    };
    const { env, faked } = withFakes(given);
    expect(faked).toEqual(['meta']);
    expect(env.HUBSPOT_ACCESS_TOKEN).toBe('pat-real');
    expect(env.HUBSPOT_API_BASE_URL).toBe('');
    expect(env.BREVO_API_KEY).toBe('xkeysib-real');
    expect(env.BREVO_API_URL).toBeUndefined();
    expect(env.BREVO_SENDER_EMAIL).toBe('me@example.com');
    expect(env.META_GRAPH_URL).toBe(`http://fakes:${FAKE_PORTS.meta}`);
  });
});

describe('health ports for replicas that share a network', () => {
  const held: Server[] = [];
  afterEach(async () => {
    await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('parses A-B ranges and refuses anything else', () => {
    expect(parsePortRange('9200-9211')).toEqual({ from: 9200, to: 9211 });
    expect(parsePortRange(' 9200 - 9200 ')).toEqual({ from: 9200, to: 9200 });
    for (const bad of ['9211-9200', '0-10', '9200', '9200-70000', 'a-b', '']) expect(parsePortRange(bad)).toBeNull();
  });

  /** A block of `n` ports that were free a moment ago. */
  async function freeBlock(n: number): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const base = 20000 + Math.floor(Math.random() * 30000);
      let ok = true;
      for (let p = base; p < base + n && ok; p++) {
        const s = createServer();
        ok = await new Promise<boolean>((r) => s.once('error', () => r(false)).listen(p, '127.0.0.1', () => s.close(() => r(true))));
      }
      if (ok) return base;
    }
    throw new Error('no free block of ports');
  }

  it('gives two replicas starting together different ports, skips ports in use, and answers null when none is left', async () => {
    const lockPrefix = `hookstream-test-${randomUUID()}`;
    const base = await freeBlock(3);
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(base, '127.0.0.1', r));
    held.push(busy);
    const range = { from: base, to: base + 2 };
    const [a, b] = await Promise.all([reservePort(range, '127.0.0.1', { lockPrefix }), reservePort(range, '127.0.0.1', { lockPrefix })]);
    expect(new Set([a, b])).toEqual(new Set([base + 1, base + 2]));
    expect(await reservePort(range, '127.0.0.1', { lockPrefix })).toBeNull();
  });
});
