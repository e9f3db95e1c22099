import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type {
  ClientToServer,
  Hello,
  LiveAgency,
  LiveCall,
  LiveEvent,
  LiveOperator,
  LiveSnapshot,
  ServerToClient,
  SnapshotReply,
} from '../../src/contracts/live.ts';
import { isCallEvent } from '../../src/domain/events.ts';
import { classifyEvent } from './live-sequence.ts';

const ACTIVE = new Set(['in_menu', 'queued', 'bridged', 'callback_waiting']);

export type Connection = 'connecting' | 'live' | 'resyncing' | 'offline';

export type LiveState = Readonly<{
  connection: Connection;
  /** Set once the first snapshot has arrived. */
  ready: boolean;
  epoch: string | null;
  /** Browser clock minus server clock, ms: waits are shown in server time. */
  clockOffsetMs: number;
  waitAlertSeconds: number;
  agencies: ReadonlyMap<string, LiveAgency>;
  calls: ReadonlyMap<string, LiveCall>;
  operators: ReadonlyMap<string, LiveOperator> | null;
  servedQueues: readonly string[] | null;
  /** Bumped on every snapshot: screens that keep their own lists (tickets) reload them then. */
  generation: number;
}>;

type Listener = (state: LiveState) => void;
type EventListener = (event: LiveEvent) => void;

/**
 * The live model of the dashboard. It loads a snapshot, then applies the socket's events in
 * order. Each room numbers its events 1, 2, 3…: an event at or below the snapshot's position is
 * already in it and is dropped; a gap, a new server epoch or a reconnection reloads the snapshot.
 */
export function createLiveStore(options: { url?: string } = {}) {
  let state: LiveState = {
    connection: 'connecting',
    ready: false,
    epoch: null,
    clockOffsetMs: 0,
    waitAlertSeconds: 120,
    agencies: new Map(),
    calls: new Map(),
    operators: null,
    servedQueues: null,
    generation: 0,
  };
  let seqs: Record<string, number> = {};
  let syncing = false;
  let buffered: LiveEvent[] = [];
  let retry: ReturnType<typeof setTimeout> | null = null;
  const listeners = new Set<Listener>();
  const eventListeners = new Set<EventListener>();
  let onUnauthenticated: () => void = () => {};

  const socket: Socket<ServerToClient, ClientToServer> = io(options.url ?? '', {
    path: '/socket.io',
    withCredentials: true,
    autoConnect: false,
    reconnectionDelayMax: 3000,
  });

  function set(next: Partial<LiveState>): void {
    state = { ...state, ...next };
    for (const listener of listeners) listener(state);
  }

  function resync(): void {
    if (!socket.connected) return;
    syncing = true;
    buffered = [];
    if (state.ready) set({ connection: 'resyncing' });
    socket.timeout(15_000).emit('snapshot', (error: Error | null, snapshot: SnapshotReply) => {
      if (error || 'error' in snapshot) {
        // The server is busy or restarting: ask again shortly, events stay buffered meanwhile.
        if (retry) clearTimeout(retry);
        retry = setTimeout(resync, 1000);
        return;
      }
      applySnapshot(snapshot);
    });
  }

  function applySnapshot(snapshot: LiveSnapshot): void {
    seqs = { ...snapshot.seqs };
    const pending = buffered;
    buffered = [];
    syncing = false;
    set({
      connection: 'live',
      ready: true,
      epoch: snapshot.epoch,
      clockOffsetMs: Date.now() - Date.parse(snapshot.serverTime),
      waitAlertSeconds: snapshot.waitAlertSeconds,
      agencies: new Map(snapshot.agencies.map((agency) => [agency.code, agency])),
      calls: new Map(snapshot.calls.map((call) => [call.callSid, call])),
      operators: snapshot.operators ? new Map(snapshot.operators.map((operator) => [operator.username, operator])) : null,
      servedQueues: snapshot.servedQueues,
      generation: state.generation + 1,
    });
    for (const event of pending) receive(event);
  }

  function receive(event: LiveEvent): void {
    if (syncing) {
      buffered.push(event);
      return;
    }
    const verdict = classifyEvent(event, state.epoch, seqs);
    if (verdict === 'resync') return resync();
    if (verdict === 'stale') return;
    seqs[event.room] = event.seq;
    reduce(event);
    for (const listener of eventListeners) listener(event);
  }

  function reduce(event: LiveEvent): void {
    if (isCallEvent(event)) {
      const call = event.data.call;
      const calls = new Map(state.calls);
      if (ACTIVE.has(call.outcome)) calls.set(call.callSid, call);
      else calls.delete(call.callSid);
      set({ calls });
      return;
    }
    if (event.type === 'live.today' && event.agency) {
      const agency = state.agencies.get(event.agency);
      if (!agency) return;
      const agencies = new Map(state.agencies);
      agencies.set(event.agency, { ...agency, today: event.data.today });
      set({ agencies });
      return;
    }
    if (event.type === 'operator.presence' && state.operators) {
      const operator = event.data.operator;
      const operators = new Map(state.operators);
      operators.set(operator.username, {
        username: operator.username,
        displayName: operator.displayName,
        state: operator.presence,
        location: operator.location,
        since: operator.since,
      });
      set({ operators });
    }
  }

  socket.on('connect', () => {
    set({ connection: state.ready ? 'resyncing' : 'connecting' });
    resync();
  });
  socket.on('hello', (hello: Hello) => {
    if (state.epoch && hello.epoch !== state.epoch && !syncing) resync();
  });
  socket.on('live', receive);
  socket.on('disconnect', (reason) => {
    set({ connection: 'offline' });
    // The server dropped us on purpose (session ended or server shutting down): try again ourselves.
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000);
  });
  socket.on('connect_error', (error) => {
    set({ connection: 'offline' });
    if (error.message === 'UNAUTHENTICATED') onUnauthenticated();
    else if (!socket.active) setTimeout(() => socket.connect(), 2000);
  });

  return {
    get state() {
      return state;
    },
    start(): void {
      socket.connect();
    },
    stop(): void {
      if (retry) clearTimeout(retry);
      socket.disconnect();
    },
    /** A fresh snapshot now, e.g. after an action whose effect the screen must show at once. */
    refresh: resync,
    subscribe(listener: Listener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Every applied event, in order: screens with their own lists (tickets, callbacks) follow these. */
    onEvent(listener: EventListener): () => void {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    whenUnauthenticated(handler: () => void): void {
      onUnauthenticated = handler;
    },
  };
}

export type LiveStore = ReturnType<typeof createLiveStore>;

/** The operators module's presence event, read defensively: only the fields the wallboard shows. */
