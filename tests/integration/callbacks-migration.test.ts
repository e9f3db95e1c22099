import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { createEmptyDatabase } from '../helpers/empty-database.ts';
import { migrationsAround, rowsOf, runMigrationFiles } from '../helpers/migration-steps.ts';

/**
 * Before 0015 every abandoned call opened its own task: one tenant had nine open ones. The migration
 * folds the open tasks of one caller and agency into the oldest, on PGlite or, with DATABASE_URL, on
 * native Postgres, keeping every call and attempt, and then one open task per caller is enforced.
 */
it('folds the open tasks of one caller into the oldest, keeping their calls and attempts', async () => {
  const database = await createEmptyDatabase({ migrate: false });
  try {
    const { before, from } = migrationsAround('0015_');
    await runMigrationFiles(database.db, before);
    await database.db.execute(
      sql`insert into agencies (code, name, ticket_prefix) values ('aler-pavia-lodi', 'ALER Pavia-Lodi', 'PV'), ('aler-milano', 'ALER Milano', 'MI')`,
    );
    const task = async (agency: string, phone: string, status: string, abandonedAt: string, dueAt: string, attempts: number) => {
      const id = randomUUID();
      const callSid = `CA${randomUUID().replaceAll('-', '')}`;
      await database.db.execute(
        sql`insert into callbacks (id, agency_code, call_sid, caller_phone, abandoned_at, waited_seconds, due_at, status, attempts, created_at, updated_at)
            values (${id}, ${agency}, ${callSid}, ${phone}, ${abandonedAt}::timestamptz, 30, ${dueAt}::timestamptz, ${status}, ${attempts}, ${abandonedAt}::timestamptz, ${abandonedAt}::timestamptz)`,
      );
      for (let attempt = 0; attempt < attempts; attempt += 1) {
        await database.db.execute(
          sql`insert into callback_attempts (callback_id, outcome, actor_id, actor_name, occurred_at) values (${id}, 'no_answer', 'u1', 'operatore1', ${dueAt}::timestamptz)`,
        );
      }
      return { id, callSid };
    };
    const caller = '+393485551234';
    const oldest = await task('aler-pavia-lodi', caller, 'open', '2026-11-20T09:00:00Z', '2026-11-20T11:00:00Z', 1);
    const second = await task('aler-pavia-lodi', caller, 'open', '2026-11-20T10:00:00Z', '2026-11-20T12:00:00Z', 1);
    const third = await task('aler-pavia-lodi', caller, 'open', '2026-11-21T09:00:00Z', '2026-11-21T11:00:00Z', 0);
    const closedEarlier = await task('aler-pavia-lodi', caller, 'done', '2026-11-19T09:00:00Z', '2026-11-19T11:00:00Z', 1);
    const otherAgency = await task('aler-milano', caller, 'open', '2026-11-20T09:30:00Z', '2026-11-20T11:30:00Z', 0);

    await runMigrationFiles(database.db, from);

    type Row = { id: string; status: string; abandoned_calls: number; attempts: number; closed_reason: string | null; merged_into: string | null };
    const rows = await rowsOf<Row>(database.db, sql`select id, status, abandoned_calls, attempts, closed_reason, merged_into from callbacks`);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(oldest.id)).toMatchObject({ status: 'open', abandoned_calls: 3, attempts: 2, closed_reason: null });
    for (const duplicate of [second, third]) {
      expect(byId.get(duplicate.id)).toMatchObject({ status: 'cancelled', closed_reason: 'merged', merged_into: oldest.id });
    }
    expect(byId.get(closedEarlier.id)).toMatchObject({ status: 'done', abandoned_calls: 1, merged_into: null });
    expect(byId.get(otherAgency.id)).toMatchObject({ status: 'open', abandoned_calls: 1 });

    const calls = await rowsOf<{ call_sid: string; callback_id: string }>(
      database.db,
      sql`select call_sid, callback_id from callback_calls order by abandoned_at`,
    );
    expect(calls.filter((call) => call.callback_id === oldest.id).map((call) => call.call_sid)).toEqual([oldest.callSid, second.callSid, third.callSid]);
    const attempts = await rowsOf<{ callback_id: string }>(database.db, sql`select callback_id from callback_attempts`);
    expect(attempts.filter((attempt) => attempt.callback_id === oldest.id)).toHaveLength(2);
    expect(attempts).toHaveLength(3);
    const [due] = await rowsOf<{ due_at: string | Date }>(database.db, sql`select due_at from callbacks where id = ${oldest.id}`);
    expect(new Date(due.due_at).toISOString()).toBe('2026-11-20T11:00:00.000Z');

    // From now on a second open task of that caller in that agency cannot exist.
    await expect(task('aler-pavia-lodi', caller, 'open', '2026-11-22T09:00:00Z', '2026-11-22T11:00:00Z', 0)).rejects.toThrow();
  } finally {
    await database.close();
  }
}, 180_000);
