// Fake Meta Conversions API (issue #10): real HTTP, Graph's success and error shapes.
export { startFakeMeta } from './server.js';
export { ACTION_SOURCES, HASHED_KEYS, MAX_EVENTS, MAX_FUTURE_SEC, dataProblem, eventProblem } from './validate.js';
export type { FakeMeta, FakeMetaCall, FakeMetaEvent, FakeMetaMode, FakeMetaOptions } from './types.js';
export type { GraphErrorBody } from './graph-errors.js';
