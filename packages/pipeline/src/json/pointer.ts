/** One reference token of an RFC 6901 JSON pointer: `~` and `/` are the only escapes. */
export function escapePointerToken(token: string | number): string {
  const s = String(token);
  return s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

/** `['a', 0, 'b/c']` → `/a/0/b~1c`; the empty path is the whole document, `''`. */
export function toPointer(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const token of path) out += `/${escapePointerToken(token)}`;
  return out;
}
