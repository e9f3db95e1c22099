import type { LiveAgency, LiveCall } from '../../src/realtime/realtime-contract.ts';
import type { LiveState } from './live-store.ts';

export type QueueView = {
  agency: LiveAgency;
  name: string;
  category: string;
  label: string;
  waiting: LiveCall[];
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
    if (call.outcome === 'queued') byQueue.set(call.queue, [...(byQueue.get(call.queue) ?? []), call]);
    if (call.outcome === 'bridged') talking.set(call.queue, (talking.get(call.queue) ?? 0) + 1);
  }
  const views: QueueView[] = [];
  for (const agency of state.agencies.values()) {
    for (const queue of agency.queues) {
      if (only && !only.includes(queue.name)) continue;
      const waiting = (byQueue.get(queue.name) ?? []).sort((a, b) => (a.enqueuedAt ?? '').localeCompare(b.enqueuedAt ?? ''));
      views.push({ agency, ...queue, waiting, oldestEnqueuedAt: waiting[0]?.enqueuedAt ?? null, talking: talking.get(queue.name) ?? 0 });
    }
  }
  return views;
}

export function callsInMenu(state: LiveState, agency: string): number {
  let count = 0;
  for (const call of state.calls.values()) if (call.agency === agency && call.outcome === 'in_menu') count += 1;
  return count;
}
