import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { preparingStatements } from './prepared-statements.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** The common face of PGlite and postgres.js databases: services never know which one they have. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction has the same query API as the database. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Executor = Database | Tx;

export type DatabaseHandle = Readonly<{
  db: Database;
  /** Where the data lives: embedded PGlite, or a Postgres server (one of several nodes' shared database). */
  kind: 'pglite' | 'postgres';
  /** Which drizzle driver speaks to it: PGlite's own in this process, or postgres.js over a socket. */
  driver: 'pglite' | 'postgres-js';
  /** How many statements can run at the same time: PGlite has one connection, Postgres a pool. */
  connections: number;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}>;

export function wrapPglite(client: PGlite): DatabaseHandle {
  const db = drizzlePglite({ client, schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    driver: 'pglite',
    connections: 1,
    ping: async () => {
      await client.query('select 1');
    },
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

export function openPostgres(url: string, options: { max?: number; socketPath?: string } = {}): DatabaseHandle {
  const connections = options.max ?? 10;
  const client = preparingStatements(postgres(url, { max: connections, onnotice: () => {}, connect_timeout: 5, path: options.socketPath }));
  const db = drizzlePostgres({ client, schema }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    driver: 'postgres-js',
    connections,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      await client.end({ timeout: 5 });
    },
  };
}
