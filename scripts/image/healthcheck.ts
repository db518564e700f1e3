/**
 * The image's HEALTHCHECK (dist/healthcheck.mjs): GET http://127.0.0.1:<port>/readyz, healthy on
 * a 2xx. The port is the one the launcher picked from HEALTH_PORTS, else PORT, else SERVICE's
 * default (scripts/image/layout.ts). One-shot services (migrate, cli) have nothing to check.
 */
import { readFileSync } from 'node:fs';
import { HEALTH_PORT_FILE, isServiceName, SERVICES, type ServiceName } from './layout.js';

const env = process.env;
const service = env.SERVICE;
if (!isServiceName(service)) {
  process.stderr.write(`healthcheck: unknown SERVICE ${JSON.stringify(service ?? '')}\n`);
  process.exit(1);
}

function port(service: ServiceName): number | null {
  if (env.HEALTH_PORTS) {
    try {
      return Number(readFileSync(HEALTH_PORT_FILE, 'utf8').trim());
    } catch {
      return -1; // not picked yet: starting
    }
  }
  if (env.PORT) return Number(env.PORT);
  return SERVICES[service];
}

const p = port(service);
if (p === null) process.exit(0);
if (!Number.isInteger(p) || p < 1) {
  process.stderr.write(`healthcheck: ${service} has no health port yet\n`);
  process.exit(1);
}
try {
  const res = await fetch(`http://127.0.0.1:${p}/readyz`, { signal: AbortSignal.timeout(4000) });
  const body = (await res.text()).slice(0, 200);
  process.stdout.write(`${res.status} ${body}\n`);
  process.exit(res.ok ? 0 : 1);
} catch (err) {
  process.stderr.write(`healthcheck: http://127.0.0.1:${p}/readyz: ${(err as Error).message}\n`);
  process.exit(1);
}
