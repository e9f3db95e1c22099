import type { Rng } from './rng.ts';

/**
 * What a simulated operator does at the dashboard besides the softphone: after each call, the
 * wrap-up's outcome code (esito), as a person would pick it, so that reports by outcome fill up.
 * Needs the demo users' password; without it the operators only answer (and the wrap-up ends by
 * its time limit, with no outcome).
 */
export type OperatorDesk = Readonly<{ recordOutcome(callSid: string, agency: string): Promise<boolean> }>;

/** Most calls register a report or answer a question; a few need a call back or were a wrong number. */
const WEIGHTS: Readonly<Record<string, number>> = {
  segnalazione_registrata: 50,
  informazione_fornita: 30,
  richiamata_necessaria: 10,
  chiamata_errata: 5,
};

export async function openOperatorDesk(url: string, username: string, password: string, rng: Rng): Promise<OperatorDesk> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(15_000),
  });
  if (!login.ok) throw new Error(`${username} could not log in (${login.status}): is DEMO_PASSWORD the server's?`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const headers = { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
  const codesOf = new Map<string, Promise<{ code: string }[]>>();
  const codes = (agency: string) => {
    if (!codesOf.has(agency)) {
      codesOf.set(
        agency,
        fetch(`${url}/api/v1/agencies/${encodeURIComponent(agency)}/outcome-codes`, { headers, signal: AbortSignal.timeout(15_000) })
          .then((reply) => reply.json() as Promise<{ items: { code: string }[] }>)
          .then((body) => body.items),
      );
    }
    return codesOf.get(agency)!;
  };
  return {
    async recordOutcome(callSid, agency) {
      const items = await codes(agency);
      if (items.length === 0) return false;
      const total = items.reduce((sum, item) => sum + (WEIGHTS[item.code] ?? 2), 0);
      let ticket = rng.next() * total;
      const chosen = items.find((item) => (ticket -= WEIGHTS[item.code] ?? 2) < 0) ?? items[0];
      const reply = await fetch(`${url}/api/v1/calls/${encodeURIComponent(callSid)}/outcome`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ code: chosen.code }),
        signal: AbortSignal.timeout(15_000),
      });
      return reply.ok;
    },
  };
}
