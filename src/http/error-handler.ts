import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, HTTP_STATUS_BY_CODE } from '../domain/errors.ts';
import type { ErrorCode } from '../domain/errors.ts';

export type ErrorBody = { error: { code: ErrorCode; message: string; details?: unknown }; requestId: string };

/** The error shape every error answer has, whoever sends it: the status comes from the one table. */
export function errorAnswer(code: ErrorCode, message: string, requestId: string, details?: unknown): { status: number; body: ErrorBody } {
  return { status: HTTP_STATUS_BY_CODE[code], body: { error: details === undefined ? { code, message } : { code, message, details }, requestId } };
}

/** What an unknown route answers, here and where a wildcard route (the dashboard) hands back machine paths. */
export function routeNotFound(method: string, url: string): AppError {
  return new AppError('NOT_FOUND', `No route for ${method} ${url.split('?')[0]}`);
}

/** One error shape for the whole API. 5xx bodies never carry SQL, stack traces or driver messages. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    let code: ErrorCode;
    let message: string;
    let details: unknown;
    if (error instanceof AppError) {
      ({ code, message, details } = error);
    } else if ('validation' in error && error.validation) {
      code = 'VALIDATION';
      message = error.message;
    } else if ('code' in error && error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // Fastify's own message does not say what the limit is; the route knows it.
      code = 'PAYLOAD_TOO_LARGE';
      message = `The request body exceeds this route's limit of ${request.routeOptions.bodyLimit} bytes`;
    } else if ('statusCode' in error && typeof error.statusCode === 'number' && error.statusCode < 500) {
      code = codeForStatus(error.statusCode);
      message = error.message;
    } else {
      code = 'INTERNAL';
      message = 'Internal error';
    }
    const { status, body } = errorAnswer(code, message, request.id, details);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code, message }, 'request refused');
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = errorAnswer('NOT_FOUND', routeNotFound(request.method, request.url).message, request.id);
    return reply.code(status).send(body);
  });
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 408) return 'REQUEST_TIMEOUT';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'RATE_LIMITED';
  return 'VALIDATION';
}
