import { describe, expect, it } from 'vitest';
import type { WaitingCall } from '../../src/domain/next-call.ts';
import { DEFAULT_PICK_RULES, pickNextCall } from '../../src/domain/next-call.ts';

const at = (iso: string) => new Date(iso);
const waiting = (callSid: string, category: string, enqueuedAt: string, heatingBoostSeconds: number): WaitingCall => ({
  callSid,
  queueName: `comune-sesto.${category}`,
  category,
  enqueuedAt: at(enqueuedAt),
  queuePriority: 0,
  heatingBoostSeconds,
});

describe('the next call an operator takes', () => {
  // An agency gave its own "morosità" category a 3-minute heating-season boost; maintenance has none.
  const calls = [waiting('CA-maintenance', 'maintenance', '2026-11-23T09:00:00Z', 0), waiting('CA-morosita', 'morosita', '2026-11-23T09:02:00Z', 180)];

  it("credits in season the boost of the call's own category, whatever its code", () => {
    expect(pickNextCall(calls, at('2026-11-23T09:03:00Z'), DEFAULT_PICK_RULES)?.callSid).toBe('CA-morosita');
  });

  it('credits no boost out of season: the longest wait goes first', () => {
    const summer = [waiting('CA-maintenance', 'maintenance', '2026-06-23T09:00:00Z', 0), waiting('CA-morosita', 'morosita', '2026-06-23T09:02:00Z', 180)];
    expect(pickNextCall(summer, at('2026-06-23T09:03:00Z'), DEFAULT_PICK_RULES)?.callSid).toBe('CA-maintenance');
  });
});
