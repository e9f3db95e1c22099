/**
 * npm run bench: every benchmark, each measured side by side within its own run, printed as a
 * table and written as JSON under bench/results/. Quick by default; --full for the issue figures.
 */
import { parseArgs } from 'node:util';
import { writeResult } from './bench-kit.ts';
import { printFanoutResult, runFanoutBench } from './fanout-bench.ts';
import { printWebhookResult, runWebhookBench } from './webhook-bench.ts';

const { values } = parseArgs({ options: { full: { type: 'boolean', default: false } } });
const full = values.full;
const summary: Record<string, unknown> = { startedAt: new Date().toISOString(), database: process.env.DATABASE_URL ? 'postgres' : 'pglite', full };

console.log(`Benchmarks (${full ? 'full' : 'quick'} run; --full for the figures the issues ask for)`);
console.log('\n[1] incoming-call webhook vs bare Fastify route');
const webhook = await runWebhookBench({ rounds: 3, duration: full ? 10 : 4, connections: 10, rate: full ? 200 : 0, rateDuration: 60 });
printWebhookResult(webhook);
summary.webhook = webhook;

console.log('\n[2] dashboard fan-out to connected sockets');
const fanout = await runFanoutBench({ clients: full ? 500 : 200, events: full ? 30 : 10 });
printFanoutResult(fanout);
summary.fanout = fanout;

console.log(`\nwritten: ${writeResult('bench', summary)}`);
