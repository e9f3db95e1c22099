/**
 * Backs up or restores an embedded PGlite database (DATA_DIR/pglite) as one gzipped tarball of
 * its data directory, with PGlite's own dumpDataDir/loadDataDir. The server must be stopped:
 * one process at a time owns a PGlite directory.
 *
 *   node scripts/pglite-datadir.ts dump <DATA_DIR/pglite> <file.tar.gz>
 *   node scripts/pglite-datadir.ts load <file.tar.gz> <new DATA_DIR/pglite>
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

async function main(argv: string[]): Promise<void> {
  const [command, from, to] = argv;
  if (command === 'dump' && from && to) {
    if (!existsSync(path.join(from, 'PG_VERSION'))) throw new Error(`${from} is not a PGlite data directory`);
    const client = await PGlite.create(from);
    const dump = await client.dumpDataDir('gzip');
    await client.close();
    writeFileSync(to, Buffer.from(await dump.arrayBuffer()));
    console.error(`PGlite data directory ${from} → ${to}`);
    return;
  }
  if (command === 'load' && from && to) {
    if (existsSync(to) && readdirSync(to).length > 0) throw new Error(`${to} is not empty: restore into a new directory`);
    mkdirSync(to, { recursive: true });
    const client = await PGlite.create(to, { loadDataDir: new Blob([readFileSync(from)]) });
    await client.query('select 1');
    await client.close();
    console.error(`${from} → PGlite data directory ${to}`);
    return;
  }
  throw new Error('usage: pglite-datadir.ts dump <pglite-dir> <file.tar.gz> | load <file.tar.gz> <new-pglite-dir>');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
