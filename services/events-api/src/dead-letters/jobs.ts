import { randomUUID } from 'node:crypto';

export type JobState = 'running' | 'done' | 'failed' | 'interrupted';

/** A redrive as GET /dead-letters/jobs/:id answers it; the console polls it for progress. */
export interface RedriveJob {
  id: string;
  topic: string;
  kind: 'selection' | 'range';
  state: JobState;
  /** Dead letters this job puts back. */
  total: number;
  /** Sent and acknowledged (acks=all) so far. */
  done: number;
  /** Range redrive: dead letters older than `since` that were never redriven; the cursor passes them. */
  passedOver: number;
  startedAt: string;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
}

const KEEP = 50;

/**
 * The redrives of this events-api process, newest last; finished ones are kept (the last 50)
 * so that a console polling after the end still reads the outcome.
 */
export function createJobBook(now: () => number) {
  const jobs = new Map<string, RedriveJob>();
  return {
    start(topic: string, kind: RedriveJob['kind'], counts: { total: number; passedOver: number }): RedriveJob {
      const job: RedriveJob = {
        id: randomUUID(),
        topic,
        kind,
        state: 'running',
        ...counts,
        done: 0,
        startedAt: new Date(now()).toISOString(),
        finishedAt: null,
        error: null,
      };
      jobs.set(job.id, job);
      for (const id of jobs.keys()) {
        if (jobs.size <= KEEP) break;
        if (jobs.get(id)?.state !== 'running') jobs.delete(id);
      }
      return job;
    },
    finish(job: RedriveJob, state: Exclude<JobState, 'running'>, error?: { code: string; message: string }): void {
      job.state = state;
      job.finishedAt = new Date(now()).toISOString();
      if (error) job.error = error;
    },
    get: (id: string): RedriveJob | undefined => jobs.get(id),
    running: (): RedriveJob | undefined => [...jobs.values()].find((j) => j.state === 'running'),
    /** The newest job of a topic, running or not. */
    latest: (topic: string): RedriveJob | undefined => [...jobs.values()].reverse().find((j) => j.topic === topic),
  };
}

export type JobBook = ReturnType<typeof createJobBook>;
