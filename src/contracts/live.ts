/**
 * The live-dashboard contract between the server and the browser (CONTRACT §8). Types only and
 * self-contained: the dashboard imports this file with `import type`, so it must not reach server code.
 *
 * Delivery: socket.io on the same port, path `/socket.io`, authenticated by the session cookie.
 * Every event travels in one room (a "stream") and carries that room's sequence number, so a
 * client sees a contiguous 1, 2, 3… per room. A gap, a new `epoch` (the server restarted) or a
 * reconnection makes the client fetch a snapshot and drop the events the snapshot already covers.
 */

export type LiveRole = 'operator' | 'supervisor' | 'admin' | 'agency';

export type LiveCallOutcome =
  | 'unknown_number'
  | 'out_of_hours'
  | 'in_menu'
  | 'queued'
  | 'bridged'
  | 'answered'
  | 'abandoned'
  | 'short_abandoned'
  | 'left_menu'
  | 'queue_other';

/** A call as screens show it (the API's publicCall). */
export type LiveCall = {
  callSid: string;
  agency: string | null;
  portfolio: string | null;
  to: string;
  from: string | null;
  numberKind: string | null;
  startedAt: string;
  status: string;
  outcome: LiveCallOutcome | string;
  category: string | null;
  queue: string | null;
  enqueuedAt: string | null;
  queueTimeSeconds: number | null;
  bridgedAt: string | null;
  answeredBy: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  talkSeconds: number | null;
};

/**
 * Today's figures of one agency on its own calendar day, exactly as the day's call report counts
 * them (CONTRACT §7): a call counts as answered once Twilio reports the queue result, i.e. when the
 * conversation is over; calls being talked right now are the `bridged` ones among the live calls.
 */
export type AgencyToday = {
  date: string;
  calls: number;
  outOfHours: number;
  offered: number;
  queued: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answeredWithinServiceLevel: number;
  serviceLevelPct: number | null;
  abandonRatePct: number | null;
  asaSeconds: number | null;
  maxWaitSeconds: number | null;
  ahtSeconds: number | null;
  emails: number;
  tickets: number;
};

export type LiveQueue = { name: string; category: string; label: string };

export type LiveAgency = {
  code: string;
  name: string;
  serviceLevelSeconds: number;
  serviceLevelTargetPct: number;
  queues: LiveQueue[];
  today: AgencyToday;
};

export type LiveOperator = {
  username: string;
  displayName: string;
  /** e.g. available, busy, wrap_up, break, offline (whatever the operators module reports). */
  state: string;
  /** 'sede' | 'remoto' | null */
  location: string | null;
  since: string | null;
};

export type LiveSnapshot = {
  epoch: string;
  /** Last sequence number per room the client is in; events at or below it are already in the snapshot. */
  seqs: Record<string, number>;
  serverTime: string;
  role: LiveRole;
  /** A waiting call above this many seconds raises the wallboard alert. */
  waitAlertSeconds: number;
  agencies: LiveAgency[];
  /** Calls in progress: in the menu, waiting in a queue, or talking to an operator. */
  calls: LiveCall[];
  /** Call-center staff only; null for agency users. */
  operators: LiveOperator[] | null;
  /** For an operator: the queues they answer (their screen shows these); null for everyone else. */
  servedQueues: string[] | null;
};

/** What the snapshot holds before the realtime layer stamps it with its epoch and sequence numbers. */
export type LiveState = Omit<LiveSnapshot, 'epoch' | 'seqs'>;

export type LiveEventType =
  | 'call.ringing'
  | 'call.queued'
  | 'call.bridged'
  | 'call.settled'
  | 'call.ended'
  | 'live.today'
  | 'ticket.created'
  | 'ticket.changed'
  | 'operator.presence'
  | (string & {});

/** One event as a socket receives it. `data` is the domain event's payload (e.g. `{ call }`, `{ ticket }`). */
export type LiveEvent = {
  epoch: string;
  room: string;
  seq: number;
  type: LiveEventType;
  agency: string | null;
  at: string;
  data: Record<string, unknown>;
};

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

/** The `live.today` event: an agency's figures for today, recomputed after its calls change. */
export type LiveTodayData = { today: AgencyToday };
