import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { AppError } from '../../src/domain/errors.ts';
import type { MessageBytes } from '../../src/modules/email/message-bytes.ts';
import { createBytesCollector } from '../../src/modules/email/message-bytes.ts';
import { pauseWhileCallersWait } from '../../src/util/callers-first.ts';

/** The raw route's body: the message in pieces, and the HMAC of its bytes under EMAIL_WEBHOOK_SECRET. */
export type SignedBody = Readonly<{ bytes: MessageBytes; hmac: Buffer }>;

/**
 * Reads the raw route's body as it arrives: gathered into pieces and hashed (SHA-256 and the
 * HMAC) on the way, so no step proportional to a 25 MB message runs at once on the event loop
 * (message-bytes.ts says what that costs). A declared length over `maxBytes` is refused before a
 * byte is read; a chunked body at the first byte over it. On a refusal the stream is left paused;
 * the error reply closes the connection.
 */
export function readSignedBody(stream: Readable, headers: IncomingHttpHeaders, secret: string, maxBytes: number): Promise<SignedBody> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new AppError('PAYLOAD_TOO_LARGE', `The message exceeds ${maxBytes} bytes`);
    if (Number(headers['content-length']) > maxBytes) return reject(tooLarge());
    const collector = createBytesCollector();
    const hmac = createHmac('sha256', secret);
    let reading = true;
    const stop = () => {
      reading = false;
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (piece: Buffer) => {
      if (collector.size + piece.length > maxBytes) {
        stop();
        stream.pause();
        return reject(tooLarge());
      }
      hmac.update(piece);
      collector.push(piece);
      pauseWhileCallersWait(stream, () => reading);
    };
    const onEnd = () => {
      stop();
      resolve({ bytes: collector.finish(), hmac: hmac.digest() });
    };
    const onError = () => {
      stop();
      reject(new AppError('VALIDATION', 'The request body ended early'));
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
