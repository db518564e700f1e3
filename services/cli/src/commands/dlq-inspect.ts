import { randomBytes } from 'node:crypto';
import { loadDlqSettings } from '../dlq/settings.js';
import { openTopicAdmin, readRanges } from '@hookstream/kafka';
import { UsageError, type Command } from '../command.js';
import { parseFlags } from '../dlq/flags.js';
import { formatLine, viewOf, type DeadLetterView } from '../dlq/format.js';
import { cliKafka } from '../dlq/kafka.js';
import { planRanges } from '../dlq/plan.js';

const DEFAULT_LIMIT = 100;

/**
 * Lists dead letters without consuming them: it reads through a throwaway consumer group that
 * commits nothing and is deleted afterwards, so inspecting never moves a redrive cursor.
 */
export const command: Command = {
  name: 'dlq:inspect',
  summary: 'list dead letters: error, attempts, first failure, original position (read-only)',
  usage:
    'dlq:inspect [--since <time>] [--until <time>] [--limit N (default 100)] [--json]   (time: epoch ms or ISO-8601; selects by when a message was dead-lettered)',
  async run(ctx) {
    const flags = parseFlags(ctx.args, { since: 'time', until: 'time', limit: 'int', json: 'bool' });
    if (flags.since !== undefined && flags.until !== undefined && flags.until < flags.since) throw new UsageError('--until is before --since');
    const config = loadDlqSettings(ctx.env);
    const topic = config.KAFKA_DLQ_TOPIC;
    const { kafka, log } = cliKafka(config, ctx);
    const admin = await openTopicAdmin(kafka);
    const groupId = `hookstream-dlq-inspect-${randomBytes(6).toString('hex')}`;
    let joined = false;
    try {
      const partitions = await admin.partitions(topic);
      const from = flags.since === undefined ? undefined : await admin.offsetsAtTime(topic, flags.since);
      const to = flags.until === undefined ? undefined : await admin.offsetsAtTime(topic, flags.until + 1);
      const all = planRanges({ partitions, ...(from ? { from } : {}), ...(to ? { to } : {}) });
      const plan = planRanges({ partitions, ...(from ? { from } : {}), ...(to ? { to } : {}), count: flags.limit ?? DEFAULT_LIMIT });
      const views: Array<DeadLetterView & { ts: number }> = [];
      joined = plan.total > 0;
      await readRanges(kafka, {
        topic,
        groupId,
        ranges: plan.ranges,
        commit: false,
        log,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onMessages: async (partition, messages) => {
          for (const m of messages) views.push({ ...viewOf(partition, m), ts: Number(m.timestamp) });
        },
      });
      views.sort((a, b) => a.ts - b.ts || a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
      for (const { ts: _ts, ...v } of views) ctx.out(flags.json ? JSON.stringify(v) : formatLine(v));
      const summary = `${views.length} of ${all.total} dead letters in ${topic}${flags.since !== undefined || flags.until !== undefined ? ' in the time range' : ''} shown${views.length < all.total ? ' (raise --limit to see more)' : ''}`;
      // With --json, stdout carries only JSON lines.
      (flags.json ? ctx.err : ctx.out)(summary);
      return 0;
    } finally {
      if (joined) await admin.deleteGroup(groupId).catch((err: unknown) => log.warn({ err, groupId }, 'could not delete the inspection group'));
      await admin.close();
    }
  },
};
