import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { DEVELOPMENT_EMAIL_WEBHOOK_SECRET, DEVELOPMENT_TWILIO_AUTH_TOKEN } from '../src/config.ts';
import type { CallOutcomeCounts } from './simulator/call-center.ts';
import { emptyCounts, playCaller, playOperator, QueueBoard, sleep } from './simulator/call-center.ts';
import { postEmail, tenantEmail } from './simulator/emails.ts';
import type { OperatorDesk } from './simulator/operator-desk.ts';
import { openOperatorDesk } from './simulator/operator-desk.ts';
import { createRng } from './simulator/rng.ts';
import type { TwilioClient } from './simulator/twilio-client.ts';
import { createTwilioClient } from './simulator/twilio-client.ts';

const USAGE = `npm run simulate -- [--url http://localhost:3000] [--calls-per-minute 6] [--minutes 3] [--seed 1]
  [--emails-per-minute 2] [--operators operatore1,operatore2] [--speed 1] [--public-url <as Twilio sees it>]

Plays tenants calling and writing, and operators answering at browser softphones, against a running
server: every request is signed as Twilio or the e-mail provider would sign it, with TWILIO_AUTH_TOKEN
and EMAIL_WEBHOOK_SECRET (the development values when unset). Outside 08:00-20:00 Europe/Rome the
agencies are closed and the calls come out as out-of-hours. --speed 10 plays ten times faster.
With DEMO_PASSWORD set (the server's), the operators also log in and close each wrap-up with an
outcome code (esito), so that the reports by outcome fill up.`;

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:3000' },
    'public-url': { type: 'string' },
    'calls-per-minute': { type: 'string', default: '6' },
    'emails-per-minute': { type: 'string', default: '2' },
    minutes: { type: 'string', default: '3' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    operators: { type: 'string', default: 'operatore1,operatore2' },
    speed: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const url = values.url.replace(/\/+$/, '');
const callsPerMinute = Number(values['calls-per-minute']);
const emailsPerMinute = Number(values['emails-per-minute']);
const minutes = Number(values.minutes);
const speed = Number(values.speed);
const seed = Number(values.seed);
for (const [name, value] of Object.entries({ callsPerMinute, emailsPerMinute, minutes, speed, seed })) {
  if (!Number.isFinite(value) || value < 0) {
    console.error(`Invalid --${name}: ${value}\n\n${USAGE}`);
    process.exit(2);
  }
}

const rng = createRng(seed);
const publicUrl = (values['public-url'] ?? url).replace(/\/+$/, '');
const signedClient = createTwilioClient({ url, publicUrl, authToken: process.env.TWILIO_AUTH_TOKEN || DEVELOPMENT_TWILIO_AUTH_TOKEN });
// A refused signature refuses every request after it too: stop at once and say why, instead of
// playing minutes of calls that all fail.
const twilio: TwilioClient = {
  async post(path, params) {
    const answer = await signedClient.post(path, params);
    if (answer.status === 403) {
      stopAtOnce(
        `The server refused the Twilio signature of ${path} (403). The simulator signs over ${publicUrl}${path};\n` +
          "the server checks it against its PUBLIC_BASE_URL and TWILIO_AUTH_TOKEN. Pass --public-url <the server's PUBLIC_BASE_URL>\n" +
          '(or start the server with PUBLIC_BASE_URL=' +
          publicUrl +
          '), and give both the same TWILIO_AUTH_TOKEN.',
      );
    }
    return answer;
  },
};
const emailSecret = process.env.EMAIL_WEBHOOK_SECRET || DEVELOPMENT_EMAIL_WEBHOOK_SECRET;
const run = new AbortController();
const timing = { speed, talkMeanSeconds: 40, patienceMeanSeconds: 60, ending: run.signal };
const board = new QueueBoard();
const counts: CallOutcomeCounts = emptyCounts();
const emailCounts: Record<string, number> = {};
const tickets: { ref: string; messageId: string; to: string }[] = [];

try {
  const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
  if (!health.ok) throw new Error(`status ${health.status}`);
} catch (error) {
  console.error(`No server answers at ${url} (${(error as Error).message}). Start it with \`npm start\` first.`);
  process.exit(1);
}

const durationMs = (minutes * 60_000) / speed;
const plannedCalls = Math.round(callsPerMinute * minutes);
const plannedEmails = Math.round(emailsPerMinute * minutes);
const startedAt = Date.now();
// When the minutes are up, callers still in the menu, waiting or talking hang up, as Twilio would
// report them; the run then ends within seconds, not after the last caller's patience.
const deadline = setTimeout(() => run.abort(), durationMs);
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  bar.stop();
  console.log('\nStopping: the callers hang up (Ctrl-C again to quit at once)…');
  run.abort();
});

console.log(`Simulating ${minutes} min at ${callsPerMinute} calls/min and ${emailsPerMinute} e-mails/min against ${url} (seed ${seed}, speed ×${speed})`);
const bar = new cliProgress.SingleBar(
  { format: ' {bar} {percentage}% | {value}/{total} calls and e-mails done | answered {answered} abandoned {abandoned} out of hours {ooh}', hideCursor: true },
  cliProgress.Presets.shades_classic,
);
bar.start(plannedCalls + plannedEmails, 0, { answered: 0, abandoned: 0, ooh: 0 });
const tick = () => bar.increment(1, { answered: counts.answered, abandoned: counts.abandoned + counts.short_abandoned, ooh: counts.out_of_hours });

const operators = values.operators
  .split(',')
  .map((identity) => identity.trim())
  .filter(Boolean);
let finishedCalls = 0;
let emailsSent = 0;
const desks = await openDesks(operators);
const operatorTasks = operators.map((identity, index) => playOperator(identity, twilio, board, rng, timing, () => finishedCalls >= plannedCalls, desks[index]));

// Arrivals are a Poisson process at the asked rate, spread over the run.
const callTasks: Promise<void>[] = [];
const arrivals = async (count: number, start: (index: number) => Promise<void>) => {
  for (let index = 0; index < count && !run.signal.aborted; index += 1) {
    callTasks.push(start(index));
    await sleep(rng.exponential(durationMs / Math.max(1, count)), run.signal);
  }
};
await Promise.all([
  arrivals(plannedCalls, async () => {
    try {
      await playCaller(twilio, board, rng, timing, counts);
    } catch {
      counts.error += 1;
    }
    finishedCalls += 1;
    tick();
  }),
  arrivals(plannedEmails, async () => {
    const reply = tickets.length > 0 && rng.chance(0.2) ? rng.pick(tickets) : undefined;
    const { raw, to } = tenantEmail(rng, reply);
    emailsSent += 1;
    try {
      const result = await postEmail(url, emailSecret, raw, to);
      if (result.status === 401 || result.status === 403) {
        stopAtOnce(`The server refused the e-mail signature (${result.status}): give the simulator the server's EMAIL_WEBHOOK_SECRET.`);
      }
      const key = result.status === 202 ? (result.outcome ?? 'accepted') : `refused (${result.status})`;
      emailCounts[key] = (emailCounts[key] ?? 0) + 1;
      const messageId = /^Message-ID: (.+)$/m.exec(raw.toString('utf8'))?.[1];
      if (result.ticket && messageId) tickets.push({ ref: result.ticket, messageId, to });
    } catch (error) {
      emailCounts[`error (${(error as Error).message})`] = (emailCounts[`error (${(error as Error).message})`] ?? 0) + 1;
    }
    tick();
  }),
]);
await Promise.all(callTasks);
run.abort();
await Promise.all(operatorTasks);
clearTimeout(deadline);
bar.stop();

const seconds = Math.round((Date.now() - startedAt) / 1000);
const placed = callTasks.length;
console.log(`\n${interrupted ? 'Stopped' : 'Done'} in ${seconds} s. Calls placed: ${placed}${placed < plannedCalls ? ` of ${plannedCalls}` : ''}`);
console.table(counts);
console.log(`E-mails sent: ${emailsSent}`);
if (emailsSent > 0) console.table(emailCounts);
const refused = counts.refused + counts.error;
if (refused > 0) console.log(`${refused} call(s) were refused or failed: check that TWILIO_AUTH_TOKEN and --public-url match the server's.`);

/** The operators' dashboard sessions, when the demo password is known; none (answer only) otherwise. */
async function openDesks(usernames: readonly string[]): Promise<(OperatorDesk | undefined)[]> {
  const password = process.env.DEMO_PASSWORD;
  if (!password) {
    console.log('DEMO_PASSWORD is not set: the operators answer, but record no outcome code (esito).');
    return usernames.map(() => undefined);
  }
  try {
    return await Promise.all(usernames.map((username) => openOperatorDesk(url, username, password, rng)));
  } catch (error) {
    stopAtOnce((error as Error).message);
  }
}

function stopAtOnce(message: string): never {
  bar.stop();
  console.error(`\n${message}`);
  process.exit(1);
}
