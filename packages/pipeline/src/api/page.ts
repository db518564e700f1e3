/** A keyset page: `nextCursor` is null exactly when nothing follows (pages read limit + 1 rows). */
export interface Page<T> {
  events: T[];
  nextCursor: string | null;
}

export function page<T extends { occurredAt: number; id: number }>(
  rows: readonly T[],
  limit: number,
  cursorFor: (last: { occurredAt: number; id: number }) => string,
): Page<T> {
  const events = rows.slice(0, limit);
  const last = events[events.length - 1];
  return { events, nextCursor: rows.length > limit && last ? cursorFor(last) : null };
}
