/**
 * An operator's presence as data. People choose among available, break ("In pausa") and off duty
 * ("Non in servizio"); on call and wrap-up follow the softphone and the call. Every move is in one
 * of the two tables below, and nothing else moves presence.
 */
export const PRESENCES = ['available', 'on_call', 'wrap_up', 'break', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

/** What a person may choose, from each state. On a call nothing: the call ends first (wrap-up). */
export const PERSON_MOVES: Readonly<Record<Presence, readonly Presence[]>> = {
  available: ['available', 'break', 'offline'],
  break: ['available', 'break', 'offline'],
  offline: ['available', 'break', 'offline'],
  // Leaving wrap-up early: the operator is done (the outcome may still be given afterwards).
  wrap_up: ['available', 'break', 'offline'],
  on_call: [],
};

/** What the platform does by itself, and from which states. */
export const AUTOMATIC_MOVES = {
  /** The softphone was bridged to a caller: whatever the person had said, they are talking now. */
  bridged: { from: PRESENCES, to: 'on_call' },
  /** The caller hung up, the operator's leg ended, or the call is over with nobody told: wrap-up. */
  callEnded: { from: ['on_call'], to: 'wrap_up' },
  /** The wrap-up got its outcome code, or ran past its time limit. */
  wrapUpDone: { from: ['wrap_up'], to: 'available' },
} as const satisfies Record<string, { from: readonly Presence[]; to: Presence }>;

export type PresenceRefusal = 'on_call' | 'softphone_only' | null;

/** Why a person may not move from `from` to `to` (null: they may). A member never seen is off duty. */
export function refusePersonMove(from: Presence | null, to: Presence): PresenceRefusal {
  const current = from ?? 'offline';
  if (PERSON_MOVES[current].includes(to)) return null;
  return current === 'on_call' ? 'on_call' : 'softphone_only';
}

/**
 * Whether a call may be offered to someone in `presence`: only to an available operator. Someone
 * who never declared a presence (no record at all: the simulator's operators, a softphone used
 * before the dashboard) is taken at the softphone's word, asking for work.
 */
export function mayBeOffered(presence: Presence | null): boolean {
  return presence === null || presence === 'available';
}

/** Whether a wrap-up that began at `since` has used up its time limit at `now`. */
export function wrapUpExpired(since: Date, now: Date, limitSeconds: number): boolean {
  return now.getTime() - since.getTime() >= limitSeconds * 1000;
}
