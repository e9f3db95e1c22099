import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type DatabaseHandle, openPostgres } from './client.ts';
import type { PgliteThreadData, PgliteThreadMessage } from './pglite-thread.ts';

const THREAD_FILE = new URL('./pglite-thread.ts', import.meta.url);

/**
 * PGlite in `directory`, run by a thread of its own and spoken to over a private Unix socket with
 * postgres.js, as native Postgres is. The main thread then never executes a statement itself, so a
 * large write or report no longer delays a caller's answer (see pglite-thread.ts).
 *
 * One connection: PGlite is one session, and a postgres.js transaction reserves it, so statements
 * keep the order and isolation they had in-process. The socket lives in a fresh directory only
 * this user may enter: PGlite asks for no password.
 */
export async function openPgliteInThread(directory: string): Promise<DatabaseHandle> {
  const socketDirectory = mkdtempSync(path.join(os.tmpdir(), 'centralino-pglite-'));
  const socketPath = path.join(socketDirectory, '.s.PGSQL.5432');
  const worker = new Worker(THREAD_FILE, { workerData: { directory, socketPath } satisfies PgliteThreadData });
  const removeSocketDirectory = () => rmSync(socketDirectory, { recursive: true, force: true });
  try {
    await firstAnswer(worker, 'ready');
  } catch (error) {
    await worker.terminate();
    removeSocketDirectory();
    throw error;
  }
  const connection = openPostgres('postgres://postgres@localhost/postgres', { max: 1, socketPath });
  let closing: Promise<void> | null = null;
  const close = async () => {
    await connection.close();
    // PGlite writes its last pages on close: the thread closes it before it is stopped.
    const closed = firstAnswer(worker, 'closed');
    worker.postMessage('close');
    await closed;
    await worker.terminate();
    removeSocketDirectory();
  };
  return {
    ...connection,
    kind: 'pglite',
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}

/** Resolves on the thread's `expected` message; rejects if it fails or exits first. */
function firstAnswer(worker: Worker, expected: 'ready' | 'closed'): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: PgliteThreadMessage) => {
      if ('failed' in message) return settle(() => reject(new Error(`PGlite could not open: ${message.failed}`)));
      if (expected in message) settle(resolve);
    };
    const onError = (error: Error) => settle(() => reject(error));
    const onExit = (code: number) => settle(() => reject(new Error(`the PGlite thread stopped (exit code ${code})`)));
    const settle = (then: () => void) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      then();
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}
