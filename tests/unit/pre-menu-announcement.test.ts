import { describe, expect, it } from 'vitest';
import { heardOf, incidentOfferIt, ticketStatusesIt, ticketStatusIt } from '../../src/domain/pre-menu-announcement.ts';

const ROME = 'Europe/Rome';
const NOW = new Date('2026-12-03T10:00:00+01:00');
const HEATING = { categoryLabel: 'riscaldamento', categoryPhrase: 'il riscaldamento' };
const MAINTENANCE = { categoryLabel: 'manutenzione', categoryPhrase: 'guasti e manutenzione' };

describe('the incident a caller of the building hears before the menu', () => {
  it('names the problem, the building, the expected resolution and the two choices', () => {
    const text = incidentOfferIt(
      { id: 'x', ...HEATING, address: 'Via Riviera 41', text: 'Caldaia centrale ferma.', expectedResolutionAt: new Date('2026-12-03T18:00:00+01:00') },
      NOW,
      ROME,
    );
    expect(text).toBe(
      'È già stato segnalato un guasto al riscaldamento nel suo stabile di Via Riviera 41: Caldaia centrale ferma. ' +
        'I tecnici sono stati avvisati, risoluzione prevista oggi alle 18:00. ' +
        'Prema 1 per aggiungere la sua segnalazione, 2 per parlare con un operatore.',
    );
  });

  it('says the weekday and date of a later resolution, and nothing when none is expected', () => {
    const later = incidentOfferIt(
      { id: 'x', ...MAINTENANCE, address: 'Via Lomonaco 12', text: 'ascensore fermo', expectedResolutionAt: new Date('2026-12-07T09:30:00+01:00') },
      NOW,
      ROME,
    );
    expect(later).toContain('un problema di manutenzione nel suo stabile di Via Lomonaco 12: ascensore fermo.');
    expect(later).toContain('risoluzione prevista lunedì 7 dicembre alle 9:30.');
    const open = incidentOfferIt({ id: 'x', ...HEATING, address: 'Via Riviera 41', text: 'caldaia', expectedResolutionAt: null }, NOW, ROME);
    expect(open).toContain('I tecnici sono stati avvisati. Prema 1');
  });
});

describe('the state of the caller’s own requests', () => {
  const created = new Date('2026-11-12T09:00:00+01:00');
  it('reads date, category, routing and acknowledgement, in the agency’s time zone', () => {
    const text = ticketStatusIt(
      { createdAt: created, ...HEATING, routedAt: created, acknowledgedAt: new Date('2026-11-13T23:30:00Z') },
      'ALER Pavia-Lodi',
      ROME,
    );
    // 23:30 UTC on the 13th is the 14th in Rome.
    expect(text).toBe('La sua segnalazione del 12 novembre per il riscaldamento è stata inoltrata ad ALER Pavia-Lodi e presa in carico il 14 novembre.');
  });

  it('says a routed request waits to be taken, and a new one will be routed', () => {
    expect(ticketStatusIt({ createdAt: created, ...MAINTENANCE, routedAt: created, acknowledgedAt: null }, 'Comune di Pavia', ROME)).toBe(
      'La sua segnalazione del 12 novembre per guasti e manutenzione è stata inoltrata a Comune di Pavia il 12 novembre ed è in attesa di presa in carico.',
    );
    expect(ticketStatusIt({ createdAt: created, ...MAINTENANCE, routedAt: null, acknowledgedAt: null }, 'ALER Milano', ROME)).toBe(
      'La sua segnalazione del 12 novembre per guasti e manutenzione è stata registrata e sarà inoltrata ad ALER Milano.',
    );
  });

  it('reads at most the two newest requests, and nothing without one', () => {
    const tickets = [1, 5, 3].map((dayOfMonth) => ({
      createdAt: new Date(`2026-11-0${dayOfMonth}T10:00:00+01:00`),
      ...HEATING,
      routedAt: null,
      acknowledgedAt: null,
    }));
    const text = ticketStatusesIt(tickets, 'ALER Milano', ROME)!;
    expect(text.match(/La sua segnalazione/g)).toHaveLength(2);
    expect(text.indexOf('del 5 novembre')).toBeLessThan(text.indexOf('del 3 novembre'));
    expect(text).not.toContain('del 1 novembre');
    expect(ticketStatusesIt([], 'ALER Milano', ROME)).toBeNull();
  });

  it('records what was heard', () => {
    expect([heardOf(true, true), heardOf(true, false), heardOf(false, true), heardOf(false, false)]).toEqual(['incident+status', 'incident', 'status', null]);
  });
});
