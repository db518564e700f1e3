import { decodeChangesCursor, encodeChangesCursor } from '@hookstream/pipeline';
import { describe, expect, it } from 'vitest';
import { changesCursorAfter } from '../../packages/console/src/cursor.js';

// The console reads one event as the first change after id - 1 (events-api has no GET /events/:id),
// building the changes cursor itself: it must stay the cursor events-api issues and accepts.
describe("the console's changes cursor", () => {
  it('is the cursor events-api issues, for any id', () => {
    for (const id of [0, 1, 41, 62_515, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      expect(changesCursorAfter(id)).toBe(encodeChangesCursor(id));
      expect(decodeChangesCursor('after', changesCursorAfter(id))).toBe(id);
    }
  });
});
