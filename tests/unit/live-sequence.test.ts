import { describe, expect, it } from 'vitest';
import { classifyEvent } from '../../dashboard/src/live-sequence.ts';
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

  it('puts an agency user in its own agency’s client room only', () => {
    expect(roomsForActor(actor('agency', ['aler-pavia-lodi']))).toEqual(['agency:aler-pavia-lodi:client']);
  });

  it('puts staff in the staff rooms of the agencies they serve; supervisors also in the staff-wide room', () => {
    expect(roomsForActor(actor('operator', ['aler-milano', 'aler-pavia-lodi']))).toEqual(['agency:aler-milano:staff', 'agency:aler-pavia-lodi:staff']);
    expect(roomsForActor(actor('supervisor', ['aler-milano']))).toEqual(['agency:aler-milano:staff', 'staff']);
  });

  it('sends calls and tickets to the agency, everything else to the staff only', () => {
    expect(roomsForEvent({ type: 'ticket.created', agency: 'aler-pavia-lodi' })).toEqual(['agency:aler-pavia-lodi:staff', 'agency:aler-pavia-lodi:client']);
    expect(roomsForEvent({ type: 'call.queued', agency: 'aler-milano' })).toEqual(['agency:aler-milano:staff', 'agency:aler-milano:client']);
    expect(roomsForEvent({ type: 'operator.presence', agency: 'aler-milano' })).toEqual(['agency:aler-milano:staff']);
    expect(roomsForEvent({ type: 'callback.created', agency: 'aler-milano' })).toEqual(['agency:aler-milano:staff']);
    expect(roomsForEvent({ type: 'email.quarantined', agency: null })).toEqual(['staff']);
  });
});
