import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, createBytesCollector, joinBytes, messageBytesOf } from '../../src/modules/email/message-bytes.ts';

/** A 25 MB message never becomes one Buffer on the main thread: it is kept as the pieces it is stored in. */
describe('message bytes', () => {
  const message = randomBytes(3 * CHUNK_BYTES + 12_345);
  const sha256 = createHash('sha256').update(message).digest('hex');

  it('gathers a body arriving in pieces of any size into chunks of the stored size, hashed on the way', () => {
    const collector = createBytesCollector();
    // What a socket hands over: uneven pieces, one of them larger than a chunk.
    for (const size of [1, 65_536, 300_000, 7, 65_536]) collector.push(message.subarray(collector.size, collector.size + size));
    collector.push(message.subarray(collector.size));
    const bytes = collector.finish();
    expect(bytes.chunks.map((chunk) => chunk.length)).toEqual([CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES, 12_345]);
    expect(bytes).toMatchObject({ size: message.length, sha256 });
    expect(joinBytes(bytes).equals(message)).toBe(true);
    // Each chunk owns its memory, so the parsing thread can take it without a copy.
    expect(bytes.chunks.every((chunk) => chunk.byteOffset === 0 && chunk.buffer.byteLength === chunk.length)).toBe(true);
  });

  it('keeps an empty body as one empty chunk, as a stored blob always has a first chunk', () => {
    const bytes = createBytesCollector().finish();
    expect(bytes.chunks.map((chunk) => chunk.length)).toEqual([0]);
    expect(bytes.sha256).toBe(createHash('sha256').digest('hex'));
  });

  it('cuts a Buffer already in memory into the same chunks, without copying it', () => {
    const bytes = messageBytesOf(message);
    expect(bytes.chunks.map((chunk) => chunk.length)).toEqual([CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES, 12_345]);
    expect(bytes.chunks.every((chunk) => chunk.buffer === message.buffer)).toBe(true);
    expect(bytes.sha256).toBe(sha256);
  });
});
