import { z } from 'zod';
import { Instant } from './common.ts';

/** The logged-in user: who they are and the agencies they serve. */
export const SessionUser = z.strictObject({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(['operator', 'supervisor', 'admin', 'agency']),
  agency: z.string().nullable(),
  agencies: z.array(z.string()),
});
export type SessionUser = z.infer<typeof SessionUser>;

/** A session started (login, password change): the cookie is set, the CSRF token goes with every change. */
export const SessionStarted = z.strictObject({ user: SessionUser, csrfToken: z.string(), expiresAt: Instant });
export type SessionStarted = z.infer<typeof SessionStarted>;

/** Who is asking: a browser session (with its CSRF token) or an agency's API token. */
export const WhoAmI = z.union([
  z.strictObject({ user: SessionUser, csrfToken: z.string() }),
  z.strictObject({ token: z.strictObject({ id: z.string(), name: z.string(), role: z.string(), agencies: z.array(z.string()) }) }),
]);
export type WhoAmI = z.infer<typeof WhoAmI>;
