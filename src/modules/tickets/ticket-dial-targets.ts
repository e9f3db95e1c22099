import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Actor } from '../../domain/actor.ts';
import { canSeeAgency } from '../../domain/actor.ts';
import type { Executor } from '../../db/client.ts';
import { tickets } from '../../db/schema/index.ts';
import { findTicketByRef } from './tickets-repo.ts';

/** A ticket's caller as a call back needs it: whom to dial and on behalf of which agency (and portfolio). */
export type TicketDialTarget = Readonly<{ ref: string; agency: string; portfolio: string | null; phone: string | null }>;

/**
 * The port the call-backs module asks before a softphone dials a tenant: only tickets the operator
 * may see give a number.
 */
export function createTicketDialTargets(db: Executor) {
  return {
    /** The ticket `ref` if the actor may see it, else null (not found and foreign look the same). */
    async ofRef(actor: Actor, ref: string): Promise<TicketDialTarget | null> {
      const row = await findTicketByRef(db, ref);
      if (!row || !canSeeAgency(actor, row.agencyCode)) return null;
      return { ref: row.ref, agency: row.agencyCode, portfolio: row.portfolioId, phone: row.callerPhone };
    },
    /** The newest ticket with this caller number among `agencies`, or null. */
    async latestOfPhone(agencies: readonly string[], e164: string): Promise<TicketDialTarget | null> {
      if (agencies.length === 0) return null;
      const [row] = await db
        .select()
        .from(tickets)
        .where(and(inArray(tickets.agencyCode, [...agencies]), eq(tickets.callerPhone, e164), isNotNull(tickets.callerPhone)))
        .orderBy(desc(tickets.createdAt), desc(tickets.id))
        .limit(1);
      return row ? { ref: row.ref, agency: row.agencyCode, portfolio: row.portfolioId, phone: row.callerPhone } : null;
    },
  };
}

export type TicketDialTargets = ReturnType<typeof createTicketDialTargets>;
