import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { callRollupHourly, calls } from '../../db/schema/index.ts';
import type { CellTerm } from '../../domain/kpi-cells.ts';
import { CELL_READINGS } from '../../domain/kpi-cells.ts';
import type { CallSelection, CallValue, KpiParameter, KpiParameters, TallyDefinition, TallyName } from '../../domain/kpi-definitions.ts';
import { CALL_TALLIES, comparisonOf, outcomesOf } from '../../domain/kpi-definitions.ts';

/**
 * The report SQL of every tally, generated from its one declaration (CALL_TALLIES in
 * src/domain/kpi-definitions.ts): Postgres does the counting, over the raw calls or the hourly
 * rollup, and answers one column per tally, named after it. The pure readings (`tallyCall`,
 * `tallyOfCell`) come from the same declarations; tests hold all of them to the same answers.
 *
 * Each list of tallies is compiled once into SQL text with holes for the report's thresholds, the
 * only parameters, so that a query renders a handful of chunks rather than a drizzle fragment per
 * tally, outcome and column: the generated queries cost no more to build than the hand-written ones.
 */

/** A call's wait as `waitOf` (src/domain/kpi.ts) takes it: unreported is 0 s, never negative. */
export const CALL_WAIT = sql`greatest(coalesce(${calls.queueTimeSeconds}, 0), 0)`;

/** What a raw-call query selects for the tallies: outcome `o`, wait `w`, talk `t`. */
export const RAW_CALL_COLUMNS = sql`${calls.outcome} as o, ${CALL_WAIT} as w, ${calls.talkSeconds} as t`;

export const inList = (values: readonly string[]) =>
  sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  );

/** SQL text with holes filled from the report's thresholds when a query is made. */
type Hole = (params: KpiParameters) => SQL;
type Template = readonly (string | Hole)[];

/** Concatenates pieces, merging neighbouring text so that a query renders few chunks. */
function template(...pieces: readonly (string | Hole | Template)[]): Template {
  const out: (string | Hole)[] = [];
  for (const piece of pieces.flatMap((part) => (Array.isArray(part) ? part : [part])) as (string | Hole)[]) {
    if (typeof piece === 'string' && typeof out[out.length - 1] === 'string') out[out.length - 1] += piece;
    else out.push(piece);
  }
  return out;
}

function joined(templates: readonly Template[], separator: string): Template {
  return template(...templates.flatMap((part, index) => (index === 0 ? [part] : [separator, part])));
}

function fill(compiled: Template, params: KpiParameters): SQL {
  return sql.join(compiled.map((piece) => (typeof piece === 'string' ? sql.raw(piece) : piece(params))));
}

const threshold =
  (param: KpiParameter): Hole =>
  (params) =>
    sql`${params[param]}::int`;

// Outcomes and names are constants of the code, written into the text; only thresholds are bound.
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;
const identifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/* ---------- over the raw calls ---------- */

const RAW_VALUE: Readonly<Record<CallValue, string>> = { wait: 'w', talk: 't' };

/** The calls of one selection as a condition on `o` and `w`; null: every call. */
function selectionCondition(selection: CallSelection): Template | null {
  const parts: Template[] = [];
  const outcomes = outcomesOf(selection.set);
  if (outcomes !== null) parts.push([`o in (${outcomes.map(literal).join(', ')})`]);
  if (selection.wait) {
    const { op, param } = comparisonOf(selection.wait);
    parts.push(template(`w ${op} `, threshold(param)));
  }
  return parts.length === 0 ? null : joined(parts, ' and ');
}

function tallyCondition(definition: TallyDefinition): Template | null {
  const conditions = definition.of.map(selectionCondition);
  if (conditions.some((condition) => condition === null)) return null;
  if (conditions.length === 1) return conditions[0];
  return joined(
    (conditions as Template[]).map((condition) => template('(', condition, ')')),
    ' or ',
  );
}

function rawAggregate(definition: TallyDefinition): Template {
  const condition = tallyCondition(definition);
  const filter = condition === null ? [] : template(' filter (where ', condition, ')');
  const value = definition.value === undefined ? '*' : RAW_VALUE[definition.value];
  if (definition.aggregate === 'count') return template(`(count(${value})`, filter, ')::int');
  if (definition.aggregate === 'sum') return template(`coalesce(sum(${value})`, filter, ', 0)::float8');
  return template(`(max(${value})`, filter, ')::int');
}

/* ---------- over the hourly rollup ---------- */

const ROLLUP_COLUMNS: Readonly<Record<string, { name: string }>> = getTableColumns(callRollupHourly);

/** A rollup field as a qualified column; a field the table lacks is found out at start. */
function rollupColumn(field: string): string {
  const column = ROLLUP_COLUMNS[field];
  if (!column) throw new Error(`call_rollup_hourly has no column for ${field} (ROLLUP_STORE, src/domain/kpi-cells.ts)`);
  return `${identifier(getTableName(callRollupHourly))}.${identifier(column.name)}`;
}

/** Calls that waited at most params[param] + offset seconds, from the set's cumulative counts. */
function waitUpTo(term: Extract<CellTerm, { counts: string }>, offset: number): Hole {
  const counts = rollupColumn(term.counts);
  const all = rollupColumn(term.all);
  return (params) => {
    // Element s (0-based) is element s + 1 of a Postgres array; past its end, every call qualifies.
    const index = params[term.param] + offset + 1;
    return index < 1 ? sql.raw('0') : sql`coalesce(${sql.raw(counts)}[${index}::int], ${sql.raw(all)})`;
  };
}

function termOfRow(term: CellTerm): Template {
  switch (term.read) {
    case 'field':
      return [rollupColumn(term.field)];
    case 'waitUpTo':
      return [waitUpTo(term, term.offset)];
    case 'waitFrom':
      return template(`(${rollupColumn(term.all)} - `, waitUpTo(term, -1), ')');
    case 'maxFrom': {
      const longest = rollupColumn(term.field);
      return template(`case when ${longest} >= `, threshold(term.param), ` then ${longest} end`);
    }
  }
}

const READING_OF = new Map(CELL_READINGS.map((reading) => [reading.name, reading]));

function rowTally(name: TallyName): Template {
  const reading = READING_OF.get(name)!;
  const terms = reading.terms.map(termOfRow);
  if (terms.length === 1) return terms[0];
  return reading.aggregate === 'max' ? template('greatest(', joined(terms, ', '), ')') : template('(', joined(terms, ' + '), ')');
}

function summedTally(name: TallyName): Template {
  const column = identifier(name);
  const { aggregate } = CALL_TALLIES[name] as TallyDefinition;
  if (aggregate === 'max') return [`max(${column})::int as ${column}`];
  return [`coalesce(sum(${column}), 0)::${aggregate === 'count' ? 'int' : 'float8'} as ${column}`];
}

// Every reading compiled now: a tally the rollup table cannot answer stops the app at start.
const COMPILED = {
  raw: new Map<TallyName, Template>(),
  row: new Map<TallyName, Template>(),
  summed: new Map<TallyName, Template>(),
};
for (const name of READING_OF.keys()) {
  COMPILED.raw.set(name, template(rawAggregate(CALL_TALLIES[name]), ` as ${identifier(name)}`));
  COMPILED.row.set(name, template(rowTally(name), ` as ${identifier(name)}`));
  COMPILED.summed.set(name, summedTally(name));
}

const lists = new Map<string, Template>();

/** The compiled columns of some tallies, joined once per list (the lists are constants of the code). */
function columnsOf(kind: keyof typeof COMPILED, names: readonly TallyName[]): Template {
  const key = `${kind}:${names.join(',')}`;
  let compiled = lists.get(key);
  if (!compiled) {
    compiled = joined(
      names.map((name) => COMPILED[kind].get(name)!),
      ', ',
    );
    lists.set(key, compiled);
  }
  return compiled;
}

/** The tallies over rows that have RAW_CALL_COLUMNS, one output column per tally. */
export function rawTallyColumns(params: KpiParameters, names: readonly TallyName[]): SQL {
  return fill(columnsOf('raw', names), params);
}

/** Each tally of one rollup row, named after it (thresholds applied); to be summed by `rollupTallyColumns`. */
export function rollupRowColumns(params: KpiParameters, names: readonly TallyName[]): SQL {
  return fill(columnsOf('row', names), params);
}

/** The tallies over rows that have `rollupRowColumns`, one output column per tally. */
export function rollupTallyColumns(names: readonly TallyName[]): SQL {
  return fill(columnsOf('summed', names), {} as KpiParameters);
}
