import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '../../src/db/client.ts';
import { PRIVACY_DATA_MAP, ruleOf, tablesDeletedAtContractEnd } from '../../src/domain/privacy-data-map.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * The privacy map against the live schema: a table or a text, JSON or binary column that another
 * module adds fails here until someone decides whether it holds personal data and what happens to
 * it at the end of a contract.
 */
let t: TestApp;
type Column = { table_name: string; column_name: string; data_type: string };
let columns: Column[];

async function rowsOf<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

beforeAll(async () => {
  t = await createTestApp();
  columns = await rowsOf<Column>(
    t.database.db,
    sql`select c.table_name, c.column_name, c.data_type from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
        where c.table_schema = 'public' order by c.table_name, c.ordinal_position`,
  );
});

afterAll(async () => {
  await t?.close();
});

const CONTENT_TYPES = new Set(['text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY']);

describe('the privacy data map', () => {
  it('has a rule for every table of the schema, and no rule for a table that does not exist', () => {
    const tables = [...new Set(columns.map((column) => column.table_name))];
    expect(tables.filter((table) => !ruleOf(table))).toEqual([]);
    expect(PRIVACY_DATA_MAP.map((rule) => rule.table).filter((table) => !tables.includes(table))).toEqual([]);
  });

  it('classifies every text, JSON and binary column as personal, neutral or secret', () => {
    const unclassified = columns
      .filter((column) => CONTENT_TYPES.has(column.data_type))
      .filter((column) => {
        const rule = ruleOf(column.table_name);
        return rule && ![...rule.personal, ...rule.neutral, ...(rule.secret ?? [])].includes(column.column_name);
      })
      .map((column) => `${column.table_name}.${column.column_name}`);
    expect(unclassified).toEqual([]);
  });

  it('names only columns that exist, and scopes every agency table through real columns', () => {
    const exists = (table: string, column: string) => columns.some((row) => row.table_name === table && row.column_name === column);
    const wrong: string[] = [];
    for (const rule of PRIVACY_DATA_MAP) {
      for (const column of [...rule.personal, ...rule.neutral, ...(rule.secret ?? [])]) if (!exists(rule.table, column)) wrong.push(`${rule.table}.${column}`);
      const scope = rule.scope;
      if (scope.kind === 'agency' || scope.kind === 'json') {
        if (!exists(rule.table, scope.column)) wrong.push(`${rule.table} scope ${scope.column}`);
      }
      if (scope.kind === 'parent') {
        if (!exists(rule.table, scope.column) || !exists(scope.parent, scope.parentColumn)) wrong.push(`${rule.table} → ${scope.parent}.${scope.parentColumn}`);
        if (ruleOf(scope.parent)?.scope.kind === 'none') wrong.push(`${rule.table}: parent ${scope.parent} is not agency data`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('deletes children before the parents their foreign keys hold on to', async () => {
    const keys = await rowsOf<{ child: string; parent: string; delete_rule: string }>(
      t.database.db,
      sql`select distinct kcu.table_name as child, ccu.table_name as parent, rc.delete_rule
          from information_schema.referential_constraints rc
          join information_schema.key_column_usage kcu on kcu.constraint_name = rc.constraint_name and kcu.constraint_schema = rc.constraint_schema
          join information_schema.constraint_column_usage ccu on ccu.constraint_name = rc.constraint_name and ccu.constraint_schema = rc.constraint_schema
          where rc.constraint_schema = 'public'`,
    );
    const order = tablesDeletedAtContractEnd().map((rule) => rule.table);
    const problems: string[] = [];
    for (const key of keys.filter((candidate) => candidate.delete_rule === 'NO ACTION' || candidate.delete_rule === 'RESTRICT')) {
      if (!order.includes(key.parent)) continue;
      if (!order.includes(key.child)) problems.push(`${key.child} (kept) holds on to ${key.parent} (deleted)`);
      else if (order.indexOf(key.child) > order.indexOf(key.parent)) problems.push(`${key.child} is deleted after ${key.parent}`);
    }
    expect(problems).toEqual([]);
  });
});
