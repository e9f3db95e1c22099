import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteEntry } from '../../src/modules/auth/route-table.ts';
import { createTestApp } from '../helpers/test-app.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createAgencyToken, createStaffUser, loginAs } from '../helpers/auth.ts';
import { connected, connectLive } from '../helpers/live-socket.ts';
import type { LiveClient } from '../helpers/live-socket.ts';
import { TEST_EMAIL_SECRET } from '../helpers/test-constants.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * The isolation matrix: every /api/v1 route of the built app (read from its route table, so new
 * routes join by themselves) × every role × own/other agency. ALER Milano's clerk, ALER Milano's
 * API token, and a supervisor and an operator of the call center assigned to ALER Milano only must
 * be refused ALER Pavia-Lodi's data (403/404), with not one of its rows in any response body, on
 * every route and on the live socket; anonymous requests get 401.
 */
const OWN = 'aler-milano';
const OTHER = 'aler-pavia-lodi';
const OWN_TENANT = { phone: '+393471111111', name: 'Mario Milanese' };
const OTHER_TENANT = { phone: '+393479999999', name: 'Pietro Pavese' };
const OTHER_EMAIL_TEXT = 'Infiltrazione nel sottotetto di via Pavese';
/** Quarantined mail routed to ALER Pavia-Lodi (an auto-reply answering nothing of ours). */
const OTHER_QUARANTINED_TEXT = 'Risposta automatica da via Pavese';
/** Mail for none of our addresses: it may be any agency's tenant's, so only staff serving every agency see it. */
const UNROUTABLE_TEXT = 'Lettera senza ente di via Nessuno';
/** Call-center staff assigned to ALER Milano only, created through the admin API. */
const PARTIAL_STAFF = { 'supervisor of ALER Milano only': 'supervisore-milano', 'operator of ALER Milano only': 'operatore-milano' } as const;
type Viewer = 'agency user' | 'agency token' | keyof typeof PARTIAL_STAFF;
const VIEWERS = ['agency user', 'agency token', ...(Object.keys(PARTIAL_STAFF) as (keyof typeof PARTIAL_STAFF)[])] as const;
const RANGE = 'from=2026-11-01&to=2026-11-30';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Headers = Record<string, string>;
type Probe = { method: string; url: string; payload?: object };
type Outcome = { probe: Probe; status: number; body: string };

let t: TestApp;
let apiRoutes: RouteEntry[];
let unroutableId: string | undefined;
const partialCookies: Partial<Record<Viewer, string>> = {};
const staff: Record<'operator' | 'supervisor' | 'admin', Headers> = { operator: {}, supervisor: {}, admin: {} };
const milano = {} as Record<Viewer, Headers>;
let baseUrl: string;
/** Identifiers of ALER Pavia-Lodi's records, as staff can see them: what the Milano actors try to reach. */
const foreignIds = new Set<string>();
/** Strings that only ALER Pavia-Lodi's data contains: none may reach a Milano actor. */
const foreignMarkers = new Set<string>([
  OTHER,
  OTHER_TENANT.phone,
  OTHER_TENANT.name,
  OTHER_EMAIL_TEXT,
  OTHER_QUARANTINED_TEXT,
  UNROUTABLE_TEXT,
  '+39800200200',
  '+390382000000',
  '+39800300300',
  'callcenter@aler-pavia-lodi.example',
]);

const hasRoute = (method: string, url: string) => apiRoutes.some((route) => route.method === method && route.url === url);

function inject(probe: Probe, headers: Headers) {
  return t.app.inject({ method: probe.method as 'GET', url: probe.url, headers, ...(probe.payload ? { payload: probe.payload } : {}) });
}

async function ring(from: string, to: string, digit: string) {
  const callSid = newCallSid();
  expect((await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, from, to))).statusCode).toBe(200);
  const menu = await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
    ...incomingCallParams(callSid, from, to),
    CallStatus: 'in-progress',
    Digits: digit,
  });
  expect(menu.statusCode).toBe(200);
  return callSid;
}

async function sendEmail(to: string, subject: string, text: string, extraHeaders: string[] = []) {
  const raw = [
    `From: ${OTHER_TENANT.name} <pietro.pavese@example.net>`,
    `To: ${to}`,
    `Subject: ${subject}`,
    ...extraHeaders,
    `Message-ID: <${newCallSid()}@example.net>`,
    'Date: Mon, 23 Nov 2026 09:30:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    '',
  ].join('\r\n');
  const signature = `sha256=${createHmac('sha256', TEST_EMAIL_SECRET).update(raw).digest('hex')}`;
  return t.app.inject({
    method: 'POST',
    url: '/webhooks/email/inbound',
    headers: { 'content-type': 'message/rfc822', 'x-signature-256': signature },
    payload: raw,
  });
}

/** Does this object describe a record of `agency` (an `agency`/`agencyCode` field naming it, or a single-agency list)? */
function belongsTo(value: Record<string, unknown>, agency: string): boolean {
  return Object.entries(value).some(
    ([key, field]) => /^agency(Code)?$|^agencies$/.test(key) && (field === agency || (Array.isArray(field) && field.length === 1 && field[0] === agency)),
  );
}

/** Collects the identifiers (id, ref, callSid, …Id) of every record of `agency` found in a JSON body. */
function harvestIds(body: unknown, agency: string, into: Set<string>): void {
  if (Array.isArray(body)) {
    for (const item of body) harvestIds(item, agency, into);
    return;
  }
  if (!body || typeof body !== 'object') return;
  const record = body as Record<string, unknown>;
  if (belongsTo(record, agency)) {
    for (const [key, field] of Object.entries(record)) {
      if (/^(id|ref|code|callSid|sid)$|(Id|Ref|Sid)$/.test(key) && typeof field === 'string' && field.length >= 3 && field !== agency) into.add(field);
    }
  }
  for (const field of Object.values(record)) harvestIds(field, agency, into);
}

/** Every probe of a route: foreign identifiers in its path, foreign and no agency filters in its query. */
function probesOf(route: RouteEntry): Probe[] {
  const params = [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1]);
  const payload = UNSAFE.has(route.method) ? { agency: OTHER } : undefined;
  if (params.length === 0) {
    const queries = route.method === 'GET' ? ['', `?${RANGE}`, `?agency=${OTHER}`, `?agency=${OTHER}&${RANGE}`] : [''];
    return queries.map((query) => ({ method: route.method, url: `${route.url}${query}`, payload }));
  }
  const candidates = [OTHER, ...foreignIds].slice(0, 60);
  const probes: Probe[] = [];
  const expand = (url: string, rest: string[]) => {
    if (rest.length === 0) {
      probes.push({ method: route.method, url, payload });
      if (route.method === 'GET') probes.push({ method: route.method, url: `${url}?agency=${OTHER}&${RANGE}`, payload });
      return;
    }
    const [name, ...others] = rest;
    const values = /^agency(Code)?$/.test(name) ? [OTHER] : candidates;
    for (const value of values) expand(url.replace(`:${name}`, encodeURIComponent(value)), others);
  };
  expand(route.url, params);
  return probes;
}

/** The foreign markers in a response, leaving out what the request itself carried (an echoed path is no leak). */
function leakedMarkers(outcome: Outcome): string[] {
  const sent = `${decodeURIComponent(outcome.probe.url)} ${JSON.stringify(outcome.probe.payload ?? {})}`;
  return [...new Set([...foreignMarkers, ...foreignIds])].filter((marker) => !sent.includes(marker) && outcome.body.includes(marker));
}

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T09:00:00Z' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  apiRoutes = t.app.services.routes.filter((route) => route.url.startsWith('/api/v1/') && route.method !== 'HEAD' && route.method !== 'OPTIONS');

  staff.operator = (await loginAs(t.app, 'operatore1')).headers;
  staff.supervisor = (await loginAs(t.app, 'supervisore')).headers;
  staff.admin = (await loginAs(t.app, 'admin')).headers;
  milano['agency token'] = (await createAgencyToken(t.app, OWN)).headers;
  // A token of the other agency, so that token routes have a foreign identifier to try.
  await createAgencyToken(t.app, OTHER);

  const ownCall = await ring(OWN_TENANT.phone, '+39800100100', '1');
  const otherCall = await ring(OTHER_TENANT.phone, '+39800200200', '2');
  foreignMarkers.add(otherCall);
  if (hasRoute('POST', '/api/v1/tickets')) {
    for (const [agency, tenant, callSid] of [
      [OWN, OWN_TENANT, ownCall],
      [OTHER, OTHER_TENANT, otherCall],
    ] as const) {
      const created = await inject(
        {
          method: 'POST',
          url: '/api/v1/tickets',
          payload: { agency, category: 'heating', description: `Termosifoni freddi (${tenant.name})`, callSid, caller: tenant },
        },
        staff.operator,
      );
      expect(created.statusCode, created.body).toBe(201);
    }
  }
  if (t.app.services.routes.some((route) => route.url === '/webhooks/email/inbound')) {
    const received = await sendEmail('callcenter@aler-pavia-lodi.example', 'Segnalazione infiltrazione', OTHER_EMAIL_TEXT);
    expect(received.statusCode, received.body).toBe(202);
    const autoReply = await sendEmail('callcenter@aler-pavia-lodi.example', 'Risposta automatica: fuori sede', OTHER_QUARANTINED_TEXT, [
      'Auto-Submitted: auto-replied',
    ]);
    expect(autoReply.json()).toMatchObject({ status: 'quarantined' });
    const unroutable = await sendEmail('nessuno@altrove.example', 'Lettera', UNROUTABLE_TEXT);
    expect(unroutable.json()).toMatchObject({ status: 'quarantined' });
    unroutableId = unroutable.json().id;
  }

  // What staff see of each agency: ids of the other agency to try, minus anything the two share.
  const ownIds = new Set<string>();
  for (const route of apiRoutes.filter((candidate) => candidate.method === 'GET' && !candidate.url.includes(':'))) {
    for (const headers of [staff.admin, staff.supervisor]) {
      for (const [agency, into] of [
        [OTHER, foreignIds],
        [OWN, ownIds],
      ] as const) {
        for (const query of [`?agency=${agency}`, `?agency=${agency}&${RANGE}`, '']) {
          const response = await inject({ method: 'GET', url: `${route.url}${query}` }, headers);
          if (response.statusCode === 200 && response.headers['content-type']?.toString().includes('json')) harvestIds(response.json(), agency, into);
        }
      }
    }
  }
  for (const id of ownIds) foreignIds.delete(id);
  // Not ALER Pavia-Lodi's, but no more ALER Milano's: out of reach of anyone serving Milano only.
  if (unroutableId) foreignIds.add(unroutableId);
  // Staff sessions are gone from these sets: the clerk logs in last, after staff reads.
  milano['agency user'] = (await loginAs(t.app, 'referente-milano')).headers;
  for (const [viewer, username] of Object.entries(PARTIAL_STAFF)) {
    const session = await createStaffUser(t.app, username, viewer.startsWith('supervisor') ? 'supervisor' : 'operator', [OWN]);
    milano[viewer as Viewer] = session.headers;
    partialCookies[viewer as Viewer] = session.cookie;
  }
}, 240_000);

afterAll(async () => {
  await t.close();
});

describe('isolation matrix', () => {
  it('reads the route table of the built app', () => {
    const urls = apiRoutes.map((route) => `${route.method} ${route.url}`);
    expect(urls).toEqual(expect.arrayContaining(['GET /api/v1/calls', 'POST /api/v1/auth/login', 'GET /api/v1/admin/agencies/:code']));
    // The other agency's records were found and will be tried: calls at least.
    expect(foreignIds.size + foreignMarkers.size).toBeGreaterThan(8);
  });

  it('answers 401 to anonymous requests on every /api/v1 route but login', async () => {
    const failures: string[] = [];
    for (const route of apiRoutes) {
      if (route.url === '/api/v1/auth/login') continue;
      const url = route.url.replace(/:(\w+)/g, OTHER);
      const response = await t.app.inject({ method: route.method as 'GET', url, ...(UNSAFE.has(route.method) ? { payload: {} } : {}) });
      if (response.statusCode !== 401) failures.push(`${route.method} ${url} → ${response.statusCode}`);
      if (leakedMarkers({ probe: { method: route.method, url }, status: response.statusCode, body: response.body }).length > 0)
        failures.push(`${route.method} ${url} leaked`);
    }
    expect(failures).toEqual([]);
  });

  for (const who of VIEWERS) {
    it(`refuses ALER Milano's ${who} every record of ALER Pavia-Lodi, on every route, with no foreign row in any body`, async () => {
      const failures: string[] = [];
      let probes = 0;
      for (const route of apiRoutes) {
        // Logging out or changing the password would end the clerk's own session, nothing foreign to reach.
        if (route.url.startsWith('/api/v1/auth/')) continue;
        for (const probe of probesOf(route)) {
          probes += 1;
          const response = await inject(probe, milano[who]);
          const outcome = { probe, status: response.statusCode, body: response.body };
          const label = `${probe.method} ${probe.url} → ${response.statusCode}`;
          if (response.statusCode >= 500) failures.push(`${label}: server error`);
          const leaks = leakedMarkers(outcome);
          if (leaks.length > 0) failures.push(`${label}: leaked ${leaks.join(', ')}`);
          const explicitlyForeign = probe.url.includes(OTHER) || [...foreignIds].some((id) => probe.url.includes(encodeURIComponent(id)));
          // A foreign record or filter may only get through as "nothing of it": a refusal, or a route that ignored the filter.
          if (explicitlyForeign && response.statusCode < 300 && UNSAFE.has(probe.method)) failures.push(`${label}: changed another agency's data`);
          if (explicitlyForeign && response.statusCode < 300 && probe.method === 'GET' && /\/:\w+/.test(route.url))
            failures.push(`${label}: served another agency's record`);
        }
      }
      expect(probes).toBeGreaterThan(apiRoutes.length);
      expect(failures).toEqual([]);
      // Hundreds of probes on two shared cores: room to finish, no claim about speed.
    }, 240_000);
  }

  it('shows staff both agencies without a server error on any read', async () => {
    const failures: string[] = [];
    for (const [role, headers] of Object.entries(staff)) {
      for (const route of apiRoutes.filter((candidate) => candidate.method === 'GET')) {
        for (const agency of [OWN, OTHER]) {
          const url = `${route.url.replace(/:(\w+)/g, agency)}?agency=${agency}&${RANGE}`;
          const response = await inject({ method: 'GET', url }, headers);
          if (response.statusCode >= 500 || response.statusCode === 401) failures.push(`${role} GET ${url} → ${response.statusCode}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('acceptance: referente-milano', () => {
  it("gets ALER Milano's calls and no other agency's", async () => {
    const response = await inject({ method: 'GET', url: '/api/v1/calls' }, milano['agency user']);
    expect(response.statusCode).toBe(200);
    const items = response.json().items as { agency: string; from: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((call) => call.agency === OWN)).toBe(true);
    expect(items.map((call) => call.from)).toContain(OWN_TENANT.phone);
    expect(response.body).not.toContain(OTHER_TENANT.phone);
  });

  it("is refused ALER Pavia-Lodi's call log", async () => {
    const response = await inject({ method: 'GET', url: `/api/v1/calls?agency=${OTHER}` }, milano['agency user']);
    expect(response.statusCode).toBe(404);
  });

  it("is refused ALER Pavia-Lodi's call report, and gets its own", async () => {
    const foreign = await inject({ method: 'GET', url: `/api/v1/reports/calls?agency=${OTHER}&from=2026-11-23&to=2026-11-23` }, milano['agency user']);
    expect([403, 404]).toContain(foreign.statusCode);
    expect(foreign.body).not.toContain('"totals"');
    // The positive half needs the reports module, wired separately; the refusal above holds either way.
    if (hasRoute('GET', '/api/v1/reports/calls')) {
      const own = await inject({ method: 'GET', url: `/api/v1/reports/calls?agency=${OWN}&from=2026-11-23&to=2026-11-23` }, milano['agency user']);
      expect(own.statusCode).toBe(200);
      expect(own.json().agency).toBe(OWN);
    }
  });

  it('is refused any single ticket of ALER Pavia-Lodi, and sees its own', async () => {
    const list = await inject({ method: 'GET', url: `/api/v1/tickets?agency=${OTHER}` }, staff.supervisor);
    const refs = (list.json().items as { ref: string }[]).map((ticket) => ticket.ref);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const response = await inject({ method: 'GET', url: `/api/v1/tickets/${encodeURIComponent(ref)}` }, milano['agency user']);
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain(OTHER_TENANT.name);
    }
    const own = await inject({ method: 'GET', url: '/api/v1/tickets' }, milano['agency user']);
    expect(own.statusCode).toBe(200);
    const ownItems = own.json().items as { ref: string; agency: string }[];
    expect(ownItems.length).toBeGreaterThan(0);
    expect(ownItems.every((ticket) => ticket.agency === OWN)).toBe(true);
    expect((await inject({ method: 'GET', url: `/api/v1/tickets/${encodeURIComponent(ownItems[0].ref)}` }, milano['agency user'])).statusCode).toBe(200);
  });
});

describe('isolation on the live socket', () => {
  it('sends staff serving ALER Milano only nothing of ALER Pavia-Lodi: no event, no snapshot entry, no operator detail', async () => {
    const clients: [string, LiveClient][] = Object.entries(partialCookies).map(([viewer, cookie]) => [viewer, connectLive(baseUrl, cookie!)]);
    try {
      for (const [, client] of clients) {
        await connected(client);
        await client.hello;
      }
      const markers = new Set([...foreignMarkers, ...foreignIds]);
      // operatore1 serves both agencies and answers a caller of ALER Pavia-Lodi.
      const paviaCall = await ring(OTHER_TENANT.phone, '+39800200200', '2');
      markers.add(paviaCall);
      const leg = newCallSid();
      await twilioPost(t.app, '/webhooks/twilio/voice/operator', { CallSid: leg, From: 'client:operatore1' });
      const onCall = clients.map(([, client]) =>
        client.waitFor(
          (event) => event.type === 'operator.presence' && (event.data.operator as { username?: string; presence?: string }).presence === 'on_call',
        ),
      );
      await twilioPost(t.app, '/webhooks/twilio/voice/bridged', { CallSid: paviaCall, QueueSid: 'QU1', QueueTime: '20', DequeingCallSid: leg });
      await Promise.all(onCall);
      // Pavia-Lodi's quarantined mail and mail of no agency arrive, and the supervisor serving every agency discards them.
      for (const [to, text] of [
        ['callcenter@aler-pavia-lodi.example', `${OTHER_QUARANTINED_TEXT} (2)`],
        ['nessuno@altrove.example', `${UNROUTABLE_TEXT} (2)`],
      ]) {
        const received = await sendEmail(to, 'Risposta automatica', text, ['Auto-Submitted: auto-replied']);
        expect(received.json()).toMatchObject({ status: 'quarantined' });
        markers.add(received.json().id);
        expect((await inject({ method: 'POST', url: `/api/v1/email/quarantine/${received.json().id}/discard` }, staff.supervisor)).statusCode).toBe(200);
      }
      // A Milano caller last: once every socket has it, everything published before it has been delivered.
      const sentinel = await ring(OWN_TENANT.phone, '+39800100100', '1');
      await Promise.all(
        clients.map(([, client]) => client.waitFor((event) => event.type === 'call.queued' && (event.data.call as { callSid?: string }).callSid === sentinel)),
      );

      const failures: string[] = [];
      for (const [viewer, client] of clients) {
        for (const event of client.events) {
          const leaks = [...markers].filter((marker) => JSON.stringify(event).includes(marker));
          if (leaks.length > 0) failures.push(`${viewer}: ${event.type} in ${event.room} leaked ${leaks.join(', ')}`);
        }
        const snapshot = JSON.stringify(await client.snapshot());
        const leaks = [...markers].filter((marker) => snapshot.includes(marker));
        if (leaks.length > 0) failures.push(`${viewer}: snapshot leaked ${leaks.join(', ')}`);
        const operators = await inject({ method: 'GET', url: '/api/v1/operators' }, milano[viewer as Viewer]);
        const listed = [...markers].filter((marker) => operators.body.includes(marker));
        if (listed.length > 0) failures.push(`${viewer}: GET /api/v1/operators leaked ${listed.join(', ')}`);
      }
      expect(failures).toEqual([]);
      // The presence itself is theirs to see: operatore1 serves ALER Milano too.
      expect(
        clients[0][1].events.some((event) => event.type === 'operator.presence' && (event.data.operator as { username?: string }).username === 'operatore1'),
      ).toBe(true);
    } finally {
      for (const [, client] of clients) client.close();
    }
  });
});
