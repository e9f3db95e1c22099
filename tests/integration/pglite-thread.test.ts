import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { rowsOf } from '../../src/db/raw-sql.ts';

/**
 * The embedded database as `npm start` opens it (no DATABASE_URL): PGlite on a thread of its own.
 * What a caller notices is that a long statement (a year's report, a 20 MB photo) no longer holds
 * the thread that answers the phone.
 */
describe('PGlite on its own thread', () => {
  let dataDir: string;
  let database: DatabaseHandle;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'centralino-pglite-thread-'));
    database = await openDatabase({ databaseUrl: undefined, dataDir });
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  it('keeps the main thread turning while a long statement runs', async () => {
    let turns = 0;
    let running = true;
    const spin = () => {
      turns += 1;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    // Several hundred milliseconds of work inside the database.
    const rows = await rowsOf<{ n: number }>(database.db, sql`select count(*)::int as n from generate_series(1, 1000000) a, generate_series(1, 2) b`);
    running = false;
    expect(rows[0].n).toBe(2_000_000);
    // In-process, the statement runs in one go and the loop turns a handful of times at most.
    expect(turns).toBeGreaterThan(50);
  });

  it('keeps a transaction to itself: what it wrote is gone when it fails, and the next statement runs', async () => {
    await database.db.execute(sql`create table if not exists thread_probe (n int)`);
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into thread_probe values (1)`);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const rows = await rowsOf<{ n: number }>(database.db, sql`select count(*)::int as n from thread_probe`);
    expect(rows[0].n).toBe(0);
  });

  it('keeps the data in DATA_DIR when it is opened again', async () => {
    await database.db.execute(sql`insert into thread_probe values (42)`);
    await database.close();
    database = await openDatabase({ databaseUrl: undefined, dataDir });
    const rows = await rowsOf<{ n: number }>(database.db, sql`select n from thread_probe`);
    expect(rows.map((row) => row.n)).toEqual([42]);
  }, 60_000);
});
