/**
 * @module deliveries: the pure building blocks of outbound deliveries — relaying stored events
 * to client endpoints, Svix/Convoy-style. Signing follows Standard Webhooks so receivers can
 * verify with any of its libraries; the destination guard keeps a client-supplied URL from
 * reaching this network's own services (SSRF). No I/O beyond the DNS lookup the guard makes.
 */
export { createSigner, generateSecret, parseSecret, signatureHeaders, type SignatureHeaders, type SignInput, type Signer } from './sign.js';
export {
  checkDestination,
  createDestinationGuard,
  DestinationError,
  type DestinationOptions,
  type DestinationRefusal,
  type Resolve,
} from './destination-guard.js';
