import { DateTime } from 'luxon';
import type { Clock } from '../../domain/clock.ts';
import type { Database, Executor } from '../../db/client.ts';
import { backgroundStep } from '../../util/callers-first.ts';
import { buildRollupCells } from '../../domain/kpi-cells.ts';
import { instantsOfDays, localSlot } from '../../domain/kpi.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import * as repo from './reports-repo.ts';

/**
 * The hourly rollup covers each agency's *sealed* days; reports read later days from `calls`.
 *
 * Why sealed days rather than updating the rollup on every webhook: the live path (a call coming
 * in, Twilio's 15 s clock running) stays free of report work, and today's few thousand calls are
 * cheap to count raw. A local day may be sealed once it ended SEAL_LAG ago (Twilio ends calls after
 * 4 hours by default): the reports module's sealer worker builds it from `calls` and moves the
 * watermark. Reports never seal; until the sealer has run they read those days from `calls`.
 *
 * A call of a sealed day that still changes (a late status callback, a step replayed from the
 * journal after a database outage) recomputes its whole local hour in the same transaction as the
 * change, from `calls`: right whatever happened before, the longest wait included, which a delta
 * could not take back. That hour is a few hundred rows at most, read through
 * `calls_agency_started_idx`. Calls younger than SEAL_LAG cannot belong to a sealed day, so live
 * traffic never pays for this.
 */
export const SEAL_LAG_MS = 6 * 3600_000;

// The calls of one local hour lie within this distance of any of them, even on the night the clocks
// go back (that hour happens twice).
const SLOT_REACH_MS = 3 * 3600_000;

export type CallRollup = Readonly<{
  /** Called by the call service after it changed a call, inside the same transaction. */
  afterCallChange(executor: Executor, call: { agencyCode: string | null; startedAt: Date }): Promise<void>;
  /**
   * The last local day the rollup holds (null: none), read without writing anything: days cut in
   * another zone than the agency's current one count as not sealed.
   */
  sealedThrough(db: Executor, agency: string): Promise<string | null>;
  /** Seals every day that may be sealed now; answers the last sealed local day (null: none yet). */
  seal(db: Database, agency: string, onMonth?: (chunk: { from: string; to: string }) => void): Promise<string | null>;
  /** Recompute sealed days [from, to] of one agency from `calls` (after rows were imported around the call service). */
  rebuildDays(
    db: Database,
    range: { agency: string; from: string; to: string },
    onMonth?: (chunk: { from: string; to: string }) => void,
  ): Promise<{ cells: number }>;
}>;

export function createCallRollup(deps: { directory: AgencyDirectory; clock: Clock; sealLagMs?: number }): CallRollup {
  const sealLagMs = deps.sealLagMs ?? SEAL_LAG_MS;
  const timezoneOf = (agency: string) => {
    const timezone = deps.directory.agency(agency)?.timezone;
    if (!timezone) throw new Error(`Unknown agency ${agency}`);
    return timezone;
  };

  /** Replaces the rollup rows of local days [from, to] with what `calls` says; caller holds the agency lock. */
  async function rebuildChunk(tx: Executor, agency: string, timezone: string, chunk: { from: string; to: string }): Promise<number> {
    const { start, end } = instantsOfDays(chunk.from, chunk.to, timezone);
    await repo.deleteRollupDays(tx, agency, chunk.from, chunk.to);
    const cells = buildRollupCells(await repo.factGroups(tx, { agency, timezone, start, end }));
    await repo.insertRollupCells(tx, agency, cells);
    return cells.length;
  }

  return {
    async afterCallChange(executor, call) {
      if (!call.agencyCode || deps.clock.now().getTime() - call.startedAt.getTime() < sealLagMs) return;
      const agency = call.agencyCode;
      const timezone = deps.directory.agency(agency)?.timezone;
      if (!timezone) return;
      const slot = localSlot(call.startedAt, timezone);
      // A savepoint when the executor is already a transaction, so the hour is replaced as a whole.
      await executor.transaction(async (tx) => {
        await repo.lockRollupSlot(tx, agency, slot);
        await repo.deleteRollupSlot(tx, agency, slot);
        const groups = await repo.factGroups(tx, {
          agency,
          timezone,
          start: new Date(call.startedAt.getTime() - SLOT_REACH_MS),
          end: new Date(call.startedAt.getTime() + SLOT_REACH_MS),
          slot,
        });
        await repo.insertRollupCells(tx, agency, buildRollupCells(groups));
      });
    },

    async sealedThrough(db, agency) {
      const timezone = deps.directory.agency(agency)?.timezone;
      const watermark = await repo.rollupWatermark(db, agency);
      // A watermark from before zones were recorded is taken as cut in the current zone, as seal() does.
      return watermark && timezone && (watermark.timezone ?? timezone) === timezone ? watermark.sealedThrough : null;
    },

    async seal(db, agency, onMonth) {
      const timezone = timezoneOf(agency);
      const now = deps.clock.now();
      const target = DateTime.fromMillis(now.getTime() - sealLagMs, { zone: timezone })
        .startOf('day')
        .minus({ days: 1 })
        .toISODate()!;
      const watermark = await repo.rollupWatermark(db, agency);
      // Days cut in another zone are other days: a changed zone seals everything again (a watermark
      // from before zones were recorded is taken as cut in the current one).
      const current = watermark && (watermark.timezone ?? timezone) === timezone ? watermark.sealedThrough : null;
      if (current !== null && current >= target) return current;
      let from: string;
      if (current !== null) {
        from = DateTime.fromISO(current, { zone: 'UTC' }).plus({ days: 1 }).toISODate()!;
      } else {
        const earliest = await repo.earliestCallAt(db, agency);
        // No call at all (a new agency, or one whose data was deleted at the end of its contract):
        // nothing to seal, and no watermark to leave behind for it.
        if (!earliest && !watermark) return null;
        from = earliest ? localSlot(earliest, timezone).date : target;
        if (watermark) await db.transaction((tx) => repo.deleteRollupOf(tx, agency));
      }
      // One transaction per month keeps memory flat and lets live traffic in between (callers first).
      for (const chunk of monthChunks(from, target)) {
        await backgroundStep(() =>
          db.transaction(async (tx) => {
            await repo.lockRollupAgency(tx, agency);
            const sealed = await repo.rollupWatermark(tx, agency);
            if (sealed !== null && (sealed.timezone ?? timezone) === timezone && sealed.sealedThrough >= chunk.to) return;
            await rebuildChunk(tx, agency, timezone, chunk);
            await repo.setRollupWatermark(tx, agency, { sealedThrough: chunk.to, timezone }, now);
          }),
        );
        onMonth?.(chunk);
      }
      if (from > target) await db.transaction((tx) => repo.setRollupWatermark(tx, agency, { sealedThrough: target, timezone }, now));
      return target;
    },

    async rebuildDays(db, range, onMonth) {
      const timezone = timezoneOf(range.agency);
      let cells = 0;
      for (const chunk of monthChunks(range.from, range.to)) {
        cells += await db.transaction(async (tx) => {
          await repo.lockRollupAgency(tx, range.agency);
          return rebuildChunk(tx, range.agency, timezone, chunk);
        });
        onMonth?.(chunk);
      }
      return { cells };
    },
  };
}

/** [from, to] cut at month ends; empty when from > to. */
export function monthChunks(from: string, to: string): { from: string; to: string }[] {
  const chunks: { from: string; to: string }[] = [];
  let start = DateTime.fromISO(from, { zone: 'UTC' });
  const last = DateTime.fromISO(to, { zone: 'UTC' });
  while (start <= last) {
    const monthEnd = start.endOf('month').startOf('day');
    const end = monthEnd < last ? monthEnd : last;
    chunks.push({ from: start.toISODate()!, to: end.toISODate()! });
    start = end.plus({ days: 1 });
  }
  return chunks;
}
