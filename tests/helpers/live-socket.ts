import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { ClientToServer, Hello, LiveEvent, LiveEventOf, LiveSnapshot, ServerToClient, SnapshotReply } from '../../src/contracts/live.ts';
import type { EventType } from '../../src/domain/events.ts';

export type LiveClient = Readonly<{
  socket: Socket<ServerToClient, ClientToServer>;
  /** Every `live` event received so far, in arrival order. */
  events: LiveEvent[];
  hello: Promise<Hello>;
  snapshot(): Promise<LiveSnapshot>;
  /** Resolves with the first received event (past or future) that matches. */
  waitFor(predicate: (event: LiveEvent) => boolean): Promise<LiveEvent>;
  /** The same for one event type, typed as that event. */
  waitForEvent<T extends EventType>(type: T, predicate?: (event: LiveEventOf<T>) => boolean): Promise<LiveEventOf<T>>;
  close(): void;
}>;

/** A socket.io client of the live dashboard, as a browser with this session cookie would open it. */
export function connectLive(baseUrl: string, cookie: string | null, options: { origin?: string } = {}): LiveClient {
  const socket: Socket<ServerToClient, ClientToServer> = io(baseUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    extraHeaders: { ...(cookie ? { cookie } : {}), ...(options.origin ? { origin: options.origin } : {}) },
    reconnection: false,
  });
  const events: LiveEvent[] = [];
  const waiters: { predicate: (event: LiveEvent) => boolean; resolve: (event: LiveEvent) => void }[] = [];
  socket.on('live', (event) => {
    events.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  const hello = new Promise<Hello>((resolve) => socket.once('hello', resolve));
  return {
    socket,
    events,
    hello,
    snapshot: () =>
      new Promise((resolve, reject) =>
        socket.emit('snapshot', (reply: SnapshotReply) => ('error' in reply ? reject(new Error(reply.error.message)) : resolve(reply))),
      ),
    waitFor(predicate) {
      const seen = events.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    waitForEvent<T extends EventType>(type: T, predicate: (event: LiveEventOf<T>) => boolean = () => true) {
      const isIt = (event: LiveEvent): event is LiveEventOf<T> => event.type === type;
      return this.waitFor((event) => isIt(event) && predicate(event)) as Promise<LiveEventOf<T>>;
    },
    close: () => socket.close(),
  };
}

/** Resolves on connection, rejects with the server's reason (e.g. UNAUTHENTICATED) when refused. */
export function connected(client: LiveClient): Promise<void> {
  return new Promise((resolve, reject) => {
    if (client.socket.connected) return resolve();
    client.socket.once('connect', () => resolve());
    client.socket.once('connect_error', (error) => reject(error));
  });
}
