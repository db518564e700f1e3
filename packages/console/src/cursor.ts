/**
 * The changes-feed cursor after a ledger id. events-api has no GET /events/:id, so the console
 * reads one event as the first change after id - 1 (and live mode starts after the newest id it
 * shows). The format is pipeline's encodeChangesCursor (base64url JSON); test/console/cursor.test.ts
 * keeps the two in step. No DOM here: the root tsconfig checks this file through that test.
 */
export function changesCursorAfter(id: number): string {
  return btoa(JSON.stringify({ v: 1, k: 'changes', i: id }))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
