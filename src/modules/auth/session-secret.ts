import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';
import { randomSecret } from './auth-crypto.ts';

/**
 * SESSION_SECRET, or outside production a secret generated once and kept in DATA_DIR, so that
 * sessions survive restarts of a development server without anyone configuring anything.
 */
export function resolveSessionSecret(config: Config): string {
  if (config.sessionSecret) return config.sessionSecret;
  if (config.isProduction) throw new Error('SESSION_SECRET is required in production');
  const file = path.resolve(config.dataDir, 'session-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    // 'wx': when two processes start at once, the second reads the first one's secret.
    writeFileSync(file, `${randomSecret(48)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}
