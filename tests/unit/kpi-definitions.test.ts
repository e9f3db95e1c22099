import { getTableColumns } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { callRollupHourly } from '../../src/db/schema/index.ts';
import { buildRollupCells, CELL_READINGS } from '../../src/domain/kpi-cells.ts';
import { TALLY_NAMES } from '../../src/domain/kpi-definitions.ts';
import { rawTallyColumns, rollupRowColumns } from '../../src/modules/reports/kpi-sql.ts';

const PARAMS = { serviceLevelSeconds: 20, shortAbandonSeconds: 5 };
const dialect = new PgDialect();

describe('the tally declarations', () => {
  it('can all be read from a rollup cell', () => {
    expect(CELL_READINGS.map((reading) => reading.name)).toEqual(TALLY_NAMES);
  });

  it('fill every column of call_rollup_hourly but the agency, and nothing else', () => {
    const [cell] = buildRollupCells([
      {
        localDate: '2026-01-15',
        localHour: 9,
        category: 'heating',
        numberKind: 'landline',
        portfolioId: 'comune-di-pavia',
        outcome: 'answered',
        waitSeconds: 3,
        count: 1,
        talkSum: 60,
        talkCount: 1,
      },
    ]);
    const columns = Object.keys(getTableColumns(callRollupHourly)).filter((column) => column !== 'agencyCode');
    expect(Object.keys(cell).sort()).toEqual(columns.sort());
    expect(Object.values(cell).every((value) => value !== undefined)).toBe(true);
  });

  it('render as filtered aggregates over the raw calls and array reads of the rollup', () => {
    const raw = dialect.sqlToQuery(rawTallyColumns(PARAMS, ['shortAbandoned', 'maxWaitSeconds']));
    expect(raw.sql).toBe(
      `(count(*) filter (where o in ('abandoned', 'short_abandoned') and w < $1::int))::int as "shortAbandoned", ` +
        `(max(w) filter (where (o in ('answered')) or (o in ('abandoned', 'short_abandoned') and w >= $2::int)))::int as "maxWaitSeconds"`,
    );
    expect(raw.params).toEqual([5, 5]);
    const rollup = dialect.sqlToQuery(rollupRowColumns(PARAMS, ['answeredWithinServiceLevel']));
    expect(rollup.sql).toBe('coalesce("call_rollup_hourly"."answered_wait_le"[$1::int], "call_rollup_hourly"."answered") as "answeredWithinServiceLevel"');
    expect(rollup.params).toEqual([21]);
  });
});
