import argon2 from 'argon2';
import { randomSecret } from './auth-crypto.ts';

/**
 * argon2id with the library's defaults (m = 64 MiB, t = 3, p = 4), above OWASP's minimum and the
 * same as the demo seed, so that every verification costs the same (see verifyAgainstDummy).
 */
const HASH_OPTIONS = { type: argon2.argon2id } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real verification when the username does not exist, so that the
 * response time does not tell whether an account exists.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= argon2.hash(randomSecret(), HASH_OPTIONS);
  await verifyPassword(await dummyHash, password);
  return false;
}

/** A readable random password for accounts created or reset without one. */
export function generatePassword(): string {
  return randomSecret(15);
}
