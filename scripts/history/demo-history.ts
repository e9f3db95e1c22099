import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Database } from '../../src/db/client.ts';
import type { Clock } from '../../src/domain/clock.ts';
import { createAgencyDirectory } from '../../src/modules/agencies/agency-directory.ts';
import { createCallRollup, monthChunks } from '../../src/modules/reports/call-rollup.ts';
import type { HistoryAgency } from './synthetic-calls.ts';
import { HISTORY_TIMEZONE, insertMonth, planDays, prng, rowsOf } from './synthetic-calls.ts';

/** Marks the generated calls (`CB…` CallSids, Twilio's are `CA…`), so that they can be found and replaced. */
const SYNTHETIC_CALLS = sql`call_sid like 'CB%'`;
const SYNTHETIC_EMAILS = sql`raw_sha256 like 'history-%'`;

export type HistoryProgress = Readonly<{
  planned(total: number): void;
  month(agency: string, month: string, calls: number): void;
  sealing(agency: string): void;
}>;

export type DemoHistoryResult = Readonly<{ from: string; to: string; calls: Readonly<Record<string, number>>; emails: number }>;

export class HistoryExistsError extends Error {}

/**
 * Fills `years` of plausible history, up to the day before `clock.now()` (the demo clock's date),
 * for every agency with a numero verde and a landline: calls to its numbers (a portfolio's own number
 * takes a share), the heating season, the weekly and daily shape, e-mails; then brings the report
 * rollup up to date, so that trends, statements and staffing have something to show. Refuses a
 * database that already has a generated history unless `replace`.
 */
export async function fillDemoHistory(
  db: Database,
  options: Readonly<{ clock: Clock; years: number; callsPerDay: number; seed: number; replace: boolean; progress?: HistoryProgress }>,
): Promise<DemoHistoryResult> {
  const directory = await createAgencyDirectory(db);
  const agencies = historyAgencies(directory);
  if (agencies.length === 0) throw new Error('No agency with a numero verde and a landline: start the server once (`npm start`) to create the demo.');
  const today = DateTime.fromJSDate(options.clock.now(), { zone: HISTORY_TIMEZONE });
  const to = today.minus({ days: 1 }).toISODate()!;
  const from = today.minus({ years: options.years }).toISODate()!;

  const [{ earliest }] = rowsOf(await db.execute(sql`select min(started_at) as earliest from calls where ${SYNTHETIC_CALLS}`));
  // The report rollup is rebuilt over the old history's days too, or its figures would outlive it.
  let rebuildFrom = from;
  if (earliest) {
    if (!options.replace) throw new HistoryExistsError('A generated history is already there: pass --replace to generate it again.');
    const old = DateTime.fromJSDate(new Date(earliest as string | Date), { zone: HISTORY_TIMEZONE }).toISODate()!;
    if (old < rebuildFrom) rebuildFrom = old;
    await db.execute(sql`delete from calls where ${SYNTHETIC_CALLS}`);
    await db.execute(sql`delete from inbound_emails where ${SYNTHETIC_EMAILS}`);
  }
  const days = DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days + 1;
  const random = prng(options.seed);
  const plans = agencies.map((agency) => ({ agency, days: planDays(Math.round((options.callsPerDay * days) / agencies.length), from, to, random) }));
  options.progress?.planned(plans.reduce((sum, plan) => sum + plan.days.reduce((calls, day) => calls + day.calls, 0), 0));

  const calls: Record<string, number> = {};
  let emails = 0;
  let nextId = 1;
  for (const { agency, days: plan } of plans) {
    calls[agency.code] = 0;
    for (const chunk of monthChunks(from, to)) {
      const month = plan.filter((day) => day.day >= chunk.from && day.day <= chunk.to);
      const result = await insertMonth(db, agency, month, {
        firstId: nextId,
        month: DateTime.fromISO(chunk.from).month,
        emailRatio: 0.08,
        emailMix: 'demo',
        random,
      });
      nextId += result.calls;
      calls[agency.code] += result.calls;
      emails += result.emails;
      options.progress?.month(agency.code, chunk.from.slice(0, 7), result.calls);
    }
  }

  // Days the rollup had sealed already (with no calls) are rebuilt; the rest are sealed as usual.
  const rollup = createCallRollup({ directory, clock: options.clock });
  for (const { agency } of plans) {
    options.progress?.sealing(agency.code);
    const sealed = await rollup.sealedThrough(db, agency.code);
    if (sealed !== null && sealed >= rebuildFrom) await rollup.rebuildDays(db, { agency: agency.code, from: rebuildFrom, to: sealed < to ? sealed : to });
    await rollup.seal(db, agency.code);
  }
  return { from, to, calls, emails };
}

/** The agencies whose lines a history can be played on: a numero verde and a landline of its own stock, and a portfolio's number if any. */
function historyAgencies(directory: Awaited<ReturnType<typeof createAgencyDirectory>>): HistoryAgency[] {
  return directory.agencyCodes().flatMap((code) => {
    const numbers = directory.numbersOf(code);
    const numeroVerde = numbers.find((number) => number.kind === 'numero_verde' && number.portfolioId === null);
    const landline = numbers.find((number) => number.kind === 'landline' && number.portfolioId === null);
    if (!numeroVerde || !landline) return [];
    const portfolio = numbers.find((number) => number.portfolioId !== null);
    return [
      {
        code,
        numeroVerde: numeroVerde.e164,
        landline: landline.e164,
        ...(portfolio ? { portfolio: { id: portfolio.portfolioId!, number: portfolio.e164, share: 0.15 } } : {}),
      },
    ];
  });
}
