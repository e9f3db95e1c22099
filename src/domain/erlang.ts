import { erlangA } from './erlang-a.ts';

/**
 * Erlang C: how many operators a half-hour needs so that a share of its callers is answered within
 * a target wait. Calls arrive at random (Poisson), handle times are exponential with the measured
 * mean, every caller waits as long as it takes (no abandonment) and is served first come, first
 * served by any free operator. Callers who hang up make the real queue shorter than Erlang C's, so
 * its figure errs on the safe side: a few operators too many, never too few.
 */

/**
 * Probability that a caller has to wait (Erlang C) with `agents` operators and `traffic` Erlangs
 * offered (arrivals per second × handle time in seconds). 1 when the operators cannot keep up.
 * Computed through the Erlang B recursion, which stays stable for hundreds of operators.
 */
export function erlangC(agents: number, traffic: number): number {
  if (traffic <= 0) return 0;
  if (agents <= traffic) return 1;
  let blocking = 1;
  for (let n = 1; n <= agents; n++) blocking = (traffic * blocking) / (n + traffic * blocking);
  return (agents * blocking) / (agents - traffic * (1 - blocking));
}

/** Share (0–1) of callers answered within `targetSeconds`. */
export function serviceLevel(agents: number, traffic: number, handleSeconds: number, targetSeconds: number): number {
  if (traffic <= 0) return 1;
  if (agents <= traffic) return 0;
  return 1 - erlangC(agents, traffic) * Math.exp((-(agents - traffic) * targetSeconds) / handleSeconds);
}

export type StaffingNeed = Readonly<{
  /** Erlangs offered: the operators that would be busy all the time. */
  traffic: number;
  /** The fewest operators that reach the target (0 with no calls). */
  agents: number;
  /** The service level those operators reach, in %. */
  serviceLevelPct: number;
  /** How busy they are, in %. */
  occupancyPct: number;
}>;

/** Never search beyond this many operators for one interval (a data error, not a real need). */
const MAX_AGENTS = 500;

/**
 * The operators one interval needs: `calls` arriving in `intervalSeconds`, each taking
 * `handleSeconds` (talk plus wrap-up), `targetPct` of them answered within `targetSeconds`.
 */
export function operatorsNeeded(input: {
  calls: number;
  intervalSeconds: number;
  handleSeconds: number;
  targetPct: number;
  targetSeconds: number;
  /** Callers' mean patience when the data tells it: the figure is then Erlang A's (src/domain/erlang-a.ts). */
  patienceSeconds?: number | null;
}): StaffingNeed {
  const traffic = (input.calls * input.handleSeconds) / input.intervalSeconds;
  if (traffic <= 0) return { traffic: 0, agents: 0, serviceLevelPct: 100, occupancyPct: 0 };
  let agents = Math.max(1, Math.floor(traffic) + 1);
  while (agents < MAX_AGENTS && serviceLevel(agents, traffic, input.handleSeconds, input.targetSeconds) * 100 < input.targetPct) agents++;
  if (input.patienceSeconds) {
    // Callers who hang up shorten the queue: Erlang A never needs more than Erlang C, so search down from there.
    const model = (candidate: number) =>
      erlangA({
        agents: candidate,
        arrivalRate: input.calls / input.intervalSeconds,
        handleSeconds: input.handleSeconds,
        patienceSeconds: input.patienceSeconds!,
        targetSeconds: input.targetSeconds,
      });
    let result = model(agents);
    for (let fewer = model(agents - 1); agents > 1 && fewer.answeredWithinTarget * 100 >= input.targetPct; fewer = model(agents - 1)) {
      agents--;
      result = fewer;
    }
    // Only the callers who stay keep an operator busy.
    return { traffic, agents, serviceLevelPct: result.answeredWithinTarget * 100, occupancyPct: ((traffic * (1 - result.abandoned)) / agents) * 100 };
  }
  return {
    traffic,
    agents,
    serviceLevelPct: serviceLevel(agents, traffic, input.handleSeconds, input.targetSeconds) * 100,
    occupancyPct: (traffic / agents) * 100,
  };
}
