import { z } from 'zod';
import { ConfigError } from '../config.js';

/**
 * The overview's settings. METRICS_TARGETS: the fleet's GET /metrics URLs, comma-separated;
 * unset: events-api's own registry only. METRICS_SCRAPE_INTERVAL_MS: how often they are read.
 */
export const OverviewSettingsSchema = z.object({
  METRICS_TARGETS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t.length > 0),
    )
    .superRefine((urls, ctx) => {
      const bad = urls.findIndex((u) => !isHttpUrl(u));
      if (bad >= 0) ctx.addIssue({ code: 'custom', message: `entry ${bad + 1} must be an http(s) URL without credentials` });
      else if (new Set(urls).size !== urls.length) ctx.addIssue({ code: 'custom', message: 'lists a URL twice' });
    }),
  METRICS_SCRAPE_INTERVAL_MS: z.coerce
    .number({ error: 'must be milliseconds from 1000 to 300000' })
    .int('must be milliseconds from 1000 to 300000')
    .min(1000, 'must be milliseconds from 1000 to 300000')
    .max(300_000, 'must be milliseconds from 1000 to 300000')
    .default(15_000),
});

export type OverviewSettings = Readonly<z.infer<typeof OverviewSettingsSchema>>;

/** Validates the overview's settings once at start-up (empty strings count as unset); a ConfigError naming each bad one. */
export function loadOverviewSettings(env: Readonly<Record<string, string | undefined>>): OverviewSettings {
  const present = (k: string): string | undefined => (env[k] === '' ? undefined : env[k]);
  const r = OverviewSettingsSchema.safeParse({
    METRICS_TARGETS: present('METRICS_TARGETS'),
    METRICS_SCRAPE_INTERVAL_MS: present('METRICS_SCRAPE_INTERVAL_MS'),
  });
  if (r.success) return Object.freeze(r.data);
  const named = new Map<string, string>();
  for (const issue of r.error.issues) {
    const name = String(issue.path[0] ?? 'config');
    if (!named.has(name)) named.set(name, `${name}: ${issue.message}`);
  }
  throw new ConfigError([...named.values()].join('; '));
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    // Credentials would show in target health: the metrics endpoints take none.
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}
