import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Executor } from '../../src/db/client.ts';

/**
 * Searches the whole database for a person, without trusting the code under test to know where
 * their data is: every text, JSON, array and binary column of every table of the schema, as
 * information_schema lists them. Rows that belong to another agency are left out — through the
 * table's agency column, a foreign key to a table that has one, the e-mail an `email_id` names,
 * or a CallSid of a call that has one; everything else (rows of this agency, of no agency, platform tables) is searched.
 */

export type Needle = Readonly<{ kind: 'phone'; e164: string }> | Readonly<{ kind: 'text'; value: string }>;

export type Hit = Readonly<{ table: string; column: string; rows: number; scope: string }>;

type Column = { table_name: string; column_name: string; data_type: string };
type ForeignKey = { table_name: string; column_name: string; parent: string; parent_column: string };

async function rowsOf<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** The digits every written form of the number shares: +39 347…, 0039 347…, 347… → 347…; +39 0382… → 0382… */
function nationalDigits(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) throw new Error(`not a phone number: ${e164}`);
  return String(parsed.nationalNumber);
}

const SEPARATORS = '[[:space:]./()-]*';

/** Regular expressions (PostgreSQL ARE) over a column's text, and base64 runs to look for in binary columns. */
function patternsOf(needle: Needle): { text: string; binary: string[]; base64: string[] } {
  if (needle.kind === 'text') {
    const escaped = needle.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return { text: `(?i)${escaped}`, binary: [`(?i)${escaped}`], base64: base64Runs(needle.value) };
  }
  const digits = nationalDigits(needle.e164);
  // encode(bytes, 'escape') shows a NUL byte as the four characters \000: UTF-16LE digits look like 3\0004\000…
  const utf16le = digits.split('').join('\\\\000');
  const variants = [
    digits,
    `+${parsePhoneNumberFromString(needle.e164)!.countryCallingCode}${digits}`,
    `00${parsePhoneNumberFromString(needle.e164)!.countryCallingCode}${digits}`,
  ];
  return { text: digits.split('').join(SEPARATORS), binary: [digits.split('').join(SEPARATORS), utf16le], base64: variants.flatMap(base64Runs) };
}

/** The base64 characters that `value` produces wherever it starts in a base64 stream (three alignments). */
function base64Runs(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const runs: string[] = [];
  for (let skip = 0; skip < 3; skip += 1) {
    const whole = Math.floor((bytes.length - skip) / 3) * 3;
    if (whole >= 6) runs.push(bytes.subarray(skip, skip + whole).toString('base64'));
  }
  return runs;
}

export async function searchDatabase(db: Executor, needle: Needle, agency: string): Promise<Hit[]> {
  const columns = await rowsOf<Column>(
    db,
    sql`select c.table_name, c.column_name, c.data_type from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
        where c.table_schema = 'public' and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')
        order by c.table_name, c.ordinal_position`,
  );
  const allColumns = await rowsOf<{ table_name: string; column_name: string }>(
    db,
    sql`select table_name, column_name from information_schema.columns where table_schema = 'public'`,
  );
  const has = (table: string, column: string) => allColumns.some((row) => row.table_name === table && row.column_name === column);
  const foreignKeys = await rowsOf<ForeignKey>(
    db,
    sql`select tc.table_name, kcu.column_name, ccu.table_name as parent, ccu.column_name as parent_column
        from information_schema.table_constraints tc
        join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
        join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
        where tc.table_schema = 'public' and tc.constraint_type = 'FOREIGN KEY'`,
  );

  /** Rows of `table` (aliased t) that are not another agency's. */
  function notAnotherAgencys(table: string): { condition: SQL; scope: string } {
    const agencyColumn = table === 'agencies' ? 'code' : has(table, 'agency_code') ? 'agency_code' : null;
    if (agencyColumn) return { condition: sql`coalesce(t.${sql.identifier(agencyColumn)}, ${agency}) = ${agency}`, scope: `own ${agencyColumn}` };
    const link = foreignKeys.find((fk) => fk.table_name === table && has(fk.parent, 'agency_code'));
    if (link) {
      return {
        condition: sql`not exists (select 1 from ${sql.identifier(link.parent)} p where p.${sql.identifier(link.parent_column)} = t.${sql.identifier(link.column_name)}
                         and coalesce(p.agency_code, ${agency}) <> ${agency})`,
        scope: `via ${link.column_name} → ${link.parent}`,
      };
    }
    // E-mail bytes are written before their e-mail's row exists: they name it without a foreign key.
    if (has(table, 'email_id')) {
      return {
        condition: sql`not exists (select 1 from inbound_emails p where p.id = t.email_id and coalesce(p.agency_code, ${agency}) <> ${agency})`,
        scope: 'via email_id → inbound_emails',
      };
    }
    if (has(table, 'call_sid')) {
      return {
        condition: sql`not exists (select 1 from calls p where p.call_sid = t.call_sid and coalesce(p.agency_code, ${agency}) <> ${agency})`,
        scope: 'via call_sid → calls',
      };
    }
    return { condition: sql`true`, scope: 'every row' };
  }

  const patterns = patternsOf(needle);
  const hits: Hit[] = [];
  for (const column of columns) {
    const value = sql`t.${sql.identifier(column.column_name)}`;
    const matches =
      column.data_type === 'bytea'
        ? sql.join(
            [
              ...patterns.binary.map((pattern) => sql`encode(${value}, 'escape') ~ ${pattern}`),
              ...patterns.base64.map((run) => sql`position(${run} in encode(${value}, 'escape')) > 0`),
            ],
            sql` or `,
          )
        : sql`${value}::text ~ ${patterns.text}`;
    const { condition, scope } = notAnotherAgencys(column.table_name);
    const [row] = await rowsOf<{ n: number }>(
      db,
      sql`select count(*)::int as n from ${sql.identifier(column.table_name)} t where ${value} is not null and (${matches}) and ${condition}`,
    );
    if (Number(row.n) > 0) hits.push({ table: column.table_name, column: column.column_name, rows: Number(row.n), scope });
  }
  return hits;
}

/** Files under DATA_DIR (journals, secrets, any stored mail) whose bytes contain the needle. */
export function searchFiles(directory: string, needle: Needle): string[] {
  const pattern =
    needle.kind === 'phone'
      ? new RegExp(nationalDigits(needle.e164).split('').join('[\\s./()-]*'))
      : new RegExp(needle.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const full = path.join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (pattern.test(readFileSync(full).toString('latin1'))) found.push(path.relative(directory, full));
    }
  };
  walk(directory);
  return found;
}
