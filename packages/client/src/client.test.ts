import { describe, expect, it } from 'vitest';
import { createEventsClient } from './client.js';
import { EventsApiError } from './errors.js';

interface Call {
  url: string;
  headers: Record<string, string>;
}

function stub(answers: Array<Response | Error>): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), headers: init?.headers as Record<string, string> });
    const next = answers.shift();
    if (!next) throw new Error('unexpected request');
    if (next instanceof Error) throw next;
    return next;
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('events client (stubbed fetch)', () => {
  it('builds query strings, keeps a base path and sends the bearer token', async () => {
    const { fetch, calls } = stub([
      json(200, { events: [], nextCursor: null }),
      json(200, { events: [], nextCursor: 'c1' }),
      json(200, { events: [], nextCursor: null }),
    ]);
    const client = createEventsClient({ baseUrl: 'http://127.0.0.1:9/api/', token: 't0k', fetch });
    await client.listEvents({ portalId: 5, objectType: '2-123', from: new Date(Date.UTC(2024, 0, 2)), to: 1_700_000_000_000, order: 'desc', limit: 10 });
    await client.changes('abc', 50, { portalId: 5 });
    await client.timeline(5, 'line_item', 9, { cursor: 'x/y' });
    expect(calls.map((c) => c.url)).toEqual([
      'http://127.0.0.1:9/api/events?portalId=5&objectType=2-123&from=2024-01-02T00%3A00%3A00.000Z&to=1700000000000&order=desc&limit=10',
      'http://127.0.0.1:9/api/events/changes?after=abc&limit=50&portalId=5',
      'http://127.0.0.1:9/api/portals/5/objects/line_item/9/timeline?cursor=x%2Fy',
    ]);
    expect(calls[0]?.headers.authorization).toBe('Bearer t0k');
  });

  it('throws EventsApiError with the server code and message, or a generic one', async () => {
    const { fetch } = stub([
      json(400, { code: 'BAD_REQUEST', message: 'limit: must be an integer between 1 and 1000' }),
      new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
      new TypeError('fetch failed'),
      json(200, 'not an object'),
    ]);
    const client = createEventsClient({ baseUrl: 'http://127.0.0.1:9', token: 't', fetch });
    await expect(client.listEvents({ limit: 0 })).rejects.toMatchObject({
      name: 'EventsApiError',
      status: 400,
      code: 'BAD_REQUEST',
      message: 'limit: must be an integer between 1 and 1000',
      retryable: false,
    });
    await expect(client.listEvents()).rejects.toMatchObject({ status: 502, code: 'HTTP_502', message: 'Bad Gateway', retryable: true });
    const network = await client.listEvents().catch((e: unknown) => e);
    expect(network).toBeInstanceOf(EventsApiError);
    expect(network).toMatchObject({ status: 0, code: 'NETWORK_ERROR', retryable: true });
    // A 2xx JSON body is passed through as is; shape checks are the caller's business.
    expect(await client.listEvents()).toBe('not an object');
  });

  it('iterates across pages until nextCursor is null', async () => {
    const ev = (id: number) => ({ id });
    const { fetch, calls } = stub([json(200, { events: [ev(1), ev(2)], nextCursor: 'p2' }), json(200, { events: [ev(3)], nextCursor: null })]);
    const client = createEventsClient({ baseUrl: 'http://127.0.0.1:9', token: 't', fetch });
    const ids: number[] = [];
    for await (const e of client.iterateEvents({ limit: 2 })) ids.push(e.id);
    expect(ids).toEqual([1, 2, 3]);
    expect(calls[1]?.url).toBe('http://127.0.0.1:9/events?limit=2&cursor=p2');
  });
});
