/**
 * What to do with a live event, given the snapshot's epoch and the last number applied per room:
 * - `stale`: at or below the position, the snapshot (or an earlier event) already holds it;
 * - `apply`: exactly the next number of its room;
 * - `resync`: a gap (something was missed) or another server epoch (the server restarted).
 */
export type Verdict = 'apply' | 'stale' | 'resync';

export function classifyEvent(event: { epoch: string; room: string; seq: number }, epoch: string | null, positions: Readonly<Record<string, number>>): Verdict {
  if (event.epoch !== epoch) return 'resync';
  const last = positions[event.room] ?? 0;
  if (event.seq <= last) return 'stale';
  return event.seq === last + 1 ? 'apply' : 'resync';
}
