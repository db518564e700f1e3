import type { BenchEnv } from '../env.js';
import type { Figure } from '../report.js';
import type { Profile } from '../profiles.js';
import { round } from '../stats.js';
import { drain, type DrainResult } from './processor.js';
import { runScaleSteps, type ScaleStep } from './scale-steps.js';

/**
 * The processor's scale-out curve: the same HubSpot workload (enrichment on, against the fake)
 * drained by 1, 2, 4, 8 and 12 replicas on the 12 partitions, each count on a fresh database,
 * written once the group is stable (drain's joinFirst). On two cores the absolute rate flattens early; CPU per event per replica count
 * (processor, database, broker) is what projects the curve onto a bigger machine.
 */
export async function runScaleOutSection(env: BenchEnv, profile: Profile, push: (f: Figure) => void): Promise<void> {
  const sized: Profile = { ...profile, processorEvents: profile.scaleOut.events };
  const results: Array<{ replicas: number; r: DrainResult }> = [];
  for (const [i, replicas] of profile.scaleOut.replicas.entries()) {
    const db = await env.newDatabase(`scale${replicas}`);
    try {
      results.push({ replicas, r: await drain(env, sized, replicas, 40 + i, db, { joinFirst: true }) });
    } finally {
      await db.drop();
    }
  }
  const one = results.find((x) => x.replicas === 1)?.r;
  for (const { replicas, r } of results) {
    push({
      id: `scale.processor.x${replicas}`,
      label: `processor, ${replicas} replica${replicas === 1 ? '' : 's'} on 12 partitions`,
      value: round(r.eventsPerSec),
      unit: 'events/s',
      higherIsBetter: true,
      ...(one && replicas > 1 ? { ceiling: round(one.eventsPerSec * replicas), ceilingLabel: `${replicas} × the 1-replica rate (linear scaling)` } : {}),
      details: { ...r },
      note: `CPU per event: processors ${r.processorSteadyCpuUsPerEvent} µs once the group was stable (${r.processorCpuUsPerEvent} µs with start-up), database ${r.databaseCpuUsPerEvent} µs, broker ${r.brokerCpuUsPerEvent} µs; ${r.rows} rows, ${r.enriched} enriched; group join before the backlog ${round(r.wallSec - r.measuredSec, 1)} s`,
    });
  }
  const db = await env.newDatabase('scalesteps');
  try {
    for (const step of await runScaleSteps(env, profile, db, 60)) {
      push({
        id: `scale.step.x${step.replicas}.pause`,
        label:
          step.replicas === profile.scaleOut.replicas[0]
            ? `live scale-up: ${step.replicas} replica(s) to start (no step)`
            : `live scale-up to ${step.replicas} replicas: longest commit pause`,
        value: step.pauseMs,
        unit: 'ms',
        higherIsBetter: false,
        details: { ...step },
        note: `${phaseNote(step, profile.scaleOut.stepSec)}; group stable ${step.rebalanceMs} ms after the spawn`,
      });
    }
  } finally {
    await db.drop();
  }
}

/** The phase after a step, or why there was none: a backlog that ran out during the rebalance leaves nothing to measure. */
function phaseNote(step: ScaleStep, stepSec: number): string {
  if (step.drainedEarly && step.eventsPerSec === 0)
    return 'the backlog ran out during this step: no phase after it to measure (the pause is up to the last commit)';
  return `then ${step.eventsPerSec} events/s for ${stepSec} s at ${step.processorCpuUsPerEvent} µs of processor CPU per event${step.drainedEarly ? ' (backlog ran out: a lower bound)' : ''}`;
}
