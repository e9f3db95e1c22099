import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { randomBytes } from 'node:crypto';
import { signTwilioRequest } from '../webhooks/twilio/twilio-signature.ts';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** taskset pins the server to core 0 and the load generator to core 1, where the machine allows it. */
export function pinnedCommand(core: number, command: string, args: string[]): [string, string[]] {
  return process.platform === 'linux' ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

export function pinSelf(core: number): void {
  if (process.platform !== 'linux') return;
  spawn('taskset', ['-cp', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** Starts a benchmark server script and waits for the JSON line it prints when it listens. */
export async function startServer<T>(script: string, env: Record<string, string | undefined>): Promise<{ child: ChildProcess; info: T }> {
  const [command, args] = pinnedCommand(0, process.execPath, [path.join(BENCH_DIR, script)]);
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<T>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)));
    lines.once('line', (line) => resolve(JSON.parse(line) as T));
  });
  return { child, info };
}

export async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

export function writeResult(name: string, result: unknown): string {
  const directory = path.join(BENCH_DIR, 'results');
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** Starts `node src/main.ts` as one node of the platform, pinned to core 0, and waits until it is ready. */
export async function startNode(port: number, env: Record<string, string | undefined>): Promise<ChildProcess> {
  const root = path.join(BENCH_DIR, '..');
  const [command, args] = pinnedCommand(0, path.join(root, 'node_modules/.bin/node'), [path.join(root, 'src/main.ts')]);
  const child = spawn(command, args, {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node on port ${port} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A new, empty database on the server behind `databaseUrl`, dropped again by `drop()`: every run
 * starts from the same state, not from the rows (and bloat) earlier runs left behind.
 */
export async function freshDatabase(databaseUrl: string, name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  return {
    url: Object.assign(new URL(databaseUrl), { pathname: `/${name}` }).toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** A new incoming call (fresh CallSid) to one of `numbers`, form-encoded and signed as Twilio signs it. */
export function signedIncomingCall(token: string, publicUrl: string, numbers: readonly string[]): { body: string; signature: string } {
  const params = {
    AccountSid: 'AC00000000000000000000000000000000',
    CallSid: `CA${randomBytes(16).toString('hex')}`,
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: `+3934${Math.floor(10_000_000 + Math.random() * 89_999_999)}`,
    To: numbers[Math.floor(Math.random() * numbers.length)],
    ApiVersion: '2010-04-01',
  };
  return { body: new URLSearchParams(params).toString(), signature: signTwilioRequest(token, `${publicUrl}/webhooks/twilio/voice`, params) };
}
