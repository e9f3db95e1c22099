import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import type { DomainEvent, EventBus, EventListener } from '../domain/events.ts';

/**
 * Domain events between the nodes of a cluster, through Postgres LISTEN/NOTIFY: what commits on
 * node A reaches the dashboards connected to node B.
 *
 * Why not socket.io's Postgres or Redis adapter: those relay socket.io packets that one node has
 * already numbered, and our clients detect gaps (and resynchronise from a snapshot) by those
 * numbers, per node. Relaying the domain event instead lets every node number what its own clients
 * receive. It needs nothing beyond the Postgres the nodes already share.
 *
 * Remote events go to `subscribeRemote` listeners only (the realtime layer), never onto the local
 * bus: metrics, workers and journals react to what happened on their own node, once.
 *
 * A node relays only while another node is listening. A NOTIFY is a transaction of its own, with
 * its own commit and fsync, and a single node would pay that on every burst of calls for nobody.
 * Nodes say `hello` when they (re)start listening, answer a `hello` with `here`, repeat `here`
 * every half minute and say `bye` when they close; a node not heard from for a minute and a half
 * is forgotten. A node is ready only after its `hello` has come back to it through Postgres, so
 * the others have it in their mailboxes before any dashboard can connect to it.
 */
export type ClusterRelay = Readonly<{
  nodeId: string;
  subscribeRemote(listener: EventListener): () => void;
  close(): Promise<void>;
}>;

const CHANNEL = 'centralino_events';
// NOTIFY payloads are limited to 8000 bytes; larger events travel as a pointer to this table.
const MAX_NOTIFY_BYTES = 7000;
const HEARTBEAT_MS = 30_000;
const FORGET_AFTER_MS = 3 * HEARTBEAT_MS;
const HELLO_ECHO_TIMEOUT_MS = 5_000;

type Presence = 'hello' | 'here' | 'bye';

export async function startClusterRelay(options: { databaseUrl: string; bus: EventBus; onError: (error: unknown) => void }): Promise<ClusterRelay> {
  const nodeId = randomUUID();
  // One dedicated connection for LISTEN (postgres.js reconnects and re-listens by itself).
  const sql = postgres(options.databaseUrl, { max: 2, onnotice: () => {}, connect_timeout: 5 });
  const listeners = new Set<EventListener>();

  const deliver = (event: DomainEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        options.onError(error);
      }
    }
  };

  // Other nodes, by id, with when each was last heard from.
  const peers = new Map<string, number>();
  const hasPeers = () => {
    const now = Date.now();
    for (const [peer, heardAt] of peers) if (now - heardAt > FORGET_AFTER_MS) peers.delete(peer);
    return peers.size > 0;
  };
  const announce = (presence: Presence) => sql.notify(CHANNEL, JSON.stringify({ node: nodeId, presence }));
  // Our own messages come back to us too: recognised by their first bytes, never parsed.
  const ownPrefix = `{"node":${JSON.stringify(nodeId)},`;
  let helloEchoed: () => void = () => {};
  const echo = new Promise<void>((resolve) => {
    helloEchoed = resolve;
  });

  const subscription = await sql.listen(
    CHANNEL,
    async (payload) => {
      if (payload.startsWith(ownPrefix)) {
        if (payload.endsWith('"presence":"hello"}')) helloEchoed();
        return;
      }
      try {
        const message = JSON.parse(payload) as { node: string; presence?: Presence; events?: DomainEvent[]; overflow?: number };
        if (message.presence === 'bye') peers.delete(message.node);
        else peers.set(message.node, Date.now());
        if (message.presence === 'hello') await announce('here');
        message.events?.forEach(deliver);
        if (message.overflow !== undefined) {
          const [row] = await sql<{ body: DomainEvent }[]>`select body from cluster_event_overflow where id = ${message.overflow}`;
          if (row) deliver(row.body);
        }
      } catch (error) {
        options.onError(error);
      }
    },
    // On the first LISTEN and after every reconnection, when we may have missed others' greetings.
    () => void announce('hello').catch(options.onError),
  );
  const heartbeat = setInterval(() => void announce('here').catch(options.onError), HEARTBEAT_MS).unref();
  await Promise.race([echo, new Promise((resolve) => setTimeout(resolve, HELLO_ECHO_TIMEOUT_MS).unref())]);

  // Events published in the same turn of the event loop travel in one NOTIFY (a burst of calls
  // is one statement on the database, not one per event), split where a payload would be too big.
  let pending: DomainEvent[] = [];
  const send = async (events: DomainEvent[]) => {
    // Each event is serialised once; the payload is assembled from the serialised pieces.
    let batch: string[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length > 0) await sql.notify(CHANNEL, `{"node":${JSON.stringify(nodeId)},"events":[${batch.join(',')}]}`);
      batch = [];
      bytes = 0;
    };
    for (const event of events) {
      const json = JSON.stringify(event);
      const size = Buffer.byteLength(json);
      if (size > MAX_NOTIFY_BYTES - 100) {
        const [row] = await sql<{ id: string }[]>`insert into cluster_event_overflow (body) values (${sql.json(event as never)}) returning id`;
        await sql.notify(CHANNEL, JSON.stringify({ node: nodeId, overflow: Number(row.id) }));
        await sql`delete from cluster_event_overflow where created_at < now() - interval '10 minutes'`;
        continue;
      }
      if (bytes + size > MAX_NOTIFY_BYTES - 100) await flush();
      batch.push(json);
      bytes += size + 1;
    }
    await flush();
  };
  const unsubscribeBus = options.bus.subscribe((event) => {
    if (!hasPeers()) return;
    pending.push(event);
    if (pending.length > 1) return;
    setImmediate(() => {
      const events = pending;
      pending = [];
      send(events).catch(options.onError);
    });
  });

  return {
    nodeId,
    subscribeRemote(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      unsubscribeBus();
      clearInterval(heartbeat);
      await announce('bye').catch(options.onError);
      await subscription.unlisten();
      await sql.end({ timeout: 5 });
    },
  };
}
