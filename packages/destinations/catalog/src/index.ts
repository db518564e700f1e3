/**
 * @module destinations: the destinations this build ships beside the built-in webhook one, and
 * which of them a dispatcher can use with the settings it was given. The only place that names them.
 */
import { BrevoSettingsSchema, createBrevoDestination } from '@hookstream/brevo';
import { parseEnv } from '@hookstream/config';
import type { Destination } from '@hookstream/deliveries';
import { MetaSettingsSchema, createMetaCapiDestination } from '@hookstream/meta-capi';

type Env = Readonly<Record<string, string | undefined>>;

interface Entry {
  kind: string;
  /** The setting whose presence switches it on; the others are then required. */
  switch: string;
  build(env: Env): Destination;
}

const CATALOG: readonly Entry[] = [
  { kind: 'meta_capi', switch: 'META_ACCESS_TOKEN', build: (env) => createMetaCapiDestination(parseEnv(MetaSettingsSchema, env as NodeJS.ProcessEnv)) },
  { kind: 'brevo', switch: 'BREVO_API_KEY', build: (env) => createBrevoDestination(parseEnv(BrevoSettingsSchema, env as NodeJS.ProcessEnv)) },
];

export interface DestinationSelection {
  destinations: Destination[];
  /** Kinds this dispatcher cannot send to, and why: their deliveries wait as pending. */
  unavailable: Array<{ kind: string; reason: string }>;
}

/**
 * Builds each destination whose switch setting is present. Its other settings are then
 * validated like any setting (a ConfigError naming the first bad one stops start-up); without
 * the switch the destination is simply absent, and endpoints of its kind wait.
 */
export function selectDestinations(env: Env): DestinationSelection {
  const out: DestinationSelection = { destinations: [], unavailable: [] };
  for (const e of CATALOG) {
    if (env[e.switch]) out.destinations.push(e.build(env));
    else out.unavailable.push({ kind: e.kind, reason: `${e.switch} is not set` });
  }
  return out;
}

export const DESTINATION_KINDS: readonly string[] = ['webhook', ...CATALOG.map((e) => e.kind)];
