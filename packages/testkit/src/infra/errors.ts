/** Why local test infrastructure could not be provided; the message says how to fix it. */
export type InfraErrorCode =
  | 'JAVA_MISSING'
  | 'MAVEN_MISSING'
  | 'KAFKA_JARS_FETCH_FAILED'
  | 'KAFKA_FORMAT_FAILED'
  | 'KAFKA_START_FAILED'
  | 'KAFKA_NOT_OWNED'
  | 'DATABASE_UNAVAILABLE'
  | 'INVALID_SETTING'
  | 'TOOL_MISSING'
  | 'TOOL_FAILED';

export class InfraError extends Error {
  override readonly name = 'InfraError';
  readonly code: InfraErrorCode;
  /** Infrastructure failures here are environmental; retrying the same call does not help. */
  readonly retryable = false;

  constructor(code: InfraErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
