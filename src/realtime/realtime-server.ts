import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Server } from 'socket.io';
import type { Actor } from '../domain/actor.ts';
import type { Clock } from '../domain/clock.ts';
import type { DomainEvent, EventBus } from '../domain/events.ts';
import type { AgencyToday, ClientToServer, Hello, LiveEvent, LiveRole, LiveSnapshot, LiveState, ServerToClient } from '../contracts/live.ts';
import { roomsForActor, roomsForEvent } from './realtime-rooms.ts';
import type { Sequencer } from './realtime-sequencer.ts';
import { createSequencer } from './realtime-sequencer.ts';

/** The largest message (or long-polling POST) a dashboard may send. */
export const REALTIME_MAX_MESSAGE_BYTES = 16 * 1024;

/** What the realtime layer reads of the live state (the live module provides it; neither imports the other). */
export type LiveStateSource = Readonly<{
  snapshot(actor: Actor): Promise<LiveState>;
  agencyToday(agency: string): Promise<AgencyToday>;
}>;

export type RealtimeDeps = Readonly<{
  bus: EventBus;
  live: LiveStateSource;
  clock: Clock;
  /** The session behind a Cookie header, or null: the same check the HTTP API makes. */
  authenticate: (cookieHeader: string | undefined) => Promise<Actor | null>;
  /** Origins allowed to open a socket besides the request's own host (the public base URL). */
  publicBaseUrl: string;
  /** Every agency of the platform now: who serves them all also hears events of no agency. */
  agencyCodes: () => readonly string[];
  log: FastifyBaseLogger;
  /** How long the figures of an agency wait for more changes before they are recomputed and pushed. */
  todayDelayMs?: number;
  /** How often open sockets have their session checked again (logout, expiry, disabled user). */
  sessionRecheckMs?: number;
  /** Events committed on other nodes of the cluster (see cluster-relay.ts); absent on a single node. */
  remote?: { subscribeRemote(listener: (event: DomainEvent) => void): () => void };
}>;

export type Realtime = Readonly<{
  sequencer: Sequencer;
  /** The actor's live state stamped with the positions it is consistent with. */
  snapshotFor(actor: Actor): Promise<LiveSnapshot>;
  connectedCount(): number;
}>;

type SocketData = { actor: Actor; cookie: string | undefined; rooms: string[] };

/**
 * socket.io on the app's own HTTP server, path /socket.io (CONTRACT §8). Domain events from the
 * bus go to the rooms of their agency; services never see a socket.
 */
export function attachRealtime(app: FastifyInstance, deps: RealtimeDeps): Realtime {
  const { bus, live, authenticate, log, clock } = deps;
  const sequencer = createSequencer();
  // Set when the app starts closing: a dashboard reconnecting in that window would hold the HTTP
  // server open (an upgraded socket counts as a connection until it ends), so it is turned away.
  let closing = false;
  const io = new Server<ClientToServer, ServerToClient, Record<string, never>, SocketData>(app.server, {
    path: '/socket.io',
    serveClient: false,
    // Dashboards only ask for snapshots (a few bytes); socket.io's default would buffer 1 MB per message.
    maxHttpBufferSize: REALTIME_MAX_MESSAGE_BYTES,
    allowRequest: (request, callback) => callback(null, !closing && isSameOrigin(request, deps.publicBaseUrl)),
  });

  io.use(async (socket, next) => {
    try {
      const cookie = socket.request.headers.cookie;
      const actor = await authenticate(cookie);
      if (!actor) return next(new Error('UNAUTHENTICATED'));
      socket.data = { actor, cookie, rooms: roomsForActor(actor, deps.agencyCodes()) };
      next();
    } catch (error) {
      log.error({ err: error }, 'socket authentication failed');
      next(new Error('UNAVAILABLE'));
    }
  });

  io.on('connection', (socket) => {
    const { actor, rooms } = socket.data;
    void socket.join(rooms);
    const hello: Hello = { epoch: sequencer.epoch, rooms, username: actor.name, role: actor.role as LiveRole };
    socket.emit('hello', hello);
    socket.on('snapshot', async (ack) => {
      if (typeof ack !== 'function') return;
      try {
        ack(await snapshotFor(actor));
      } catch (error) {
        log.error({ err: error }, 'live snapshot failed');
        ack({ error: { code: 'UNAVAILABLE', message: 'Snapshot unavailable' } });
      }
    });
  });

  async function snapshotFor(actor: Actor): Promise<LiveSnapshot> {
    // Positions first: anything the snapshot misses is an event numbered after them.
    const seqs = sequencer.positions(roomsForActor(actor, deps.agencyCodes()));
    const state = await live.snapshot(actor);
    return { epoch: sequencer.epoch, seqs, ...state };
  }

  function broadcast(event: DomainEvent): void {
    // Nobody connected: number the event (a later snapshot's positions stay right), encode nothing.
    const listening = io.of('/').sockets.size > 0;
    for (const room of roomsForEvent(event)) {
      const seq = sequencer.next(room);
      if (!listening) continue;
      const payload: LiveEvent = { ...event, epoch: sequencer.epoch, room, seq };
      io.to(room).emit('live', payload);
    }
  }

  // An agency's figures are recomputed once per burst of call events, not once per event.
  const todayDelayMs = deps.todayDelayMs ?? 200;
  const pendingToday = new Map<string, ReturnType<typeof setTimeout>>();
  function scheduleToday(agency: string): void {
    if (pendingToday.has(agency)) return;
    pendingToday.set(
      agency,
      setTimeout(async () => {
        pendingToday.delete(agency);
        try {
          const today = await live.agencyToday(agency);
          broadcast({ type: 'live.today', agency, at: clock.now().toISOString(), data: { today } });
        } catch (error) {
          log.warn({ err: error, agency }, "could not recompute today's figures");
        }
      }, todayDelayMs),
    );
  }

  const onEvent = (event: DomainEvent) => {
    broadcast(event);
    // Today's figures are a report over today's calls: not worth a query when nobody is watching.
    if (event.agency && changesToday(event.type) && io.of('/').sockets.size > 0) scheduleToday(event.agency);
  };
  const unsubscribeLocal = bus.subscribe(onEvent);
  const unsubscribeRemote = deps.remote?.subscribeRemote(onEvent) ?? (() => {});
  const unsubscribe = () => {
    unsubscribeLocal();
    unsubscribeRemote();
  };

  // A socket outlives the request that opened it: logout or a disabled account must still end it.
  const recheck = setInterval(async () => {
    for (const socket of io.of('/').sockets.values()) {
      try {
        if (!(await authenticate(socket.data.cookie))) socket.disconnect(true);
      } catch {
        // The database is away for a moment: keep the socket, check again next time.
      }
    }
  }, deps.sessionRecheckMs ?? 60_000);
  recheck.unref();

  // Open sockets would keep the HTTP server from closing; clients reconnect to the next server.
  const dropSockets = () => {
    io.local.disconnectSockets(true);
    io.engine.close();
  };
  app.addHook('preClose', async () => {
    closing = true;
    unsubscribe();
    clearInterval(recheck);
    for (const timer of pendingToday.values()) clearTimeout(timer);
    pendingToday.clear();
    dropSockets();
  });
  // Again just before the HTTP server closes (onClose hooks run in reverse order, the server's last),
  // for any transport that slipped in while the other modules were shutting down.
  app.addHook('onClose', async () => dropSockets());

  return { sequencer, snapshotFor, connectedCount: () => io.of('/').sockets.size };
}

/** Events after which an agency's figures for the day may have moved. */
function changesToday(type: string): boolean {
  return type.startsWith('call.') || type === 'ticket.created' || type === 'email.received';
}

/**
 * Browsers send Origin with every WebSocket handshake; a page of another site must not ride on the
 * user's cookie. Requests without Origin (non-browser clients) carry no ambient authority and pass.
 */
function isSameOrigin(request: IncomingMessage, publicBaseUrl: string): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (host === request.headers.host) return true;
  try {
    return host === new URL(publicBaseUrl).host;
  } catch {
    return false;
  }
}
