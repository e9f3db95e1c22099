import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/auth.ts';
import { loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * Issue 18 §1: thresholds per agency turn the wallboard's figures amber and red. An administrator
 * sets them in the agency's data; the live snapshot carries each agency's own (or the platform's),
 * and the wallboard colours its tile by them.
 */
let t: TestApp;
let admin: Session;
let supervisor: Session;

beforeAll(async () => {
  t = await createTestApp();
  [admin, supervisor] = await Promise.all([loginAs(t.app, 'admin'), loginAs(t.app, 'supervisore')]);
});
afterAll(async () => {
  await t?.close();
});

const patch = (payload: Record<string, unknown>) =>
  t.app.inject({ method: 'PATCH', url: '/api/v1/admin/agencies/aler-pavia-lodi', headers: admin.headers, payload });
const snapshotThresholds = async (code: string) => {
  const snapshot = (await t.app.inject({ url: '/api/v1/live/snapshot', headers: supervisor.headers })).json() as {
    agencies: { code: string; thresholds: unknown }[];
  };
  return snapshot.agencies.find((agency) => agency.code === code)?.thresholds;
};

describe("each agency's wallboard thresholds", () => {
  it("are the platform's until an agency sets its own, and then that agency's alone", async () => {
    expect(await snapshotThresholds('aler-pavia-lodi')).toEqual({ waitAlertSeconds: 120, abandonAmberPct: 5, abandonRedPct: 10 });
    const saved = await patch({ wallWaitAlertSeconds: 60, wallAbandonAmberPct: 3, wallAbandonRedPct: 6 });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ wallWaitAlertSeconds: 60, wallAbandonAmberPct: 3, wallAbandonRedPct: 6 });
    expect(await snapshotThresholds('aler-pavia-lodi')).toEqual({ waitAlertSeconds: 60, abandonAmberPct: 3, abandonRedPct: 6 });
    expect(await snapshotThresholds('aler-milano')).toEqual({ waitAlertSeconds: 120, abandonAmberPct: 5, abandonRedPct: 10 });
  });

  it('turn amber before red, whichever of the two is set: otherwise the change is refused and nothing changes', async () => {
    const refused = await patch({ wallAbandonAmberPct: 8 });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('wallAbandonAmberPct (8) must be below wallAbandonRedPct (6)');
    expect(await snapshotThresholds('aler-pavia-lodi')).toEqual({ waitAlertSeconds: 60, abandonAmberPct: 3, abandonRedPct: 6 });
    // Back to the platform's red (10): an amber of 8 is fine then.
    expect((await patch({ wallAbandonRedPct: null, wallAbandonAmberPct: 8 })).statusCode).toBe(200);
    expect(await snapshotThresholds('aler-pavia-lodi')).toEqual({ waitAlertSeconds: 60, abandonAmberPct: 8, abandonRedPct: 10 });
  });

  it('are set by administrators only, and audited', async () => {
    const byStaff = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/agencies/aler-pavia-lodi',
      headers: supervisor.headers,
      payload: { wallWaitAlertSeconds: 30 },
    });
    expect(byStaff.statusCode).toBe(403);
    const audit = (await t.app.inject({ url: '/api/v1/admin/audit?agency=aler-pavia-lodi', headers: admin.headers })).json() as {
      items: { action: string; before: unknown; after: unknown }[];
    };
    expect(audit.items.find((entry) => entry.action === 'agency.wallWaitAlertSeconds+wallAbandonAmberPct+wallAbandonRedPct')).toMatchObject({
      before: { wallWaitAlertSeconds: null, wallAbandonAmberPct: null, wallAbandonRedPct: null },
      after: { wallWaitAlertSeconds: 60, wallAbandonAmberPct: 3, wallAbandonRedPct: 6 },
    });
  });
});
