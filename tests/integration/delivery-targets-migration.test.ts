import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { deliveryTargets } from '../../src/db/schema/index.ts';
import { targetsForTicket } from '../../src/modules/delivery/delivery-repo.ts';
import { createEmptyDatabase } from '../helpers/empty-database.ts';
import { migrationsAround, runMigrationFiles } from '../helpers/migration-steps.ts';

/**
 * Before 0024 a target had no portfolio. Every existing target keeps its rows and serves every
 * portfolio of its agency, so the same tickets reach the same offices after the migration.
 */
it('keeps every existing target, serving every portfolio of its agency as before', async () => {
  const database = await createEmptyDatabase({ migrate: false });
  try {
    const { before, from } = migrationsAround('0024_');
    await runMigrationFiles(database.db, before);
    await database.db.execute(sql`insert into agencies (code, name, ticket_prefix) values ('aler-pavia-lodi', 'ALER Pavia-Lodi', 'PV')`);
    await database.db.execute(
      sql`insert into delivery_targets (agency_code, category, kind, label, email_to, created_at) values
          ('aler-pavia-lodi', 'maintenance', 'email', 'Ufficio tecnico Pavia', 'ufficio.tecnico@aler-pavia-lodi.example', now()),
          ('aler-pavia-lodi', null, 'email', 'Protocollo', 'protocollo@aler-pavia-lodi.example', now())`,
    );

    await runMigrationFiles(database.db, from);

    const rows = await database.db.select().from(deliveryTargets);
    expect(rows.map((row) => [row.label, row.portfolioId, row.category, row.emailTo, row.active])).toEqual([
      ['Ufficio tecnico Pavia', null, 'maintenance', 'ufficio.tecnico@aler-pavia-lodi.example', true],
      ['Protocollo', null, null, 'protocollo@aler-pavia-lodi.example', true],
    ]);
    const labels = async (portfolioId: string | null, category: string) =>
      (await targetsForTicket(database.db, 'aler-pavia-lodi', { portfolioId, category })).map((row) => row.label);
    expect(await labels('comune-di-pavia', 'maintenance')).toEqual(['Ufficio tecnico Pavia']);
    expect(await labels(null, 'maintenance')).toEqual(['Ufficio tecnico Pavia']);
    expect(await labels('comune-di-pavia', 'heating')).toEqual(['Protocollo']);
  } finally {
    await database.close();
  }
});
