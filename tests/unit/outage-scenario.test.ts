import { describe, expect, it } from 'vitest';
import { buildingTenantsCsv, OUTAGE_BUILDING, outageSchedule } from '../../scripts/simulator/outage-scenario.ts';
import { parseTenantCsv } from '../../src/modules/tenants/tenant-csv.ts';

describe("the heating outage the simulator's comparison plays", () => {
  const options = { seed: 7, minutes: 15, callsPerMinute: 4, buildingTenants: 30, impatientShare: 0.4 };

  it('meets the same callers at the same moments in both runs: the schedule comes from the seed alone', () => {
    expect(outageSchedule(options)).toEqual(outageSchedule(options));
    expect(outageSchedule({ ...options, seed: 8 })).not.toEqual(outageSchedule(options));
  });

  it("calls every tenant of the building once, about heating, within the run's first 60 %", () => {
    const building = outageSchedule(options).filter((call) => call.plan.digit === '2' && call.plan.from);
    expect(new Set(building.map((call) => call.plan.from)).size).toBe(30);
    expect(Math.max(...building.map((call) => call.atSeconds))).toBeLessThanOrEqual(15 * 60 * 0.6);
  });

  it('puts those tenants on the registry in that building, with the numbers they call from', () => {
    const parsed = parseTenantCsv(buildingTenantsCsv(30));
    expect(parsed.error).toBeNull();
    expect(parsed.refused).toEqual([]);
    expect(parsed.rows).toHaveLength(30);
    expect(new Set(parsed.rows.map((row) => row.building))).toEqual(new Set([OUTAGE_BUILDING]));
    const callers = outageSchedule(options).flatMap((call) => (call.plan.from ? [call.plan.from] : []));
    expect(new Set(parsed.rows.flatMap((row) => row.phones))).toEqual(new Set(callers));
  });
});
