import { UsageError } from '../command.js';

export type FlagKind = 'bool' | 'int' | 'time' | 'string';
export type FlagSpec = Record<string, FlagKind>;
export type FlagValues<S extends FlagSpec> = {
  [K in keyof S]?: S[K] extends 'bool' ? boolean : S[K] extends 'string' ? string : number;
};

/**
 * `--name value`, `--name=value` and `--flag`. Unknown flags, positional arguments and bad values
 * are usage errors (exit 2, nothing done), so a typo never widens what a command touches.
 */
export function parseFlags<S extends FlagSpec>(args: readonly string[], spec: S): FlagValues<S> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const m = /^--([a-z][a-z-]*)(?:=(.*))?$/s.exec(arg);
    if (!m?.[1]) throw new UsageError(`unexpected argument "${arg}"`);
    const name = m[1];
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!kind) throw new UsageError(`unknown option --${name}`);
    if (Object.hasOwn(out, name)) throw new UsageError(`--${name} given twice`);
    if (kind === 'bool') {
      if (m[2] !== undefined) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    const raw = m[2] ?? args[++i];
    if (raw === undefined || raw === '') throw new UsageError(`--${name} needs a value`);
    out[name] = kind === 'int' ? positiveInt(name, raw) : kind === 'time' ? parseTime(name, raw) : raw;
  }
  return out as FlagValues<S>;
}

function positiveInt(name: string, raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new UsageError(`--${name} must be a positive integer, got "${raw}"`);
  return Number(raw);
}

/** Epoch milliseconds, or an ISO-8601 date or date-time (a date-time needs Z or an offset; a date is midnight UTC). */
export function parseTime(name: string, raw: string): number {
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i.test(raw);
  const ms = dateOnly || zoned ? Date.parse(dateOnly ? `${raw}T00:00:00Z` : raw) : NaN;
  if (!Number.isFinite(ms) || ms < 0) throw new UsageError(`--${name} must be epoch milliseconds or an ISO-8601 time with Z or an offset, got "${raw}"`);
  return ms;
}
