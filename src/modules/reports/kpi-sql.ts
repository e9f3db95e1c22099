import { getTableColumns, sql } from 'drizzle-orm';
import type { AnyColumn, SQL } from 'drizzle-orm';
import { callRollupHourly, calls } from '../../db/schema/index.ts';
import type { CellTerm } from '../../domain/kpi-cells.ts';
import { CELL_READINGS } from '../../domain/kpi-cells.ts';
import type { CallSelection, CallTally, CallValue, KpiParameters, TallyDefinition, TallyName } from '../../domain/kpi-definitions.ts';
import { CALL_TALLIES, comparisonOf, outcomesOf } from '../../domain/kpi-definitions.ts';

/**
 * The report SQL of every tally, generated from its one declaration (CALL_TALLIES in
 * src/domain/kpi-definitions.ts): Postgres does the counting, over the raw calls or the hourly
 * rollup, and answers one column per tally, named after it. The pure readings (`tallyCall`,
 * `tallyOfCell`) come from the same declarations; tests hold all of them to the same answers.
 */

/** A call's wait as `waitOf` (src/domain/kpi.ts) takes it: unreported is 0 s, never negative. */
export const CALL_WAIT = sql`greatest(coalesce(${calls.queueTimeSeconds}, 0), 0)`;

/** What a raw-call query selects for the tallies: outcome `o`, wait `w`, talk `t`. */
export const RAW_CALL_COLUMNS = sql`${calls.outcome} as o, ${CALL_WAIT} as w, ${calls.talkSeconds} as t`;

const RAW_VALUE: Readonly<Record<CallValue, SQL>> = { wait: sql`w`, talk: sql`t` };

export const inList = (values: readonly string[]) =>
  sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  );

/** The calls of one selection as a condition on `o` and `w`; null: every call. */
function selectionCondition(selection: CallSelection, params: KpiParameters): SQL | null {
  const parts: SQL[] = [];
  const outcomes = outcomesOf(selection.set);
  if (outcomes !== null) parts.push(sql`o in (${inList(outcomes)})`);
  if (selection.wait) {
    const { op, param } = comparisonOf(selection.wait);
    parts.push(sql`w ${sql.raw(op)} ${params[param]}::int`);
  }
  return parts.length === 0 ? null : sql.join(parts, sql` and `);
}

function tallyCondition(definition: TallyDefinition, params: KpiParameters): SQL | null {
  const conditions = definition.of.map((selection) => selectionCondition(selection, params));
  if (conditions.some((condition) => condition === null)) return null;
  if (conditions.length === 1) return conditions[0];
  return sql.join(
    conditions.map((condition) => sql`(${condition})`),
    sql` or `,
  );
}

function rawAggregate(definition: TallyDefinition, params: KpiParameters): SQL {
  const condition = tallyCondition(definition, params);
  const filter = condition === null ? sql`` : sql` filter (where ${condition})`;
  const value = definition.value === undefined ? sql`*` : RAW_VALUE[definition.value];
  if (definition.aggregate === 'count') return sql`(count(${value})${filter})::int`;
  if (definition.aggregate === 'sum') return sql`coalesce(sum(${value})${filter}, 0)::float8`;
  return sql`(max(${value})${filter})::int`;
}

/** The tallies over rows that have RAW_CALL_COLUMNS, one output column per tally. */
export function rawTallyColumns(params: KpiParameters, names: readonly TallyName[]): SQL {
  return sql.join(
    names.map((name) => sql`${rawAggregate(CALL_TALLIES[name], params)} as ${sql.identifier(name)}`),
    sql`, `,
  );
}

const ROLLUP_COLUMNS = getTableColumns(callRollupHourly) as Record<string, AnyColumn>;

function rollupColumn(field: string): AnyColumn {
  const column = ROLLUP_COLUMNS[field];
  if (!column) throw new Error(`call_rollup_hourly has no column for ${field} (ROLLUP_STORE, src/domain/kpi-cells.ts)`);
  return column;
}

/** Calls with wait <= index - 1 from a 1-based cumulative array; past its end, all of them. */
function countUpTo(term: Extract<CellTerm, { counts: unknown }>, index: number): SQL {
  if (index < 1) return sql`0`;
  return sql`coalesce(${rollupColumn(term.counts)}[${index}::int], ${rollupColumn(term.all)})`;
}

function termOfRow(term: CellTerm, params: KpiParameters): SQL {
  switch (term.read) {
    case 'field':
      return sql`${rollupColumn(term.field)}`;
    case 'waitUpTo':
      // Element s (0-based) is element s + 1 of a Postgres array.
      return countUpTo(term, params[term.param] + term.offset + 1);
    case 'waitFrom':
      return sql`(${rollupColumn(term.all)} - ${countUpTo(term, params[term.param])})`;
    case 'maxFrom': {
      const longest = rollupColumn(term.field);
      return sql`case when ${longest} >= ${params[term.param]}::int then ${longest} end`;
    }
  }
}

const READING_OF = new Map(CELL_READINGS.map((reading) => [reading.name, reading]));

// Every field a reading uses must be a column of the table: found out at start, not at the first report.
for (const { terms } of CELL_READINGS) {
  for (const term of terms) for (const field of 'field' in term ? [term.field] : [term.counts, term.all]) rollupColumn(field);
}

/** Each tally of one rollup row, named after it (thresholds applied); to be summed by `rollupTallyColumns`. */
export function rollupRowColumns(params: KpiParameters, names: readonly TallyName[]): SQL {
  return sql.join(
    names.map((name) => {
      const reading = READING_OF.get(name)!;
      const terms = reading.terms.map((term) => termOfRow(term, params));
      const value =
        terms.length === 1 ? terms[0] : reading.aggregate === 'max' ? sql`greatest(${sql.join(terms, sql`, `)})` : sql`(${sql.join(terms, sql` + `)})`;
      return sql`${value} as ${sql.identifier(name)}`;
    }),
    sql`, `,
  );
}

/** The tallies over rows that have `rollupRowColumns`, one output column per tally. */
export function rollupTallyColumns(names: readonly TallyName[]): SQL {
  return sql.join(
    names.map((name) => {
      const column = sql.identifier(name);
      const { aggregate } = CALL_TALLIES[name] as TallyDefinition;
      if (aggregate === 'max') return sql`max(${column})::int as ${column}`;
      return sql`coalesce(sum(${column}), 0)::${sql.raw(aggregate === 'count' ? 'int' : 'float8')} as ${column}`;
    }),
    sql`, `,
  );
}

/** The tallies of one answered row (either kind of query); drivers may answer numbers as strings. */
export function talliesOfRow<N extends TallyName>(row: Record<string, unknown>, names: readonly N[]): Pick<CallTally, N> {
  const tallies = {} as Record<N, number | null>;
  for (const name of names) {
    const value = row[name];
    tallies[name] = CALL_TALLIES[name].aggregate === 'max' && value === null ? null : Number(value);
  }
  return tallies as Pick<CallTally, N>;
}
