/**
 * A local delivery endpoint for `npm run sample` and `npm run receiver`: registers itself
 * through events-api's admin API, verifies each delivery's Standard Webhooks signature with the
 * `standardwebhooks` library (what a client would use), and reports it. Deleting the endpoint
 * on close keeps a laptop's fleet from retrying to a receiver that is gone.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface RelayedEvent {
  webhookId: string;
  verified: boolean;
  body: { id: string; provider: string; source: string; type: string; occurredAt: string; data: unknown };
}

export interface SampleEndpoint {
  id: string;
  url: string;
  close(): Promise<void>;
}

export async function startSampleEndpoint(opts: {
  eventsApi: string;
  adminToken: string;
  port: number;
  description: string;
  onEvent: (e: RelayedEvent) => void;
}): Promise<SampleEndpoint> {
  let verifier: Webhook | null = null;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(req.headers[h] ?? '')]));
      let verified = false;
      try {
        verifier?.verify(body, headers);
        verified = verifier !== null;
      } catch {
        verified = false;
      }
      // A receiver that cannot verify must not acknowledge: the delivery is retried instead.
      res.writeHead(verified ? 204 : 401).end();
      opts.onEvent({ webhookId: headers['webhook-id'] ?? '', verified, body: JSON.parse(body) as RelayedEvent['body'] });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/deliveries`;
  const admin = { authorization: `Bearer ${opts.adminToken}`, 'content-type': 'application/json' };
  const created = await fetch(`${opts.eventsApi}/endpoints`, { method: 'POST', headers: admin, body: JSON.stringify({ url, description: opts.description }) });
  const endpoint = (await created.json()) as { id?: string; secret?: string; message?: string };
  if (created.status !== 201 || !endpoint.id || !endpoint.secret) {
    server.close();
    throw new Error(`registering the sample endpoint failed: ${created.status} ${endpoint.message ?? ''}`);
  }
  verifier = new Webhook(endpoint.secret);
  const id = endpoint.id;
  return {
    id,
    url,
    async close() {
      await fetch(`${opts.eventsApi}/endpoints/${id}`, { method: 'DELETE', headers: { authorization: admin.authorization } }).catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
