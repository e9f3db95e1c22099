import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import { AppError } from '../../src/domain/errors.ts';
import type { MessageBytes } from '../../src/modules/email/message-bytes.ts';
import { createBytesCollector, messageBytesOf } from '../../src/modules/email/message-bytes.ts';
import { decodeFormBytes } from './form-bytes.ts';
import { pauseWhileCallersWait } from '../../src/util/callers-first.ts';

/** What one provider posts: the fields we read; every other field is read past, counted and dropped. */
export type ProviderForm = Readonly<{
  /** The field carrying the whole MIME message: the one large field, and the one part that may come as a file. */
  messageField: string;
  /** The small fields we use (envelope, signature…), each at most FORM_FIELD_MAX_BYTES. */
  keptFields: readonly string[];
  /** Said to whoever posts a file where the provider sends none: usually a provider set up in the wrong mode. */
  wrongModeHint: string;
}>;

/**
 * A provider's post as read: the message in pieces, gathered as they arrived (message-bytes.ts
 * says why never as one Buffer), and the small fields kept.
 */
export type ProviderPost = Readonly<{ message: MessageBytes | null; fields: ReadonlyMap<string, Buffer> }>;

/** Any field other than the message: SendGrid's envelope, Mailgun's signature, are a few hundred bytes. */
export const FORM_FIELD_MAX_BYTES = 64 * 1024;
/** Room beside the message for the other fields and the multipart framing. */
export const FORM_ENVELOPE_BYTES = 1024 * 1024;
/** SendGrid's raw mode posts about a dozen fields, Mailgun's `…/mime` route about ten. */
export const FORM_MAX_PARTS = 100;

/** The most a form post may carry in all: the message plus its envelope. */
export const formTotalBytes = (maxMessageBytes: number) => maxMessageBytes + FORM_ENVELOPE_BYTES;

const tooLarge = (message: string) => new AppError('PAYLOAD_TOO_LARGE', message);
const malformed = (message: string) => new AppError('VALIDATION', message);

/**
 * Reads a multipart/form-data post as bytes, stopping at the first byte over a limit: the declared
 * length is checked before anything is read, and the bytes are counted as they arrive for a chunked
 * body. Each part is taken as raw bytes, never decoded, so an 8-bit message reaches the parser
 * unchanged. On a refusal the stream is left paused; the error reply closes the connection.
 */
export function readMultipartForm(stream: Readable, headers: IncomingHttpHeaders, form: ProviderForm, maxMessageBytes: number): Promise<ProviderPost> {
  const totalBytes = formTotalBytes(maxMessageBytes);
  return new Promise((resolve, reject) => {
    if (Number(headers['content-length']) > totalBytes) return reject(tooLarge(`The form exceeds ${totalBytes} bytes`));
    let busboy: ReturnType<typeof Busboy>;
    try {
      busboy = Busboy({
        headers: headers as IncomingHttpHeaders & { 'content-type': string },
        // Every part a stream of raw bytes: busboy would otherwise decode fields as text.
        isPartAFile: () => true,
        limits: { parts: FORM_MAX_PARTS, files: FORM_MAX_PARTS, headerPairs: 16, headerSize: 16 * 1024 },
      });
    } catch {
      return reject(malformed('Malformed multipart/form-data (no boundary)'));
    }

    const fields = new Map<string, Buffer>();
    let message: MessageBytes | null = null;
    const claimed = new Set<string>();
    let received = 0;
    let partsReading = 0;
    let parserDone = false;
    let settled = false;

    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      stream.off('data', count);
      stream.unpipe(busboy);
      stream.pause();
      reject(error);
    };
    const finishIfDone = () => {
      if (settled || !parserDone || partsReading > 0) return;
      settled = true;
      stream.off('data', count);
      resolve({ message, fields });
    };
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > totalBytes) return fail(tooLarge(`The form exceeds ${totalBytes} bytes`));
      pauseWhileCallersWait(stream, () => !settled);
    };

    busboy.on('file', (name, part, filename) => {
      part.on('error', () => {});
      if (settled) return void part.resume();
      if (!name) return fail(malformed('A form part without a name'));
      if (filename !== undefined && name !== form.messageField) return fail(malformed(`Unexpected file part \`${name}\`: ${form.wrongModeHint}`));
      const cap = name === form.messageField ? maxMessageBytes : form.keptFields.includes(name) ? FORM_FIELD_MAX_BYTES : 0;
      // Unknown fields and repeats are read past (the total counts them); the first of each name wins.
      if (cap === 0 || claimed.has(name)) return void part.resume();
      claimed.add(name);
      partsReading += 1;
      // The message in pieces as it arrives; a small field (a few hundred bytes) as one Buffer.
      const collector = name === form.messageField ? createBytesCollector() : null;
      const small: Buffer[] = [];
      let size = 0;
      part.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > cap) return fail(tooLarge(collector ? `The message exceeds ${cap} bytes` : `Field \`${name}\` exceeds ${cap} bytes`));
        if (collector) collector.push(chunk);
        else small.push(chunk);
      });
      part.on('end', () => {
        if (collector) message = collector.finish();
        else fields.set(name, Buffer.concat(small, size));
        partsReading -= 1;
        finishIfDone();
      });
    });
    const tooManyParts = () => fail(tooLarge(`More than ${FORM_MAX_PARTS} form parts`));
    busboy.on('partsLimit', tooManyParts);
    busboy.on('filesLimit', tooManyParts);
    busboy.on('error', () => fail(malformed('Malformed multipart/form-data')));
    busboy.on('finish', () => {
      parserDone = true;
      finishIfDone();
    });
    stream.on('error', () => fail(malformed('The request body ended early')));
    stream.on('data', count);
    stream.pipe(busboy);
  });
}

/** The same rules for an `application/x-www-form-urlencoded` body, already read within formTotalBytes. */
export function selectUrlencodedFields(body: Buffer, form: ProviderForm, maxMessageBytes: number): ProviderPost {
  let pairs = 1;
  for (let index = body.indexOf(0x26 /* & */); index >= 0; index = body.indexOf(0x26, index + 1)) pairs += 1;
  if (pairs > FORM_MAX_PARTS) throw tooLarge(`More than ${FORM_MAX_PARTS} form fields`);
  const fields = new Map<string, Buffer>();
  for (const [name, value] of decodeFormBytes(body)) {
    const cap = name === form.messageField ? maxMessageBytes : form.keptFields.includes(name) ? FORM_FIELD_MAX_BYTES : 0;
    if (cap === 0) continue;
    if (value.length > cap) throw tooLarge(name === form.messageField ? `The message exceeds ${cap} bytes` : `Field \`${name}\` exceeds ${cap} bytes`);
    fields.set(name, value);
  }
  const message = fields.get(form.messageField);
  fields.delete(form.messageField);
  return { message: message ? messageBytesOf(message) : null, fields };
}
