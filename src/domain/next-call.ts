import { DateTime } from 'luxon';
import type { Category } from './routing.ts';

export type WaitingCall = Readonly<{
  callSid: string;
  queueName: string;
  category: Category;
  enqueuedAt: Date;
  /** The queue's priority: each point counts as a minute of extra wait. */
  queuePriority: number;
  /** Extra seconds of wait credited during the heating season: its category's boost (120 s for `heating` by default). */
  heatingBoostSeconds: number;
}>;

/** Month-day bounds, inclusive; may wrap the year (15 October – 15 April). */
export type HeatingSeason = Readonly<{ from: string; to: string }>;

/** Lombardy, climate zone E: heating may run from 15 October to 15 April (DPR 74/2013). */
export const DEFAULT_HEATING_SEASON: HeatingSeason = { from: '10-15', to: '04-15' };

export type PickRules = Readonly<{
  timezone: string;
  heatingSeason: HeatingSeason;
}>;

export const DEFAULT_PICK_RULES: PickRules = { timezone: 'Europe/Rome', heatingSeason: DEFAULT_HEATING_SEASON };

export function isHeatingSeason(season: HeatingSeason, instant: Date, timezone: string): boolean {
  const monthDay = DateTime.fromJSDate(instant, { zone: timezone }).toFormat('MM-dd');
  return season.from <= season.to ? monthDay >= season.from && monthDay <= season.to : monthDay >= season.from || monthDay <= season.to;
}

/**
 * The call an operator should take next: the one that has effectively waited longest, where
 * queue priority and (in season) the category's heating boost count as extra waiting time. Ties go to
 * the earliest arrival. Pure: the same inputs always pick the same call.
 */
export function pickNextCall(waiting: readonly WaitingCall[], now: Date, rules: PickRules = DEFAULT_PICK_RULES): WaitingCall | null {
  const inSeason = isHeatingSeason(rules.heatingSeason, now, rules.timezone);
  let best: WaitingCall | null = null;
  let bestScore = -Infinity;
  for (const call of waiting) {
    const waited = (now.getTime() - call.enqueuedAt.getTime()) / 1000;
    const score = waited + call.queuePriority * 60 + (inSeason ? call.heatingBoostSeconds : 0);
    if (score > bestScore || (score === bestScore && best && call.enqueuedAt < best.enqueuedAt)) {
      best = call;
      bestScore = score;
    }
  }
  return best;
}
