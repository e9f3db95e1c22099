/** The logged-in user as /api/v1/auth/login and /me describe them. */
export type User = {
  id: string;
  username: string;
  displayName: string;
  role: 'operator' | 'supervisor' | 'admin' | 'agency';
  agency: string | null;
  agencies: string[];
};

export type Session = { user: User; csrfToken: string };

export const isStaff = (user: User) => user.role !== 'agency';
export const isSupervisor = (user: User) => user.role === 'supervisor' || user.role === 'admin';

export function homePath(user: User): string {
  if (user.role === 'agency') return '/agenzia';
  if (user.role === 'operator') return '/operatore';
  return '/wallboard';
}
