/** Base class of every error the store throws on purpose. */
export class StoreError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    this.code = code;
    this.retryable = options?.retryable ?? false;
  }
}

/**
 * The database is unreachable, overloaded or kept deadlocking past our retries. Nothing was
 * committed; the same call can be retried later (the processor must not commit Kafka offsets).
 */
export class StoreUnavailableError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, { ...options, retryable: true });
    this.name = 'StoreUnavailableError';
  }
}

/** An input can never be stored as given (e.g. a value longer than its column). Retrying will not help. */
export class StoreValidationError extends StoreError {
  /** Index of the offending event in the input batch, when one is to blame. */
  readonly index: number | undefined;
  constructor(message: string, index?: number) {
    super('STORE_INVALID_INPUT', message, { retryable: false });
    this.name = 'StoreValidationError';
    this.index = index;
  }
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  // A primary that turned read-only during a fail-over.
  'ER_OPTION_PREVENTS_STATEMENT',
  'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
]);

/** The mysql2 error behind a TypeORM QueryFailedError (TypeORM copies code/errno onto itself). */
function driverFields(err: unknown): { code?: unknown; errno?: unknown; fatal?: unknown } {
  if (typeof err !== 'object' || err === null) return {};
  const e = err as { code?: unknown; errno?: unknown; fatal?: unknown; driverError?: unknown };
  if (e.code === undefined && e.driverError) return driverFields(e.driverError);
  return e;
}

export function isDeadlockOrLockTimeout(err: unknown): boolean {
  const { code, errno } = driverFields(err);
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' || errno === 1213 || errno === 1205;
}

export function isDuplicateKey(err: unknown): boolean {
  const { code, errno } = driverFields(err);
  return code === 'ER_DUP_ENTRY' || errno === 1062;
}

export function isConnectionError(err: unknown): boolean {
  const { code, fatal } = driverFields(err);
  if (fatal === true) return true;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  const message = err instanceof Error ? err.message : '';
  // mysql2 pool/connection state errors carry no code.
  return /Pool is closed|connection is in closed state|Can't add new command when connection is in closed state/i.test(message);
}

/** Maps driver failures to StoreUnavailableError where a later retry can succeed; passes anything else through. */
export function classifyError(err: unknown, what: string): unknown {
  if (err instanceof StoreError) return err;
  if (isConnectionError(err) || isDeadlockOrLockTimeout(err)) {
    return new StoreUnavailableError(`${what}: database unavailable (${describe(err)})`, { cause: err });
  }
  return err;
}

function describe(err: unknown): string {
  const { code } = driverFields(err);
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message.slice(0, 200) : String(err);
}
