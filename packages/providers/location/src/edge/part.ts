import { createWebhookMetrics, type EdgePart, type HostContext } from '@hookstream/pipeline';
import type { LocationSource } from '../config/load.js';
import { PROVIDER } from '../constants.js';
import { locationIngress } from './route.js';

export interface LocationEdgeOptions {
  sources: readonly LocationSource[];
  topic: string;
  bodyLimitBytes: number;
}

export function locationEdgePart(opts: LocationEdgeOptions, ctx: Pick<HostContext, 'registry' | 'now'>): EdgePart {
  return {
    routes: [locationIngress({ ...opts, metrics: createWebhookMetrics(ctx.registry, PROVIDER), now: ctx.now })],
    topics: [opts.topic],
    describe: (publicUrl) => ({ location: opts.sources.map((s) => `${(publicUrl ?? '').replace(/\/$/, '')}/webhooks/location/${s.name}`) }),
  };
}
