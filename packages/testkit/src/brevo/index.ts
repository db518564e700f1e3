export {
  startFakeBrevo,
  FAKE_BREVO_API_KEY,
  type FakeBrevo,
  type FakeBrevoOptions,
  type FakeBrevoEmail,
  type FakeBrevoRequest,
  type FakeBrevoFaultStatus,
  type FakeBrevoArrival,
} from './server.js';
export type { FakeBrevoRateLimit } from './rate-limit.js';
export type { ValidEmail as FakeBrevoEmailBody, BrevoBadRequest as FakeBrevoBadRequest } from './validate.js';
