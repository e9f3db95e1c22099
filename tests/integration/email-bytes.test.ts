import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatabaseHandle, Executor } from '../../src/db/client.ts';
import { openPostgres, wrapPglite } from '../../src/db/client.ts';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.ts';
import { emailBlobChunks, emailLooseBlobs, inboundEmailRaw } from '../../src/db/schema/index.ts';
import { claimBlob, loadBlob, WRITING_GRACE_MS, writeBlob } from '../../src/modules/email/email-bytes-repo.ts';
import { CHUNK_BYTES } from '../../src/modules/email/message-bytes.ts';
import { loadRaw } from '../../src/modules/email/email-repo.ts';
import { callerAnswered, callerArrived, callersBeingAnswered } from '../../src/util/callers-first.ts';
import type { Session } from '../helpers/auth.ts';
import { loginAs } from '../helpers/auth.ts';
import { deliverEmail } from '../helpers/email-requests.ts';
import { withDatabase } from '../helpers/global-setup.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * The bytes of e-mail live in chunks of at most CHUNK_BYTES (64 KiB), one statement each, so that no
 * statement grows with a message (PGlite runs statements on the event loop the voice webhooks
 * share). What a user notices: a big message comes back byte for byte, and bytes nobody can
 * reach any more do not stay in the database.
 */
let t: TestApp;
let supervisor: Session;

beforeAll(async () => {
  t = await createTestApp();
  supervisor = await loginAs(t.app, 'supervisore');
});

afterAll(async () => {
  await t?.close();
});

const db = () => t.database.db;

async function rowsOf<T>(executor: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** A phone photo sent as it is: a short text and a JPEG-sized attachment in base64, 76 columns. */
function photoEmail(photo: Buffer): Buffer {
  const head = [
    'From: Maria Rossi <maria.rossi@example.it>',
    'To: segnalazioni@aler-milano.example',
    'Subject: Foto della perdita in cucina',
    `Message-ID: <${randomUUID()}@example.it>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Buongiorno, allego la foto della perdita in cucina.',
    '--b1',
    'Content-Type: image/jpeg; name="perdita.jpg"',
    'Content-Disposition: attachment; filename="perdita.jpg"',
    'Content-Transfer-Encoding: base64',
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head), Buffer.from(photo.toString('base64').replace(/.{76}/g, '$&\r\n')), Buffer.from('\r\n--b1--\r\n')]);
}

/** Per blob of the e-mail: how many chunks, and the largest. */
async function chunksOf(emailId: string) {
  return rowsOf<{ blob_id: string; chunks: number; largest: number }>(
    db(),
    sql`select blob_id, count(*)::int as chunks, max(octet_length(bytes))::int as largest from email_blob_chunks where email_id = ${emailId} group by blob_id`,
  );
}

describe('a 20 MB photo e-mail', () => {
  const photo = randomBytes(14_800_000);
  const raw = photoEmail(photo);
  let id: string;

  it('comes back byte for byte: the original (.eml) and the photo, each streamed from chunks of at most CHUNK_BYTES', async () => {
    expect(raw.length).toBeGreaterThan(20_000_000);
    const answer = await deliverEmail(t.app, raw);
    expect(answer.status).toBe('ticket');
    id = answer.id;

    const original = await t.app.inject({ url: `/api/v1/emails/${id}/raw`, headers: supervisor.headers });
    expect(original.statusCode).toBe(200);
    expect(original.headers['content-length']).toBe(String(raw.length));
    expect(original.rawPayload.equals(raw)).toBe(true);
    const attachment = await t.app.inject({ url: `/api/v1/emails/${id}/attachments/1`, headers: supervisor.headers });
    expect(attachment.statusCode).toBe(200);
    expect(attachment.headers['content-type']).toBe('image/jpeg');
    expect(attachment.rawPayload.equals(photo)).toBe(true);

    // Two blobs (the message, the photo), each in as many chunks as CHUNK_BYTES makes, none larger.
    const blobs = await chunksOf(id);
    expect(blobs.map((blob) => blob.chunks).sort((a, b) => a - b)).toEqual([Math.ceil(photo.length / CHUNK_BYTES), Math.ceil(raw.length / CHUNK_BYTES)]);
    expect(Math.max(...blobs.map((blob) => blob.largest))).toBe(CHUNK_BYTES);
    // Filed: nothing is left loose.
    expect(await db().select().from(emailLooseBlobs)).toEqual([]);
    // Parsing 20 MB on a shared CI machine takes its time; nothing here is a timing assertion.
  }, 300_000);

  it('delivered again, answers with the first copy and writes no second one', async () => {
    const again = await deliverEmail(t.app, raw);
    expect(again).toMatchObject({ id, status: 'duplicate' });
    const [{ n }] = await rowsOf<{ n: number }>(db(), sql`select count(*)::int as n from email_blob_chunks`);
    const [{ mine }] = await rowsOf<{ mine: number }>(db(), sql`select count(*)::int as mine from email_blob_chunks where email_id = ${id}`);
    expect(await db().select().from(emailLooseBlobs)).toEqual([]);
    // Every chunk of the whole database beyond this e-mail's belongs to other, smaller mail.
    expect(mine).toBe(Math.ceil(photo.length / CHUNK_BYTES) + Math.ceil(raw.length / CHUNK_BYTES));
    expect(n - mine).toBeLessThan(10);
  });
});

describe('bytes nobody can reach', () => {
  it('a write a crash interrupted is swept after an hour, and its writer can no longer commit a row for it', async () => {
    const blobId = await writeBlob(db(), randomUUID(), randomBytes(2 * CHUNK_BYTES + 1000), t.clock.now());
    expect(await db().select({ seq: emailBlobChunks.seq }).from(emailBlobChunks).where(eq(emailBlobChunks.blobId, blobId))).toHaveLength(3);
    // Young: another request may still be writing it.
    await t.app.services.email.sweepBytes();
    expect(await db().select({ seq: emailBlobChunks.seq }).from(emailBlobChunks).where(eq(emailBlobChunks.blobId, blobId))).toHaveLength(3);

    t.clock.advance(WRITING_GRACE_MS + 60_000);
    expect(await t.app.services.email.sweepBytes()).toBe(3);
    expect(await db().select({ seq: emailBlobChunks.seq }).from(emailBlobChunks).where(eq(emailBlobChunks.blobId, blobId))).toEqual([]);
    expect(await db().select().from(emailLooseBlobs)).toEqual([]);
    await expect(db().transaction((tx) => claimBlob(tx, blobId))).rejects.toThrow();
  });

  it('the bytes of a row deleted by any path (here a bare DELETE) go with the next sweep', async () => {
    const answer = await deliverEmail(t.app, photoEmail(randomBytes(700_000)));
    const [before] = await db().select().from(inboundEmailRaw).where(eq(inboundEmailRaw.emailId, answer.id));
    await db().execute(sql`delete from inbound_email_raw where email_id = ${answer.id}`);
    await t.app.services.email.sweepBytes();
    expect(await db().select({ seq: emailBlobChunks.seq }).from(emailBlobChunks).where(eq(emailBlobChunks.blobId, before.blobId))).toEqual([]);
    expect(await loadRaw(db(), answer.id)).toBeNull();
    // The photo's row still names its bytes: they stay.
    expect((await chunksOf(answer.id)).map((blob) => blob.chunks)).toEqual([Math.ceil(700_000 / CHUNK_BYTES)]);
  });
});

/** An empty database of the kind the suite runs on, with nothing migrated. */
async function emptyDatabase(): Promise<DatabaseHandle> {
  const url = process.env.DATABASE_URL;
  if (!url) return wrapPglite(await PGlite.create());
  const name = `centralino_migration_${randomBytes(6).toString('hex')}`;
  const admin = openPostgres(url, { max: 1 });
  await admin.db.execute(sql.raw(`create database ${name}`));
  const handle = openPostgres(withDatabase(url, name), { max: 1 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
      await admin.close();
    },
  };
}

async function runMigrationFile(executor: Executor, file: string) {
  const text = readFileSync(path.join(MIGRATIONS_FOLDER, file), 'utf8');
  for (const statement of text.split('--> statement-breakpoint')) if (statement.trim()) await executor.execute(sql.raw(statement));
}

describe('the migration to chunks', () => {
  /** Migration 0013 cut the bytes stored before it into 256 KiB chunks (new mail now uses CHUNK_BYTES). */
  const MIGRATION_CHUNK_BYTES = 256 * 1024;

  it('moves the bytes stored before it into chunks, without losing one', async () => {
    const database = await emptyDatabase();
    try {
      const files = readdirSync(MIGRATIONS_FOLDER)
        .filter((file) => file.endsWith('.sql'))
        .sort();
      const chunking = files.findIndex((file) => file.startsWith('0012_'));
      for (const file of files.slice(0, chunking)) await runMigrationFile(database.db, file);
      // Stored the old way: the whole message in one bytea, the attachments beside it (one of them empty).
      const raw = randomBytes(2 * MIGRATION_CHUNK_BYTES + 1234);
      const photo = randomBytes(MIGRATION_CHUNK_BYTES);
      const emailId = randomUUID();
      await database.db.execute(
        sql`insert into inbound_emails (id, received_at, provider, envelope_to, raw_sha256, raw_size, status) values (${emailId}, now(), 'raw', '[]', 'x', ${raw.length}, 'quarantined')`,
      );
      await database.db.execute(sql`insert into inbound_email_raw (email_id, bytes) values (${emailId}, decode(${raw.toString('base64')}, 'base64'))`);
      for (const [position, content] of [photo, Buffer.alloc(0)].entries()) {
        await database.db.execute(
          sql`insert into email_attachments (email_id, position, filename, content_type, size, sha256, content)
              values (${emailId}, ${position + 1}, 'foto.jpg', 'image/jpeg', ${content.length}, 'x', decode(${content.toString('base64')}, 'base64'))`,
        );
      }

      for (const file of files.slice(chunking)) await runMigrationFile(database.db, file);

      expect((await loadRaw(database.db, emailId))!.equals(raw)).toBe(true);
      const attachments = await rowsOf<{ position: number; blob_id: string }>(
        database.db,
        sql`select position, blob_id from email_attachments order by position`,
      );
      expect((await loadBlob(database.db, attachments[0].blob_id)).equals(photo)).toBe(true);
      expect((await loadBlob(database.db, attachments[1].blob_id)).length).toBe(0);
      const sizes = await rowsOf<{ largest: number; chunks: number }>(
        database.db,
        sql`select max(octet_length(bytes))::int as largest, count(*)::int as chunks from email_blob_chunks`,
      );
      expect(sizes[0]).toEqual({ largest: MIGRATION_CHUNK_BYTES, chunks: 3 + 1 + 1 });
    } finally {
      await database.close();
    }
    // Twelve migrations on a fresh database; no timing is asserted.
  }, 180_000);
});

describe('callers first', () => {
  it('writes no chunk of a message while a caller is being answered, and all of it once the answer is sent', async () => {
    const emailId = randomUUID();
    const chunksWritten = async () =>
      (await rowsOf<{ n: number }>(db(), sql`select count(*)::int as n from email_blob_chunks where email_id = ${emailId}`))[0].n;
    // The bound on the wait (a steady stream of calls must not stop mail for ever) is a timer: held still here.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      callerArrived();
      const writing = writeBlob(db(), emailId, randomBytes(3 * CHUNK_BYTES), t.clock.now());
      for (let turn = 0; turn < 50; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      expect(await chunksWritten()).toBe(0);
      callerAnswered();
      await writing;
      expect(await chunksWritten()).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts a signed voice request only until it is answered', async () => {
    const response = await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(newCallSid(), '+393471234567', '+39800100100'));
    expect(response.body).toContain('<Response>');
    expect(callersBeingAnswered()).toBe(0);
  });
});
