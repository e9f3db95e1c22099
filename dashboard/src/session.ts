import type { SessionStarted, SessionUser } from '../../src/contracts/auth.ts';

/** The logged-in user as /api/v1/auth/login and /me describe them. */
export type User = SessionUser;

/** What the dashboard keeps of a session: the user and the CSRF token for changes. */
export type Session = Pick<SessionStarted, 'user' | 'csrfToken'>;

export const isStaff = (user: User) => user.role !== 'agency';
export const isSupervisor = (user: User) => user.role === 'supervisor' || user.role === 'admin';

export function homePath(user: User): string {
  if (user.role === 'agency') return '/agenzia';
  if (user.role === 'operator') return '/operatore';
  return '/wallboard';
}
