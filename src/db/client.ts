import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
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
  kind: 'pglite' | 'postgres';
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
    connections: 1,
    ping: async () => {
      await client.query('select 1');
    },
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

export function openPostgres(url: string, options: { max?: number } = {}): DatabaseHandle {
  const connections = options.max ?? 10;
  const client = preparingStatements(postgres(url, { max: connections, onnotice: () => {}, connect_timeout: 5 }));
  const db = drizzlePostgres({ client, schema }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    connections,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      await client.end({ timeout: 5 });
    },
  };
}

/** PGlite in `<dataDir>/pglite` when no DATABASE_URL is given, native Postgres otherwise. */
export async function openDatabase(options: { databaseUrl: string | undefined; dataDir: string }): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  const directory = path.resolve(options.dataDir, 'pglite');
  mkdirSync(directory, { recursive: true });
  const client = await PGlite.create(directory);
  return wrapPglite(client);
}
