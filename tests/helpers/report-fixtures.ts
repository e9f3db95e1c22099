import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../../src/db/client.ts';
import { calls, inboundEmails, tickets } from '../../src/db/schema/index.ts';
import type { CallFact } from '../../src/domain/kpi.ts';

/** One call as the golden fixtures and the generators describe it: raw facts only. */
export type FixtureCall = Readonly<{
  local: string;
  agency: string | null;
  numberKind: string | null;
  outcome: string;
  category: string | null;
  queueTimeSeconds: number | null;
  talkSeconds: number | null;
  /** The portfolio of the dialled number (absent: the agency's own stock). */
  portfolio?: string | null;
}>;

export type ReportFixture = Readonly<{
  agency: string;
  from: string;
  to: string;
  parameters: { serviceLevelSeconds: number; shortAbandonSeconds: number };
  calls: FixtureCall[];
  emails: { local: string; agency: string; status: string }[];
  tickets: { local: string; agency: string; channel: 'voice' | 'email' }[];
  expected: {
    totals: Record<string, unknown>;
    byQueue: Record<string, unknown>;
    byChannel: Record<string, unknown>;
    byDay: Record<string, unknown>[];
    byHourNonZero: Record<string, Record<string, number>>;
  };
}>;

export function loadReportFixture(name: string): ReportFixture {
  return JSON.parse(readFileSync(path.resolve('tests/fixtures/reports', `${name}.json`), 'utf8')) as ReportFixture;
}

/** The 24 byHour rows the fixture expects (hours it does not list are all zero). */
export function expectedByHour(fixture: ReportFixture) {
  const zero = { calls: 0, answered: 0, abandoned: 0, outOfHours: 0, queued: 0, shortAbandoned: 0, answeredWithinServiceLevel: 0 };
  return Array.from({ length: 24 }, (_, hour) => ({ hour, ...zero, ...fixture.expected.byHourNonZero[String(hour)] }));
}

export function callFactOf(call: FixtureCall): CallFact {
  return {
    startedAt: new Date(call.local),
    outcome: call.outcome,
    category: call.category,
    numberKind: call.numberKind,
    queueTimeSeconds: call.queueTimeSeconds,
    talkSeconds: call.talkSeconds,
  };
}

const NUMBERS: Record<string, Record<string, string>> = {
  'aler-milano': { numero_verde: '+39800100100', landline: '+390240000000' },
  'aler-pavia-lodi': { numero_verde: '+39800200200', landline: '+390382000000' },
};
const PORTFOLIO_NUMBERS: Record<string, string> = { 'comune-di-pavia': '+39800300300' };

/** Inserts calls straight into `calls`, the way the call service would have left them. */
export async function insertCalls(db: Database, list: readonly FixtureCall[]): Promise<void> {
  const rows = list.map((call) => {
    const startedAt = new Date(call.local);
    const enqueuedAt = call.category ? new Date(startedAt.getTime() + 15_000) : null;
    return {
      callSid: `CA${randomBytes(16).toString('hex')}`,
      agencyCode: call.agency,
      portfolioId: call.portfolio ?? null,
      toNumber:
        (call.portfolio && PORTFOLIO_NUMBERS[call.portfolio]) || (call.agency && call.numberKind && NUMBERS[call.agency]?.[call.numberKind]) || '+390000000000',
      fromNumber: '+393470000000',
      numberKind: call.numberKind,
      startedAt,
      status: 'completed',
      outcome: call.outcome,
      category: call.category,
      queueName: call.category && call.agency ? `${call.agency}.${call.category}` : null,
      enqueuedAt,
      queueTimeSeconds: call.queueTimeSeconds,
      talkSeconds: call.talkSeconds,
      updatedAt: startedAt,
    };
  });
  for (let index = 0; index < rows.length; index += 500) await db.insert(calls).values(rows.slice(index, index + 500));
}

export async function insertEmails(db: Database, list: ReportFixture['emails']): Promise<void> {
  if (list.length === 0) return;
  await db.insert(inboundEmails).values(
    list.map((email) => ({
      receivedAt: new Date(email.local),
      provider: 'raw' as const,
      envelopeTo: [],
      rawSha256: randomBytes(32).toString('hex'),
      rawSize: 100,
      status: email.status as 'ticket',
      agencyCode: email.agency,
      kind: 'message',
    })),
  );
}

let ticketSeq = 900_000;
export async function insertTickets(db: Database, list: ReportFixture['tickets']): Promise<void> {
  if (list.length === 0) return;
  await db.insert(tickets).values(
    list.map((ticket) => {
      const createdAt = new Date(ticket.local);
      ticketSeq += 1;
      return {
        ref: `FX-${createdAt.getUTCFullYear()}-${ticketSeq}`,
        agencyCode: ticket.agency,
        year: createdAt.getUTCFullYear(),
        seq: ticketSeq,
        category: 'heating' as const,
        status: 'new' as const,
        channel: ticket.channel,
        description: 'fixture',
        createdById: 'fixture',
        createdByName: 'fixture',
        createdAt,
        updatedAt: createdAt,
      };
    }),
  );
}

export async function insertFixture(db: Database, fixture: ReportFixture): Promise<void> {
  await insertCalls(db, fixture.calls);
  await insertEmails(db, fixture.emails);
  await insertTickets(db, fixture.tickets);
}
