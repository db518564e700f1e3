import { loadDlqSettings } from '../dlq/settings.js';
import { createProducer, openTopicAdmin, planTimeRange, REDRIVE_GROUP, redriveRanges, type EventProducer } from '@hookstream/kafka';
import { UsageError, type Command } from '../command.js';
import { parseFlags } from '../dlq/flags.js';
import { cliKafka } from '../dlq/kafka.js';
import { createProgress } from '../dlq/progress.js';

export { REDRIVE_GROUP };

/**
 * Puts dead letters back on the events topic, key unchanged, as fresh deliveries (attempt
 * count 0). The redrive group's committed offsets are its cursor: each chunk is produced with
 * acks=all and then committed, so a rerun continues where the last one stopped. A crash between
 * the two re-sends at most that one chunk, which the events table's unique key stores once.
 * The planning and sending are @hookstream/kafka's redrive.ts, the same code as the console's redrive.
 */
export const command: Command = {
  name: 'dlq:redrive',
  summary: 'put dead letters back on the events topic (resumable; --dry-run shows what would go)',
  usage: 'dlq:redrive [--count N] [--since <time>] [--until <time>] [--dry-run] [--group <id> (default hookstream-dlq-redrive)]',
  async run(ctx) {
    const flags = parseFlags(ctx.args, { count: 'int', since: 'time', until: 'time', 'dry-run': 'bool', group: 'string' });
    if (flags.since !== undefined && flags.until !== undefined && flags.until < flags.since) throw new UsageError('--until is before --since');
    const config = loadDlqSettings(ctx.env);
    const dlq = config.KAFKA_DLQ_TOPIC;
    const target = config.KAFKA_TOPIC;
    const groupId = flags.group ?? REDRIVE_GROUP;
    const { kafka, log } = cliKafka(config, ctx);
    const admin = await openTopicAdmin(kafka);
    let producer: EventProducer | undefined;
    try {
      const group = await admin.describeGroup(groupId);
      if (group.members > 0) {
        ctx.err(`dlq:redrive: group ${groupId} has ${group.members} active member(s): another redrive is running; wait for it or stop it first`);
        return 1;
      }
      const route = { dlq, target, groupId };
      const plan = await planTimeRange(admin, route, {
        ...(flags.since !== undefined ? { since: flags.since } : {}),
        ...(flags.until !== undefined ? { until: flags.until } : {}),
        ...(flags.count !== undefined ? { count: flags.count } : {}),
      });
      if (plan.passedOver > 0) {
        ctx.err(
          `note: ${plan.passedOver} dead letter(s) older than --since were never redriven by group ${groupId}; they stay in ${dlq}, and this group's cursor passes them (redrive them with another --group)`,
        );
      }
      if (flags['dry-run']) {
        ctx.out(`dry run: would redrive ${plan.total} dead letter(s) from ${dlq} to ${target} (group ${groupId})`);
        for (const r of plan.ranges) if (r.end > r.start) ctx.out(`  partition ${r.partition}: offsets ${r.start}..${r.end - 1n}`);
        return 0;
      }
      if (plan.total === 0) {
        ctx.out(`nothing to redrive: group ${groupId} has redriven everything selected in ${dlq}`);
        return 0;
      }
      const p = createProducer(kafka, log);
      producer = p;
      await p.connect();
      const progress = createProgress({ label: 'redriven', total: plan.total, write: ctx.err, now: Date.now });
      const { how } = await redriveRanges({
        kafka,
        producer: p,
        route,
        ranges: plan.ranges,
        log,
        onProgress: (n) => progress.add(n),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      progress.finish();
      if (how === 'aborted') {
        ctx.out(`interrupted: redrove ${progress.done} of ${plan.total} dead letter(s) to ${target}; run the same command again to continue`);
        return 130;
      }
      ctx.out(`redrove ${progress.done} dead letter(s) from ${dlq} to ${target} (group ${groupId})`);
      return 0;
    } finally {
      await producer?.disconnect();
      await admin.close();
    }
  },
};
