import type { LiveAgency, LiveCall } from '../../src/contracts/live.ts';
import type { LiveState } from './live-store.ts';
import { CATEGORY_LABEL, formatDuration, formatPct } from './format.ts';

const secondsSince = (iso: string, now: number) => Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));

export type QueueView = {
  agency: LiveAgency;
  name: string;
  category: string;
  label: string;
  /** Callers on hold and queued call-backs keeping a caller's place, in the order operators take them. */
  waiting: LiveCall[];
  /** How many of `waiting` are queued call-backs (the caller hung up and will be called back). */
  queuedCallbacks: number;
  /** The earliest enqueue time among the waiting calls, for a live "longest wait". */
  oldestEnqueuedAt: string | null;
  talking: number;
};

/** Per queue: who is waiting and since when, from the live calls. */
export function queueViews(state: LiveState, only?: readonly string[] | null): QueueView[] {
  const byQueue = new Map<string, LiveCall[]>();
  const talking = new Map<string, number>();
  for (const call of state.calls.values()) {
    if (!call.queue) continue;
    if (call.outcome === 'queued' || call.outcome === 'callback_waiting') byQueue.set(call.queue, [...(byQueue.get(call.queue) ?? []), call]);
    if (call.outcome === 'bridged') talking.set(call.queue, (talking.get(call.queue) ?? 0) + 1);
  }
  const views: QueueView[] = [];
  for (const agency of state.agencies.values()) {
    for (const queue of agency.queues) {
      if (only && !only.includes(queue.name)) continue;
      const waiting = (byQueue.get(queue.name) ?? []).sort((a, b) => (a.enqueuedAt ?? '').localeCompare(b.enqueuedAt ?? ''));
      const queuedCallbacks = waiting.filter((call) => call.outcome === 'callback_waiting').length;
      views.push({ agency, ...queue, waiting, queuedCallbacks, oldestEnqueuedAt: waiting[0]?.enqueuedAt ?? null, talking: talking.get(queue.name) ?? 0 });
    }
  }
  return views;
}

export function callsInMenu(state: LiveState, agency: string): number {
  let count = 0;
  for (const call of state.calls.values()) if (call.agency === agency && call.outcome === 'in_menu') count += 1;
  return count;
}

export type Alert = { key: string; text: string };

/** Alerts a supervisor must see: an agency below its service-level target, a caller waiting longer than that agency's threshold. */
export function alertsOf(agencies: LiveAgency[], queues: QueueView[], now: number): Alert[] {
  const alerts: Alert[] = [];
  for (const agency of agencies) {
    const level = agency.today.serviceLevelPct;
    if (level !== null && level < agency.serviceLevelTargetPct) {
      alerts.push({
        key: `sl:${agency.code}`,
        text: `${agency.name}: livello di servizio al ${formatPct(level)}, sotto l’obiettivo (${agency.serviceLevelTargetPct}%)`,
      });
    }
  }
  for (const queue of queues) {
    const longest = queue.oldestEnqueuedAt ? secondsSince(queue.oldestEnqueuedAt, now) : 0;
    if (longest >= queue.agency.thresholds.waitAlertSeconds) {
      alerts.push({
        key: `wait:${queue.name}`,
        text: `${queue.agency.name} · ${CATEGORY_LABEL[queue.category] ?? queue.label}: un chiamante attende da ${formatDuration(longest)}`,
      });
    }
  }
  return alerts;
}

export type PortfolioWait = Readonly<{ id: string | null; name: string; waiting: number; longestSeconds: number | null }>;

/**
 * For an agency that manages housing stocks for others: its callers waiting now, and the longest
 * wait, per portfolio (each one, then the agency's own stock), from the numbers they dialled.
 * Empty for an agency without portfolios, whose tile says it all.
 */
export function waitingByPortfolio(agency: LiveAgency, queues: readonly QueueView[], now: number): PortfolioWait[] {
  if (agency.portfolios.length === 0) return [];
  const waiting = queues.filter((queue) => queue.agency.code === agency.code).flatMap((queue) => queue.waiting);
  const part = (id: string | null, name: string): PortfolioWait => {
    const calls = waiting.filter((call) => (call.portfolio ?? null) === id);
    const since = calls.map((call) => call.enqueuedAt).filter((at): at is string => at !== null);
    return { id, name, waiting: calls.length, longestSeconds: since.length > 0 ? Math.max(...since.map((at) => secondsSince(at, now))) : null };
  };
  return [...agency.portfolios.map((portfolio) => part(portfolio.id, portfolio.name)), part(null, 'Patrimonio proprio')];
}
