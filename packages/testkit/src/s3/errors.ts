/** Why the local S3-compatible server could not be provided; the message says how to fix it. */
export type LocalS3ErrorCode = 'JAVA_MISSING' | 'MAVEN_MISSING' | 'S3MOCK_FETCH_FAILED' | 'S3MOCK_START_FAILED';

export class LocalS3Error extends Error {
  override readonly name = 'LocalS3Error';
  readonly code: LocalS3ErrorCode;
  /** Environmental, like InfraError: doing the same again does not help. */
  readonly retryable = false;

  constructor(code: LocalS3ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
