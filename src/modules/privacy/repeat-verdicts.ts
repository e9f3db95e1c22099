import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { rowsOf } from '../../db/raw-sql.ts';
import { isIdentifiableCaller, REPEAT_WINDOW_DAYS, repeatCallFlags } from '../../domain/repeat-calls.ts';
import { texts } from './privacy-sql.ts';

/**
 * Before the numbers of `callSids` are erased: every call of the agency from those numbers gets its
 * repeat-call verdict stored (`calls.repeat_call`), decided by the domain rule over all of that
 * number's calls, so that the repeat calls of every report read the same after the erasure (the
 * reports read a stored verdict before the numbers). Only one number's calls can repeat one
 * another, so no other call's verdict depends on these numbers. Verdicts already stored stay.
 */
export async function freezeRepeatVerdicts(tx: Executor, agency: string, callSids: readonly string[]): Promise<void> {
  if (callSids.length === 0) return;
  const rows = await rowsOf<{ call_sid: string; from_number: string; started_at: string | Date; repeat_call: boolean | null }>(
    tx,
    sql`select c.call_sid, c.from_number, c.started_at, c.repeat_call from calls c
        where c.agency_code = ${agency} and c.from_number is not null
          and c.from_number in (select e.from_number from calls e where e.agency_code = ${agency} and e.call_sid = any(${texts(callSids)}) and e.from_number is not null)
        order by c.started_at, c.call_sid`,
  );
  const flags = repeatCallFlags(
    rows.map((row) => ({ from: row.from_number, startedAt: new Date(row.started_at) })),
    REPEAT_WINDOW_DAYS,
  );
  // A withheld number is nobody's: it never repeats and never counts, before or after.
  const undecided = rows.flatMap((row, index) =>
    row.repeat_call === null && isIdentifiableCaller(row.from_number) ? [{ callSid: row.call_sid, repeat: flags[index]! }] : [],
  );
  for (const repeat of [true, false]) {
    const sids = undecided.filter((row) => row.repeat === repeat).map((row) => row.callSid);
    if (sids.length > 0) {
      await tx.execute(sql`update calls set repeat_call = ${repeat} where agency_code = ${agency} and call_sid = any(${texts(sids)}) and repeat_call is null`);
    }
  }
}
