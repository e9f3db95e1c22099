import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ParsedEmail } from './email-parser.ts';
import type { ParseTask, WireOutcome } from './parse-worker.ts';

/**
 * MIME parsing off the main thread. Parsing is CPU-bound and some mail makes it slow (deep HTML,
 * thousands of parts, large attachments); on the main thread it would hold every incoming call
 * meanwhile. A small pool of worker threads (piscina) parses instead, each message within a time
 * and memory budget: past either, the worker is terminated and the message quarantined.
 */

/** Why a message could not be parsed: the quarantine reasons of parse failures. */
export type ParseFailureReason = 'unparseable' | 'too_many_parts' | 'too_complex' | 'parse_timeout' | 'parse_memory';

export type ParseOutcome = Readonly<{ ok: true; email: ParsedEmail }> | Readonly<{ ok: false; reason: ParseFailureReason; error: string }>;

export type ParsePoolOptions = Readonly<{
  /** Worker threads; keep it small, voice keeps a core. */
  threads: number;
  /** Wall time one message may parse, counted from when a thread takes it. */
  timeoutMs: number;
  /** Heap of each worker thread (V8's old generation). */
  memoryMb: number;
}>;

export type EmailParsePool = Readonly<{
  /**
   * Parses the message whose bytes are `pieces` in a worker thread, which joins them. The pieces'
   * memory is moved there when it is theirs alone: do not use them afterwards. Resolves with the
   * message or the reason it was not parsed; rejects only when the pool is closed.
   */
  parse(pieces: readonly Buffer[]): Promise<ParseOutcome>;
  close(): Promise<void>;
}>;

const WORKER_FILE = new URL('./parse-worker.ts', import.meta.url).href;

export function createParsePool(options: ParsePoolOptions): EmailParsePool {
  const pool = new Piscina<ParseTask, WireOutcome>({
    filename: WORKER_FILE,
    // Threads start when mail arrives (loading mailparser takes a second) and stay a while.
    minThreads: 0,
    maxThreads: options.threads,
    idleTimeout: 5 * 60_000,
    resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
  });
  let closed = false;

  return {
    async parse(pieces) {
      const { raw, transfer } = movable(pieces);
      const timeout = new AbortController();
      const { port1, port2 } = new MessageChannel();
      let timer: NodeJS.Timeout | undefined;
      // The budget starts when a thread takes the message: waiting behind another message or
      // for a fresh thread to load is not the message's fault.
      port1.once('message', () => {
        timer = setTimeout(() => timeout.abort(), options.timeoutMs);
      });
      try {
        const wire = await pool.run({ raw, started: port2 }, { signal: timeout.signal, transferList: [port2, ...transfer] });
        if (!wire.ok) return wire;
        return {
          ok: true,
          email: { ...wire.email, attachments: wire.email.attachments.map((attachment) => ({ ...attachment, content: asBuffer(attachment.content) })) },
        };
      } catch (error) {
        if (timeout.signal.aborted) return { ok: false, reason: 'parse_timeout', error: `parsing took longer than ${options.timeoutMs} ms` };
        if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
          return { ok: false, reason: 'parse_memory', error: `parsing needed more than ${options.memoryMb} MB` };
        }
        if (closed) throw error;
        // The worker died some other way: this message is what it was parsing.
        return { ok: false, reason: 'unparseable', error: error instanceof Error ? error.message : String(error) };
      } finally {
        clearTimeout(timer);
        port1.close();
      }
    },
    close() {
      closed = true;
      return pool.close();
    },
  };
}

/**
 * The pieces as views the worker can take, and the memory to move with them: an ArrayBuffer is
 * moved when the pieces cover all of it (the pieces of a received message, or one Buffer cut into
 * pieces), so nothing else can be reading it; any other piece is copied (a small Buffer shares
 * Node's 8 KB pool with others, a slice shares its parent). Copying a whole 25 MB message on this
 * thread would cost what the pieces are there to avoid.
 */
function movable(pieces: readonly Buffer[]): { raw: Uint8Array[]; transfer: ArrayBuffer[] } {
  const covered = new Map<ArrayBuffer, number>();
  for (const piece of pieces) {
    if (piece.buffer instanceof ArrayBuffer) covered.set(piece.buffer, (covered.get(piece.buffer) ?? 0) + piece.byteLength);
  }
  const transfer = [...covered].filter(([buffer, bytes]) => bytes === buffer.byteLength && bytes > 0).map(([buffer]) => buffer);
  const moved = new Set(transfer);
  const raw = pieces.map((piece) =>
    moved.has(piece.buffer as ArrayBuffer) ? new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength) : new Uint8Array(piece),
  );
  return { raw, transfer };
}

/** Structured clone turns Buffers into plain Uint8Arrays: the same memory, as a Buffer again. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
