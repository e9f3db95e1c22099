import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { openPostgres, wrapPglite } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { DEMO_SEED_STEPS } from '../../src/seed/demo-steps.ts';
import { seedDemoIfEmpty } from '../../src/seed/seed-demo.ts';
import { TEST_DEMO_PASSWORD } from './test-constants.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
    postgresTemplate: string;
  }
}

/**
 * Migrates and seeds one database per test run; every test file then starts from a copy of it:
 * a PGlite data-dir dump (0.5 s instead of 4 s for a fresh initdb) or a native-Postgres
 * `CREATE DATABASE … TEMPLATE`.
 */
export default async function setup(project: TestProject) {
  const seedNow = new Date('2026-01-01T00:00:00Z');
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `centralino_tpl_${process.pid}`;
    const admin = openPostgres(url, { max: 1 });
    await dropDatabase(admin, template);
    await admin.db.execute(`create database ${template}`);
    const handle = openPostgres(withDatabase(url, template), { max: 2 });
    await migrateDatabase(handle);
    await seedDemoIfEmpty(handle.db, DEMO_SEED_STEPS, { demoPassword: TEST_DEMO_PASSWORD, now: seedNow });
    await handle.close();
    project.provide('postgresTemplate', template);
    project.provide('pgliteDump', '');
    return async () => {
      await dropDatabase(admin, template);
      await admin.close();
    };
  }
  const client = await PGlite.create();
  const handle = wrapPglite(client);
  await migrateDatabase(handle);
  await seedDemoIfEmpty(handle.db, DEMO_SEED_STEPS, { demoPassword: TEST_DEMO_PASSWORD, now: seedNow });
  const dump = await client.dumpDataDir('gzip');
  const directory = path.resolve('.tmp');
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `pglite-template-${process.pid}.tar.gz`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await client.close();
  project.provide('pgliteDump', file);
  project.provide('postgresTemplate', '');
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function dropDatabase(admin: ReturnType<typeof openPostgres>, name: string) {
  await admin.db.execute(`drop database if exists ${name} with (force)`);
}
