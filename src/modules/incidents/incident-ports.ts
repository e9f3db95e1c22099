import type { Actor } from '../../domain/actor.ts';
import type { Tx } from '../../db/client.ts';
import type { CreateTicketInput } from '../tickets/ticket-service.ts';

/*
 * What the incidents module needs of other modules, each as narrow as its use; the module list
 * wires them. Every verb runs inside the incident's own transaction; `publish` after it commits.
 */

/** The tickets module: open a ticket for a caller's report, close a linked ticket with the incident. */
export type IncidentTicketPort = Readonly<{
  openWithin(tx: Tx, actor: Actor, input: CreateTicketInput): Promise<Readonly<{ id: string; ref: string; publish: () => void }>>;
  closeWithin(
    tx: Tx,
    actor: Actor,
    ticketId: string,
    note: string,
  ): Promise<Readonly<{ ref: string; callerEmail: string | null; publish: () => void }> | undefined>;
}>;

/** The e-mail module's outbox: tells a tenant their building's problem is solved. */
export type TenantNotice = (
  tx: Tx,
  notice: Readonly<{ agency: string; ticketRef: string; to: string; address: string; note: string | null; now: Date }>,
) => Promise<void>;
