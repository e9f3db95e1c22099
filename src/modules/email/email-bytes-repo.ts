import { randomUUID } from 'node:crypto';
import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { emailBlobChunks, emailLooseBlobs } from '../../db/schema/index.ts';
import { backgroundStep } from '../../util/callers-first.ts';
import { CHUNK_BYTES } from './message-bytes.ts';

/**
 * The bytes of e-mail (raw messages, decoded attachments) as blobs of chunks. PGlite executes a
 * statement on the event loop, and a PGlite transaction holds its only connection: a statement
 * proportional to a 25 MB message stalls every voice webhook for seconds. So every statement
 * here carries at most one chunk, no transaction spans a blob, and a blob is written before the
 * row that names it commits (a crash in between leaves loose chunks that the sweep removes, never
 * a row without its bytes).
 *
 * Each statement is a background step (`backgroundStep`): the loop is given a turn, callers go
 * first, and steps of every blob and report take turns. PGlite settles a query's promise without a
 * turn, so a loop of awaited queries alone would hold the event loop for the whole blob, and a
 * call's statements would queue behind one chunk of each writer.
 */

/** Chunks deleted per statement when a blob goes (well under a millisecond each). */
const DELETE_BATCH = 16;
/** A blob still `writing` after this long was left by a crash (a 25 MB message takes seconds). */
export const WRITING_GRACE_MS = 60 * 60_000;

/**
 * Bytes travel as base64 text and are decoded by Postgres itself: PGlite's own bytea parameter
 * and result conversion walks every byte in JavaScript; Buffer's native base64 of one chunk is
 * a fraction of a millisecond.
 */
const bytesIn = (bytes: Buffer) => sql`decode(${bytes.toString('base64')}, 'base64')`;

/** One Buffer cut into CHUNK_BYTES views (no copy); pieces already cut are taken as they are. */
function piecesOf(bytes: Buffer | readonly Buffer[]): readonly Buffer[] {
  if (!Buffer.isBuffer(bytes)) return bytes.length > 0 ? bytes : [Buffer.alloc(0)];
  const pieces: Buffer[] = [];
  for (let offset = 0; offset === 0 || offset < bytes.length; offset += CHUNK_BYTES) pieces.push(bytes.subarray(offset, offset + CHUNK_BYTES));
  return pieces;
}

/**
 * Writes `bytes` as a new blob of the e-mail `emailId`, one statement per piece of at most
 * CHUNK_BYTES (a Buffer is cut here, a message's pieces are taken as they are), and answers its
 * id. Until a row names it (`claimBlob`, in that row's transaction) the blob is loose and
 * `writing`. Each chunk goes in only while the blob is still `writing`, under a share lock on
 * that entry: a sweep that gave the blob up meanwhile stops the writer instead of missing a chunk.
 */
export async function writeBlob(db: Executor, emailId: string, bytes: Buffer | readonly Buffer[], now: Date): Promise<string> {
  const blobId = randomUUID();
  await db.insert(emailLooseBlobs).values({ blobId, state: 'writing', since: now });
  // An empty blob still has its chunk 0: every blob has a first chunk.
  for (const [seq, chunk] of piecesOf(bytes).entries()) {
    if (chunk.length > CHUNK_BYTES) throw new Error(`a piece of ${chunk.length} bytes is larger than a chunk`);
    const written = await backgroundStep(() =>
      db.execute(
        sql`insert into ${emailBlobChunks} (blob_id, seq, email_id, bytes)
            select ${blobId}::uuid, ${seq}::int, ${emailId}::uuid, ${bytesIn(chunk)}
            from ${emailLooseBlobs} where ${emailLooseBlobs.blobId} = ${blobId}::uuid and ${emailLooseBlobs.state} = 'writing'
            for share`,
      ),
    );
    if (affected(written) !== 1) throw new Error(`blob ${blobId} was given up by the sweep while being written`);
  }
  return blobId;
}

const uuidArray = (ids: readonly string[]) =>
  sql`array[${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )}]::uuid[]`;

/** PGlite answers `{ affectedRows }`, postgres.js a result array with `count`. */
function affected(result: unknown): number {
  const value = result as { affectedRows?: number; count?: number };
  return Number(value.affectedRows ?? value.count ?? 0);
}

/**
 * In the transaction that commits the row naming the blob: from then on the row owns its bytes.
 * Throws (rolling the row back) if the blob is not a complete `writing` blob any more.
 */
export async function claimBlob(tx: Executor, blobId: string): Promise<void> {
  const claimed = await tx
    .delete(emailLooseBlobs)
    .where(and(eq(emailLooseBlobs.blobId, blobId), eq(emailLooseBlobs.state, 'writing')))
    .returning({ blobId: emailLooseBlobs.blobId });
  if (claimed.length !== 1) throw new Error(`blob ${blobId} is not being written any more`);
}

/** Blobs written for a row that did not commit (a duplicate, a race lost): they go now. */
export async function discardBlobs(db: Executor, blobIds: readonly string[]): Promise<void> {
  if (blobIds.length === 0) return;
  await db
    .update(emailLooseBlobs)
    .set({ state: 'dropped' })
    .where(and(inArray(emailLooseBlobs.blobId, [...blobIds]), eq(emailLooseBlobs.state, 'writing')));
  await removeDroppedBlobs(db, blobIds);
}

/**
 * Deletes the chunks of dropped blobs (only of `blobIds` when given), at most `DELETE_BATCH` per
 * statement, then their loose entries. Answers how many chunks went.
 */
export async function removeDroppedBlobs(db: Executor, blobIds?: readonly string[]): Promise<number> {
  if (blobIds && blobIds.length === 0) return 0;
  const only = blobIds ? sql` and l.blob_id = any(${uuidArray(blobIds)})` : sql``;
  let removed = 0;
  for (;;) {
    const deleted = await backgroundStep(() =>
      db.execute(
        sql`delete from ${emailBlobChunks} c using (
              select c2.blob_id, c2.seq from ${emailBlobChunks} c2 join ${emailLooseBlobs} l on l.blob_id = c2.blob_id
              where l.state = 'dropped'${only} limit ${DELETE_BATCH}) d
            where c.blob_id = d.blob_id and c.seq = d.seq`,
      ),
    );
    const count = affected(deleted);
    removed += count;
    if (count < DELETE_BATCH) break;
  }
  await db.execute(
    sql`delete from ${emailLooseBlobs} l where l.state = 'dropped'${only}
          and not exists (select 1 from ${emailBlobChunks} c where c.blob_id = l.blob_id)`,
  );
  return removed;
}

/** The sweep: gives up blobs a crash left `writing`, then removes every dropped blob. */
export async function sweepLooseBlobs(db: Executor, now: Date): Promise<number> {
  await db
    .update(emailLooseBlobs)
    .set({ state: 'dropped', since: now })
    .where(and(eq(emailLooseBlobs.state, 'writing'), lt(emailLooseBlobs.since, new Date(now.getTime() - WRITING_GRACE_MS))));
  return removeDroppedBlobs(db);
}

/**
 * The bytes of a blob, chunk by chunk, one short query each: a download streams them as they
 * come, and other queries (a voice webhook's) run between two chunks. Throws if a chunk is missing.
 */
export async function* readBlob(db: Executor, blobId: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq += 1) {
    const [row] = await backgroundStep(() =>
      db
        .select({ seq: emailBlobChunks.seq, bytes: sql<string>`encode(${emailBlobChunks.bytes}, 'base64')` })
        .from(emailBlobChunks)
        .where(and(eq(emailBlobChunks.blobId, blobId), gte(emailBlobChunks.seq, seq)))
        .orderBy(asc(emailBlobChunks.seq))
        .limit(1),
    );
    if (!row) {
      if (seq === 0) throw new Error(`blob ${blobId} has no bytes`);
      return;
    }
    if (row.seq !== seq) throw new Error(`chunk ${seq} of blob ${blobId} is missing`);
    yield Buffer.from(row.bytes, 'base64');
  }
}

/** A whole blob in memory as its chunks (what the parsing thread takes), read chunk by chunk. */
export async function loadBlobChunks(db: Executor, blobId: string): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of readBlob(db, blobId)) chunks.push(chunk);
  return chunks;
}

/** A whole blob in one Buffer: for small blobs, and where joining them is not on a caller's path. */
export async function loadBlob(db: Executor, blobId: string): Promise<Buffer> {
  return Buffer.concat(await loadBlobChunks(db, blobId));
}
