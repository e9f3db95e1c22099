/**
 * npm run build:dashboard            builds dashboard/dist with vite
 * npm start (--if-stale)             builds it only when its sources changed since the last build
 *
 * The build is fingerprinted: the SHA-256 of every file under dashboard/ (but dist), src/contracts,
 * src/domain and package-lock.json (the versions of preact, vite and the other packages bundled) is written next to
 * the output. A start whose sources match it skips vite (a build takes 9–13 s on a busy machine).
 *
 * vite is a dev dependency: a production install (`npm ci --omit=dev`) has none. There a start
 * serves the dashboard already built (copied from a build machine, with its fingerprint), and
 * without one the server starts with the API only; both say so, and how to build it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '..');
const SOURCES = path.join(ROOT, 'dashboard');
/**
 * What the dashboard imports from the server's tree: the contract (types, erased from the bundle, but
 * a changed type must be checked and built again) and the pure domain rules (bundled: category
 * labels, the event narrowers).
 */
const SHARED_SOURCES = [path.join(ROOT, 'src', 'contracts'), path.join(ROOT, 'src', 'domain')];
const OUTPUT = path.join(SOURCES, 'dist');
/** Dot files are not served (@fastify/static's default), so the fingerprint stays with the build. */
const FINGERPRINT = path.join(OUTPUT, '.source-sha256');
const HOW_TO_BUILD = 'npm install && npm run build:dashboard (or copy dashboard/dist from a machine that built it)';

/** Every file the bundle is made from, in a fixed order, with its path: a rename changes the hash too. */
function sourceFingerprint(): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (full === OUTPUT || entry.name === 'node_modules') continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  walk(SOURCES);
  for (const shared of SHARED_SOURCES) walk(shared);
  files.push(path.join(ROOT, 'package-lock.json'));
  for (const file of files.sort()) {
    hash.update(path.relative(ROOT, file)).update('\0');
    if (existsSync(file)) hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function builtFingerprint(): string | null {
  if (!existsSync(path.join(OUTPUT, 'index.html')) || !existsSync(FINGERPRINT)) return null;
  return readFileSync(FINGERPRINT, 'utf8').trim();
}

function viteInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('vite/package.json');
    return true;
  } catch {
    return false;
  }
}

async function build(fingerprint: string): Promise<void> {
  const started = performance.now();
  const { build: viteBuild } = await import('vite');
  await viteBuild({ root: SOURCES, logLevel: 'warn' });
  writeFileSync(FINGERPRINT, `${fingerprint}\n`);
  console.log(`dashboard: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'if-stale': { type: 'boolean', default: false } } });
  const fingerprint = sourceFingerprint();
  const built = builtFingerprint();
  if (values['if-stale'] && built === fingerprint) {
    console.log('dashboard: up to date (dashboard/dist was built from these sources)');
    return 0;
  }
  if (viteInstalled()) {
    await build(fingerprint);
    return 0;
  }
  const hasBuild = existsSync(path.join(OUTPUT, 'index.html'));
  if (!values['if-stale']) {
    console.error(`dashboard: vite is not installed (a dev dependency). ${HOW_TO_BUILD}`);
    return 1;
  }
  // A start never fails for the dashboard: the API, webhooks and realtime serve without it.
  if (hasBuild) {
    console.warn(
      `dashboard: serving dashboard/dist as built; its sources differ or were not fingerprinted, and vite is not installed to rebuild it: ${HOW_TO_BUILD}`,
    );
  } else {
    console.warn(
      `dashboard: not built, and vite is not installed (production install): the server starts without the web screens. To add them: ${HOW_TO_BUILD}`,
    );
  }
  return 0;
}

process.exitCode = await main();
