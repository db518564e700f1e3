/*
 * Child process of crash.test.ts, which SIGKILLs it mid-write. It archives random records into
 * argv[2] as fast as it can and prints "ok <requestId> <sha256 of body>" only after put()
 * resolved, i.e. exactly the records an edge would have acknowledged.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createLocalArchive } from './index.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: crash-writer <dir>');
const store = createLocalArchive({ dir });

for (;;) {
  // Up to 256 KiB, so a kill often lands inside a write rather than between two.
  const body = randomBytes(Math.floor(Math.random() * 256 * 1024));
  const requestId = randomUUID();
  await store.put({ requestId, receivedAt: Date.now(), provider: 'sources', source: 'crash', method: 'POST', url: '/crash', headers: {}, body });
  process.stdout.write(`ok ${requestId} ${createHash('sha256').update(body).digest('hex')}\n`);
}
