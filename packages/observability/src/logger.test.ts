import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createLogger, flatLineLogger } from './logger.js';

function capture(settings: { redactHeaders?: readonly string[]; redactPaths?: readonly string[] } = {}) {
  const lines: string[] = [];
  const log = createLogger({ name: 'redact-test', level: 'info', destination: { write: (s: string) => void lines.push(s) }, ...settings });
  return { log, lines };
}

describe('logger redaction', () => {
  it("censors the shared paths always, and a provider's headers and paths when given", () => {
    const { log, lines } = capture({ redactHeaders: ['x-sig'], redactPaths: ['config.PROVIDER_SECRET'] });
    log.info(
      {
        req: { headers: { authorization: 'Bearer a', 'x-sig': 'sig-1' } },
        headers: { 'x-sig': 'sig-2' },
        config: { PROVIDER_SECRET: 'p-1', DATABASE_URL: 'mysql://u:pw@h/db', PORT: 1 },
      },
      'line',
    );
    const out = lines.join('');
    for (const secret of ['Bearer a', 'sig-1', 'sig-2', 'p-1', 'mysql://']) expect(out).not.toContain(secret);
    expect(out).toContain('"PORT":1');
  });

  it("censors managed Kafka's secrets as settings and as client options", () => {
    const { log, lines } = capture();
    log.info({ config: { KAFKA_SASL_PASSWORD: 'sasl-1', KAFKA_SSL_KEY_PASSWORD: 'kp-1', KAFKA_SASL_USERNAME: 'alice' } }, 'line');
    log.info({ KAFKA_SASL_PASSWORD: 'sasl-2', sasl: { password: 'sasl-3' }, ssl: { key: 'key-1', passphrase: 'kp-2' } }, 'line');
    log.info({ kafka: { sasl: { password: 'sasl-4' }, ssl: { key: 'key-2' } } }, 'line');
    const out = lines.join('');
    for (const secret of ['sasl-1', 'sasl-2', 'sasl-3', 'sasl-4', 'kp-1', 'kp-2', 'key-1', 'key-2']) expect(out).not.toContain(secret);
    expect(out).toContain('alice');
  });

  it('names no provider of its own: without their settings, their names pass through', () => {
    const { log, lines } = capture();
    log.info({ config: { PROVIDER_SECRET: 'visible' } }, 'line');
    expect(lines.join('')).toContain('visible');
  });

  it("flatLineLogger: a request logger's child that censors the same names at the top level and keeps the bindings", () => {
    const { log, lines } = capture({ redactPaths: ['*.customer'] });
    // As Fastify's request loggers are: a child of the process's logger with its reqId.
    const flat = flatLineLogger(log.child({ reqId: 'r-1' }));
    flat.info({ events: 2, token: 't-1', password: 'pw-1', authorization: 'Bearer b', customer: 'alice@example.com', source: 'crm' }, 'delivery accepted');
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ reqId: 'r-1', events: 2, source: 'crm', msg: 'delivery accepted' });
    for (const k of ['token', 'password', 'authorization', 'customer']) expect(line[k]).toBe('[redacted]');
    // Its parent still censors nested fields.
    log.info({ auth: { token: 't-2' } }, 'nested');
    expect(lines.join('')).not.toContain('t-2');
  });

  it('flatLineLogger returns a logger createLogger did not make as it is', () => {
    const foreign = pino({ level: 'silent' });
    expect(flatLineLogger(foreign)).toBe(foreign);
  });
});
