/**
 * The HTTP ceiling: a Fastify route that takes the same POST the edge takes (raw-buffer JSON
 * body, same body limit) and answers at once. Same Node, same machine, same load tool as the
 * edge, no logger, no signature, no Kafka.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/webhooks/hubspot', async (_req, reply) => reply.code(200).send({ accepted: 1 }));
app.get('/readyz', async () => ({ status: 'ready' }));

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.once(sig, () => {
    void app.close().then(() => process.exit(0));
  });
}
await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
