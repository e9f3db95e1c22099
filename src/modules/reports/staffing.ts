import { DateTime } from 'luxon';
import type { Staffing } from '../../contracts/reports.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertRole, scopeAgencies } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { operatorsNeeded } from '../../domain/erlang.ts';
import { notFound, validation } from '../../domain/errors.ts';
import type { HeatingSeason } from '../../domain/next-call.ts';
import { isHeatingSeason } from '../../domain/next-call.ts';
import type { Database } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import { backgroundTurn } from '../../util/callers-first.ts';
import * as repo from './staffing-repo.ts';

export const STAFFING_MAX_WEEKS = 26;
const HALF_HOUR_SECONDS = 1800;
/** How far back the days of a season are looked for (a heating season needs last winter in summer). */
const LOOKBACK_DAYS = 3 * 366;
/** Fewer callers who hung up than this over the days, and their patience is not known well enough for Erlang A. */
const MIN_ABANDONED_FOR_PATIENCE = 20;
/** Fewer answered calls than this in a half-hour: its handle time is the whole period's, not its own noise. */
const MIN_ANSWERED_FOR_OWN_HANDLE_TIME = 5;

export type StaffingSeason = 'current' | 'heating' | 'other';
export type StaffingEstimate = ReturnType<typeof createStaffing>;

/**
 * Operators needed per half-hour of the week, for one agency or for the whole center the viewer
 * serves (one pool of operators answering every agency's queues), from the last weeks' arrivals
 * and handle times of the same season (heating or not), against the operators actually logged in.
 */
export function createStaffing(deps: { db: Database; directory: AgencyDirectory; clock: Clock; heatingSeason: HeatingSeason; wrapUpLimitSeconds: number }) {
  const { db, directory, clock } = deps;

  return async function staffing(actor: Actor, query: { agency?: string; weeks: number; season: StaffingSeason }): Promise<Staffing> {
    assertRole(actor, 'supervisor', 'admin');
    if (query.weeks < 1 || query.weeks > STAFFING_MAX_WEEKS) throw validation(`weeks must be 1–${STAFFING_MAX_WEEKS}`);
    const codes = scopeAgencies(actor, query.agency);
    const agencies = codes.map((code) => directory.agency(code)).filter((agency) => agency !== undefined);
    if (agencies.length === 0) throw notFound('Agency');
    const timezone = agencies[0].timezone;
    // The center's pool meets the strictest promise among its agencies.
    const targetPct = Math.max(...agencies.map((agency) => agency.serviceLevelTargetPct));
    const targetSeconds = Math.min(...agencies.map((agency) => agency.serviceLevelSeconds));

    const today = DateTime.fromJSDate(clock.now(), { zone: timezone }).startOf('day');
    const heating = query.season === 'current' ? isHeatingSeason(deps.heatingSeason, clock.now(), timezone) : query.season === 'heating';
    const days: string[] = [];
    for (let back = 1; back <= LOOKBACK_DAYS && days.length < query.weeks * 7; back++) {
      const day = today.minus({ days: back });
      if (isHeatingSeason(deps.heatingSeason, day.plus({ hours: 12 }).toJSDate(), timezone) === heating) days.push(day.toISODate()!);
    }
    const scope = { agencies: codes, days, timezone };
    const [facts, wrapUp, logged, patience] = await Promise.all([
      repo.slotFacts(db, scope),
      repo.averageWrapUpSeconds(db, { ...scope, limitSeconds: deps.wrapUpLimitSeconds }),
      repo.loggedInPerSlot(db, scope),
      repo.patienceFacts(db, scope),
    ]);
    // Exponential patience, estimated with the waits of those who stayed counted too (censored): the standard estimate.
    const patienceSeconds =
      patience.abandoned >= MIN_ABANDONED_FOR_PATIENCE && patience.waitedSeconds > 0 ? Math.round(patience.waitedSeconds / patience.abandoned) : null;

    // How many of the days fall on each weekday: arrivals are averaged per day of that weekday.
    const daysPerWeekday = new Map<number, number>();
    for (const day of days) {
      const weekday = DateTime.fromISO(day).weekday;
      daysPerWeekday.set(weekday, (daysPerWeekday.get(weekday) ?? 0) + 1);
    }
    const answered = facts.reduce((sum, fact) => sum + fact.answered, 0);
    const talk = facts.reduce((sum, fact) => sum + fact.talkSeconds, 0);
    const wrapSeconds = wrapUp ?? 0;
    const periodHandle = answered > 0 ? talk / answered + wrapSeconds : null;
    const byKey = new Map(facts.map((fact) => [`${fact.weekday}:${fact.slot}`, fact]));
    const loggedByKey = new Map(logged.map((row) => [`${row.weekday}:${row.slot}`, row.operators]));

    const slots: Staffing['slots'] = [];
    for (let weekday = 1; weekday <= 7; weekday++) {
      const count = daysPerWeekday.get(weekday) ?? 0;
      // Erlang A takes a few milliseconds a half-hour: callers being answered go first between days.
      await backgroundTurn();
      for (let slot = 0; slot < 48; slot++) {
        const fact = byKey.get(`${weekday}:${slot}`);
        const calls = fact && count > 0 ? fact.offered / count : 0;
        const handleSeconds = fact && fact.answered >= MIN_ANSWERED_FOR_OWN_HANDLE_TIME ? fact.talkSeconds / fact.answered + wrapSeconds : (periodHandle ?? 0);
        const need = operatorsNeeded({ calls, intervalSeconds: HALF_HOUR_SECONDS, handleSeconds, targetPct, targetSeconds, patienceSeconds });
        slots.push({
          weekday,
          start: `${String(Math.floor(slot / 2)).padStart(2, '0')}:${slot % 2 === 0 ? '00' : '30'}`,
          calls: round(calls, 2),
          handleSeconds: Math.round(handleSeconds),
          traffic: round(need.traffic, 3),
          operatorsNeeded: need.agents,
          serviceLevelPct: round(need.serviceLevelPct, 1),
          occupancyPct: round(need.occupancyPct, 1),
          operatorsLoggedIn: round(loggedByKey.get(`${weekday}:${slot}`) ?? 0, 2),
        });
      }
    }
    return {
      agency: query.agency ?? null,
      agencies: [...codes],
      timezone,
      season: heating ? 'heating' : 'other',
      days: { count: days.length, from: days.at(-1) ?? null, to: days[0] ?? null },
      target: { pct: targetPct, seconds: targetSeconds },
      wrapUpSeconds: Math.round(wrapSeconds),
      handleSeconds: periodHandle === null ? null : Math.round(periodHandle),
      model: { kind: patienceSeconds === null ? 'erlang-c' : 'erlang-a', patienceSeconds, abandonedCalls: patience.abandoned },
      slots,
    };
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
