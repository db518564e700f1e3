/**
 * The image's CMD (dist/start.mjs): runs the bundle SERVICE names (edge, processor, events-api,
 * dispatcher, migrate, fakes, cli) in this same process, after two container-only steps:
 *
 * - FAKES_URL set: third parties without credentials point at the `fakes` service (fakes-env.ts).
 * - HEALTH_PORTS=A-B set: the health port is the first of A..B that no other replica holds
 *   (reserve-port.ts). For replicas that share the host's network, which cannot all have one
 *   fixed PORT; the choice is written to HEALTH_PORT_FILE for the health check.
 */
import { writeFileSync } from 'node:fs';
import { withFakes } from './fakes-env.js';
import { HEALTH_PORT_FILE, isServiceName, SERVICES } from './layout.js';
import { parsePortRange, reservePort } from './reserve-port.js';

const service = process.env.SERVICE;
if (!isServiceName(service)) {
  process.stderr.write(`start: SERVICE must be one of ${Object.keys(SERVICES).join(', ')} (got ${JSON.stringify(service ?? '')})\n`);
  process.exit(2);
}

const { env, faked } = withFakes(process.env);
for (const [k, v] of Object.entries(env)) if (v !== undefined) process.env[k] = v;
if (faked.length > 0) process.stderr.write(`start: ${service}: no credentials for ${faked.join(', ')}: using the fakes at ${env.FAKES_URL}\n`);

if (process.env.HEALTH_PORTS) {
  const range = parsePortRange(process.env.HEALTH_PORTS);
  if (range === null) {
    process.stderr.write(`start: HEALTH_PORTS must look like 9200-9211 (got ${JSON.stringify(process.env.HEALTH_PORTS)})\n`);
    process.exit(2);
  }
  const port = await reservePort(range, process.env.HOST);
  if (port === null) {
    process.stderr.write(`start: no free health port in ${process.env.HEALTH_PORTS}\n`);
    process.exit(1);
  }
  process.env.PORT = String(port);
  writeFileSync(HEALTH_PORT_FILE, `${port}\n`);
}

// Relative to dist/start.mjs: the bundles sit side by side. A variable, so the bundler leaves it be.
const bundle = `./${service}.mjs`;
await import(bundle);
