/** Every failure the application reports on purpose carries one of these codes. */
export type ErrorCode =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'SIGNATURE_REJECTED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'CATEGORY_UNKNOWN'
  | 'PORTFOLIO_UNKNOWN'
  | 'PRESENCE_ON_CALL'
  | 'PRESENCE_NOT_AVAILABLE'
  | 'PASSWORD_CHANGE_REQUIRED'
  | 'REPLAYED'
  | 'REQUEST_TIMEOUT'
  | 'PAYLOAD_TOO_LARGE'
  | 'HEADERS_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/**
 * The one table from error code to HTTP status: every error answer, of the API, the webhooks and
 * the HTTP server itself, takes its status from here. Providers read some statuses as instructions:
 * Mailgun never retries a 406, so a replayed or stale request (`REPLAYED`) must stay 406.
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  /**
   * A Twilio webhook whose signature is missing or wrong: 403, as Twilio expects, refused before
   * anything is read or written (unlike FORBIDDEN, an actor's authorization failure, it is not
   * written to the security log: a flood of forgeries must cost no database write). The HMAC and
   * Basic-auth e-mail webhooks answer 401 UNAUTHENTICATED.
   */
  SIGNATURE_REJECTED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** A category that is not among the active ones of the record's agency (unknown, or retired). */
  CATEGORY_UNKNOWN: 400,
  /** A portfolio that is not one of the record's agency (a delivery target's scope). */
  PORTFOLIO_UNKNOWN: 400,
  /** A presence change refused because the operator is on a call (break or off duty wait until it ends). */
  PRESENCE_ON_CALL: 409,
  /** A call asked for by an operator who is not available (on break, off duty, on a call, in wrap-up). */
  PRESENCE_NOT_AVAILABLE: 409,
  /** A session whose password an administrator generated: only changing it (and logging out) is allowed. */
  PASSWORD_CHANGE_REQUIRED: 403,
  /** A provider's request seen before, or too old to be told from a replay: refused for good. */
  REPLAYED: 406,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  /** The request line and headers exceed Node's limit (refused before Fastify sees the request). */
  HEADERS_TOO_LARGE: 431,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new AppError('CONFLICT', message);
export const forbidden = (message = 'Not allowed') => new AppError('FORBIDDEN', message);
export const validation = (message: string, details?: unknown) => new AppError('VALIDATION', message, details);
