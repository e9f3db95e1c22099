import { count, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agencies, users } from '../../src/db/schema/index.ts';
import { startMetricsListener } from '../../src/http/metrics-listener.ts';
import { DEMO_SEED_STEPS } from '../../src/seed/demo-steps.ts';
import { seedDemoIfWanted } from '../../src/seed/seed-demo.ts';
import { loginAs } from '../helpers/auth.ts';
import { createEmptyDatabase } from '../helpers/empty-database.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp, testConfig } from '../helpers/test-app.ts';
import { twilioPost } from '../helpers/twilio-requests.ts';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789';

let t: TestApp;
let withToken: TestApp;
beforeAll(async () => {
  [t, withToken] = await Promise.all([createTestApp(), createTestApp({ config: { METRICS_TOKEN } })]);
});
afterAll(async () => {
  await Promise.all([t.close(), withToken.close()]);
});

/** Blocks the event loop, then lets the monitor's timer fire and record how late it was. */
async function stallEventLoop(ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else runs, as during a long synchronous query result or a JSON.stringify of a year
  }
  await new Promise((resolve) => setTimeout(resolve, 30));
}

describe('security headers on refusals', () => {
  const SECURITY_HEADERS = [
    'content-security-policy',
    'x-content-type-options',
    'x-frame-options',
    'referrer-policy',
    'cross-origin-opener-policy',
    'cross-origin-resource-policy',
    'x-dns-prefetch-control',
    'x-permitted-cross-domain-policies',
    'strict-transport-security',
  ];
  const securityHeadersOf = (response: { headers: Record<string, unknown> }) =>
    Object.fromEntries(SECURITY_HEADERS.map((name) => [name, response.headers[name]]));

  it('a 401 and a 403 carry the same security headers as a 200', async () => {
    const ok = await t.app.inject('/healthz');
    expect(ok.statusCode).toBe(200);
    const expected = securityHeadersOf(ok);
    expect(expected['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(expected['x-content-type-options']).toBe('nosniff');

    const anonymous = await t.app.inject('/api/v1/tickets');
    expect(anonymous.statusCode).toBe(401);
    expect(securityHeadersOf(anonymous)).toEqual(expected);

    const badToken = await t.app.inject({ url: '/api/v1/tickets', headers: { authorization: 'Bearer cnt_not-a-token' } });
    expect(badToken.statusCode).toBe(401);
    expect(securityHeadersOf(badToken)).toEqual(expected);

    // A state change with the session cookie but without its CSRF token: refused before any route runs.
    const session = await loginAs(t.app, 'operatore1');
    const csrf = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: session.cookie, origin: session.headers.origin } });
    expect(csrf.statusCode).toBe(403);
    expect(securityHeadersOf(csrf)).toEqual(expected);

    // A role refusal, raised by a service guard inside the route.
    const role = await t.app.inject({ url: '/api/v1/admin/users', headers: session.headers });
    expect(role.statusCode).toBe(403);
    expect(securityHeadersOf(role)).toEqual(expected);

    const unsigned = await twilioPost(t.app, '/webhooks/twilio/voice', { CallSid: 'CA00000000000000000000000000000000' }, { signature: 'wrong' });
    expect(unsigned.statusCode).toBe(403);
    expect(securityHeadersOf(unsigned)).toEqual(expected);
  });
});

describe('/metrics is not anonymous on the public port', () => {
  it('is not there at all without METRICS_TOKEN', async () => {
    expect((await t.app.inject('/metrics')).statusCode).toBe(404);
  });

  it('answers 401 without the token or with another, and the metrics to its bearer', async () => {
    const anonymous = await withToken.app.inject('/metrics');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).not.toContain('centralino_calls_total');
    const wrong = await withToken.app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-scraper-token-9876543210' } });
    expect(wrong.statusCode).toBe(401);

    await stallEventLoop(120);
    const scraped = await withToken.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.headers['content-type']).toContain('text/plain');
    expect(scraped.body).toContain('# TYPE centralino_event_loop_delay_seconds histogram');
    const bucket = (le: string) =>
      Number(new RegExp(`centralino_event_loop_delay_seconds_bucket\\{le="${le.replace('+', '\\+')}"\\} (\\d+)`).exec(scraped.body)?.[1]);
    // The stall of 120 ms is in the histogram: some sample is above the 0.1 s bucket.
    expect(bucket('0.1')).toBeLessThan(bucket('+Inf'));
    expect(bucket('+Inf')).toBe(Number(/centralino_event_loop_delay_seconds_count (\d+)/.exec(scraped.body)?.[1]));
  });

  it('is served anonymously on the metrics listener, which answers nothing else', async () => {
    const listener = await startMetricsListener(t.app.services.metrics.registry, { host: '127.0.0.1', port: 0 });
    try {
      const response = await fetch(`http://127.0.0.1:${listener.port}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toContain('centralino_event_loop_delay_seconds_bucket{le="0.01"}');
      expect(text).toContain('centralino_webhook_duration_seconds');
      expect((await fetch(`http://127.0.0.1:${listener.port}/api/v1/tickets`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${listener.port}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await listener.close();
    }
  });
});

describe('/readyz', () => {
  it('carries the event-loop delay of the last minute', async () => {
    await stallEventLoop(150);
    const response = await t.app.inject('/readyz');
    expect(response.statusCode).toBe(200);
    const body = response.json() as { eventLoopDelayMs: { p99: number; max: number; windowSeconds: number } };
    expect(body.eventLoopDelayMs.max).toBeGreaterThanOrEqual(100);
    expect(body.eventLoopDelayMs.p99).toBeLessThanOrEqual(body.eventLoopDelayMs.max);
    expect(body.eventLoopDelayMs.windowSeconds).toBe(60);
  });
});

describe('demo seed at start-up', () => {
  // One empty database, started on in turn as production, production with DEMO_SEED=1, and (emptied
  // again) development: a fresh PGlite costs seconds to migrate.
  let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
  beforeAll(async () => {
    database = await createEmptyDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  async function startOn(env: Record<string, string>) {
    const config = testConfig(env);
    const result = await seedDemoIfWanted(database.db, DEMO_SEED_STEPS, {
      wanted: config.demoSeed,
      demoPassword: 'a-demo-password',
      now: new Date('2026-11-23T09:00:00Z'),
    });
    const [{ agencyRows }] = await database.db.select({ agencyRows: count() }).from(agencies);
    const [{ userRows }] = await database.db.select({ userRows: count() }).from(users);
    return { seeded: result.seeded, agencyRows, userRows };
  }
  const PRODUCTION = { NODE_ENV: 'production' };

  it('leaves an empty production database empty, and loads the demo data there only when asked with DEMO_SEED=1', async () => {
    expect(await startOn(PRODUCTION)).toEqual({ seeded: false, agencyRows: 0, userRows: 0 });
    expect(await startOn({ ...PRODUCTION, DEMO_SEED: '1' })).toEqual({ seeded: true, agencyRows: 2, userRows: 6 });
  });

  it('loads the demo data into an empty database in development', async () => {
    await database.db.execute(sql`truncate ${agencies}, ${users} cascade`);
    expect(await startOn({ NODE_ENV: 'development' })).toEqual({ seeded: true, agencyRows: 2, userRows: 6 });
  });
});
