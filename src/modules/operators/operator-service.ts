import type { Operator } from '../../contracts/operators.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertRole, canSeeAgency, scopeAgencies } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { AppError, conflict, forbidden, notFound, validation } from '../../domain/errors.ts';
import { mayBeOffered, refusePersonMove } from '../../domain/presence-state.ts';
import type { DomainEvent, EventBus } from '../../domain/events.ts';
import type { Database, Executor } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AuditPort } from '../audit/audit-service.ts';
import * as repo from './operators-repo.ts';
import type { Location, Presence, PresenceRow, StaffMember } from './operators-repo.ts';

export { PRESENCES } from '../../domain/presence-state.ts';
export const LOCATIONS = ['on_site', 'remote'] as const;

export type OperatorServiceDeps = Readonly<{
  db: Database;
  clock: Clock;
  bus: EventBus;
  directory: AgencyDirectory;
  /** Who answers which queue is configuration: each change is written to the audit trail. */
  audit: AuditPort;
  /** Wrap-up time limit (WRAP_UP_SECONDS): after it the operator is available again. */
  wrapUpSeconds?: number;
}>;
export type OperatorService = ReturnType<typeof createOperatorService>;

export function createOperatorService(deps: OperatorServiceDeps) {
  const { db, clock, bus, directory } = deps;
  const wrapUpSeconds = deps.wrapUpSeconds ?? 60;

  function queuesOf(agency: string): string[] {
    return directory.agency(agency)?.queues.map((queue) => queue.name) ?? [];
  }

  /**
   * The queues the member answers in each of `agencies`: those a supervisor assigned in that agency,
   * or all of the agency's queues when none was. Narrowing is per agency, so a supervisor of one
   * agency never changes what the member answers for another.
   */
  function servedQueues(member: StaffMember, agencies: readonly string[] = member.agencies): string[] {
    return agencies.flatMap((code) => {
      const all = queuesOf(code);
      const narrowed = all.filter((name) => member.queues.includes(name));
      return narrowed.length > 0 ? narrowed : all;
    });
  }

  /**
   * The member as seen by someone serving `scope` (null: the platform, everything): only the
   * agencies, queues and call of those agencies, so that a supervisor of one agency learns no
   * CallSid or queue of another.
   */
  function view(member: StaffMember, scope: readonly string[] | null): Operator {
    const agencies = scope === null ? member.agencies : member.agencies.filter((code) => scope.includes(code));
    const callSid = member.presence?.callSid ?? null;
    const callVisible = callSid !== null && (scope === null || (member.callAgency !== null && scope.includes(member.callAgency)));
    return {
      id: member.id,
      username: member.username,
      displayName: member.displayName,
      role: member.role,
      presence: member.presence?.presence ?? 'offline',
      location: member.presence?.location ?? null,
      since: member.presence?.since.toISOString() ?? null,
      callSid: callVisible ? callSid : null,
      agencies,
      queues: servedQueues(member, agencies),
    };
  }

  const scopeOf = (actor: Actor): readonly string[] | null => (actor.kind === 'system' ? null : actor.agencies);

  /** One event per agency the operator serves, each carrying only that agency's part: each agency's staff room shows its own operators. */
  function publishPresence(member: StaffMember) {
    const at = clock.now().toISOString();
    const events: DomainEvent[] =
      member.agencies.length > 0
        ? member.agencies.map((agency) => ({ type: 'operator.presence', agency, at, data: { operator: view(member, [agency]) } }))
        : [{ type: 'operator.presence', agency: null, at, data: { operator: view(member, []) } }];
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
    const row = {
      userId: found.id,
      presence,
      location: found.presence?.location ?? 'on_site',
      callSid: presence === 'on_call' || presence === 'wrap_up' ? callSid : null,
      since: clock.now(),
    };
    const written = await repo.writePresence(db, row, onlyIf);
    if (written) publishPresence({ ...found, presence: written, callAgency: row.callSid ? await repo.agencyOfCall(db, row.callSid) : null });
  }

  /** Announces automatic changes written by one statement (the reconciler's). */
  async function announce(rows: readonly PresenceRow[]) {
    if (rows.length === 0) return;
    const staff = await repo.listStaff(db, { userIds: rows.map((row) => row.userId) });
    for (const found of staff) publishPresence(found);
  }

  return {
    /**
     * The person's own choice among available, break and off duty (PERSON_MOVES). On a call it is
     * refused (409 PRESENCE_ON_CALL): the call ends first, then wrap-up. The write is conditional on
     * the state the check saw, so a bridge landing in between is not overwritten.
     */
    async setMyPresence(actor: Actor, input: { presence: Presence; location?: Location }) {
      assertRole(actor, 'operator', 'supervisor', 'admin');
      if (actor.kind !== 'user') throw forbidden('Only people have a presence');
      const found = await member({ userId: actor.id });
      if (!found) throw notFound('Operator');
      const seen = found.presence;
      const refusal = refusePersonMove(seen?.presence ?? null, input.presence);
      if (refusal === 'on_call') throw new AppError('PRESENCE_ON_CALL', 'You are on a call: presence can change once the call has ended');
      if (refusal) throw validation('On call and wrap-up follow the softphone: choose available, break or offline');
      const row = {
        userId: found.id,
        presence: input.presence,
        location: input.location ?? seen?.location ?? 'on_site',
        callSid: null,
        since: clock.now(),
      };
      const written = await repo.writePresence(db, row, seen ? { presence: seen.presence, callSid: seen.callSid } : undefined);
      if (!written) {
        const now = await repo.findPresence(db, found.id);
        if (now?.presence === 'on_call') throw new AppError('PRESENCE_ON_CALL', 'You are on a call: presence can change once the call has ended');
        throw conflict('Your presence changed meanwhile: try again');
      }
      const updated = { ...found, presence: written!, callAgency: written!.callSid ? found.callAgency : null };
      publishPresence(updated);
      return view(updated, scopeOf(actor));
    },

    /** Supervisors see every operator of their agencies; an operator sees themselves and colleagues of shared agencies. */
    async listOperators(actor: Actor, query: { agency?: string }) {
      assertRole(actor, 'operator', 'supervisor', 'admin');
      const agencies = scopeAgencies(actor, query.agency);
      const ids = await repo.staffIdsServing(db, agencies);
      if (actor.kind === 'user' && !ids.includes(actor.id) && query.agency === undefined) ids.push(actor.id);
      const staff = await repo.listStaff(db, { userIds: ids });
      return { items: staff.filter((found) => !found.disabled).map((found) => view(found, scopeOf(actor))) };
    },

    /**
     * Narrows the queues an operator answers in the agencies the actor serves (an empty list: all
     * of them); the operator's queues of agencies the actor does not serve stay as they are.
     */
    async setOperatorQueues(actor: Actor, username: string, queueNames: readonly string[]) {
      assertRole(actor, 'supervisor', 'admin');
      const found = await member({ username });
      const shared = found?.agencies.filter((agency) => canSeeAgency(actor, agency)) ?? [];
      if (!found || shared.length === 0) throw notFound('Operator');
      const within = shared.flatMap(queuesOf);
      const unknown = queueNames.filter((name) => !within.includes(name));
      if (unknown.length > 0) throw validation(`Not a queue of ${username}'s agencies that you serve: ${unknown.join(', ')}`);
      const chosen = [...new Set(queueNames)];
      await db.transaction(async (tx) => {
        await repo.replaceQueuesWithin(tx, found.id, within, chosen);
        await deps.audit.record(tx, actor, {
          action: 'user.queues',
          target: { kind: 'user', id: found.id },
          agency: shared.length === 1 ? shared[0] : null,
          // What was narrowed within the actor's agencies; an empty list means "every queue".
          before: { queues: found.queues.filter((name) => within.includes(name)) },
          after: { queues: chosen },
        });
      });
      const changed = (await member({ username }))!;
      // Live screens show the queues each operator answers: they learn of the change at once.
      publishPresence(changed);
      return view(changed, scopeOf(actor));
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

    /** The wrap-up of this call got its outcome code: available again, if still in that wrap-up. */
    async endWrapUp(username: string, callSid: string) {
      await follow(username, 'available', callSid, { presence: 'wrap_up', callSid });
    },

    /** For the next-call pick: only an available operator is offered a call (mayBeOffered). */
    async mayTakeCall(identity: string, executor: Executor = db): Promise<boolean> {
      const found = await member({ username: identity }, executor);
      return !found || mayBeOffered(found.presence?.presence ?? null);
    },

    /** The operator's softphone leg is over (Twilio's status callback): out of that call, into wrap-up. */
    async operatorLegEnded(identity: string, legCallSid: string) {
      const row = await repo.wrapUpAfterLeg(db, identity, legCallSid, clock.now());
      if (row) await announce([row]);
    },

    /**
     * The reconciler's pass (run by the calls module's worker): operators left "on call" for a call
     * that is no longer in conversation go to wrap-up, and wrap-ups past the time limit end.
     * Conditional statements: safe on several nodes.
     */
    async reconcilePresence(now: Date = clock.now()) {
      const released = await repo.releaseStaleOnCall(db, now);
      const expired = await repo.endExpiredWrapUps(db, new Date(now.getTime() - wrapUpSeconds * 1000), now);
      await announce([...released, ...expired]);
      return { released: released.length, wrapUpsEnded: expired.length };
    },
  };
}
