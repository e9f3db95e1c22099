import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';
import { errorAnswer } from './error-handler.ts';

/** JSON bodies of the API (tickets, notes, administration). Tenant registries are imported by script, not over HTTP. */
export const API_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * How long a client may take and how much it may send, as Fastify and Node's HTTP server take it.
 * Node looks for expired requests on a timer: it runs at a quarter of the shorter timeout (at most
 * every 5 s, Node's own default is 30 s), so a request is cut off at most 25 % after its limit.
 */
export function serverLimits(http: Config['http']) {
  const checkEveryMs = Math.min(5_000, Math.max(50, Math.floor(Math.min(http.headersTimeoutMs, http.requestTimeoutMs) / 4)));
  return {
    bodyLimit: API_BODY_LIMIT_BYTES,
    requestTimeout: http.requestTimeoutMs,
    connectionTimeout: http.connectionTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: { headersTimeout: http.headersTimeoutMs, requestTimeout: http.requestTimeoutMs, connectionsCheckingInterval: checkEveryMs },
    clientErrorHandler: answerClientError,
  } satisfies Partial<FastifyServerOptions> & { http: object };
}

/**
 * Errors Node raises before a request reaches Fastify (a request that took too long, headers too
 * large, bytes that are not HTTP): answered in the project's error shape, then the connection closes.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // Fastify never saw the request, so there is no request id to echo: a fresh one names the answer.
  const { status, body } =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? errorAnswer('REQUEST_TIMEOUT', 'The request took too long to arrive', randomUUID())
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? errorAnswer('HEADERS_TOO_LARGE', 'The request headers are too large', randomUUID())
        : errorAnswer('VALIDATION', 'Malformed HTTP request', randomUUID());
  // As Node does: only when no response of ours is already on the wire.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy();
}
