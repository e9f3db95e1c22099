import { describe, expect, it } from 'vitest';
import { decideTicketTransition, findTicketRef, formatTicketRef, needsReason, TICKET_STATUSES } from '../../src/domain/ticket-state.ts';
import { normalizePhone } from '../../src/domain/phone.ts';

describe('ticket state machine', () => {
  it('lets an agency acknowledge and close a routed ticket', () => {
    expect(decideTicketTransition('routed', 'acknowledged', 'agency')).toEqual({ ok: true });
    expect(decideTicketTransition('acknowledged', 'closed', 'agency')).toEqual({ ok: true });
    expect(decideTicketTransition('routed', 'closed', 'agency')).toEqual({ ok: true });
  });

  it('keeps routing and cancelling with the call center', () => {
    expect(decideTicketTransition('new', 'routed', 'operator')).toEqual({ ok: true });
    expect(decideTicketTransition('new', 'routed', 'agency')).toEqual({ ok: false, reason: 'forbidden' });
    expect(decideTicketTransition('routed', 'cancelled', 'agency')).toEqual({ ok: false, reason: 'forbidden' });
    expect(decideTicketTransition('acknowledged', 'cancelled', 'supervisor')).toEqual({ ok: false, reason: 'illegal' });
  });

  it('leaves a closed or cancelled ticket only by reopening it, with a reason, nor moves a ticket to where it is', () => {
    for (const to of TICKET_STATUSES) {
      expect(decideTicketTransition('closed', to, 'admin').ok).toBe(to === 'routed');
      expect(decideTicketTransition('cancelled', to, 'admin').ok).toBe(to === 'new');
    }
    for (const status of TICKET_STATUSES) expect(decideTicketTransition(status, status, 'admin').ok).toBe(false);
    // The tenant tells the operator or the agency that the leak is back; a cancellation is undone by the call center.
    expect(decideTicketTransition('closed', 'routed', 'operator')).toEqual({ ok: true });
    expect(decideTicketTransition('closed', 'routed', 'agency')).toEqual({ ok: true });
    expect(decideTicketTransition('cancelled', 'new', 'agency')).toEqual({ ok: false, reason: 'forbidden' });
    expect(needsReason('closed', 'routed')).toBe(true);
    expect(needsReason('cancelled', 'new')).toBe(true);
    expect(needsReason('routed', 'closed')).toBe(false);
  });

  it('formats and finds references', () => {
    expect(formatTicketRef('PV', 2026, 123)).toBe('PV-2026-000123');
    expect(findTicketRef('Re: [pv-2026-000123] Perdita in cantina')).toBe('PV-2026-000123');
    expect(findTicketRef('nessun riferimento')).toBeNull();
  });
});

describe('Italian phone numbers', () => {
  it.each([
    ['02 1234567', '+39021234567'],
    ['0382 123456', '+390382123456'],
    ['347 123 4567', '+393471234567'],
    ['+39 347 1234567', '+393471234567'],
    ['0039 347 1234567', '+393471234567'],
    ['0382/22.33.44', '+390382223344'],
  ])('normalises %s to %s', (raw, e164) => {
    expect(normalizePhone(raw)).toBe(e164);
  });

  it.each(['anonymous', '', '12', '+266696687'])('refuses %j', (raw) => {
    expect(normalizePhone(raw)).toBeNull();
  });
});
