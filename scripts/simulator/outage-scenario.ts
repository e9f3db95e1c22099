import type { CallerPlan } from './call-center.ts';
import { createRng } from './rng.ts';

/**
 * The heating outage of issue 17, as a schedule both runs of the comparison play alike: the central
 * boiler of one building stops, and its tenants call within the first part of the run, on top of the
 * agency's usual calls; some callers are impatient. Drawn from the seed alone, so the runs with the
 * features off and on meet the same callers at the same moments.
 */
export const OUTAGE_AGENCY = 'aler-pavia-lodi';
export const OUTAGE_MUNICIPALITY = 'Pavia';
export const OUTAGE_BUILDING = 'Via Riviera 41';
const PAVIA_NUMBERS = ['+39800200200', '+390382000000'];

export type ScheduledCall = Readonly<{ atSeconds: number; plan: CallerPlan; seed: number }>;

export type OutageOptions = Readonly<{ seed: number; minutes: number; callsPerMinute: number; buildingTenants: number; impatientShare: number }>;

/** The building's tenants as the registry export lists them (codice, nominativo, telefoni, comune, edificio). */
export function buildingTenantsCsv(count: number): string {
  const rows = Array.from({ length: count }, (_, index) => {
    const n = String(index + 1).padStart(2, '0');
    return `RIV41-${n};Inquilino ${n} di via Riviera;${tenantPhone(index)};${OUTAGE_BUILDING};${OUTAGE_MUNICIPALITY};${OUTAGE_BUILDING};A;${Math.floor(index / 4)};${n}`;
  });
  return ['codice;nominativo;telefoni;indirizzo;comune;edificio;scala;piano;interno', ...rows].join('\n');
}

function tenantPhone(index: number): string {
  return `+3934700041${String(index).padStart(2, '0')}`;
}

/** Every call of the run, in order: the usual ones (Poisson) and the building's (within the first 60 %). */
export function outageSchedule(options: OutageOptions): ScheduledCall[] {
  const rng = createRng(options.seed);
  const runSeconds = options.minutes * 60;
  const calls: ScheduledCall[] = [];
  const impatient = () => rng.chance(options.impatientShare);
  for (let at = rng.exponential(60 / options.callsPerMinute); at < runSeconds; at += rng.exponential(60 / options.callsPerMinute)) {
    const hurried = impatient();
    calls.push({
      atSeconds: at,
      plan: { to: rng.pick(PAVIA_NUMBERS), takesCallback: hurried, patienceMeanSeconds: hurried ? 40 : 150 },
      seed: rng.int(1, 1_000_000_000),
    });
  }
  for (let index = 0; index < options.buildingTenants; index += 1) {
    const hurried = impatient();
    calls.push({
      atSeconds: rng.next() * runSeconds * 0.6,
      plan: {
        from: tenantPhone(index),
        to: PAVIA_NUMBERS[0],
        digit: '2',
        joinsIncident: rng.chance(0.85),
        takesCallback: hurried,
        patienceMeanSeconds: hurried ? 40 : 150,
      },
      seed: rng.int(1, 1_000_000_000),
    });
  }
  return calls.sort((a, b) => a.atSeconds - b.atSeconds);
}
