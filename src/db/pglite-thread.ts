/**
 * The embedded database's own thread: PGlite, and a Postgres wire-protocol server on a private
 * Unix socket (pglite-socket). Loaded by `openPgliteInThread`; never imported by the main thread.
 *
 * PGlite executes every statement synchronously on the thread that holds it. On the main thread a
 * large write (a 20 MB photo, a year's report) held the event loop, and so every caller's answer,
 * for as long as the statement ran. Here it holds only this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export type PgliteThreadData = Readonly<{ directory: string; socketPath: string }>;
export type PgliteThreadMessage = Readonly<{ ready: true }> | Readonly<{ closed: true }> | Readonly<{ failed: string }>;

const { directory, socketPath } = workerData as PgliteThreadData;
const port = parentPort;
if (!port) throw new Error('pglite-thread.ts runs only as a worker thread');
const tell = (message: PgliteThreadMessage) => port.postMessage(message);

try {
  const db = await PGlite.create(directory);
  const server = new PGLiteSocketServer({ db, path: socketPath });
  await server.start();
  port.on('message', async (message: unknown) => {
    if (message !== 'close') return;
    await server.stop();
    if (!db.closed) await db.close();
    tell({ closed: true });
    port.close();
  });
  tell({ ready: true });
} catch (error) {
  tell({ failed: error instanceof Error ? error.message : String(error) });
}
