export { startTcpProxy, type TcpProxy, type TcpProxyOptions, type CutMode } from './tcp-proxy.js';
export { createRandom, type Random } from './random.js';
export {
  createWorkload,
  eventKeyOf,
  SNAPSHOT_CREATED_AT,
  SNAPSHOT_UPDATED_AT,
  type Workload,
  type WorkloadObject,
  type WorkloadObjectType,
  type WorkloadOptions,
} from './workload.js';
export { createLedger, refusedOnly, neverAcknowledged, type Ledger, type DeliveryOutcome } from './ledger.js';
export { createTrafficGenerator, type TrafficGenerator, type GeneratorOptions, type GeneratorStats, type DeliveryAnswer } from './generator.js';
export { formatFigures, type FaultFigures, type FaultRecord } from './figures.js';
export { summarizeAnswers, type AnswerWindow, type WindowSummary } from './timeline.js';
