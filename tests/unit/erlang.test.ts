import { describe, expect, it } from 'vitest';
import { erlangC, operatorsNeeded, serviceLevel } from '../../src/domain/erlang.ts';

describe('Erlang C staffing', () => {
  it('matches a hand calculation for one half-hour: 20 calls of 3 minutes, 80 % within 20 s', () => {
    // Traffic A = 20 × 180 s / 1800 s = 2 Erlangs. Erlang B by recursion: B(1) = 2/3, B(2) = 0.4,
    // B(3) = 0.8/3.8 = 0.210526, B(4) = 0.421053/4.421053 = 0.095238.
    // Three operators: C = 3·B(3) / (3 − 2·(1 − B(3))) = 0.631579/1.421053 = 0.444444;
    //   SL = 1 − 0.444444·e^(−(3−2)·20/180) = 1 − 0.444444·0.894839 = 0.602294 → 60.2 %, short of 80 %.
    // Four operators: C = 4·B(4) / (4 − 2·(1 − B(4))) = 0.380952/2.190476 = 0.173913;
    //   SL = 1 − 0.173913·e^(−2·20/180) = 1 − 0.173913·0.800737 = 0.860742 → 86.1 %: four are needed.
    expect(erlangC(3, 2)).toBeCloseTo(0.444444, 5);
    expect(serviceLevel(3, 2, 180, 20)).toBeCloseTo(0.602294, 5);
    expect(erlangC(4, 2)).toBeCloseTo(0.173913, 5);
    expect(serviceLevel(4, 2, 180, 20)).toBeCloseTo(0.860742, 5);
    const need = operatorsNeeded({ calls: 20, intervalSeconds: 1800, handleSeconds: 180, targetPct: 80, targetSeconds: 20 });
    expect(need).toMatchObject({ traffic: 2, agents: 4 });
    expect(need.serviceLevelPct).toBeCloseTo(86.07, 1);
    expect(need.occupancyPct).toBe(50);
  });

  it('needs nobody without calls, and always more operators than the traffic', () => {
    expect(operatorsNeeded({ calls: 0, intervalSeconds: 1800, handleSeconds: 180, targetPct: 80, targetSeconds: 20 }).agents).toBe(0);
    expect(erlangC(2, 2)).toBe(1);
    expect(serviceLevel(2, 2, 180, 20)).toBe(0);
    // One call in the half-hour still needs one operator.
    expect(operatorsNeeded({ calls: 1, intervalSeconds: 1800, handleSeconds: 180, targetPct: 80, targetSeconds: 20 }).agents).toBe(1);
  });

  it('pools: one queue for two agencies needs fewer operators than two separate queues', () => {
    const one = operatorsNeeded({ calls: 20, intervalSeconds: 1800, handleSeconds: 180, targetPct: 80, targetSeconds: 20 }).agents;
    const both = operatorsNeeded({ calls: 40, intervalSeconds: 1800, handleSeconds: 180, targetPct: 80, targetSeconds: 20 }).agents;
    expect(both).toBeLessThan(2 * one);
  });
});
