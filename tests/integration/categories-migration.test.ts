import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { MENU_PROMPT_IT } from '../../src/domain/routing.ts';
import { menuPromptIt } from '../../src/domain/categories.ts';
import { toAgencyCategories } from '../../src/modules/agencies/agency-directory.ts';
import { agencyCategories, queues } from '../../src/db/schema/index.ts';
import { createEmptyDatabase } from '../helpers/empty-database.ts';
import { migrationsAround, rowsOf, runMigrationFiles } from '../helpers/migration-steps.ts';

/**
 * Before 0022 the three categories were fixed in code. The migration gives every existing agency
 * the same three as rows (labels, digits, keywords, heating boost, admin as the fallback), and
 * leaves every ticket, call and delivery target with the category it had.
 */
it('gives every existing agency the three categories it had, and keeps every record as it was', async () => {
  const database = await createEmptyDatabase({ migrate: false });
  try {
    const { before, from } = migrationsAround('0022_');
    await runMigrationFiles(database.db, before);
    await database.db.execute(
      sql`insert into agencies (code, name, ticket_prefix) values ('aler-pavia-lodi', 'ALER Pavia-Lodi', 'PV'), ('aler-milano', 'ALER Milano', 'MI')`,
    );
    for (const agency of ['aler-pavia-lodi', 'aler-milano']) {
      for (const [category, priority] of [
        ['maintenance', 0],
        ['heating', 2],
        ['admin', 0],
      ] as const) {
        await database.db.execute(
          sql`insert into queues (name, agency_code, category, label, priority) values (${`${agency}.${category}`}, ${agency}, ${category}, ${category}, ${priority})`,
        );
      }
    }
    await database.db.execute(
      sql`insert into tickets (ref, agency_code, year, seq, category, status, channel, description, created_by_id, created_by_name, created_at, updated_at)
          values ('PV-2026-000001', 'aler-pavia-lodi', 2026, 1, 'heating', 'routed', 'voice', 'Termosifoni freddi', 'u1', 'operatore1', now(), now())`,
    );
    await database.db.execute(
      sql`insert into calls (call_sid, agency_code, to_number, started_at, status, outcome, category, queue_name, updated_at)
          values ('CA1', 'aler-pavia-lodi', '+39800200200', now(), 'completed', 'answered', 'heating', 'aler-pavia-lodi.heating', now())`,
    );

    await runMigrationFiles(database.db, from);

    for (const agency of ['aler-pavia-lodi', 'aler-milano']) {
      const rows = await database.db.select().from(agencyCategories).where(sql`${agencyCategories.agencyCode} = ${agency}`);
      const queueRows = await database.db.select().from(queues).where(sql`${queues.agencyCode} = ${agency}`);
      const categories = toAgencyCategories(rows, queueRows);
      expect(categories.map((category) => [category.code, category.digit, category.isFallback, category.retired])).toEqual([
        ['maintenance', 1, false, false],
        ['heating', 2, false, false],
        ['admin', 3, true, false],
      ]);
      expect(categories.find((category) => category.code === 'heating')).toMatchObject({ label: 'riscaldamento', heatingBoostSeconds: 120, priority: 2 });
      expect(categories.find((category) => category.code === 'maintenance')?.keywords).toContain('guast');
      expect(menuPromptIt(categories)).toBe(MENU_PROMPT_IT);
    }
    const [ticket] = await rowsOf<{ category: string }>(database.db, sql`select category from tickets where ref = 'PV-2026-000001'`);
    expect(ticket?.category).toBe('heating');
    const [call] = await rowsOf<{ category: string; queue_name: string }>(database.db, sql`select category, queue_name from calls where call_sid = 'CA1'`);
    expect(call).toEqual({ category: 'heating', queue_name: 'aler-pavia-lodi.heating' });
  } finally {
    await database.close();
  }
});
