/**
 * npm run import:tenants -- --agency <code> --file <csv>
 *
 * Loads an agency's tenant registry export into the caller-ID registry: upsert by tenant code,
 * numbers normalised to E.164. Rows that cannot be imported are listed with their line and reason;
 * the exit code is 0 when every row was imported, 2 when some were refused, 1 when nothing could be.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ConfigError, loadConfig } from '../src/config.ts';
import { SYSTEM_ACTOR } from '../src/domain/actor.ts';
import { systemClock } from '../src/domain/clock.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { portfolioLookup } from '../src/modules/agencies/agencies-module.ts';
import { createAgencyDirectory } from '../src/modules/agencies/agency-directory.ts';
import { callLookup } from '../src/modules/calls/calls-module.ts';
import type { RefusedRow } from '../src/modules/tenants/tenant-csv.ts';
import { parseTenantCsv } from '../src/modules/tenants/tenant-csv.ts';
import { createTenantService } from '../src/modules/tenants/tenant-service.ts';

const BATCH = 250;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { agency: { type: 'string' }, file: { type: 'string' } } });
  if (!values.agency || !values.file) {
    console.error('usage: npm run import:tenants -- --agency <agency code> --file <tenants.csv>');
    return 1;
  }
  let text: string;
  try {
    text = readFileSync(values.file, 'utf8');
  } catch (error) {
    console.error(`cannot read ${values.file}: ${(error as Error).message}`);
    return 1;
  }
  const parsed = parseTenantCsv(text);
  if (parsed.error) {
    console.error(`${values.file}: ${parsed.error}`);
    return 1;
  }

  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrateDatabase(database);
    const directory = await createAgencyDirectory(database.db);
    if (!directory.agency(values.agency)) {
      console.error(`unknown agency ${values.agency}; known: ${directory.agencyCodes().join(', ')}`);
      return 1;
    }
    const tenants = createTenantService({ db: database.db, clock: systemClock, directory, calls: callLookup, portfolios: portfolioLookup });
    const refused: RefusedRow[] = [...parsed.refused];
    let inserted = 0;
    let updated = 0;
    const bar = new cliProgress.SingleBar(
      { format: 'tenants |{bar}| {value}/{total} rows  {percentage}%', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(parsed.rows.length + parsed.refused.length, parsed.refused.length);
    for (let start = 0; start < parsed.rows.length; start += BATCH) {
      const batch = parsed.rows.slice(start, start + BATCH);
      const summary = await tenants.importTenants(SYSTEM_ACTOR, values.agency, batch);
      inserted += summary.inserted;
      updated += summary.updated;
      refused.push(...summary.refused);
      bar.increment(batch.length);
    }
    bar.stop();

    console.log(`\n${values.agency}: ${inserted} tenants added, ${updated} updated, ${refused.length} rows refused.`);
    for (const row of refused.sort((a, b) => a.line - b.line)) console.log(`  line ${row.line}${row.code ? ` (${row.code})` : ''}: ${row.reason}`);
    return refused.length > 0 ? 2 : 0;
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
