import type { Actor } from '../../domain/actor.ts';
import { assertRole, scopeAgencies } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { forbidden, notFound, validation } from '../../domain/errors.ts';
import type { DomainEvent, EventBus } from '../../domain/events.ts';
import type { Database, Executor } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import * as repo from './operators-repo.ts';
import type { Location, Presence, StaffMember } from './operators-repo.ts';

export const PRESENCES = ['available', 'on_call', 'wrap_up', 'break', 'offline'] as const;
export const LOCATIONS = ['on_site', 'remote'] as const;

export type OperatorServiceDeps = Readonly<{ db: Database; clock: Clock; bus: EventBus; directory: AgencyDirectory }>;
export type OperatorService = ReturnType<typeof createOperatorService>;

export function createOperatorService(deps: OperatorServiceDeps) {
  const { db, clock, bus, directory } = deps;

  /** Every queue of the member's agencies, narrowed to their assigned queues when they have any. */
  function servedQueues(member: StaffMember): string[] {
    const all = member.agencies.flatMap((code) => directory.agency(code)?.queues.map((queue) => queue.name) ?? []);
    return member.queues.length > 0 ? all.filter((name) => member.queues.includes(name)) : all;
  }

  function view(member: StaffMember) {
    return {
      id: member.id,
      username: member.username,
      displayName: member.displayName,
      role: member.role,
      presence: member.presence?.presence ?? 'offline',
      location: member.presence?.location ?? null,
      since: member.presence?.since.toISOString() ?? null,
      callSid: member.presence?.callSid ?? null,
      agencies: member.agencies,
      queues: servedQueues(member),
    };
  }

  /** One event per agency the operator serves: each agency's staff room shows its own operators. */
  function publishPresence(member: StaffMember) {
    const operator = view(member);
    const at = clock.now().toISOString();
    const events: DomainEvent[] = member.agencies.length > 0 ? member.agencies.map((agency) => ({ type: 'operator.presence', agency, at, data: { operator } })) : [{ type: 'operator.presence', agency: null, at, data: { operator } }];
    for (const event of events) bus.publish(event);
  }

  async function member(where: { userId?: string; username?: string }, executor: Executor = db): Promise<StaffMember | undefined> {
    const [found] = await repo.listStaff(executor, where.userId ? { userIds: [where.userId] } : { username: where.username });
    return found;
  }

  /** A change the platform makes by itself (the softphone bridged or hung up); it never overrides a newer manual one. */
  async function follow(username: string, presence: Presence, callSid: string, onlyIf?: { presence: Presence; callSid: string | null }) {
    const found = await member({ username });
    if (!found || found.disabled) return;
    const row = { userId: found.id, presence, location: found.presence?.location ?? 'on_site', callSid: presence === 'on_call' || presence === 'wrap_up' ? callSid : null, since: clock.now() };
    const written = await repo.writePresence(db, row, onlyIf);
    if (written) publishPresence({ ...found, presence: written });
  }

  return {
    async setMyPresence(actor: Actor, input: { presence: Presence; location?: Location }) {
      assertRole(actor, 'operator', 'supervisor', 'admin');
      if (actor.kind !== 'user') throw forbidden('Only people have a presence');
      const found = await member({ userId: actor.id });
      if (!found) throw notFound('Operator');
      const row = {
        userId: found.id,
        presence: input.presence,
        location: input.location ?? found.presence?.location ?? 'on_site',
        callSid: input.presence === 'on_call' || input.presence === 'wrap_up' ? (found.presence?.callSid ?? null) : null,
        since: clock.now(),
      };
      const written = await repo.writePresence(db, row);
      const updated = { ...found, presence: written! };
      publishPresence(updated);
      return view(updated);
    },

    /** Supervisors see every operator of their agencies; an operator sees themselves and colleagues of shared agencies. */
    async listOperators(actor: Actor, query: { agency?: string }) {
      assertRole(actor, 'operator', 'supervisor', 'admin');
      const agencies = scopeAgencies(actor, query.agency);
      const ids = await repo.staffIdsServing(db, agencies);
      if (actor.kind === 'user' && !ids.includes(actor.id) && query.agency === undefined) ids.push(actor.id);
      const staff = await repo.listStaff(db, { userIds: ids });
      return { items: staff.filter((found) => !found.disabled).map(view) };
    },

    /** Narrows the queues an operator answers within their agencies; an empty list means all of them. */
    async setOperatorQueues(actor: Actor, username: string, queueNames: readonly string[]) {
      assertRole(actor, 'supervisor', 'admin');
      const found = await member({ username });
      if (!found || !found.agencies.some((agency) => actor.kind === 'system' || actor.agencies.includes(agency))) throw notFound('Operator');
      const allowed = new Set(found.agencies.flatMap((code) => directory.agency(code)?.queues.map((queue) => queue.name) ?? []));
      const unknown = queueNames.filter((name) => !allowed.has(name));
      if (unknown.length > 0) throw validation(`Not a queue of ${username}'s agencies: ${unknown.join(', ')}`);
      await db.transaction((tx) => repo.replaceQueues(tx, found.id, [...new Set(queueNames)]));
      return view((await member({ username }))!);
    },

    /**
     * For the next-call pick: the queues the softphone identity (`client:<username>`) answers. Reads
     * through the caller's executor: it runs inside the call step's transaction.
     */
    async queuesServedBy(identity: string, executor: Executor = db): Promise<readonly string[]> {
      const found = await member({ username: identity }, executor);
      // listStaff knows no agency users: a clerk's softphone identity serves nothing.
      if (!found || found.disabled) return [];
      return servedQueues(found);
    },

    /** The softphone bridged a caller to this operator. */
    async markOnCall(username: string, callSid: string) {
      await follow(username, 'on_call', callSid);
    },

    /** The caller hung up: wrap-up, if the operator is still on that call. */
    async markWrapUp(username: string, callSid: string) {
      await follow(username, 'wrap_up', callSid, { presence: 'on_call', callSid });
    },
  };
}
