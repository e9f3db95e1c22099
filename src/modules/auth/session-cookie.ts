import fastifyCookie from '@fastify/cookie';

/** CONTRACT §6: the name of the session cookie. */
export const SESSION_COOKIE = 'centralino_session';

/** The cookie holds the session id signed with the server secret: a forged id is refused without a query. */
export function signSessionToken(secret: string, token: string): string {
  return fastifyCookie.sign(token, secret);
}

export function unsignSessionToken(secret: string, value: string): string | null {
  const result = fastifyCookie.unsign(value, secret);
  return result.valid && result.value ? result.value : null;
}

/** The session token in a raw `Cookie:` header (socket.io handshakes), or null. */
export function sessionTokenFromCookieHeader(secret: string, header: string | undefined): string | null {
  if (!header) return null;
  const value = fastifyCookie.fastifyCookie.parse(header)[SESSION_COOKIE];
  return value ? unsignSessionToken(secret, value) : null;
}
