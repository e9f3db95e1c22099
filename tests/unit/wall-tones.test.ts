import { describe, expect, it } from 'vitest';
import { abandonTone, overdueTone, serviceLevelTone, waitTone } from '../../src/domain/wall-tones.ts';

describe('wallboard colours', () => {
  it('service level: green at target, amber within ten points below it, red further down, none before any call', () => {
    expect(serviceLevelTone(80, 80)).toBe('ok');
    expect(serviceLevelTone(71, 80)).toBe('amber');
    expect(serviceLevelTone(70, 80)).toBe('amber');
    expect(serviceLevelTone(69.9, 80)).toBe('red');
    expect(serviceLevelTone(null, 80)).toBeNull();
  });

  it('abandon rate: amber from 5 %, red from 10 %', () => {
    expect(abandonTone(4.9)).toBe('ok');
    expect(abandonTone(5)).toBe('amber');
    expect(abandonTone(10)).toBe('red');
    expect(abandonTone(null)).toBeNull();
  });

  it("abandon rate: an agency's own thresholds replace the platform's", () => {
    const strict = { amberPct: 2, redPct: 4 };
    expect(abandonTone(1.9, strict)).toBe('ok');
    expect(abandonTone(3, strict)).toBe('amber');
    expect(abandonTone(4.9, strict)).toBe('red');
  });

  it('longest wait: amber from half the alert threshold, red at it; overdue call-backs red at the first', () => {
    expect(waitTone(59, 120)).toBe('ok');
    expect(waitTone(60, 120)).toBe('amber');
    expect(waitTone(120, 120)).toBe('red');
    expect(waitTone(null, 120)).toBeNull();
    expect(overdueTone(0)).toBe('ok');
    expect(overdueTone(1)).toBe('red');
  });
});
