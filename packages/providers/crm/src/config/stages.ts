import { z } from 'zod';
import { statusSchema } from './tokens.js';

/**
 * The order deals move through when an entry lists no `stages`: the reference system's
 * statuses (Qualified, Committed) in a usual sales pipeline.
 */
export const DEFAULT_STAGES: readonly string[] = ['New', 'Contacted', 'Qualified', 'Proposal', 'Negotiation', 'Committed', 'Closed'];

export const stagesSchema = z
  .array(statusSchema, { error: 'expected a list of statuses' })
  .min(1, { error: 'must list at least one status' })
  .max(100, { error: 'must list at most 100 statuses' })
  .superRefine((stages, ctx) => {
    const seen = new Map<string, number>();
    stages.forEach((s, i) => {
      const first = seen.get(s);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i], message: `${JSON.stringify(s)} is already stages.${first}` });
      else seen.set(s, i);
    });
  });

/** Status → its position in the pipeline (0 = first). */
export type StageRanks = ReadonlyMap<string, number>;

export function stageRanks(stages: readonly string[]): StageRanks {
  return new Map(stages.map((s, i) => [s, i]));
}

/** The status's rank, or null for a status the pipeline does not list. */
export function rankOf(ranks: StageRanks, status: string): number | null {
  return ranks.get(status) ?? null;
}
