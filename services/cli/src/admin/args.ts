import { UsageError } from '../command.js';

/** The subcommand (`endpoints show …` → show) and what follows it. */
export function subcommand(args: readonly string[], names: readonly string[]): { sub: string; rest: readonly string[] } {
  const [sub, ...rest] = args;
  if (sub === undefined || sub.startsWith('--')) throw new UsageError(`name a subcommand: ${names.join(', ')}`);
  if (!names.includes(sub)) throw new UsageError(`unknown subcommand "${sub}" (one of ${names.join(', ')})`);
  return { sub, rest };
}

/** The positional argument right after the subcommand (an endpoint id, an event id). */
export function positional(rest: readonly string[], what: string): { value: string; flags: readonly string[] } {
  const [value, ...flags] = rest;
  if (value === undefined || value.startsWith('--')) throw new UsageError(`give the ${what} right after the subcommand`);
  return { value, flags };
}

export const STATES = ['pending', 'succeeded', 'dead'] as const;

/** `--status dead,pending` → the states, checked here so a typo changes nothing. */
export function statusList(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const list = [...new Set(raw.split(',').map((s) => s.trim()))];
  const bad = list.find((s) => !(STATES as readonly string[]).includes(s));
  if (bad !== undefined) throw new UsageError(`--status takes ${STATES.join(', ')} (comma-separated), got "${bad}"`);
  return list;
}
