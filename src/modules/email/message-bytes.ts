import { createHash } from 'node:crypto';

/**
 * A message's bytes as the pieces they are stored in, never as one 25 MB Buffer on the main thread.
 * Measured on this project's machines: joining 25 MB into one Buffer holds the event loop about
 * 80 ms (fresh memory is slow to touch), hashing it 17 ms; a voice webhook waiting behind that misses
 * its 50 ms. So bytes are gathered into pieces as they arrive, hashed as they arrive, written to the
 * database one piece per statement and moved (not copied) to the parsing thread, which alone joins them.
 */

/**
 * Size of a piece, and of a stored chunk (email-bytes-repo.ts). Measured on PGlite
 * (bench/email-bytes-stall.ts): a 256 KiB chunk costs about 5 ms of the event loop to write and 4 ms
 * to read, a 1 MiB one 20–25 ms to write, a 64 KiB one about 2 ms. During the storm of
 * bench/isolation-bench.ts (--only photos) 64 KiB pieces also halved the main thread's longest turn
 * (35 ms against 57 ms of its own CPU time): V8 keeps larger strings and buffers of a statement in its
 * large-object space, whose collections are the long ones.
 */
export const CHUNK_BYTES = 64 * 1024;

export type MessageBytes = Readonly<{
  /** Every piece but the last is CHUNK_BYTES long; there is always at least one (maybe empty). */
  chunks: readonly Buffer[];
  size: number;
  /** Hex SHA-256 of all the bytes: how a second delivery of the same message is recognised. */
  sha256: string;
}>;

/** Gathers bytes arriving in pieces of any size into CHUNK_BYTES pieces, hashing them on the way. */
export function createBytesCollector() {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let current = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  let filled = 0;
  let size = 0;
  return {
    push(piece: Buffer): void {
      hash.update(piece);
      size += piece.length;
      for (let offset = 0; offset < piece.length; ) {
        const copied = piece.copy(current, filled, offset);
        offset += copied;
        filled += copied;
        if (filled === CHUNK_BYTES) {
          chunks.push(current);
          current = Buffer.allocUnsafeSlow(CHUNK_BYTES);
          filled = 0;
        }
      }
    },
    get size() {
      return size;
    },
    finish(): MessageBytes {
      // The last piece is copied to memory of its own size (not Node's shared pool: it is moved to
      // the parsing thread): a 64 KiB allocation for a few bytes would stay.
      if (filled > 0 || chunks.length === 0) {
        const last = Buffer.allocUnsafeSlow(filled);
        current.copy(last, 0, 0, filled);
        chunks.push(last);
      }
      return { chunks, size, sha256: hash.digest('hex') };
    },
  };
}

/**
 * Bytes already in one Buffer (a provider's form field, a test's fixture), as pieces: views of
 * `buffer`, not copies.
 */
export function messageBytesOf(buffer: Buffer): MessageBytes {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset === 0 || offset < buffer.length; offset += CHUNK_BYTES) chunks.push(buffer.subarray(offset, offset + CHUNK_BYTES));
  return { chunks, size: buffer.length, sha256: createHash('sha256').update(buffer).digest('hex') };
}

/** All the bytes in one Buffer: for small messages and for work done off the main thread. */
export function joinBytes(bytes: MessageBytes): Buffer {
  return bytes.chunks.length === 1 ? bytes.chunks[0] : Buffer.concat(bytes.chunks, bytes.size);
}
