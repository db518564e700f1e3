import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@hookstream/core';
import type { Logger } from '@hookstream/observability';

/** Errors of the edge host itself; providers' refusals are AppErrors too (see errorHandler). */
abstract class EdgeError extends AppError {
  constructor(code: string, httpStatus: number, message: string, options?: { cause?: unknown; retryAfterSec?: number }) {
    super(code, httpStatus, message, options);
  }
}

export class BrokerUnavailableError extends EdgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BROKER_UNAVAILABLE', 503, message, { ...options, retryAfterSec: 5 });
  }
}

/**
 * The raw archive could not store an accepted request: the request is not acknowledged, so the
 * sender retries and an accepted event never lacks its archive record.
 */
export class ArchiveUnavailableError extends EdgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ARCHIVE_UNAVAILABLE', 503, message, { ...options, retryAfterSec: 5 });
  }
}

/** Over EDGE_MAX_INFLIGHT_BYTES: refused before the body is read, so memory stays bounded. */
export class OverloadedError extends EdgeError {
  constructor(message: string) {
    super('OVERLOADED', 503, message, { retryAfterSec: 1 });
  }
}

/** Fastify's own errors (content-type parser, body limit) mapped to our codes. */
const FASTIFY_CODES: Record<string, { code: string; status: number }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', status: 413 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST', status: 400 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'BAD_REQUEST', status: 400 },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'BAD_REQUEST', status: 400 },
};

export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  // Every refusal, the host's own and the providers': the status tells the sender whether to retry.
  if (err instanceof AppError) {
    const level = err.httpStatus >= 500 ? 'error' : 'warn';
    req.log[level]({ code: err.code, reason: err.message, cause: err.cause }, 'webhook rejected');
    if (err.retryAfterSec !== undefined) reply.header('retry-after', String(err.retryAfterSec));
    return reply.code(err.httpStatus).send(err.toJSON());
  }
  const fst = 'code' in err && typeof err.code === 'string' ? FASTIFY_CODES[err.code] : undefined;
  if (fst) {
    req.log.warn({ code: fst.code, reason: err.message }, 'request rejected');
    return reply.code(fst.status).send({ code: fst.code, message: err.message });
  }
  const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status < 500) return reply.code(status).send({ code: 'BAD_REQUEST', message: err.message });
  req.log.error({ err }, 'unhandled error');
  return reply.code(500).send({ code: 'INTERNAL', message: 'Internal Server Error' });
}

/**
 * Errors Node's HTTP parser raises before there is a request (header overflow, timeouts,
 * malformed HTTP): answered with the same `{ code, message }` body and the connection closed.
 * Fastify's default handler would log the error with its rawPacket, i.e. the request's
 * headers, signature and bearer token included; this one logs the code only.
 */
export function createClientErrorHandler(log: Logger, maxHeaderBytes: number): (err: Error & { code?: string }, socket: Socket) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, code, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HEADERS_TOO_LARGE', `request headers are larger than ${maxHeaderBytes} bytes`]
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'REQUEST_TIMEOUT', 'the request did not arrive in time']
          : [400, 'BAD_REQUEST', 'malformed HTTP request'];
    log.debug({ code: err.code, status }, 'client error');
    const body = JSON.stringify({ code, message });
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    // A client that never reads must not keep the socket: end() alone waits for its FIN.
    setTimeout(() => socket.destroy(), 1000).unref();
  };
}
