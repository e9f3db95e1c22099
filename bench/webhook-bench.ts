/**
 * Incoming-call webhook (signature check, DB write, TwiML) against a bare Fastify route, measured
 * side by side in one run. The server runs in a child process pinned to core 0, autocannon here
 * on core 1. Rounds alternate bare/webhook so that drift in the machine hits both alike; the
 * median round is reported.
 *
 * Throughput is measured at each concurrency of `--connections`: with few connections every
 * request waits for its own commit and the figure is the disk's commit latency; with many, calls
 * share commits and it is the server's capacity.
 *
 *   node bench/webhook-bench.ts [--rounds 3] [--duration 5] [--connections 10,100] [--rate 200 --rate-duration 60]
 *   DATABASE_URL=postgres://… for native Postgres; PGlite otherwise.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { freshDatabase, median, pinSelf, signedIncomingCall, startServer, stopServer, writeResult } from './bench-kit.ts';

const TOKEN = 'bench-token';
const PUBLIC_URL = 'http://bench.local';
const NUMBERS = ['+39800100100', '+390240000000', '+39800200200', '+390382000000', '+39800300300'];

export type WebhookBenchOptions = { rounds: number; duration: number; connections: readonly number[]; rate: number; rateDuration: number };

type Round = { target: 'bare' | 'webhook'; requestsPerSecond: number; p50: number; p99: number; errors: number; non2xx: number };

function incomingBody(): { body: string; signature: string } {
  return signedIncomingCall(TOKEN, PUBLIC_URL, NUMBERS);
}

async function measure(target: Round['target'], port: number, options: { duration: number; connections: number; overallRate?: number }): Promise<Round> {
  const path = target === 'bare' ? '/bare' : '/webhooks/twilio/voice';
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: options.connections,
    duration: options.duration,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        path,
        // Every request is a new call with a fresh CallSid, correctly signed: no idempotent replays.
        setupRequest: (request) => {
          const { body, signature } = incomingBody();
          return { ...request, body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } };
        },
      },
    ],
  });
  return {
    target,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** `databaseUrl`: native Postgres; undefined: embedded PGlite, whatever the environment says. */
export async function runWebhookBench(options: WebhookBenchOptions, databaseUrl: string | undefined) {
  pinSelf(1);
  const database = databaseUrl ? await freshDatabase(databaseUrl, 'centralino_webhook_bench') : undefined;
  const { child, info } = await startServer<{ app: number; bare: number; database: string }>('webhook-server.ts', {
    BENCH_TWILIO_TOKEN: TOKEN,
    DATABASE_URL: database?.url ?? '',
  });
  try {
    // Warm-up: JIT, connection pools, PGlite's first queries.
    await measure('webhook', info.app, { duration: 2, connections: Math.max(...options.connections) });
    await measure('bare', info.bare, { duration: 1, connections: Math.max(...options.connections) });
    const levels = [];
    for (const connections of options.connections) {
      const rounds: Round[] = [];
      for (let round = 1; round <= options.rounds; round += 1) {
        for (const target of ['bare', 'webhook'] as const) {
          const measured = await measure(target, target === 'bare' ? info.bare : info.app, { duration: options.duration, connections });
          rounds.push(measured);
          process.stderr.write(
            `  ${connections} connections, round ${round}/${options.rounds} ${target.padEnd(7)} ${measured.requestsPerSecond.toFixed(0).padStart(6)} req/s  p99 ${measured.p99} ms\n`,
          );
        }
      }
      const of = (target: Round['target']) => rounds.filter((round) => round.target === target);
      const bareRps = median(of('bare').map((round) => round.requestsPerSecond));
      const webhookRps = median(of('webhook').map((round) => round.requestsPerSecond));
      levels.push({
        connections,
        bare: { requestsPerSecond: bareRps, p99: median(of('bare').map((round) => round.p99)) },
        webhook: {
          requestsPerSecond: webhookRps,
          p99: median(of('webhook').map((round) => round.p99)),
          errors: of('webhook').reduce((sum, round) => sum + round.errors + round.non2xx, 0),
        },
        ratio: webhookRps / bareRps,
        rounds,
      });
    }
    let fixedRate: Round | null = null;
    if (options.rate > 0) {
      process.stderr.write(`  fixed arrival rate: ${options.rate} req/s for ${options.rateDuration} s on the webhook\n`);
      fixedRate = await measure('webhook', info.app, {
        duration: options.rateDuration,
        connections: Math.max(...options.connections, 20),
        overallRate: options.rate,
      });
    }
    return { database: info.database, options, levels, fixedRate };
  } finally {
    await stopServer(child);
    await database?.drop();
  }
}

export function printWebhookResult(result: Awaited<ReturnType<typeof runWebhookBench>>): void {
  console.log(`\nIncoming-call webhook vs bare Fastify route (${result.database}, median of ${result.options.rounds} rounds of ${result.options.duration} s)`);
  console.table(
    Object.fromEntries(
      result.levels.map((level) => [
        `${level.connections} connections`,
        {
          'bare req/s': Math.round(level.bare.requestsPerSecond),
          'webhook req/s': Math.round(level.webhook.requestsPerSecond),
          'webhook / bare': `${(level.ratio * 100).toFixed(1)} %`,
          'bare p99 ms': level.bare.p99,
          'webhook p99 ms': level.webhook.p99,
          'webhook errors': level.webhook.errors,
        },
      ]),
    ),
  );
  if (result.fixedRate) {
    const fixed = result.fixedRate;
    console.log(
      `fixed rate ${result.options.rate} req/s for ${result.options.rateDuration} s: achieved ${fixed.requestsPerSecond.toFixed(0)} req/s, p50 ${fixed.p50} ms, p99 ${fixed.p99} ms, errors ${fixed.errors + fixed.non2xx}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '10,100' },
      rate: { type: 'string', default: '0' },
      'rate-duration': { type: 'string', default: '60' },
    },
  });
  const options = {
    rounds: Number(values.rounds),
    duration: Number(values.duration),
    connections: values.connections.split(',').map(Number),
    rate: Number(values.rate),
    rateDuration: Number(values['rate-duration']),
  };
  const result = await runWebhookBench(options, process.env.DATABASE_URL);
  printWebhookResult(result);
  console.log(`written: ${writeResult(`webhook-${result.database}`, result)}`);
}
