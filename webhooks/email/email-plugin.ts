import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../src/domain/clock.ts';
import { AppError } from '../../src/domain/errors.ts';
import { parseInput } from '../../src/http/parse.ts';
import type { EmailProvider, EmailService, ReceiveResult } from '../../src/modules/email/email-service.ts';
import { messageBytesOf } from '../../src/modules/email/message-bytes.ts';
import { hasSignatureShape, isValidBasicAuth, isValidMailgunSignature, matchesEmailSignature } from './email-signature.ts';
import type { ProviderForm, ProviderPost } from './provider-form.ts';
import { formTotalBytes, readMultipartForm, selectUrlencodedFields } from './provider-form.ts';
import { PostmarkInbound, rawFromPostmark } from './postmark-input.ts';
import type { SignedBody } from './signed-body.ts';
import { readSignedBody } from './signed-body.ts';

export const EMAIL_PATHS = {
  inbound: '/webhooks/email/inbound',
  sendgrid: '/webhooks/email/sendgrid',
  mailgun: '/webhooks/email/mailgun',
  postmark: '/webhooks/email/postmark',
} as const;

/** SendGrid's raw mode: `email` is the message; `attachmentN` files come only when raw mode is off. */
const SENDGRID_FORM: ProviderForm = {
  messageField: 'email',
  keptFields: ['envelope'],
  wrongModeHint: 'enable "POST the raw, full MIME message" in Inbound Parse',
};

/** Mailgun's `…/mime` forward: `body-mime` is the message; attachments come as files only to other URLs. */
const MAILGUN_FORM: ProviderForm = {
  messageField: 'body-mime',
  keptFields: ['recipient', 'timestamp', 'token', 'signature'],
  wrongModeHint: 'point the route at the …/mime URL',
};

/** CONTRACT §5: 25 MiB. Fastify's 1 MiB default would refuse a tenant's two phone photos. */
export const DEFAULT_MAX_EMAIL_BYTES = 25 * 1024 * 1024;

export type EmailWebhookOptions = Readonly<{
  email: EmailService;
  clock: Clock;
  secrets: Readonly<{
    /** EMAIL_WEBHOOK_SECRET: HMAC key of `/webhooks/email/inbound`. */
    inbound: string;
    /** Basic-auth password in the SendGrid Inbound Parse URL. */
    sendgrid: string;
    /** Mailgun's HTTP webhook signing key. */
    mailgun: string;
    /** Basic-auth password in the Postmark inbound webhook URL. */
    postmark: string;
  }>;
  maxBytes?: number;
  /** Mailgun requests older (or newer) than this are refused as replays. */
  mailgunMaxSkewSeconds?: number;
}>;

function unauthenticated(message: string): AppError {
  return new AppError('UNAUTHENTICATED', message);
}

function envelopeList(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(envelopeList);
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((address) => address.trim().replace(/^<|>$/g, ''))
    .filter((address) => address.includes('@'));
}

function answer(reply: FastifyReply, result: ReceiveResult) {
  if (result.kind === 'replay') {
    // REPLAYED is 406, which tells Mailgun not to retry: a replay must not come back.
    throw new AppError('REPLAYED', 'Replayed request refused');
  }
  return reply.code(202).send({ id: result.id, status: result.status, ticket: result.ticket });
}

/**
 * Inbound e-mail (CONTRACT §5): the raw-MIME webhook and the SendGrid, Mailgun and Postmark
 * adapters. Each one authenticates, turns the provider's request into raw bytes plus envelope
 * recipients, and calls the one verb `email.receive`; nothing here decides what a mail becomes.
 */
export async function emailWebhooksPlugin(app: FastifyInstance, options: EmailWebhookOptions): Promise<void> {
  const { email, secrets } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_EMAIL_BYTES;
  const maxSkewMs = (options.mailgunMaxSkewSeconds ?? 300) * 1000;

  // Raw MIME, HMAC over the exact bytes. Every content type is read as bytes here, in pieces.
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', (request: FastifyRequest, payload: FastifyRequest['raw']) =>
      readSignedBody(payload, request.headers, secrets.inbound, maxBytes),
    );
    raw.post(
      EMAIL_PATHS.inbound,
      {
        bodyLimit: maxBytes,
        schema: { hide: true },
        // Refused before the body is read: no 25 MiB upload for a request that is not even signed.
        onRequest: async (request) => {
          if (!hasSignatureShape(request.headers['x-signature-256'] as string | undefined)) throw unauthenticated('Missing or malformed X-Signature-256');
        },
      },
      async (request, reply) => {
        // No body at all (no Content-Length, no chunks): the signature is over zero bytes.
        const body = (request.body as SignedBody | undefined) ?? {
          bytes: messageBytesOf(Buffer.alloc(0)),
          hmac: createHmac('sha256', secrets.inbound).digest(),
        };
        if (!matchesEmailSignature(request.headers['x-signature-256'] as string, body.hmac)) {
          request.log.warn({ event: 'email.signature_rejected' }, 'rejected an inbound e-mail with a wrong signature');
          throw unauthenticated('Invalid X-Signature-256');
        }
        const envelopeTo = envelopeList(request.headers['x-envelope-to']);
        return answer(reply, await email.receive({ provider: 'raw', raw: body.bytes, envelopeTo }));
      },
    );
  });

  // SendGrid Inbound Parse ("POST the raw, full MIME message"): Basic auth, refused before a byte of the body is read.
  await app.register(async (sendgrid) => {
    acceptProviderForms(sendgrid, SENDGRID_FORM, maxBytes);
    sendgrid.post(
      EMAIL_PATHS.sendgrid,
      {
        bodyLimit: formTotalBytes(maxBytes),
        schema: { hide: true },
        onRequest: async (request) => {
          if (!isValidBasicAuth(request.headers.authorization, secrets.sendgrid)) throw unauthenticated('SendGrid Inbound Parse needs Basic auth');
        },
      },
      async (request, reply) => {
        const { message: raw, fields } = providerPost(request);
        if (!raw || raw.size === 0) {
          request.log.error({ event: 'email.sendgrid_not_raw' }, 'SendGrid posted without the raw message: enable "POST the raw, full MIME message"');
          throw new AppError('VALIDATION', 'No `email` field: enable "POST the raw, full MIME message" in Inbound Parse');
        }
        let envelopeTo: string[] = [];
        try {
          const envelope = JSON.parse(fields.get('envelope')?.toString('utf8') ?? '{}') as { to?: unknown };
          if (Array.isArray(envelope.to)) envelopeTo = envelope.to.filter((to): to is string => typeof to === 'string');
        } catch {
          // A missing or broken envelope leaves routing to the headers.
        }
        return answer(reply, await email.receive({ provider: 'sendgrid', raw, envelopeTo }));
      },
    );
  });

  // Mailgun's `…/mime` route. The signature is a form field: the size limits are what protect here.
  await app.register(async (forms) => {
    acceptProviderForms(forms, MAILGUN_FORM, maxBytes);
    const mailgun = async (request: FastifyRequest, reply: FastifyReply) => {
      const { message: raw, fields } = providerPost(request);
      const text = (name: string) => fields.get(name)?.toString('utf8') ?? '';
      const [timestamp, token, signature] = [text('timestamp'), text('token'), text('signature')];
      if (!timestamp || !token || !isValidMailgunSignature(secrets.mailgun, timestamp, token, signature)) {
        request.log.warn({ event: 'email.signature_rejected', provider: 'mailgun' }, 'rejected a Mailgun request with a wrong signature');
        throw unauthenticated('Invalid Mailgun signature');
      }
      const sentAt = Number(timestamp) * 1000;
      if (!Number.isFinite(sentAt) || Math.abs(options.clock.now().getTime() - sentAt) > maxSkewMs) {
        throw new AppError('REPLAYED', 'Stale Mailgun timestamp');
      }
      if (!raw || raw.size === 0) throw new AppError('VALIDATION', 'No `body-mime` field: point the route at the …/mime URL');
      const envelopeTo = envelopeList(text('recipient'));
      return answer(reply, await email.receive({ provider: 'mailgun', raw, envelopeTo, nonce: token }));
    };
    // Mailgun posts the whole MIME message only to URLs ending in `mime`: both paths take it.
    forms.post(EMAIL_PATHS.mailgun, { bodyLimit: formTotalBytes(maxBytes), schema: { hide: true } }, mailgun);
    forms.post(`${EMAIL_PATHS.mailgun}/mime`, { bodyLimit: formTotalBytes(maxBytes), schema: { hide: true } }, mailgun);
  });

  // Postmark inbound JSON. Attachments arrive base64 inside the JSON, hence the larger limit.
  await app.register(async (json) => {
    const jsonLimit = Math.ceil(maxBytes * 1.4) + 1024 * 1024;
    json.post(
      EMAIL_PATHS.postmark,
      {
        bodyLimit: jsonLimit,
        schema: { hide: true },
        onRequest: async (request) => {
          if (!isValidBasicAuth(request.headers.authorization, secrets.postmark)) throw unauthenticated('Postmark inbound webhook needs Basic auth');
        },
      },
      async (request, reply) => {
        const payload = parseInput(PostmarkInbound, request.body, 'Postmark payload');
        const { raw, envelopeTo } = await rawFromPostmark(payload);
        if (raw.length > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `The message exceeds ${maxBytes} bytes`);
        return answer(reply, await email.receive({ provider: 'postmark' satisfies EmailProvider, raw: messageBytesOf(raw), envelopeTo }));
      },
    );
  });
}

/**
 * The two form encodings providers use, each read within the form's limits. Nothing else is
 * parsed in this scope: any other content type is refused (400) before its body is read.
 */
function acceptProviderForms(scope: FastifyInstance, form: ProviderForm, maxBytes: number): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('multipart/form-data', (request: FastifyRequest, payload: FastifyRequest['raw']) =>
    readMultipartForm(payload, request.headers, form, maxBytes),
  );
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: formTotalBytes(maxBytes) }, (_request, body, done) => {
    try {
      done(null, selectUrlencodedFields(body as Buffer, form, maxBytes));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

function providerPost(request: FastifyRequest): ProviderPost {
  const body = request.body as Partial<ProviderPost> | undefined;
  if (body?.fields instanceof Map) return body as ProviderPost;
  throw new AppError('VALIDATION', 'Expected multipart/form-data or application/x-www-form-urlencoded');
}
