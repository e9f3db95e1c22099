/**
 * Erlang A (M/M/n+M): Erlang C with callers who hang up. Calls arrive at random (Poisson), handle
 * times are exponential, and each waiting caller gives up after an exponential patience of mean
 * `patienceSeconds`, served first come, first served. Where the data tells how patient callers are,
 * this is the better model: a queue that sheds impatient callers is shorter than Erlang C's, so
 * fewer operators reach the same share answered within the target.
 *
 * Computed from the model's birth-death chain: the stationary probability of k callers in the system
 * (an arriving caller sees it, PASTA), and, for a caller who finds i others waiting ahead, the chance
 * to be answered within the target before giving up. That chance solves a small linear system of
 * differential equations (i ahead moves to i − 1 at rate nμ + iθ, the caller leaves at rate θ),
 * integrated once for every i with Runge–Kutta steps.
 */

export type ErlangAInput = Readonly<{
  agents: number;
  /** Calls per second. */
  arrivalRate: number;
  handleSeconds: number;
  patienceSeconds: number;
  targetSeconds: number;
}>;

export type ErlangAResult = Readonly<{
  /** Share (0–1) of all arriving callers answered within the target. */
  answeredWithinTarget: number;
  /** Share (0–1) of all arriving callers who hang up before an operator answers. */
  abandoned: number;
}>;

/** Callers in the system beyond which the chain's probability is treated as nil. */
const MAX_STATES = 5000;
const NEGLIGIBLE = 1e-12;

/** Stationary probabilities of 0…K callers in the system (answered or waiting). */
function stationary(agents: number, lambda: number, mu: number, theta: number): number[] {
  const weights = [1];
  let total = 1;
  let peak = 1;
  for (let k = 1; k < MAX_STATES; k++) {
    const leaving = Math.min(k, agents) * mu + Math.max(k - agents, 0) * theta;
    const weight = (weights[k - 1] * lambda) / leaving;
    weights.push(weight);
    total += weight;
    peak = Math.max(peak, weight);
    // Past the operators and falling: the rest of the tail is negligible.
    if (k > agents && weight < weights[k - 1] && weight < peak * NEGLIGIBLE) break;
    // Keep the numbers finite on a long tail without changing the ratios.
    if (weight > 1e200) {
      for (let j = 0; j < weights.length; j++) weights[j] /= 1e200;
      total /= 1e200;
      peak /= 1e200;
    }
  }
  return weights.map((weight) => weight / total);
}

/**
 * For a caller who finds i = 0…ahead−1 callers waiting ahead of them, the chance to be answered
 * within `t` seconds without hanging up first: f_i' = r_i f_{i−1} − (r_i + θ) f_i, f_{−1} = 1, f_i(0) = 0.
 */
function answeredWithin(ahead: number, agents: number, mu: number, theta: number, t: number): Float64Array {
  const f = new Float64Array(ahead);
  if (ahead === 0 || t <= 0) return f;
  const rate = (i: number) => agents * mu + i * theta;
  const fastest = rate(ahead - 1) + theta;
  const steps = Math.min(20_000, Math.max(50, Math.ceil(t * fastest * 4)));
  const h = t / steps;
  const derivative = (state: Float64Array, out: Float64Array) => {
    for (let i = 0; i < state.length; i++) {
      const before = i === 0 ? 1 : state[i - 1];
      out[i] = rate(i) * before - (rate(i) + theta) * state[i];
    }
  };
  const k1 = new Float64Array(ahead);
  const k2 = new Float64Array(ahead);
  const k3 = new Float64Array(ahead);
  const k4 = new Float64Array(ahead);
  const probe = new Float64Array(ahead);
  for (let step = 0; step < steps; step++) {
    derivative(f, k1);
    for (let i = 0; i < ahead; i++) probe[i] = f[i] + (h / 2) * k1[i];
    derivative(probe, k2);
    for (let i = 0; i < ahead; i++) probe[i] = f[i] + (h / 2) * k2[i];
    derivative(probe, k3);
    for (let i = 0; i < ahead; i++) probe[i] = f[i] + h * k3[i];
    derivative(probe, k4);
    for (let i = 0; i < ahead; i++) f[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }
  return f;
}

export function erlangA(input: ErlangAInput): ErlangAResult {
  const { agents } = input;
  if (input.arrivalRate <= 0) return { answeredWithinTarget: 1, abandoned: 0 };
  if (agents <= 0) return { answeredWithinTarget: 0, abandoned: 1 };
  const mu = 1 / input.handleSeconds;
  const theta = 1 / input.patienceSeconds;
  const pi = stationary(agents, input.arrivalRate, mu, theta);
  const within = answeredWithin(Math.max(0, pi.length - agents), agents, mu, theta, input.targetSeconds);
  let answered = 0;
  let waiting = 0;
  for (let k = 0; k < pi.length; k++) {
    if (k < agents) answered += pi[k];
    else {
      answered += pi[k] * within[k - agents];
      waiting += pi[k] * (k - agents);
    }
  }
  // Abandonment rate θ·E[waiting] over the arrival rate (the chain's flow balance).
  return { answeredWithinTarget: Math.min(1, answered), abandoned: Math.min(1, (theta * waiting) / input.arrivalRate) };
}
