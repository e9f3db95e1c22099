import { describe, expect, it } from 'vitest';
import { erlangA } from '../../src/domain/erlang-a.ts';
import { serviceLevel } from '../../src/domain/erlang.ts';

describe('Erlang A: callers who hang up', () => {
  it('is Erlang C when callers are (almost) infinitely patient', () => {
    // 100 calls an hour of 4 minutes: 6.67 Erlangs; 8 operators, 20 s target.
    const lambda = 100 / 3600;
    const c = serviceLevel(8, lambda * 240, 240, 20);
    const a = erlangA({ agents: 8, arrivalRate: lambda, handleSeconds: 240, patienceSeconds: 1e9, targetSeconds: 20 });
    expect(a.answeredWithinTarget).toBeCloseTo(c, 4);
    expect(a.abandoned).toBeCloseTo(0, 6);
  });

  it('matches a hand calculation for one operator', () => {
    // One operator, μ = 1/60, θ = 1/30, λ = 1/120, target 20 s.
    const [mu, theta, lambda, t] = [1 / 60, 1 / 30, 1 / 120, 20];
    // π_k ∝ λ/μ, then λ/(μ + θ), λ/(μ + 2θ)…: 1, 1/2, 1/12, 1/120, 1/1680 …
    const weights = [1];
    for (let k = 1; k < 12; k++) weights.push((weights[k - 1] * lambda) / (mu + (k - 1) * theta));
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    const pi = weights.map((weight) => weight / total);
    // A caller finding i waiting ahead (k = i + 1 in the system) goes through i + 1 stages; stage m
    // lasts Exp(μ + mθ + θ) and ends by moving up with probability (μ + mθ)/(μ + mθ + θ). The sum of
    // stages with distinct rates β is hypoexponential: P(≤ t) = 1 − Σ_m e^{−β_m t} Π_{l≠m} β_l/(β_l − β_m).
    const answeredIfAhead = (ahead: number) => {
      const beta = Array.from({ length: ahead + 1 }, (_, m) => mu + m * theta + theta);
      const moveUp = beta.reduce((product, rate, m) => product * ((mu + m * theta) / rate), 1);
      const tail = beta.reduce(
        (sum, rate, m) => sum + Math.exp(-rate * t) * beta.reduce((product, other, l) => (l === m ? product : product * (other / (other - rate))), 1),
        0,
      );
      return moveUp * (1 - tail);
    };
    const expected = pi[0] + pi.slice(1).reduce((sum, p, index) => sum + p * answeredIfAhead(index), 0);
    const result = erlangA({ agents: 1, arrivalRate: lambda, handleSeconds: 60, patienceSeconds: 30, targetSeconds: t });
    expect(result.answeredWithinTarget).toBeCloseTo(expected, 6);
    // Abandonment from flow balance: θ · E[waiting] / λ.
    const waiting = pi.reduce((sum, p, k) => sum + p * Math.max(0, k - 1), 0);
    expect(result.abandoned).toBeCloseTo((theta * waiting) / lambda, 6);
  });

  it('needs fewer operators than Erlang C for the same target when callers are impatient', () => {
    const lambda = 200 / 3600;
    const reach = (agents: number, patience: number) =>
      erlangA({ agents, arrivalRate: lambda, handleSeconds: 240, patienceSeconds: patience, targetSeconds: 20 }).answeredWithinTarget;
    const fewest = (patience: number) => {
      let agents = 1;
      while (reach(agents, patience) < 0.8) agents++;
      return agents;
    };
    expect(fewest(60)).toBeLessThan(fewest(1e9));
    // More operators, more answered within the target; more patience, fewer hang-ups.
    expect(reach(15, 60)).toBeGreaterThan(reach(14, 60));
    expect(erlangA({ agents: 12, arrivalRate: lambda, handleSeconds: 240, patienceSeconds: 300, targetSeconds: 20 }).abandoned).toBeLessThan(
      erlangA({ agents: 12, arrivalRate: lambda, handleSeconds: 240, patienceSeconds: 60, targetSeconds: 20 }).abandoned,
    );
  });

  it('stays finite when the operators cannot keep up (impatience bounds the queue)', () => {
    const result = erlangA({ agents: 2, arrivalRate: 1, handleSeconds: 240, patienceSeconds: 60, targetSeconds: 20 });
    expect(Number.isFinite(result.answeredWithinTarget)).toBe(true);
    expect(result.abandoned).toBeGreaterThan(0.9);
  });
});
