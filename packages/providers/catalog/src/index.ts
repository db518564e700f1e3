/**
 * @module providers: the catalogue of providers this build ships. Services pick from it with
 * the PROVIDERS setting; nothing else imports providers by name. A new provider is added here.
 */
import { ConfigError } from '@hookstream/config';
import { crmProvider } from '@hookstream/crm';
import { hubspotProvider } from '@hookstream/hubspot';
import { locationProvider } from '@hookstream/location';
import type { Provider, ProviderEnv } from '@hookstream/pipeline';
import type { MigrationClass } from '@hookstream/store';
import { sourcesProvider } from '@hookstream/sources';

export const PROVIDERS: readonly Provider[] = [hubspotProvider, sourcesProvider, crmProvider, locationProvider];

/** The providers PROVIDERS names, in that order; an unknown name stops start-up with one line. */
export function selectProviders(names: readonly string[], known: readonly Provider[] = PROVIDERS): Provider[] {
  return names.map((name) => {
    const p = known.find((k) => k.id === name);
    if (!p) throw new ConfigError(`PROVIDERS: unknown provider "${name}" (known: ${known.map((k) => k.id).join(', ')})`);
    return p;
  });
}

/**
 * What the providers want censored, as createLogger's settings: the logger is built before
 * any part runs, so each provider's credential headers and settings paths are known up front.
 */
export function providerRedaction(providers: readonly Provider[], env: ProviderEnv): { redactHeaders: string[]; redactPaths: string[] } {
  const all = providers.map((p) => p.redact?.(env) ?? {});
  return { redactHeaders: [...new Set(all.flatMap((r) => r.headers ?? []))], redactPaths: [...new Set(all.flatMap((r) => r.paths ?? []))] };
}

/** Every provider's own migrations (the shared ones come with the DataSource). */
export function providerMigrations(providers: readonly Provider[]): MigrationClass[] {
  return providers.flatMap((p) => [...(p.migrations ?? [])]);
}
