import { randomBytes } from 'node:crypto';

/** A Graph error body (graph-api/using-graph-api/error-handling). */
export interface GraphErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_user_title?: string;
    error_user_msg?: string;
    is_transient?: boolean;
    fbtrace_id: string;
  };
}

export interface FakeAnswer {
  status: number;
  body: unknown;
}

export const fbtraceId = (): string => randomBytes(8).toString('base64url');

export function graphError(status: number, fields: Omit<GraphErrorBody['error'], 'fbtrace_id'>): FakeAnswer {
  return { status, body: { error: { ...fields, fbtrace_id: fbtraceId() } } satisfies GraphErrorBody };
}

export const badToken = (): FakeAnswer =>
  graphError(400, { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 });

export const expiredToken = (): FakeAnswer =>
  graphError(400, { message: 'Error validating access token: Session has expired.', type: 'OAuthException', code: 190, error_subcode: 463 });

export const invalidParameter = (message: string, subcode?: number, userTitle?: string): FakeAnswer =>
  graphError(400, {
    message: `(#100) ${message}`,
    type: 'OAuthException',
    code: 100,
    ...(subcode === undefined ? {} : { error_subcode: subcode }),
    ...(userTitle === undefined ? {} : { error_user_title: userTitle, error_user_msg: message }),
  });

export const unknownPixel = (pixelId: string): FakeAnswer =>
  graphError(400, {
    message: `Unsupported post request. Object with ID '${pixelId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    type: 'GraphMethodException',
    code: 100,
    error_subcode: 33,
  });

export const rateLimited = (code: 4 | 17): FakeAnswer =>
  graphError(400, {
    message: code === 4 ? '(#4) Application request limit reached' : '(#17) User request limit reached',
    type: 'OAuthException',
    code,
    is_transient: true,
  });

export const unavailable = (): FakeAnswer =>
  graphError(503, { message: '(#2) Service temporarily unavailable', type: 'OAuthException', code: 2, is_transient: true });

export const unknownPath = (path: string): FakeAnswer => graphError(400, { message: `Unknown path components: ${path}`, type: 'OAuthException', code: 2500 });
