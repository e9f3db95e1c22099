import { describe, expect, it } from 'vitest';
import type { LiveAgency, LiveCall } from '../../src/contracts/live.ts';
import { classifyEvent } from '../../dashboard/src/live-sequence.ts';
import type { QueueView } from '../../dashboard/src/live-view.ts';
import { alertsOf, waitingByPortfolio } from '../../dashboard/src/live-view.ts';
import { proposedAgency } from '../../dashboard/src/quarantine-rules.ts';
import { roomsForActor, roomsForEvent } from '../../src/realtime/realtime-rooms.ts';

const at = (room: string, seq: number, epoch = 'e1') => ({ epoch, room, seq });

describe('a dashboard following sequenced events', () => {
  const positions = { 'agency:aler-pavia-lodi:client': 7, 'agency:aler-milano:staff': 2 };

  it('applies the next number of a room and drops what the snapshot already holds', () => {
    expect(classifyEvent(at('agency:aler-pavia-lodi:client', 8), 'e1', positions)).toBe('apply');
    expect(classifyEvent(at('agency:aler-pavia-lodi:client', 7), 'e1', positions)).toBe('stale');
    expect(classifyEvent(at('agency:aler-pavia-lodi:client', 3), 'e1', positions)).toBe('stale');
  });

  it('resynchronises on a gap, and rooms are numbered independently', () => {
    expect(classifyEvent(at('agency:aler-pavia-lodi:client', 9), 'e1', positions)).toBe('resync');
    expect(classifyEvent(at('agency:aler-milano:staff', 3), 'e1', positions)).toBe('apply');
    expect(classifyEvent(at('staff', 1), 'e1', positions)).toBe('apply');
  });

  it('resynchronises when the server restarted (another epoch), even at the expected number', () => {
    expect(classifyEvent(at('agency:aler-pavia-lodi:client', 8, 'e2'), 'e1', positions)).toBe('resync');
    expect(classifyEvent(at('agency:aler-pavia-lodi:client', 1, 'e2'), null, {})).toBe('resync');
  });
});

describe('rooms per agency and role', () => {
  const actor = (role: 'operator' | 'supervisor' | 'agency', agencies: string[]) => ({ kind: 'user' as const, id: 'u', name: 'u', role, agencies });

  const all = ['aler-milano', 'aler-pavia-lodi'];

  it('puts an agency user in its own agency’s client room only', () => {
    expect(roomsForActor(actor('agency', ['aler-pavia-lodi']), all)).toEqual(['agency:aler-pavia-lodi:client']);
  });

  it('puts staff in the staff rooms of the agencies they serve; supervisors serving every agency also in the staff-wide room', () => {
    expect(roomsForActor(actor('operator', ['aler-milano', 'aler-pavia-lodi']), all)).toEqual(['agency:aler-milano:staff', 'agency:aler-pavia-lodi:staff']);
    expect(roomsForActor(actor('supervisor', ['aler-milano', 'aler-pavia-lodi']), all)).toEqual([
      'agency:aler-milano:staff',
      'agency:aler-pavia-lodi:staff',
      'staff',
    ]);
    // Events of no agency (mail sent to none of our addresses) may be another agency's business.
    expect(roomsForActor(actor('supervisor', ['aler-milano']), all)).toEqual(['agency:aler-milano:staff']);
  });

  it('sends calls and tickets to the agency, everything else to the staff only', () => {
    expect(roomsForEvent({ type: 'ticket.created', agency: 'aler-pavia-lodi' })).toEqual(['agency:aler-pavia-lodi:staff', 'agency:aler-pavia-lodi:client']);
    expect(roomsForEvent({ type: 'call.queued', agency: 'aler-milano' })).toEqual(['agency:aler-milano:staff', 'agency:aler-milano:client']);
    expect(roomsForEvent({ type: 'operator.presence', agency: 'aler-milano' })).toEqual(['agency:aler-milano:staff']);
    expect(roomsForEvent({ type: 'callback.created', agency: 'aler-milano' })).toEqual(['agency:aler-milano:staff']);
    expect(roomsForEvent({ type: 'email.quarantined', agency: null })).toEqual(['staff']);
  });
});

describe('wallboard alerts', () => {
  const today = (serviceLevelPct: number | null) => ({
    date: '2026-11-23',
    calls: 10,
    outOfHours: 0,
    offered: 10,
    queued: 10,
    answered: 5,
    abandoned: 5,
    shortAbandoned: 0,
    lost: 0,
    queuedCallbacks: 0,
    answeredWithinServiceLevel: 4,
    serviceLevelPct,
    abandonRatePct: 50,
    asaSeconds: 12,
    maxWaitSeconds: 80,
    ahtSeconds: 60,
    emails: 0,
    tickets: 0,
    serviceLevelTargetMet: serviceLevelPct === null ? null : serviceLevelPct >= 80,
  });
  const agency = (code: string, level: number | null) => ({
    code,
    name: code.toUpperCase(),
    serviceLevelSeconds: 20,
    serviceLevelTargetPct: 80,
    thresholds: { waitAlertSeconds: 120, abandonAmberPct: 5, abandonRedPct: 10 },
    queues: [],
    categories: [],
    portfolios: [],
    today: today(level),
  });
  const now = Date.parse('2026-11-23T10:00:00Z');
  const queue = (waitedSeconds: number | null) => ({
    agency: agency('aler-milano', 90),
    name: 'aler-milano.heating',
    category: 'heating',
    label: 'riscaldamento',
    waiting: [],
    queuedCallbacks: 0,
    oldestEnqueuedAt: waitedSeconds === null ? null : new Date(now - waitedSeconds * 1000).toISOString(),
    talking: 0,
  });

  it('raises one for an agency below its service-level target, none at or above it or with no calls yet', () => {
    const alerts = alertsOf([agency('aler-pavia-lodi', 79.9), agency('aler-milano', 80), agency('aler-x', null)], [], now);
    expect(alerts.map((alert) => alert.key)).toEqual(['sl:aler-pavia-lodi']);
    expect(alerts[0].text).toContain('79,9%');
  });

  it('raises one for a caller waiting at least the threshold', () => {
    expect(alertsOf([], [queue(119), queue(null)], now)).toEqual([]);
    const [alert] = alertsOf([], [queue(120)], now);
    expect(alert.text).toBe('ALER-MILANO · Riscaldamento: un chiamante attende da 2:00');
  });

  it("holds each queue to its own agency's threshold", () => {
    const patient = { ...queue(150), agency: { ...queue(150).agency, thresholds: { waitAlertSeconds: 180, abandonAmberPct: 5, abandonRedPct: 10 } } };
    const strict = { ...queue(60), agency: { ...queue(60).agency, thresholds: { waitAlertSeconds: 45, abandonAmberPct: 5, abandonRedPct: 10 } } };
    expect(alertsOf([], [patient, strict], now).map((alert) => alert.text)).toEqual(['ALER-MILANO · Riscaldamento: un chiamante attende da 1:00']);
  });
});

describe('the quarantine screen’s assign form', () => {
  const served = ['aler-milano', 'aler-pavia-lodi'];

  it('proposes the agency the mail was addressed to, not the first one in the list', () => {
    expect(proposedAgency('aler-pavia-lodi', served)).toBe('aler-pavia-lodi');
  });

  it('proposes nothing for mail of no agency, or of one the user does not serve: a person chooses', () => {
    expect(proposedAgency(null, served)).toBe('');
    expect(proposedAgency('aler-bergamo', ['aler-pavia-lodi'])).toBe('');
    expect(proposedAgency(null, [])).toBe('');
  });
});

describe("the TV wallboard's lines per housing stock", () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  const agency = {
    code: 'aler-pavia-lodi',
    name: 'ALER Pavia-Lodi',
    portfolios: [{ id: 'comune-di-pavia', name: 'Patrimonio abitativo del Comune di Pavia' }],
  } as unknown as LiveAgency;
  const waitingCall = (portfolio: string | null, waitedSeconds: number) =>
    ({ portfolio, enqueuedAt: new Date(now - waitedSeconds * 1000).toISOString() }) as unknown as LiveCall;
  const queue = (waiting: LiveCall[], code = 'aler-pavia-lodi') => ({ agency: { ...agency, code }, waiting }) as unknown as QueueView;

  it("splits who waits, and the longest wait, between each portfolio and the agency's own stock", () => {
    const rows = waitingByPortfolio(
      agency,
      [queue([waitingCall('comune-di-pavia', 40), waitingCall(null, 200)]), queue([waitingCall('comune-di-pavia', 90)])],
      now,
    );
    expect(rows).toEqual([
      { id: 'comune-di-pavia', name: 'Patrimonio abitativo del Comune di Pavia', waiting: 2, longestSeconds: 90 },
      { id: null, name: 'Patrimonio proprio', waiting: 1, longestSeconds: 200 },
    ]);
  });

  it("counts only the agency's own queues, and has no lines for an agency without portfolios", () => {
    expect(waitingByPortfolio(agency, [queue([waitingCall(null, 10)], 'aler-milano')], now)[1]).toMatchObject({ waiting: 0, longestSeconds: null });
    expect(waitingByPortfolio({ ...agency, portfolios: [] }, [queue([waitingCall(null, 10)])], now)).toEqual([]);
  });
});
