import mysql2 from 'mysql2';

/** The part of mysql2's connection `this` that its query formatter reads. */
interface FormatContext {
  config: { stringifyObjects?: boolean };
}

type Scalar = string | number | bigint | boolean | null | undefined;

/**
 * The characters that must be escaped inside a single-quoted MySQL string literal with
 * backslash escapes on (the server's default, which mysql2's own escaping also assumes). `"`,
 * `\b` and `\t` are literal there, so they are left alone: JSON is full of `"`, and escaping
 * it is what makes mysql2's escaper walk every character of every payload in JavaScript.
 */
const MUST_ESCAPE = /[\0\n\r\x1a'\\]/;
const MUST_ESCAPE_ALL = /[\0\n\r\x1a'\\]/g;
const ESCAPED: Readonly<Record<string, string>> = {
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
  "'": "\\'",
  '\\': '\\\\',
};

/**
 * mysql2's `queryFormat`: the same SQL text mysql2 would send, up to the spelling of string
 * literals, built faster for the statements the pipeline runs hot (multi-row INSERTs of plain
 * scalars). Anything it cannot prove simple (quotes or comments in the SQL, `??` identifiers,
 * arrays, objects, dates, buffers, a placeholder count that differs from the values) goes to
 * mysql2's own formatter unchanged. Called with the connection as `this`, as mysql2 does.
 */
export function queryFormat(this: FormatContext, sql: string, values: unknown, timezone?: string): string {
  if (values === undefined || values === null) return sql;
  if (Array.isArray(values) && values.length > 0 && isPlainSql(sql) && allScalars(values)) {
    const filled = interpolate(sql, values);
    if (filled !== undefined) return filled;
  }
  return mysql2.format(sql, values as never, this.config.stringifyObjects, timezone);
}

/** No string literal, double-quoted name, comment or `??` in which a `?` could mean something else. */
function isPlainSql(sql: string): boolean {
  if (/['"#]|--|\/\*|\?\?/.test(sql)) return false;
  if (!sql.includes('`')) return true;
  // A `?` inside a backtick-quoted identifier is not a placeholder; give those to mysql2.
  return sql.split('`').every((part, i) => i % 2 === 0 || !part.includes('?'));
}

function allScalars(values: readonly unknown[]): values is Scalar[] {
  for (const v of values) {
    const t = typeof v;
    if (!(v === null || t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean' || t === 'undefined')) {
      return false;
    }
  }
  return true;
}

/** The SQL with each `?` replaced by its value; undefined when the counts differ. */
function interpolate(sql: string, values: readonly Scalar[]): string | undefined {
  let out = '';
  let from = 0;
  for (const value of values) {
    const at = sql.indexOf('?', from);
    if (at === -1) return undefined;
    out += sql.slice(from, at) + literal(value);
    from = at + 1;
  }
  return sql.indexOf('?', from) === -1 ? out + sql.slice(from) : undefined;
}

function literal(v: Scalar): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return MUST_ESCAPE.test(v) ? `'${v.replace(MUST_ESCAPE_ALL, escapeChar)}'` : `'${v}'`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return `${v}`;
}

function escapeChar(c: string): string {
  return ESCAPED[c] ?? c;
}
