import { randomBytes } from 'node:crypto';

/**
 * Numbers the events of each room 1, 2, 3… within one server lifetime (an epoch). A client that
 * sees a gap or another epoch knows it missed something and reloads its snapshot.
 */
export type Sequencer = Readonly<{
  epoch: string;
  next(room: string): number;
  /** The last number handed out per room (0 for a room that has had no event yet). */
  positions(rooms: readonly string[]): Record<string, number>;
}>;

export function createSequencer(epoch: string = randomBytes(8).toString('hex')): Sequencer {
  const counters = new Map<string, number>();
  return {
    epoch,
    next(room) {
      const seq = (counters.get(room) ?? 0) + 1;
      counters.set(room, seq);
      return seq;
    },
    positions(rooms) {
      return Object.fromEntries(rooms.map((room) => [room, counters.get(room) ?? 0]));
    },
  };
}
