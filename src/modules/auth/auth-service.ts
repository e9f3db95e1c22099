import type { Actor } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { AppError } from '../../domain/errors.ts';
import type { Database } from '../../db/client.ts';
import { csrfTokenFor, sha256Hex, randomSecret } from './auth-crypto.ts';
import * as repo from './auth-repo.ts';
import type { UserRow } from './auth-repo.ts';
import type { ThrottlePolicy } from './login-throttle.ts';
import { ACCOUNT_POLICY, ADDRESS_POLICY, lockedUntil, releaseOnSuccess, reserveAttempt } from './login-throttle.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../domain/password-rules.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.ts';
import type { SecurityLog } from './security-log.ts';
import { sessionTokenFromCookieHeader, signSessionToken, unsignSessionToken } from './session-cookie.ts';

export const SESSION_IDLE_MS = 8 * 60 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
/** The idle deadline moves at most once a minute per session (and a token's last use likewise). */
const TOUCH_GRANULARITY_MS = 60_000;

/** Same answer for an unknown user, a wrong password and a disabled account: nothing to enumerate. */
const BAD_CREDENTIALS = 'Invalid username or password';

export type AuthServiceDeps = Readonly<{
  db: Database;
  clock: Clock;
  /** Signs session cookies and derives CSRF tokens. */
  secret: string;
  securityLog: SecurityLog;
}>;

export type ClientInfo = Readonly<{ ip: string | null; userAgent: string | null }>;

export type PublicUser = Readonly<{
  id: string;
  username: string;
  displayName: string;
  role: UserRow['role'];
  agency: string | null;
  agencies: readonly string[];
  mustChangePassword: boolean;
}>;

/** What a login or a password change hands back: the cookie value, the CSRF token and who logged in. */
export type NewSession = Readonly<{ cookieValue: string; csrfToken: string; expiresAt: Date; user: PublicUser }>;

/** An authenticated session, as the request hook keeps it. */
export type LiveSession = Readonly<{ actor: Actor; sessionId: string; tokenHash: string; csrfToken: string; user: PublicUser }>;

export type AuthService = ReturnType<typeof createAuthService>;

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** ASVS V2.1: at least 12 characters, long passphrases allowed, nothing else imposed. */
export function assertAcceptablePassword(password: string, username: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) throw new AppError('VALIDATION', `The password must have at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) throw new AppError('VALIDATION', `The password must have at most ${PASSWORD_MAX_LENGTH} characters`);
  if (normalizeUsername(password) === normalizeUsername(username)) throw new AppError('VALIDATION', 'The password must not be the username');
}

export function createAuthService(deps: AuthServiceDeps) {
  const { db, clock, secret, securityLog } = deps;

  async function agenciesOf(user: UserRow): Promise<string[]> {
    if (user.role === 'agency') return user.agencyCode ? [user.agencyCode] : [];
    return repo.agenciesServedBy(db, user.id);
  }

  async function publicUser(user: UserRow, agencies?: readonly string[]): Promise<PublicUser> {
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      agency: user.agencyCode,
      agencies: agencies ?? (await agenciesOf(user)),
      mustChangePassword: user.mustChangePassword,
    };
  }

  function actorOf(user: PublicUser): Actor {
    return Object.freeze({ kind: 'user', id: user.id, name: user.username, role: user.role, agencies: Object.freeze([...user.agencies]) });
  }

  async function openSession(user: UserRow, client: ClientInfo, now: Date): Promise<NewSession> {
    const token = randomSecret();
    const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
    await repo.insertSession(db, {
      tokenHash: sha256Hex(token),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    });
    return { cookieValue: signSessionToken(secret, token), csrfToken: csrfTokenFor(secret, token), expiresAt, user: await publicUser(user) };
  }

  function throttleKeys(username: string, ip: string | null): [string, ThrottlePolicy][] {
    const keys: [string, ThrottlePolicy][] = [[`account:${username}`, ACCOUNT_POLICY]];
    if (ip) keys.push([`ip:${ip}`, ADDRESS_POLICY]);
    return keys;
  }

  /**
   * Counts the attempt against every key before the password is looked at; refuses while any key
   * is locked. The rows are locked in a fixed order (account, then address): no deadlocks.
   */
  async function reserveLoginAttempt(keys: [string, ThrottlePolicy][], now: Date): Promise<Date | null> {
    return db.transaction(async (tx) => {
      const states = [];
      for (const [key] of keys) states.push(await repo.lockThrottle(tx, key, now));
      for (const state of states) {
        const until = lockedUntil(state, now);
        if (until) return until;
      }
      for (const [index, [key, policy]] of keys.entries()) await repo.saveThrottle(tx, key, reserveAttempt(policy, states[index], now), now);
      return null;
    });
  }

  async function releaseLoginAttempt(keys: [string, ThrottlePolicy][], now: Date): Promise<void> {
    await db.transaction(async (tx) => {
      for (const [key, policy] of keys) {
        const state = await repo.lockThrottle(tx, key, now);
        await repo.saveThrottle(tx, key, releaseOnSuccess(policy, state), now);
      }
    });
  }

  /** Checks a password under the throttle; the caller gets the user only when it is right. */
  async function checkPassword(username: string, password: string, client: ClientInfo, now: Date): Promise<UserRow> {
    const keys = throttleKeys(username, client.ip);
    const until = await reserveLoginAttempt(keys, now);
    if (until) {
      await securityLog.record({ kind: 'login_throttled', username, ip: client.ip });
      throw new AppError('RATE_LIMITED', 'Too many failed login attempts: try again later', {
        retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)),
      });
    }
    const user = await repo.findUserByUsername(db, username);
    // The password is hashed whatever happens, so an unknown or disabled account answers as slowly as a real one.
    const valid = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
    if (!user || !valid || user.disabled) {
      await securityLog.record({
        kind: 'login_failed',
        username,
        ip: client.ip,
        detail: !user ? 'unknown user' : user.disabled ? 'disabled' : 'wrong password',
      });
      throw new AppError('UNAUTHENTICATED', BAD_CREDENTIALS);
    }
    await releaseLoginAttempt(keys, now);
    await repo.pruneStale(db, user.id, now);
    return user;
  }

  async function authenticateSessionToken(token: string): Promise<LiveSession | null> {
    const now = clock.now();
    const tokenHash = sha256Hex(token);
    const row = await repo.findLiveSession(db, tokenHash, now, SESSION_IDLE_MS);
    if (!row || row.user.disabled) return null;
    if (now.getTime() - row.session.lastSeenAt.getTime() >= TOUCH_GRANULARITY_MS) await repo.touchSession(db, row.session.id, now, TOUCH_GRANULARITY_MS);
    const user = await publicUser(row.user);
    return { actor: actorOf(user), sessionId: row.session.id, tokenHash, csrfToken: csrfTokenFor(secret, token), user };
  }

  return {
    /** POST /api/v1/auth/login. */
    async login(input: { username: string; password: string }, client: ClientInfo): Promise<NewSession> {
      const now = clock.now();
      const user = await checkPassword(normalizeUsername(input.username), input.password, client, now);
      return openSession(user, client, now);
    },

    /** Ends one session for good: its cookie is refused from now on, wherever it is replayed. */
    async logout(session: LiveSession): Promise<void> {
      await repo.revokeSessionByHash(db, session.tokenHash, clock.now(), 'logout');
    },

    /**
     * A user changes their own password: the current one is checked (under the login throttle), every
     * session of the user ends, and the caller gets a fresh one.
     */
    async changePassword(actor: Actor, input: { currentPassword: string; newPassword: string }, client: ClientInfo): Promise<NewSession> {
      if (actor.kind !== 'user') throw new AppError('FORBIDDEN', 'Only people have passwords');
      const now = clock.now();
      const current = await repo.findUserById(db, actor.id);
      if (!current) throw new AppError('UNAUTHENTICATED', 'Authentication required');
      let user: UserRow;
      try {
        user = await checkPassword(current.username, input.currentPassword, client, now);
      } catch (error) {
        if (error instanceof AppError && error.code === 'UNAUTHENTICATED') throw new AppError('FORBIDDEN', 'The current password is not right');
        throw error;
      }
      assertAcceptablePassword(input.newPassword, user.username);
      const passwordHash = await hashPassword(input.newPassword);
      await db.transaction(async (tx) => {
        await repo.updatePasswordHash(tx, user.id, passwordHash, now);
        await repo.revokeSessionsOfUser(tx, user.id, now, 'password_changed');
      });
      return openSession({ ...user, mustChangePassword: false }, client, now);
    },

    /** The session behind a signed cookie value, or null when it is forged, revoked or expired. */
    async authenticateSessionCookie(cookieValue: string): Promise<LiveSession | null> {
      const token = unsignSessionToken(secret, cookieValue);
      return token ? authenticateSessionToken(token) : null;
    },

    /** For socket.io handshakes: the same session cookie, the same rules. */
    async actorFromCookieHeader(cookieHeader: string | undefined): Promise<Actor | null> {
      const token = sessionTokenFromCookieHeader(secret, cookieHeader);
      const session = token ? await authenticateSessionToken(token) : null;
      // The live socket shows agency data: a provisional password opens none of it.
      return session && !session.user.mustChangePassword ? session.actor : null;
    },

    /** An agency API token: an Actor of role agency for that one agency, or null when unknown or revoked. */
    async authenticateBearer(token: string): Promise<Actor | null> {
      const row = await repo.findLiveApiToken(db, sha256Hex(token));
      if (!row) return null;
      const now = clock.now();
      if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_GRANULARITY_MS) await repo.touchApiToken(db, row.id, now, TOUCH_GRANULARITY_MS);
      return Object.freeze({ kind: 'token', id: row.id, name: `token:${row.name}`, role: 'agency', agencies: Object.freeze([row.agencyCode]) });
    },

    /**
     * The staff member behind a browser softphone (`client:<username>`, a token we issued to their
     * session): null for an unknown, disabled or agency account, which may dial nobody.
     */
    async actorOfSoftphone(identity: string): Promise<Actor | null> {
      const user = await repo.findUserByUsername(db, identity);
      if (!user || user.disabled || user.role === 'agency') return null;
      return actorOf(await publicUser(user));
    },

    /** Ends every session of a user (password reset by an administrator, account disabled). */
    async endSessionsOf(userId: string, reason: string): Promise<number> {
      return repo.revokeSessionsOfUser(db, userId, clock.now(), reason);
    },
  };
}
