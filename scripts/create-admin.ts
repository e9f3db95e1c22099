/**
 * npm run create-admin -- --username <name> [--name "Display name"]
 *
 * Creates the first administrator of a database that has none (a production database starts
 * empty) and prints its generated password once. Uses the server's configuration (DATABASE_URL or
 * DATA_DIR). Exit code 0 when created, 1 otherwise (an administrator exists, or a bad name).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { createFirstAdmin } from '../src/modules/admin/first-admin.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { username: { type: 'string' }, name: { type: 'string' } } });
  if (!values.username) {
    console.error('usage: npm run create-admin -- --username <name> [--name "Display name"]');
    return 1;
  }
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateDatabase(database);
    const result = await createFirstAdmin(database.db, { username: values.username, displayName: values.name, now: new Date() });
    if (!result.created) {
      console.error(`No administrator created: ${result.reason}`);
      return 1;
    }
    console.log(`\n  Administrator ${result.username}\n  password: ${result.password}\n  (shown once; change it with POST /api/v1/auth/password)\n`);
    return 0;
  } finally {
    await database.close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
