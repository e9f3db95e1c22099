import { DateTime } from 'luxon';
import type { Actor } from '../../domain/actor.ts';
import { assertRole, isStaff } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Database } from '../../db/client.ts';
import type { AgencyToday, LiveAgency, LiveCall, LiveOperator, LiveRole, LiveState } from '../../contracts/live.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import { publicCall } from '../calls/calls-service.ts';
import * as repo from './live-repo.ts';
import { ABANDON_AMBER_PCT, ABANDON_RED_PCT } from '../../domain/wall-tones.ts';

/** What the operators module tells the live view: staff with their presence, and the queues each answers. */
export type OperatorDirectory = Readonly<{
  listOperators(actor: Actor, query: { agency?: string }): Promise<{ items: readonly StaffPresence[] }>;
  queuesServedBy(username: string): Promise<readonly string[]>;
}>;

export type StaffPresence = Readonly<{ username: string; displayName: string; role: string; presence: string; location: string | null; since: string | null }>;

/** One agency's figures over whole local days, as the reports compute them (CONTRACT §7). */
export type DayTotals = (agency: string, day: string) => Promise<Omit<AgencyToday, 'date'>>;

export type LiveServiceDeps = Readonly<{
  db: Database;
  directory: AgencyDirectory;
  clock: Clock;
  operators: OperatorDirectory;
  /** The reports module's figures: the wallboard's "today" equals the day's report, to the call. */
  dayTotals: DayTotals;
  /** A caller waiting longer than this raises the wallboard alert. */
  waitAlertSeconds?: number;
  /** The incidents module: an agency's open incidents and the calls they answered since the start of its day. */
  incidentsToday?: (agency: string, since: Date) => Promise<{ open: number; callsAnsweredToday: number }>;
}>;

/** Calls that started longer ago than this and never reported an end are not shown as in progress. */
const ACTIVE_WINDOW_MS = 6 * 60 * 60 * 1000;

export type LiveService = ReturnType<typeof createLiveService>;

/**
 * The live read model: what is happening now (calls in progress, operators) and today's figures
 * per agency. Screens load it once and then follow the realtime events.
 */
export function createLiveService(deps: LiveServiceDeps) {
  const { db, directory, clock } = deps;
  const waitAlertSeconds = deps.waitAlertSeconds ?? 120;

  async function today(code: string, now: Date): Promise<AgencyToday> {
    const timezone = directory.agency(code)?.timezone ?? 'Europe/Rome';
    const date = DateTime.fromJSDate(now, { zone: timezone }).toISODate()!;
    return { date, ...(await deps.dayTotals(code, date)) };
  }

  function startOfDay(code: string, now: Date): Date {
    return DateTime.fromJSDate(now, { zone: directory.agency(code)?.timezone ?? 'Europe/Rome' })
      .startOf('day')
      .toJSDate();
  }

  return {
    /** The live state the actor may see: its agencies only, operators for the staff only. */
    async snapshot(actor: Actor): Promise<LiveState> {
      assertRole(actor, 'operator', 'supervisor', 'admin', 'agency');
      const now = clock.now();
      const codes = actor.agencies.filter((code) => directory.agency(code));
      const [figures, active, operators, servedQueues, incidents] = await Promise.all([
        Promise.all(codes.map((code) => today(code, now))),
        repo.findActiveCalls(db, codes, new Date(now.getTime() - ACTIVE_WINDOW_MS)),
        isStaff(actor) ? deps.operators.listOperators(actor, {}) : Promise.resolve(null),
        actor.role === 'operator' ? deps.operators.queuesServedBy(actor.name) : Promise.resolve(null),
        Promise.all(codes.map((code) => (isStaff(actor) && deps.incidentsToday ? deps.incidentsToday(code, startOfDay(code, now)) : Promise.resolve(null)))),
      ]);
      const agencies: LiveAgency[] = codes.map((code, index) => {
        const agency = directory.agency(code)!;
        return {
          code,
          name: agency.name,
          serviceLevelSeconds: agency.serviceLevelSeconds,
          serviceLevelTargetPct: agency.serviceLevelTargetPct,
          thresholds: {
            waitAlertSeconds: agency.wallThresholds.waitAlertSeconds ?? waitAlertSeconds,
            abandonAmberPct: agency.wallThresholds.abandonAmberPct ?? ABANDON_AMBER_PCT,
            abandonRedPct: agency.wallThresholds.abandonRedPct ?? ABANDON_RED_PCT,
          },
          queues: agency.queues.map((queue) => ({ name: queue.name, category: queue.category, label: queue.label })),
          categories: agency.categories.map((category) => ({ code: category.code, label: category.label, retired: category.retired })),
          portfolios: agency.portfolios.map((portfolio) => ({ id: portfolio.id, name: portfolio.name })),
          today: figures[index],
          incidents: incidents[index] ?? null,
        };
      });
      return {
        serverTime: now.toISOString(),
        role: actor.role as LiveRole,
        waitAlertSeconds,
        agencies,
        calls: active.map((call) => publicCall(call) as LiveCall),
        operators: operators ? operators.items.filter(isOnTheFloor).map(toLiveOperator) : null,
        servedQueues: servedQueues ? [...servedQueues] : null,
      };
    },

    /** Today's figures of one agency; the realtime layer pushes them after the agency's calls change. */
    async agencyToday(code: string): Promise<AgencyToday> {
      return today(code, clock.now());
    },
  };
}

/** Operators always; supervisors and admins only while they take calls themselves. */
function isOnTheFloor(member: StaffPresence): boolean {
  return member.role === 'operator' || member.presence !== 'offline';
}

function toLiveOperator(member: StaffPresence): LiveOperator {
  return { username: member.username, displayName: member.displayName, state: member.presence, location: member.location, since: member.since };
}
