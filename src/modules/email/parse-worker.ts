/**
 * The worker-thread side of parse-pool.ts: one raw message in, its ParsedEmail (or why not) out.
 * Loaded by piscina in each pool thread; never imported by the main thread.
 */
import type { MessagePort } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { ParseLimitError } from './email-complexity.ts';
import type { ParsedEmail } from './email-parser.ts';
import { parseEmail } from './email-parser.ts';
import { yieldCpuToCallers } from '../../util/yield-cpu-to-callers.ts';

// This thread parses while callers wait for their answers on the main thread: they go first.
yieldCpuToCallers();

export type ParseTask = Readonly<{
  /** The raw message's pieces, moved (not copied) from the main thread; joined here, off its loop. */
  raw: readonly Uint8Array[];
  /** Told when parsing starts, so that the time budget counts parsing, not waiting for a thread. */
  started: MessagePort;
}>;

/** What crosses back: Buffers arrive as Uint8Array (structured clone); parse-pool.ts rewraps them. */
export type WireOutcome =
  | Readonly<{ ok: true; email: ParsedEmail }>
  | Readonly<{ ok: false; reason: 'too_many_parts' | 'too_complex' | 'unparseable'; error: string }>;

export default async function parseInWorker(task: ParseTask) {
  task.started.postMessage('started');
  task.started.close();
  const raw = Buffer.concat(task.raw);
  let outcome: WireOutcome;
  try {
    outcome = { ok: true, email: await parseEmail(raw) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = { ok: false, reason: error instanceof ParseLimitError ? error.reason : 'unparseable', error: message };
  }
  const transfer = outcome.ok ? ownedBuffers(outcome.email.attachments.map((attachment) => attachment.content)) : [];
  return move({ [transferableSymbol]: transfer, [valueSymbol]: outcome } as unknown as Parameters<typeof move>[0]);
}

/**
 * The attachments' memory, moved to the main thread instead of copied. Only a Buffer that owns its
 * whole ArrayBuffer can go: a small one lives in Node's shared 8 KB pool, which this thread goes
 * on using (those are copied, cheaply).
 */
function ownedBuffers(contents: readonly Buffer[]): ArrayBuffer[] {
  const moved = new Set<ArrayBuffer>();
  for (const content of contents) {
    const buffer = content.buffer;
    if (buffer instanceof ArrayBuffer && content.byteOffset === 0 && content.byteLength === buffer.byteLength && buffer.byteLength > 0) moved.add(buffer);
  }
  return [...moved];
}
