import { createWebhookMetrics, type EdgePart, type HostContext } from '@hookstream/pipeline';
import type { CrmSource } from '../config/load.js';

import { crmIngress } from './route.js';
import { PROVIDER } from '../constants.js';

export interface CrmEdgeOptions {
  sources: readonly CrmSource[];
  topic: string;
  bodyLimitBytes: number;
}

export function crmEdgePart(opts: CrmEdgeOptions, ctx: Pick<HostContext, 'registry' | 'now'>): EdgePart {
  return {
    routes: [crmIngress({ ...opts, metrics: createWebhookMetrics(ctx.registry, PROVIDER), now: ctx.now })],
    topics: [opts.topic],
    describe: (publicUrl) => ({ crm: opts.sources.map((s) => `${(publicUrl ?? '').replace(/\/$/, '')}/api/v1/webhook/${s.name}`) }),
  };
}
