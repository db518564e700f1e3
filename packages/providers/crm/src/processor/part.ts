import { createBatchRuntime, createRuntimeMetrics, type ProcessorContext, type ProcessorPart } from '@hookstream/pipeline';
import type { CrmSource } from '../config/load.js';
import { DEFAULT_STAGES, stageRanks, type StageRanks } from '../config/stages.js';
import { PROVIDER } from '../constants.js';
import { crmStep } from './step.js';

export interface CrmProcessorOptions {
  sources: readonly CrmSource[];
  groupId: string;
  topics: { events: string; retry: string; dlq: string };
  retry: { maxAttempts: number; baseMs: number; maxMs: number };
}

const DEFAULT_RANKS = stageRanks(DEFAULT_STAGES);

export function crmProcessorPart(opts: CrmProcessorOptions, ctx: ProcessorContext): ProcessorPart {
  const ranks = new Map(opts.sources.map((s) => [s.name, s.ranks]));
  // A source removed from the file after its events were accepted: they are still stored, by the default stages.
  const ranksOf = (source: string): StageRanks => ranks.get(source) ?? DEFAULT_RANKS;
  return {
    groupId: opts.groupId,
    topics: opts.topics,
    handler: createBatchRuntime(crmStep({ dataSource: ctx.dataSource, ranksOf, now: ctx.now }), {
      producer: ctx.producer,
      dlqTopic: opts.topics.dlq,
      retryTopic: opts.topics.retry,
      retry: opts.retry,
      log: ctx.log.child({ provider: PROVIDER }),
      now: ctx.now,
      metrics: createRuntimeMetrics(ctx.registry)(PROVIDER),
      tracing: ctx.tracing,
    }),
    describe: () => ({ crmSources: opts.sources.map((s) => s.name) }),
  };
}
