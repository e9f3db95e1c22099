import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { TableRule, TableScope } from '../../domain/privacy-data-map.ts';
import { ruleOf } from '../../domain/privacy-data-map.ts';
import { array, countOf, rowsOf } from './privacy-sql.ts';

/* The agency's rows as JSON (subject export, agency export) and their deletion at the end of the contract. */

/** Locks the agency row: inserts that reference the agency (new calls, tickets, e-mails) wait until commit. */
export async function lockAgency(tx: Executor, agency: string): Promise<{ code: string; name: string } | undefined> {
  const [row] = await rowsOf<{ code: string; name: string }>(tx, sql`select code, name from agencies where code = ${agency} for update`);
  return row;
}

export async function agencyNames(db: Executor): Promise<Map<string, { name: string; timezone: string }>> {
  const rows = await rowsOf<{ code: string; name: string; timezone: string }>(db, sql`select code, name, timezone from agencies`);
  return new Map(rows.map((row) => [row.code, { name: row.name, timezone: row.timezone }]));
}

export type ColumnInfo = Readonly<{ name: string; dataType: string; udt: string }>;

export type TableInfo = Readonly<{ table: string; columns: readonly ColumnInfo[]; primaryKey: readonly string[] }>;

/** The live schema, as the database describes it: every table of `public` with its columns and primary key. */
export async function describeTables(db: Executor): Promise<Map<string, TableInfo>> {
  const columns = await rowsOf<{ table_name: string; column_name: string; data_type: string; udt_name: string }>(
    db,
    sql`select c.table_name, c.column_name, c.data_type, c.udt_name from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
        where c.table_schema = 'public' order by c.table_name, c.ordinal_position`,
  );
  const keys = await rowsOf<{ table_name: string; column_name: string }>(
    db,
    sql`select tc.table_name, kcu.column_name from information_schema.table_constraints tc
        join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema and kcu.table_name = tc.table_name
        where tc.table_schema = 'public' and tc.constraint_type = 'PRIMARY KEY' order by tc.table_name, kcu.ordinal_position`,
  );
  const tables = new Map<string, { table: string; columns: ColumnInfo[]; primaryKey: string[] }>();
  for (const column of columns) {
    const table = tables.get(column.table_name) ?? { table: column.table_name, columns: [], primaryKey: [] };
    table.columns.push({ name: column.column_name, dataType: column.data_type, udt: column.udt_name });
    tables.set(column.table_name, table);
  }
  for (const key of keys) tables.get(key.table_name)?.primaryKey.push(key.column_name);
  return tables;
}

const id = (name: string) => sql.identifier(name);

/** `t.col` in the agency: through the agency column, the parent's scope, or a JSON field. */
export function scopeCondition(scope: TableScope, agency: string, alias: string): SQL {
  switch (scope.kind) {
    case 'agency':
      return sql`${id(alias)}.${id(scope.column)} = ${agency}`;
    case 'json':
      return sql`${id(alias)}.${id(scope.column)}->>${scope.key} = ${agency}`;
    case 'parent': {
      const parentRule = ruleOf(scope.parent);
      if (!parentRule) throw new Error(`No privacy rule for ${scope.parent}`);
      const parentAlias = `${alias}_p`;
      return sql`${id(alias)}.${id(scope.column)} in (select ${id(parentAlias)}.${id(scope.parentColumn)} from ${id(scope.parent)} ${id(parentAlias)}
        where ${scopeCondition(parentRule.scope, agency, parentAlias)})`;
    }
    case 'none':
      return sql`false`;
  }
}

/** A row as one JSON object: binary columns in base64, secrets left out. Built in chunks (Postgres takes 100 arguments per call). */
function rowJson(info: TableInfo, alias: string, omit: readonly string[]): SQL {
  const columns = info.columns.filter((column) => !omit.includes(column.name));
  const chunks: SQL[] = [];
  for (let start = 0; start < columns.length; start += 40) {
    const pairs = columns.slice(start, start + 40).map((column) => {
      const value = column.dataType === 'bytea' ? sql`encode(${id(alias)}.${id(column.name)}, 'base64')` : sql`${id(alias)}.${id(column.name)}`;
      return sql`${column.name}::text, ${value}`;
    });
    chunks.push(sql`jsonb_build_object(${sql.join(pairs, sql`, `)})`);
  }
  return chunks.length === 0 ? sql`'{}'::jsonb` : sql.join(chunks, sql` || `);
}

export type JsonPage = { rows: string[]; last: string[] | null };

/**
 * One page of a table's rows of the agency, as JSON text, in primary-key order. `after` is the
 * primary key of the last row of the previous page: keyset paging keeps every page one index scan.
 */
export async function pageOfRows(db: Executor, info: TableInfo, rule: TableRule, agency: string, after: string[] | null, limit: number): Promise<JsonPage> {
  if (info.primaryKey.length === 0) throw new Error(`${info.table} has no primary key`);
  const key = info.primaryKey.map((name) => info.columns.find((column) => column.name === name)!);
  const keyList = sql.join(
    key.map((column) => sql`${id('t')}.${id(column.name)}`),
    sql`, `,
  );
  const afterCondition = after
    ? sql` and (${keyList}) > (${sql.join(
        key.map((column, index) => sql`${after[index]}::${sql.raw(column.udt)}`),
        sql`, `,
      )})`
    : sql``;
  const rows = await rowsOf<Record<string, string>>(
    db,
    sql`select ${sql.join(
      key.map((column, index) => sql`${id('t')}.${id(column.name)}::text as ${id(`k${index}`)}`),
      sql`, `,
    )}, (${rowJson(info, 't', rule.secret ?? [])})::text as j
        from ${id(info.table)} ${id('t')}
        where ${scopeCondition(rule.scope, agency, 't')}${afterCondition}
        order by ${keyList} limit ${limit}`,
  );
  const lastRow = rows.at(-1);
  return { rows: rows.map((row) => row.j), last: lastRow ? key.map((_, index) => lastRow[`k${index}`]) : null };
}

/** Rows of one table selected by a column's values (the subject export), as parsed JSON. */
export async function rowsWhere(
  db: Executor,
  info: TableInfo,
  column: string,
  values: readonly (string | number)[],
  type: 'text' | 'uuid' | 'int8',
): Promise<Record<string, unknown>[]> {
  if (values.length === 0) return [];
  const rule = ruleOf(info.table);
  const rows = await rowsOf<{ j: string }>(
    db,
    sql`select (${rowJson(info, 't', rule?.secret ?? [])})::text as j from ${id(info.table)} ${id('t')}
        where ${id('t')}.${id(column)} = any(${array(values, type)})
        order by ${sql.join(
          info.primaryKey.map((name) => sql`${id('t')}.${id(name)}`),
          sql`, `,
        )}`,
  );
  return rows.map((row) => JSON.parse(row.j) as Record<string, unknown>);
}

export async function countAgencyRows(db: Executor, rule: TableRule, agency: string): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(
    db,
    sql`select count(*)::int as n from ${id(rule.table)} ${id('t')} where ${scopeCondition(rule.scope, agency, 't')}`,
  );
  return Number(row?.n ?? 0);
}

export async function deleteAgencyRows(tx: Executor, rule: TableRule, agency: string): Promise<number> {
  return countOf(tx, sql`delete from ${id(rule.table)} ${id('t')} where ${scopeCondition(rule.scope, agency, 't')}`);
}
