import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { createEmptyDatabase } from '../helpers/empty-database.ts';
import { migrationsAround, rowsOf, runMigrationFiles } from '../helpers/migration-steps.ts';

/**
 * Before 0021 an agency had one contract row, replaced on every change, and statements named their
 * issuer by username. The migration keeps the contract as version 1 in force from its start, and
 * gives every issued statement its readable number and its issuer's display name.
 */
it('keeps each existing contract as version 1 and numbers the statements already issued', async () => {
  const database = await createEmptyDatabase({ migrate: false });
  try {
    const { before, from } = migrationsAround('0021_');
    await runMigrationFiles(database.db, before);
    await database.db.execute(sql`insert into agencies (code, name, ticket_prefix) values ('aler-pavia-lodi', 'ALER Pavia-Lodi', 'PV')`);
    await database.db.execute(
      sql`insert into agency_contracts (agency_code, annual_fee_cents, starts_on, months) values ('aler-pavia-lodi', 4299000, '2025-05-03', 36)`,
    );
    const userId = randomUUID();
    await database.db.execute(
      sql`insert into users (id, username, display_name, password_hash, role, password_changed_at, created_at) values (${userId}, 'supervisore', 'Supervisore Rossi', 'x', 'supervisor', now(), now())`,
    );
    await database.db.execute(
      sql`insert into statements (agency_code, period, period_from, period_to, version, issued_at, issued_by_id, issued_by_name, parameters, body)
          values ('aler-pavia-lodi', '2025-Q3', '2025-07-01', '2025-09-30', 2, now(), ${userId}, 'supervisore', '{}'::jsonb, '{}'::jsonb)`,
    );

    await runMigrationFiles(database.db, from);

    const contracts = await rowsOf<{ version: number; effective_from: string; recorded_at: string | null }>(
      database.db,
      sql`select version, to_char(effective_from, 'YYYY-MM-DD') as effective_from, recorded_at from agency_contracts`,
    );
    expect(contracts).toEqual([{ version: 1, effective_from: '2025-05-03', recorded_at: null }]);
    const issued = await rowsOf<{ number: string; issued_by_name: string }>(database.db, sql`select number, issued_by_name from statements`);
    expect(issued).toEqual([{ number: 'PV-2025-T3-v2', issued_by_name: 'Supervisore Rossi' }]);
  } finally {
    await database.close();
  }
});
