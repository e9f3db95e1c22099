import { describe, expect, it } from 'vitest';
import { createFirstAdmin } from '../../src/modules/admin/first-admin.ts';
import { loginAs } from '../helpers/auth.ts';
import { createEmptyDatabase } from '../helpers/empty-database.ts';
import { startTestApp } from '../helpers/test-app.ts';

describe('the first administrator of a production database (npm run create-admin)', () => {
  it('is created once on an empty database, logs in with the password shown, and cannot be created again', { timeout: 120_000 }, async () => {
    const database = await createEmptyDatabase();
    const now = new Date('2026-11-23T09:00:00Z');
    expect(await createFirstAdmin(database.db, { username: 'Bad Name!', now })).toMatchObject({ created: false, reason: expect.stringContaining('username') });

    const first = await createFirstAdmin(database.db, { username: 'Capo.Sala', displayName: 'Capo sala', now });
    if (!first.created) throw new Error(first.reason);
    expect(first.username).toBe('capo.sala');
    expect(first.password.length).toBeGreaterThanOrEqual(12);

    const again = await createFirstAdmin(database.db, { username: 'altro-admin', now });
    expect(again).toMatchObject({ created: false, reason: expect.stringContaining('capo.sala') });

    const t = await startTestApp(database);
    try {
      const session = await loginAs(t.app, 'capo.sala', { password: first.password });
      expect(session.user.role).toBe('admin');
      // The administrator can create the rest through the API from here.
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/admin/users',
        headers: session.headers,
        payload: { username: 'supervisore1', displayName: 'Supervisore', role: 'supervisor' },
      });
      expect(created.statusCode).toBe(201);
    } finally {
      await t.close();
    }
  });
});
