import { createLogger, type Logger } from '@hookstream/observability';
import type { CommandContext } from '../command.js';
import type { AdminCliSettings } from './settings.js';

/** A refusal from events-api: its status, and the `{code, message, errors?}` it answered. */
export class AdminApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: ReadonlyArray<{ path: string; message: string }>;
  constructor(status: number, code: string, message: string, errors: ReadonlyArray<{ path: string; message: string }> = []) {
    const lines = errors.map((e) => `\n  ${e.path || '(body)'}: ${e.message}`).join('');
    super(`events-api answered ${status} ${code}: ${message}${lines}${hint(status, code)}`);
    this.name = 'AdminApiError';
    this.status = status;
    this.code = code;
    this.errors = errors;
  }
}

function hint(status: number, code: string): string {
  if (status === 401) return '\n(check HOOKSTREAM_ADMIN_TOKEN: it must be one of events-api’s ADMIN_API_TOKENS)';
  if (code === 'admin_required') return '\n(HOOKSTREAM_ADMIN_TOKEN is a reader token of EVENTS_API_TOKENS; use one of ADMIN_API_TOKENS)';
  return '';
}

export interface AdminClient {
  /** The parsed JSON answer of a 2xx (undefined for 204); an AdminApiError otherwise. */
  request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  readonly baseUrl: string;
}

const TIMEOUT_MS = 60_000;

/**
 * The admin API over HTTP. Log lines (method, path, status, time) go to the command's stderr;
 * neither the token nor any body is logged: answers carry endpoint secrets.
 */
export function createAdminClient(settings: AdminCliSettings, ctx: CommandContext, apiUrl?: string): AdminClient {
  const baseUrl = (apiUrl ?? settings.HOOKSTREAM_API_URL).replace(/\/+$/, '');
  const log: Logger = createLogger({ name: 'cli', level: settings.LOG_LEVEL, destination: { write: (s: string) => ctx.err(s.trimEnd()) } });
  const authorization = `Bearer ${settings.HOOKSTREAM_ADMIN_TOKEN}`;
  return {
    baseUrl,
    async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
      const started = Date.now();
      let res: Response;
      try {
        res = await fetch(`${baseUrl}${path}`, {
          method,
          headers: { authorization, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          redirect: 'error',
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
        const why =
          typeof cause?.code === 'string'
            ? cause.code
            : (err as Error).name === 'TimeoutError'
              ? `no answer within ${TIMEOUT_MS / 1000} s`
              : typeof cause?.message === 'string'
                ? cause.message
                : (err as Error).message;
        throw new Error(`cannot reach events-api at ${baseUrl} (${why}); set HOOKSTREAM_API_URL or --api-url`);
      }
      const text = await res.text();
      log.debug({ method, path: path.split('?')[0], status: res.status, ms: Date.now() - started }, 'events-api request');
      let json: unknown;
      try {
        json = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        throw new AdminApiError(res.status, 'NOT_JSON', `the answer is not JSON (is ${baseUrl} events-api?)`);
      }
      if (!res.ok) {
        const e = (json ?? {}) as { code?: unknown; message?: unknown; errors?: unknown };
        const errors = Array.isArray(e.errors) ? (e.errors as Array<{ path: string; message: string }>) : [];
        throw new AdminApiError(res.status, typeof e.code === 'string' ? e.code : 'ERROR', typeof e.message === 'string' ? e.message : res.statusText, errors);
      }
      return json as T;
    },
  };
}
