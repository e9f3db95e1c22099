import { backgroundStep } from '../../util/callers-first.ts';
import { DateTime } from 'luxon';
import { monthChunks } from './call-rollup.ts';

/**
 * Report reads cut into short statements, with a turn of the event loop after each one, in which
 * a caller being answered goes first (src/util/callers-first.ts).
 *
 * On PGlite (embedded Postgres compiled to WebAssembly) a statement executes on this very thread:
 * while it runs, no webhook is answered. A year of raw calls in one statement held the loop for
 * hundreds of milliseconds; a week of raw calls, or a month of the hourly rollup, stays within a
 * few tens. Awaiting PGlite alone never yields (its promises settle as microtasks), hence the
 * explicit turn. On native Postgres the statements run elsewhere and the cut costs a round trip
 * per piece.
 */

export type DayChunk = Readonly<{ from: string; to: string }>;

/** Days of raw calls per statement. */
export const RAW_CHUNK_DAYS = 7;

/** [from, to] in pieces of at most `days` local days, never across a month end (so monthly sums stay whole per piece). */
export function dayChunks(from: string, to: string, days: number): DayChunk[] {
  const chunks: DayChunk[] = [];
  for (const month of monthChunks(from, to)) {
    let start = DateTime.fromISO(month.from, { zone: 'UTC' });
    const last = DateTime.fromISO(month.to, { zone: 'UTC' });
    while (start <= last) {
      const end = DateTime.min(start.plus({ days: days - 1 }), last);
      chunks.push({ from: start.toISODate()!, to: end.toISODate()! });
      start = end.plus({ days: 1 });
    }
  }
  return chunks;
}

/** Runs `read` over each piece in order, each a background step (callers first); answers every result. */
export async function readPaced<T>(chunks: readonly DayChunk[], read: (chunk: DayChunk) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (const chunk of chunks) results.push(await backgroundStep(() => read(chunk)));
  return results;
}
