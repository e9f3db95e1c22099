import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { createEmptyDatabase } from '../helpers/empty-database.ts';
import { migrationsAround, rowsOf, runMigrationFiles } from '../helpers/migration-steps.ts';

/**
 * Before 0025 the report rollup had no portfolio: ALER Pavia-Lodi's rows mixed the Comune di Pavia
 * housing stock with its own. The migration keeps the rows of agencies without portfolio calls (their
 * portfolio is '', the own stock) and sends the others back to be sealed again from `calls` (their
 * watermark goes, so reports read the raw calls meanwhile: nothing is lost, `calls` holds it all).
 */
it('keeps the rollup of agencies without portfolio calls and reseals those with them', async () => {
  const database = await createEmptyDatabase({ migrate: false });
  const db = database.db;
  try {
    const { before, from } = migrationsAround('0025_');
    await runMigrationFiles(db, before);
    await db.execute(
      sql`insert into agencies (code, name, ticket_prefix) values ('aler-pavia-lodi', 'ALER Pavia-Lodi', 'PV'), ('aler-milano', 'ALER Milano', 'MI')`,
    );
    await db.execute(
      sql`insert into portfolios (id, agency_code, name) values ('comune-di-pavia', 'aler-pavia-lodi', 'Patrimonio abitativo del Comune di Pavia')`,
    );
    await db.execute(
      sql`insert into calls (call_sid, agency_code, portfolio_id, to_number, started_at, status, outcome, updated_at) values
          ('CA1', 'aler-pavia-lodi', 'comune-di-pavia', '+39800300300', '2026-11-16T09:00:00Z', 'completed', 'out_of_hours', now()),
          ('CA2', 'aler-pavia-lodi', null, '+39800200200', '2026-11-16T09:10:00Z', 'completed', 'out_of_hours', now()),
          ('CA3', 'aler-milano', null, '+39800100100', '2026-11-16T09:20:00Z', 'completed', 'out_of_hours', now())`,
    );
    for (const agency of ['aler-pavia-lodi', 'aler-milano']) {
      const calls = agency === 'aler-milano' ? 1 : 2;
      await db.execute(
        sql`insert into call_rollup_hourly (agency_code, local_date, local_hour, category, number_kind, calls, out_of_hours, queued, answered, hangups,
              answered_wait_sum, talk_sum, talk_count, answered_wait_le, hangup_wait_le)
            values (${agency}, '2026-11-16', 10, '', 'numero_verde', ${calls}, ${calls}, 0, 0, 0, 0, 0, 0, '{}', '{}')`,
      );
      await db.execute(
        sql`insert into call_rollup_watermarks (agency_code, sealed_through, sealed_at, timezone) values (${agency}, '2026-11-22', now(), 'Europe/Rome')`,
      );
    }

    await runMigrationFiles(db, from);

    const rows = await rowsOf<{ agency_code: string; portfolio_id: string; calls: number }>(
      db,
      sql`select agency_code, portfolio_id, calls from call_rollup_hourly order by agency_code`,
    );
    expect(rows).toEqual([{ agency_code: 'aler-milano', portfolio_id: '', calls: 1 }]);
    const watermarks = await rowsOf<{ agency_code: string }>(db, sql`select agency_code from call_rollup_watermarks`);
    expect(watermarks).toEqual([{ agency_code: 'aler-milano' }]);
    // The new key lets one hour hold the own stock and a portfolio side by side.
    await db.execute(
      sql`insert into call_rollup_hourly (agency_code, local_date, local_hour, category, number_kind, portfolio_id, calls, out_of_hours, queued, answered, hangups,
            answered_wait_sum, talk_sum, talk_count, answered_wait_le, hangup_wait_le)
          values ('aler-milano', '2026-11-16', 10, '', 'numero_verde', 'comune-di-sesto', 1, 1, 0, 0, 0, 0, 0, 0, '{}', '{}')`,
    );
    const calls = await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from calls`);
    expect(calls).toEqual([{ n: 3 }]);
  } finally {
    await database.close();
  }
});
