/**
 * Twilio's side of the isolation bench, in a worker thread of its own: a signed incoming call every
 * 100 ms, each without waiting for the one before, until the bench says stop; then the samples go
 * back to the bench. On the bench's main thread the calls would share a loop with the storm's
 * senders (writing 50 MB of request bodies, reading the reports), and their answer times would
 * include that loop's waits, which no Twilio data center shares with an attacker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { signedIncomingCall } from './bench-kit.ts';

export type CallerOptions = Readonly<{ base: string; token: string; publicUrl: string; numbers: readonly string[]; warmUpCalls: number }>;
export type CallSample = Readonly<{ at: number; ms: number; twiml: boolean; status: number }>;
/** From the bench: "stop". To the bench: "warm" once the warm-up calls are answered, then the samples. */
export type CallerMessage = { kind: 'warm'; firstCallMs: number } | { kind: 'samples'; samples: CallSample[] };

const options = workerData as CallerOptions;

async function call(): Promise<CallSample> {
  const { body, signature } = signedIncomingCall(options.token, options.publicUrl, options.numbers);
  // performance.timeOrigin + now(): an instant the bench's own thread can compare with its clock.
  const started = performance.timeOrigin + performance.now();
  try {
    const response = await fetch(`${options.base}/webhooks/twilio/voice`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body,
    });
    const text = await response.text();
    const ms = performance.timeOrigin + performance.now() - started;
    return { at: started, ms, twiml: response.ok && text.includes('<Response>'), status: response.status };
  } catch {
    return { at: started, ms: performance.timeOrigin + performance.now() - started, twiml: false, status: 0 };
  }
}

let stopped = false;
parentPort!.on('message', () => (stopped = true));

// A node's first calls pay for compiling the voice path; a few before measuring, the first one reported apart.
const first = await call();
for (let i = 1; i < options.warmUpCalls; i++) await call();
parentPort!.postMessage({ kind: 'warm', firstCallMs: Math.round(first.ms) } satisfies CallerMessage);

const pending: Promise<CallSample>[] = [];
while (!stopped) {
  pending.push(call());
  await new Promise((resolve) => setTimeout(resolve, 100));
}
parentPort!.postMessage({ kind: 'samples', samples: await Promise.all(pending) } satisfies CallerMessage);
