/**
 * The live-dashboard contract between the server and the browser (CONTRACT §8). Types and zod schemas
 * only: the dashboard imports this file with `import type`, so it must not reach server code.
 *
 * Delivery: socket.io on the same port, path `/socket.io`, authenticated by the session cookie.
 * Every event travels in one room (a "stream") and carries that room's sequence number, so a
 * client sees a contiguous 1, 2, 3… per room. A gap, a new `epoch` (the server restarted) or a
 * reconnection makes the client fetch a snapshot and drop the events the snapshot already covers.
 */

import { z } from 'zod';
import type { DomainEvent, EventType } from '../domain/events.ts';
import { Call } from './calls.ts';
import { CategoryCode, Instant, LocalDate } from './common.ts';

export const LiveRole = z.enum(['operator', 'supervisor', 'admin', 'agency']);
export type LiveRole = z.infer<typeof LiveRole>;

/** A call as screens show it: the API's call (src/contracts/calls.ts). */
export const LiveCall = Call;
export type LiveCall = Call;

/**
 * Today's figures of one agency on its own calendar day, exactly as the day's call report counts
 * them (CONTRACT §7): a call counts as answered once Twilio reports the queue result, i.e. when the
 * conversation is over; calls being talked right now are the `bridged` ones among the live calls.
 */
export const DayFigures = z.strictObject({
  calls: z.number(),
  outOfHours: z.number(),
  offered: z.number(),
  queued: z.number(),
  answered: z.number(),
  abandoned: z.number(),
  shortAbandoned: z.number(),
  /** Entered a queue and fell silent with no result from Twilio (CALL_TALLIES.lost): in `queued`, in no ratio. */
  lost: z.number(),
  /** Queued call-backs: left the queue keeping their place, to be called back (CALL_TALLIES.queuedCallbacks): in `queued`, in no ratio. */
  queuedCallbacks: z.number(),
  answeredWithinServiceLevel: z.number(),
  serviceLevelPct: z.number().nullable(),
  abandonRatePct: z.number().nullable(),
  asaSeconds: z.number().nullable(),
  maxWaitSeconds: z.number().nullable(),
  ahtSeconds: z.number().nullable(),
  emails: z.number(),
  tickets: z.number(),
  /** Service level against the agency's target; null when no call was decided yet. */
  serviceLevelTargetMet: z.boolean().nullable(),
});
export type DayFigures = z.infer<typeof DayFigures>;

export const AgencyToday = z.strictObject({ date: LocalDate, ...DayFigures.shape });
export type AgencyToday = z.infer<typeof AgencyToday>;

export const LiveQueue = z.strictObject({ name: z.string(), category: z.string(), label: z.string() });
export type LiveQueue = z.infer<typeof LiveQueue>;

export const LiveAgency = z.strictObject({
  code: z.string(),
  name: z.string(),
  serviceLevelSeconds: z.number(),
  serviceLevelTargetPct: z.number(),
  /** When the wallboard turns this agency's figures amber and red: its own thresholds, or the platform's. */
  thresholds: z.strictObject({ waitAlertSeconds: z.number(), abandonAmberPct: z.number(), abandonRedPct: z.number() }),
  queues: z.array(LiveQueue),
  /** The agency's categories in list order; retired ones only label old tickets (new tickets cannot take them). */
  categories: z.array(z.strictObject({ code: CategoryCode, label: z.string(), retired: z.boolean() })),
  /** The agency's portfolios (housing stocks it manages for others), for filters and re-filing. */
  portfolios: z.array(z.strictObject({ id: z.string(), name: z.string() })),
  today: AgencyToday,
  /** Call-center staff only (null for agency users): open incidents and the calls they answered today without an operator. */
  incidents: z.strictObject({ open: z.number().int(), callsAnsweredToday: z.number().int() }).nullable().optional(),
});
export type LiveAgency = z.infer<typeof LiveAgency>;

export const LiveOperator = z.strictObject({
  username: z.string(),
  displayName: z.string(),
  /** e.g. available, on_call, wrap_up, break, offline (whatever the operators module reports). */
  state: z.string(),
  /** 'on_site' | 'remote' | null */
  location: z.string().nullable(),
  since: Instant.nullable(),
});
export type LiveOperator = z.infer<typeof LiveOperator>;

export const LiveSnapshot = z.strictObject({
  epoch: z.string(),
  /** Last sequence number per room the client is in; events at or below it are already in the snapshot. */
  seqs: z.record(z.string(), z.number()),
  serverTime: Instant,
  role: LiveRole,
  /** A waiting call above this many seconds raises the wallboard alert. */
  waitAlertSeconds: z.number(),
  agencies: z.array(LiveAgency),
  /** Calls in progress: in the menu, waiting in a queue, or talking to an operator. */
  calls: z.array(LiveCall),
  /** Call-center staff only; null for agency users. */
  operators: z.array(LiveOperator).nullable(),
  /** For an operator: the queues they answer (their screen shows these); null for everyone else. */
  servedQueues: z.array(z.string()).nullable(),
});
export type LiveSnapshot = z.infer<typeof LiveSnapshot>;

/** What the snapshot holds before the realtime layer stamps it with its epoch and sequence numbers. */
export type LiveState = Omit<LiveSnapshot, 'epoch' | 'seqs'>;

/**
 * One event as a socket receives it: a domain event (src/domain/events.ts, a union discriminated by
 * `type`, so `event.type === 'call.queued'` gives `event.data.call`) with its room and position.
 */
export type LiveEvent = DomainEvent & { epoch: string; room: string; seq: number };

/** The socket event of one type, e.g. `LiveEventOf<'call.queued'>`. */
export type LiveEventOf<T extends EventType> = Extract<LiveEvent, { type: T }>;

export type Hello = { epoch: string; rooms: string[]; username: string; role: LiveRole };

export type SnapshotReply = LiveSnapshot | { error: { code: string; message: string } };

/**
 * Socket events. Server → client: `hello` on connection, `live` for every event. Client → server:
 * `snapshot` with an ack, answered with a LiveSnapshot consistent with the positions it carries.
 * socket.io's typed event maps, for `Server<ClientToServer, ServerToClient>` and `Socket<ServerToClient, ClientToServer>`. */
export type ServerToClient = {
  hello: (hello: Hello) => void;
  live: (event: LiveEvent) => void;
};
export type ClientToServer = {
  snapshot: (ack: (reply: SnapshotReply) => void) => void;
};

/** The softphone: Twilio's browser SDK when configured, else the simulator; and the call being talked. */
export const SoftphoneStatus = z.strictObject({
  mode: z.enum(['twilio', 'simulator']),
  identity: z.string(),
  call: Call.nullable(),
  /** The answered call whose outcome the operator still owes (wrap-up in progress), for a screen reloaded meanwhile. */
  wrapUp: Call.nullable(),
  /** The wrap-up time limit (WRAP_UP_SECONDS): the screen counts it down after a call. */
  wrapUpSeconds: z.number(),
});
export type SoftphoneStatus = z.infer<typeof SoftphoneStatus>;

export const SoftphoneToken = z.strictObject({ identity: z.string(), token: z.string(), expiresAt: Instant });
export type SoftphoneToken = z.infer<typeof SoftphoneToken>;

/** The simulator's take-next: the call now talked, null when nobody waits. */
export const SoftphoneCall = z.strictObject({ call: Call.nullable() });
export type SoftphoneCall = z.infer<typeof SoftphoneCall>;

/** The simulator's hang-up: the call as it ended. */
export const SoftphoneHungUp = z.strictObject({ call: Call });
export type SoftphoneHungUp = z.infer<typeof SoftphoneHungUp>;
