/**
 * @module providers: the catalogue of providers this build ships. Services pick from it with
 * the PROVIDERS setting; nothing else imports providers by name. A new provider is added here.
 */
import { ConfigError } from '@hookstream/config';
import { hubspotProvider } from '@hookstream/hubspot';
import type { Provider } from '@hookstream/pipeline';
import type { MigrationClass } from '@hookstream/store';
import { sourcesProvider } from '@hookstream/sources';

export const PROVIDERS: readonly Provider[] = [hubspotProvider, sourcesProvider];

/** The providers PROVIDERS names, in that order; an unknown name stops start-up with one line. */
export function selectProviders(names: readonly string[], known: readonly Provider[] = PROVIDERS): Provider[] {
  return names.map((name) => {
    const p = known.find((k) => k.id === name);
    if (!p) throw new ConfigError(`PROVIDERS: unknown provider "${name}" (known: ${known.map((k) => k.id).join(', ')})`);
    return p;
  });
}

/** Every provider's own migrations (the shared ones come with the DataSource). */
export function providerMigrations(providers: readonly Provider[]): MigrationClass[] {
  return providers.flatMap((p) => [...(p.migrations ?? [])]);
}
