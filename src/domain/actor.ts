import { AppError } from './errors.ts';

export type StaffRole = 'operator' | 'supervisor' | 'admin';
export type Role = StaffRole | 'agency';

/**
 * Who is acting. Every service verb that touches agency data takes an Actor and checks it,
 * so that no route can forget the agency scope.
 * `agencies` lists the agency codes the actor may see; call-center staff serving every agency
 * hold the full list, never a wildcard, so a new agency is not visible until it is assigned.
 */
export type Actor = Readonly<{
  kind: 'user' | 'token' | 'system';
  id: string;
  name: string;
  role: Role;
  agencies: readonly string[];
}>;

/** The platform itself (webhooks, workers): acts for every agency it is handed data of. */
export const SYSTEM_ACTOR: Actor = Object.freeze({ kind: 'system', id: 'system', name: 'system', role: 'admin', agencies: [] });

export function isStaff(actor: Actor): boolean {
  return actor.role !== 'agency';
}

export function canSeeAgency(actor: Actor, agency: string): boolean {
  return actor.kind === 'system' || actor.agencies.includes(agency);
}

/**
 * Whether the actor serves every agency of the platform (`allAgencies`). What belongs to no agency
 * (e-mail sent to none of our addresses) may be any agency's tenants' data, so only someone who
 * may read every agency's data may read it.
 */
export function servesEveryAgency(actor: Actor, allAgencies: readonly string[]): boolean {
  return actor.kind === 'system' || allAgencies.every((code) => actor.agencies.includes(code));
}

/**
 * Refuses access to another agency's data. It answers NOT_FOUND rather than FORBIDDEN so that
 * a clerk cannot even learn that a record of another agency exists.
 */
export function assertCanSeeAgency(actor: Actor, agency: string, what = 'Resource'): void {
  if (!canSeeAgency(actor, agency)) throw new AppError('NOT_FOUND', `${what} not found`);
}

export function assertRole(actor: Actor, ...roles: Role[]): void {
  if (actor.kind === 'system') return;
  if (!roles.includes(actor.role)) throw new AppError('FORBIDDEN', `This action needs the role ${roles.join(' or ')}`);
}

/** The agencies an actor may see among those asked for; an explicit foreign agency is refused. */
export function scopeAgencies(actor: Actor, requested: string | undefined): readonly string[] {
  if (requested !== undefined) {
    assertCanSeeAgency(actor, requested, 'Agency');
    return [requested];
  }
  return actor.agencies;
}
