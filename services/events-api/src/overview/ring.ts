/**
 * A bounded ring of the last `capacity` items, oldest first: the overview keeps one hour of
 * samples in memory and never more, whatever the uptime.
 */
export interface Ring<T> {
  push(item: T): void;
  /** Every item held, oldest first. */
  items(): T[];
  readonly size: number;
  readonly capacity: number;
}

export function createRing<T>(capacity: number): Ring<T> {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
  const slots: Array<T | undefined> = new Array<T | undefined>(capacity);
  // `next` is where the next push goes; once full it is also the oldest item.
  let next = 0;
  let size = 0;
  return {
    capacity,
    get size() {
      return size;
    },
    push(item) {
      slots[next] = item;
      next = (next + 1) % capacity;
      if (size < capacity) size++;
    },
    items() {
      const start = size < capacity ? 0 : next;
      const out: T[] = [];
      for (let i = 0; i < size; i++) out.push(slots[(start + i) % capacity] as T);
      return out;
    },
  };
}
