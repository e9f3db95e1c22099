import { DateTime } from 'luxon';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, isStaff, scopeAgencies } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { AppError, conflict, forbidden, notFound, validation } from '../../domain/errors.ts';
import type { EventBus } from '../../domain/events.ts';
import { normalizePhone } from '../../domain/phone.ts';
import { parseTicketSearch } from '../../domain/ticket-search.ts';
import type { Category } from '../../domain/routing.ts';
import type { TicketLink } from '../../domain/ticket-link.ts';
import { linkNoteIt } from '../../domain/ticket-link.ts';
import type { NoteVisibility } from '../../domain/ticket-note.ts';
import { defaultNoteVisibility, eventsVisibleTo, isInternalEvent } from '../../domain/ticket-note.ts';
import type { TicketChannel, TicketPriority, TicketStatus } from '../../domain/ticket-state.ts';
import { decideTicketTransition, formatTicketRef, isOpenTicketStatus, needsReason } from '../../domain/ticket-state.ts';
import type { Database, Tx } from '../../db/client.ts';
import type { DwellingData } from '../../domain/dwelling.ts';
import type { AgencyDirectory, AgencyProfile } from '../agencies/agency-directory.ts';
import type { TicketOutbox } from './ticket-outbox.ts';
import type { AccessRecorder, PortfolioLookup, TicketCallLookup, TicketTenantLookup } from './ticket-ports.ts';
import * as repo from './tickets-repo.ts';
import type { TicketEventRow, TicketRow } from './tickets-repo.ts';
import type { Ticket, TicketEvent, TicketSummary } from './ticket-view.ts';
import { toTicket, toTicketEvent, toTicketSummary } from './ticket-view.ts';

export type DwellingInput = Partial<DwellingData>;

export type CreateTicketInput = Readonly<{
  agency: string;
  portfolio?: string | null;
  category: Category;
  description: string;
  channel?: TicketChannel;
  callSid?: string;
  caller?: Readonly<{ phone?: string | null; name?: string | null; email?: string | null }>;
  dwelling?: DwellingInput | null;
  priority?: TicketPriority;
  subject?: string | null;
  tenantCode?: string | null;
  /**
   * Route to the agency's office at once. Defaults to true when a person registers the ticket
   * (they have triaged it on the phone) and false for the platform (e-mail), whose tickets wait
   * for an operator to take, check and route them.
   */
  route?: boolean;
  /**
   * The message the ticket starts from (the tenant's e-mail), written in the same transaction:
   * a crash can then never leave a ticket whose source cannot be found, and be retried into two.
   */
  firstMessage?: TicketMessageInput;
  /**
   * An older ticket of the same agency this one is opened beside (the platform, for mail it would
   * not write into that ticket): recorded on the new ticket and its timeline, the older unchanged.
   */
  linkedTo?: TicketLink;
}>;

export type ChangeTicketInput = Readonly<{
  status?: TicketStatus;
  category?: Category;
  priority?: TicketPriority;
  note?: string;
  /** Another portfolio of the ticket's agency, or null for the agency's own stock (call center only). */
  portfolio?: string | null;
  /** Of a note given without a status move (a closing note is the move's, and the agency's to read). */
  visibility?: NoteVisibility;
}>;

/**
 * What is appended to a ticket: an e-mail of the tenant (`emailId`, the platform appends it), a
 * note, or a reply sent to the tenant by e-mail (`reply`: staff only, `to`/`subject`/`messageId` of
 * the message in the outbox, keyed by `emailId` = `reply:<outbox id>` so that it is recorded once).
 */
export type TicketMessageInput = Readonly<{
  kind: 'email' | 'note' | 'reply';
  text: string;
  emailId?: string;
  from?: string;
  reply?: Readonly<{ to: string; subject: string; messageId: string }>;
  /** Of a note: `internal` (staff only) or `shared` with the agency; by default as the author's role writes. */
  visibility?: NoteVisibility;
}>;

export type TicketListQuery = Readonly<{
  agency?: string;
  status?: TicketStatus;
  category?: Category;
  channel?: TicketChannel;
  portfolio?: string;
  from?: Date;
  to?: Date;
  q?: string;
  assignedTo?: string;
  limit: number;
  cursor?: string;
}>;

const PERSONAL_FIELDS = ['caller.phone', 'caller.name', 'caller.email', 'dwelling', 'description'];

export type TicketServiceDeps = Readonly<{
  db: Database;
  clock: Clock;
  bus: EventBus;
  directory: AgencyDirectory;
  calls: TicketCallLookup;
  tenants: TicketTenantLookup;
  portfolios: PortfolioLookup;
  outbox?: TicketOutbox;
  accessLog?: AccessRecorder;
}>;

export type TicketService = ReturnType<typeof createTicketService>;

/** A new ticket, or a re-filed one, takes one of its agency's active categories; a retired one only stays on old tickets. */
function assertActiveCategory(agency: AgencyProfile | undefined, category: Category): void {
  if (!agency?.categories.some((candidate) => candidate.code === category && !candidate.retired)) {
    throw new AppError('CATEGORY_UNKNOWN', `Category ${category} is not an active category of ${agency?.code ?? 'the agency'}`);
  }
}

const STAFF_ROLES = ['operator', 'supervisor', 'admin'] as const;
const ALL_ROLES = ['operator', 'supervisor', 'admin', 'agency'] as const;

export function createTicketService(deps: TicketServiceDeps) {
  const { db, clock, bus, directory } = deps;

  type Pending = { type: 'ticket.created' | 'ticket.changed'; ticket: Ticket; change: TicketEvent | null };

  function publish(pending: readonly Pending[]) {
    for (const item of pending) {
      const { events: _events, ...summary } = item.ticket;
      bus.publish({
        type: item.type,
        agency: item.ticket.agency,
        at: clock.now().toISOString(),
        data: { ticket: summary, ...(item.change ? { change: item.change } : {}) },
      });
    }
  }

  /** The ticket as `viewer` may read it: an agency never reads the call center's internal notes. */
  async function load(tx: Tx | Database, row: TicketRow, viewer: Actor['role']): Promise<Ticket> {
    const [events, callSids] = await Promise.all([repo.eventsOfTickets(tx, [row.id]), repo.callSidsOfTickets(tx, [row.id])]);
    return toTicket(row, callSids.get(row.id) ?? [], eventsVisibleTo(viewer, events.get(row.id) ?? []));
  }

  /** Staff choose; an agency's note is always the agency's to read, so it cannot be internal. */
  function noteVisibility(actor: Actor, asked: NoteVisibility | undefined): NoteVisibility {
    if (asked === 'internal' && !isStaff(actor)) throw forbidden('Only the call center writes internal notes');
    return asked ?? defaultNoteVisibility(actor.role);
  }

  /** The ticket if the actor may see it; another agency's ticket is simply not found. */
  async function visibleTicket(tx: Tx | Database, actor: Actor, ref: string): Promise<TicketRow> {
    const row = await repo.findTicketByRef(tx, ref);
    if (!row) throw notFound('Ticket');
    assertCanSeeAgency(actor, row.agencyCode, 'Ticket');
    return row;
  }

  function eventBy(
    actor: Actor,
    ticketId: string,
    now: Date,
    fields: Omit<repo.NewTicketEventRow, 'ticketId' | 'actorKind' | 'actorId' | 'actorName' | 'actorRole' | 'occurredAt'>,
  ) {
    return { ...fields, ticketId, actorKind: actor.kind, actorId: actor.id, actorName: actor.name, actorRole: actor.role, occurredAt: now };
  }

  /** Agencies are told about what the call center did, not about their own acknowledgements. */
  async function announce(tx: Tx, actor: Actor, current: TicketRow, routed: boolean, event: TicketEventRow, eventType: string, now: Date) {
    if (!deps.outbox || actor.role === 'agency' || !routed || isInternalEvent(event)) return;
    // What reaches the agency's systems is what its clerks may read.
    await deps.outbox.enqueue(tx, { ticketId: current.id, ticket: await load(tx, current, 'agency'), eventId: event.id, eventType, now });
  }

  /**
   * Writes a new ticket with its first events (created, linked call, link, first message, routing)
   * inside the caller's transaction: a registration and a transfer open tickets the same way.
   */
  async function openTicket(tx: Tx, actor: Actor, agency: AgencyProfile, input: CreateTicketInput, now: Date, route: boolean): Promise<TicketRow> {
    const call = input.callSid ? await deps.calls.findCall(tx, input.callSid) : undefined;
    if (input.callSid && (!call || call.agencyCode !== agency.code)) throw validation(`Call ${input.callSid} is not a call to ${agency.code}`);
    const portfolio = input.portfolio ?? call?.portfolioId ?? null;
    if (portfolio && !(await deps.portfolios.exists(tx, agency.code, portfolio))) throw validation(`Unknown portfolio ${portfolio} for ${agency.code}`);

    const rawPhone = input.caller?.phone ?? call?.fromNumber ?? null;
    const callerPhone = normalizePhone(rawPhone) ?? (rawPhone?.trim() || null);
    let tenant = input.tenantCode ? await deps.tenants.byCode(tx, agency.code, input.tenantCode.trim()) : undefined;
    if (input.tenantCode && !tenant) throw validation(`No tenant ${input.tenantCode} in the registry of ${agency.code}`);
    if (!tenant && callerPhone) {
      // One tenant at that number: the ticket is theirs; several (a shared landline): the operator chooses.
      const matches = await deps.tenants.byPhone(tx, agency.code, callerPhone);
      if (matches.length === 1) tenant = matches[0];
    }
    const linked = input.linkedTo ? await repo.findTicketByRef(tx, input.linkedTo.ref) : undefined;
    if (input.linkedTo && linked?.agencyCode !== agency.code) throw validation(`No ticket ${input.linkedTo.ref} in ${agency.code}`);
    const dwelling: DwellingData | null = input.dwelling
      ? { ...input.dwelling }
      : tenant
        ? {
            address: tenant.address,
            municipality: tenant.municipality,
            building: tenant.building,
            stair: tenant.stair,
            floor: tenant.floor,
            flat: tenant.flat,
          }
        : null;

    const year = DateTime.fromJSDate(now, { zone: agency.timezone }).year;
    const seq = await repo.allocateTicketNumber(tx, agency.code, year);
    const row = await repo.insertTicket(tx, {
      ref: formatTicketRef(agency.ticketPrefix, year, seq),
      agencyCode: agency.code,
      portfolioId: portfolio,
      year,
      seq,
      category: input.category,
      status: route ? 'routed' : 'new',
      channel: input.channel ?? 'voice',
      priority: input.priority ?? 'normal',
      subject: input.subject?.trim() || null,
      description: input.description.trim(),
      callerPhone,
      callerName: input.caller?.name?.trim() || tenant?.name || null,
      callerEmail: input.caller?.email?.trim() || tenant?.email || null,
      tenantCode: tenant?.code ?? null,
      dwelling,
      linkedRef: linked?.ref ?? null,
      linkKind: linked ? input.linkedTo!.kind : null,
      createdById: actor.id,
      createdByName: actor.name,
      createdAt: now,
      updatedAt: now,
    });
    await repo.insertTicketEvent(
      tx,
      eventBy(actor, row.id, now, { type: 'created', toStatus: 'new', text: null, data: { channel: row.channel, category: row.category } }),
    );
    if (call) await repo.linkTicketCall(tx, row.id, call.callSid, now);
    if (linked && input.linkedTo) {
      const link = { ref: linked.ref, kind: input.linkedTo.kind };
      await repo.insertTicketEvent(
        tx,
        eventBy(actor, row.id, now, { type: 'linked', text: linkNoteIt(link, linked.status), data: { ...link, linkedStatus: linked.status } }),
      );
    }
    const first = input.firstMessage;
    if (first) {
      await repo.insertTicketEvent(
        tx,
        eventBy(actor, row.id, now, {
          type: first.kind,
          text: first.text.trim(),
          emailId: first.emailId ?? null,
          data: first.kind === 'email' ? { emailId: first.emailId ?? null, from: first.from ?? null } : null,
        }),
      );
    }
    if (route) {
      const routed = await repo.insertTicketEvent(
        tx,
        eventBy(actor, row.id, now, {
          type: 'routed',
          fromStatus: 'new',
          toStatus: 'routed',
          text: null,
          data: { queue: `${row.agencyCode}.${row.category}` },
        }),
      );
      await announce(tx, actor, row, true, routed!, 'ticket.routed', now);
    }
    return row;
  }

  return {
    /** Registers a request: the reference is allocated in the same transaction, without gaps. */
    async createTicket(actor: Actor, input: CreateTicketInput): Promise<Ticket> {
      assertRole(actor, ...STAFF_ROLES);
      assertCanSeeAgency(actor, input.agency, 'Agency');
      const agency = directory.agency(input.agency);
      if (!agency) throw notFound('Agency');
      assertActiveCategory(agency, input.category);
      const description = input.description.trim();
      if (description === '') throw validation('A ticket needs a description');
      const now = clock.now();
      const route = input.route ?? actor.kind !== 'system';

      const ticket = await db.transaction(async (tx) => load(tx, await openTicket(tx, actor, agency, input, now, route), actor.role));
      publish([{ type: 'ticket.created', ticket, change: null }]);
      return ticket;
    },

    async getTicket(actor: Actor, ref: string): Promise<Ticket> {
      assertRole(actor, ...ALL_ROLES);
      const row = await visibleTicket(db, actor, ref);
      await deps.accessLog?.record(actor, { agency: row.agencyCode, resource: 'tickets', resourceId: row.ref, action: 'read', fields: PERSONAL_FIELDS });
      const [ticket, linkedFrom] = await Promise.all([load(db, row, actor.role), repo.ticketsLinkedTo(db, row.agencyCode, row.ref)]);
      return { ...ticket, linkedFrom: linkedFrom as TicketLink[] };
    },

    async listTickets(actor: Actor, query: TicketListQuery): Promise<{ items: Ticket[]; nextCursor: string | null }> {
      assertRole(actor, ...ALL_ROLES);
      const agencies = actor.kind === 'system' && query.agency === undefined ? directory.agencyCodes() : scopeAgencies(actor, query.agency);
      const cursor = query.cursor ? repo.decodeTicketCursor(query.cursor) : undefined;
      if (cursor === null) throw validation('Invalid cursor');
      const page = await repo.listTickets(db, { ...query, agencies, cursor, search: parseTicketSearch(query.q) });
      const ids = page.items.map((row) => row.id);
      const [events, callSids] = await Promise.all([repo.eventsOfTickets(db, ids), repo.callSidsOfTickets(db, ids)]);
      await deps.accessLog?.recordList(
        actor,
        { resource: 'tickets', action: query.q ? 'search' : 'list', fields: PERSONAL_FIELDS },
        page.items.map((row) => row.agencyCode),
      );
      return {
        items: page.items.map((row) => toTicket(row, callSids.get(row.id) ?? [], eventsVisibleTo(actor.role, events.get(row.id) ?? []))),
        nextCursor: page.nextCursor,
      };
    },

    /**
     * PATCH: a status move (checked against the transitions table and persisted only if nobody
     * moved the ticket first), a new category (re-routed to that queue's office), a note.
     */
    async changeTicket(actor: Actor, ref: string, input: ChangeTicketInput): Promise<Ticket> {
      assertRole(actor, ...ALL_ROLES);
      if (input.status === undefined && input.category === undefined && input.priority === undefined && input.portfolio === undefined && !input.note?.trim()) {
        throw validation('Nothing to change: give status, category, priority, portfolio or note');
      }
      const now = clock.now();
      const pending: Pending[] = [];
      const ticket = await db.transaction(async (tx) => {
        let row = await visibleTicket(tx, actor, ref);
        const changes: TicketEventRow[] = [];

        if ((input.category !== undefined && input.category !== row.category) || (input.priority !== undefined && input.priority !== row.priority)) {
          if (!isStaff(actor)) throw forbidden('Only the call center re-files a ticket');
          if (!isOpenTicketStatus(row.status)) throw conflict(`Ticket ${row.ref} is ${row.status}`);
        }
        if (input.category !== undefined && input.category !== row.category) {
          assertActiveCategory(directory.agency(row.agencyCode), input.category);
          const updated = await repo.updateTicketIf(tx, row.id, { status: row.status, category: row.category }, { category: input.category, updatedAt: now });
          if (!updated) throw conflict(`Ticket ${row.ref} was changed meanwhile`);
          const event = await repo.insertTicketEvent(
            tx,
            eventBy(actor, row.id, now, { type: 'category_changed', text: null, data: { from: row.category, to: input.category } }),
          );
          changes.push(event!);
          row = updated;
          // The new queue's office gets the ticket; the old one hears nothing more about it.
          await announce(tx, actor, row, row.status !== 'new', event!, 'ticket.routed', now);
        }
        if (input.portfolio !== undefined && input.portfolio !== row.portfolioId) {
          if (!isStaff(actor)) throw forbidden('Only the call center re-files a ticket');
          if (!isOpenTicketStatus(row.status)) throw conflict(`Ticket ${row.ref} is ${row.status}`);
          if (input.portfolio !== null && !(await deps.portfolios.exists(tx, row.agencyCode, input.portfolio))) {
            throw validation(`Unknown portfolio ${input.portfolio} for ${row.agencyCode}`);
          }
          const updated = await repo.updateTicketIf(tx, row.id, { status: row.status }, { portfolioId: input.portfolio, updatedAt: now });
          if (!updated) throw conflict(`Ticket ${row.ref} was changed meanwhile`);
          const event = await repo.insertTicketEvent(
            tx,
            eventBy(actor, row.id, now, { type: 'portfolio_changed', text: null, data: { from: row.portfolioId, to: input.portfolio } }),
          );
          changes.push(event!);
          row = updated;
          await announce(tx, actor, row, row.status !== 'new', event!, 'ticket.changed', now);
        }
        if (input.priority !== undefined && input.priority !== row.priority) {
          const updated = await repo.updateTicketIf(tx, row.id, { status: row.status }, { priority: input.priority, updatedAt: now });
          if (!updated) throw conflict(`Ticket ${row.ref} was changed meanwhile`);
          const event = await repo.insertTicketEvent(
            tx,
            eventBy(actor, row.id, now, { type: 'priority_changed', text: null, data: { from: row.priority, to: input.priority } }),
          );
          changes.push(event!);
          row = updated;
          await announce(tx, actor, row, row.status !== 'new', event!, 'ticket.changed', now);
        }
        if (input.status !== undefined) {
          const from = row.status;
          const decision = decideTicketTransition(from, input.status, actor.role);
          if (!decision.ok && decision.reason === 'forbidden') throw forbidden(`Your role cannot move a ticket from ${from} to ${input.status}`);
          if (!decision.ok) throw conflict(`Ticket ${row.ref} is ${from}: it cannot become ${input.status}`);
          if (needsReason(from, input.status) && !input.note?.trim()) throw validation(`Say why ticket ${row.ref} goes from ${from} back to ${input.status}`);
          const updated = await repo.updateTicketIf(tx, row.id, { status: from }, { status: input.status, updatedAt: now });
          if (!updated) throw conflict(`Ticket ${row.ref} was changed meanwhile`);
          const event = await repo.insertTicketEvent(
            tx,
            eventBy(actor, row.id, now, { type: input.status, fromStatus: from, toStatus: input.status, text: input.note?.trim() || null, data: null }),
          );
          changes.push(event!);
          row = updated;
          // Routing announces to the office; later moves are announced only if it had been routed.
          await announce(tx, actor, row, from !== 'new' || input.status === 'routed', event!, `ticket.${input.status}`, now);
        } else if (input.note?.trim()) {
          const visibility = noteVisibility(actor, input.visibility);
          const event = await repo.insertTicketEvent(tx, eventBy(actor, row.id, now, { type: 'note', text: input.note.trim(), data: { visibility } }));
          await repo.touchTicket(tx, row.id, now);
          changes.push(event!);
          await announce(tx, actor, row, row.status !== 'new', event!, 'ticket.note', now);
        }
        const loaded = await load(tx, { ...row, updatedAt: now }, actor.role);
        for (const change of changes) pending.push({ type: 'ticket.changed', ticket: loaded, change: toTicketEvent(change) });
        return loaded;
      });
      publish(pending);
      return ticket;
    },

    /**
     * Moves a misfiled request to the agency it belongs to: a new ticket there (the same caller,
     * dwelling and text, routed to that agency's office) and the original cancelled, each naming
     * the other in the history. Only staff serving both agencies may, with a reason; the new
     * ticket takes the target agency's reference, so each agency keeps its own numbering.
     */
    async transferTicket(actor: Actor, ref: string, input: { agency: string; category: Category; note: string }): Promise<Ticket> {
      assertRole(actor, ...STAFF_ROLES);
      const reason = input.note.trim();
      if (reason === '') throw validation('Say why the ticket goes to another agency');
      assertCanSeeAgency(actor, input.agency, 'Agency');
      const target = directory.agency(input.agency);
      if (!target) throw notFound('Agency');
      assertActiveCategory(target, input.category);
      const now = clock.now();
      const pending: Pending[] = [];
      const moved = await db.transaction(async (tx) => {
        const row = await visibleTicket(tx, actor, ref);
        if (row.agencyCode === target.code) throw validation(`Ticket ${row.ref} is already ${target.code}'s: change its category instead`);
        if (!isOpenTicketStatus(row.status)) throw conflict(`Ticket ${row.ref} is ${row.status}`);
        const cancelled = await repo.updateTicketIf(tx, row.id, { status: row.status }, { status: 'cancelled', updatedAt: now });
        if (!cancelled) throw conflict(`Ticket ${row.ref} was changed meanwhile`);
        const opened = await openTicket(
          tx,
          actor,
          target,
          {
            agency: target.code,
            category: input.category,
            description: row.description,
            subject: row.subject,
            channel: row.channel,
            priority: row.priority,
            caller: { phone: row.callerPhone, name: row.callerName, email: row.callerEmail },
            dwelling: row.dwelling,
          },
          now,
          true,
        );
        const from = directory.agency(row.agencyCode);
        await repo.insertTicketEvent(
          tx,
          eventBy(actor, opened.id, now, {
            type: 'transferred_in',
            text: reason,
            data: { fromAgency: row.agencyCode, fromAgencyName: from?.name ?? row.agencyCode, fromRef: row.ref },
          }),
        );
        const event = await repo.insertTicketEvent(
          tx,
          eventBy(actor, row.id, now, {
            type: 'cancelled',
            fromStatus: row.status,
            toStatus: 'cancelled',
            text: `Trasferita a ${target.name}: ${reason}`,
            data: { transferredTo: opened.ref, toAgency: target.code },
          }),
        );
        await announce(tx, actor, cancelled, row.status !== 'new', event!, 'ticket.cancelled', now);
        const original = await load(tx, cancelled, actor.role);
        pending.push({ type: 'ticket.changed', ticket: original, change: toTicketEvent(event!) });
        return load(tx, opened, actor.role);
      });
      publish([...pending, { type: 'ticket.created', ticket: moved, change: null }]);
      return moved;
    },

    /** An operator takes a ticket for themselves; of two operators taking it at once, one gets it. */
    async takeTicket(actor: Actor, ref: string): Promise<Ticket> {
      assertRole(actor, ...STAFF_ROLES);
      const now = clock.now();
      let change: TicketEvent | null = null;
      const ticket = await db.transaction(async (tx) => {
        const row = await visibleTicket(tx, actor, ref);
        if (!isOpenTicketStatus(row.status)) throw conflict(`Ticket ${row.ref} is ${row.status}`);
        const updated = await repo.updateTicketIf(
          tx,
          row.id,
          { status: row.status, unassigned: true },
          { assignedTo: actor.name, assignedAt: now, updatedAt: now },
        );
        if (!updated) {
          const current = await repo.findTicketById(tx, row.id);
          throw conflict(current?.assignedTo ? `Ticket ${row.ref} was taken by ${current.assignedTo}` : `Ticket ${row.ref} was changed meanwhile`);
        }
        const event = await repo.insertTicketEvent(tx, eventBy(actor, row.id, now, { type: 'taken', text: null, data: { assignedTo: actor.name } }));
        change = toTicketEvent(event!);
        return load(tx, updated, actor.role);
      });
      publish([{ type: 'ticket.changed', ticket, change }]);
      return ticket;
    },

    /** Gives a taken ticket back: the operator who holds it, or a supervisor. */
    async releaseTicket(actor: Actor, ref: string): Promise<Ticket> {
      assertRole(actor, ...STAFF_ROLES);
      const now = clock.now();
      let change: TicketEvent | null = null;
      const ticket = await db.transaction(async (tx) => {
        const row = await visibleTicket(tx, actor, ref);
        if (!row.assignedTo) throw conflict(`Ticket ${row.ref} is not taken`);
        if (row.assignedTo !== actor.name && actor.role === 'operator') throw forbidden(`Ticket ${row.ref} is held by ${row.assignedTo}`);
        const updated = await repo.updateTicketIf(tx, row.id, { assignedTo: row.assignedTo }, { assignedTo: null, assignedAt: null, updatedAt: now });
        if (!updated) throw conflict(`Ticket ${row.ref} was changed meanwhile`);
        const event = await repo.insertTicketEvent(tx, eventBy(actor, row.id, now, { type: 'released', text: null, data: { from: row.assignedTo } }));
        change = toTicketEvent(event!);
        return load(tx, updated, actor.role);
      });
      publish([{ type: 'ticket.changed', ticket, change }]);
      return ticket;
    },

    /**
     * Appends an e-mail (the platform, for a reply) or a note (anyone who sees the ticket). The same
     * `emailId` twice is recorded once and the second call changes nothing.
     */
    async addTicketMessage(actor: Actor, ref: string, input: TicketMessageInput): Promise<Ticket> {
      assertRole(actor, ...ALL_ROLES);
      if (input.kind === 'email' && actor.role === 'agency') throw forbidden('E-mails are appended by the platform');
      if (input.kind === 'reply' && !isStaff(actor)) throw forbidden('Only the call center replies to tenants');
      const text = input.text.trim();
      if (text === '') throw validation('An empty message');
      const now = clock.now();
      let change: TicketEvent | null = null;
      const ticket = await db.transaction(async (tx) => {
        const row = await visibleTicket(tx, actor, ref);
        const event = await repo.insertTicketEvent(
          tx,
          eventBy(actor, row.id, now, {
            type: input.kind,
            text,
            emailId: input.emailId ?? null,
            data:
              input.kind === 'email'
                ? { emailId: input.emailId ?? null, from: input.from ?? null }
                : input.kind === 'reply'
                  ? { ...input.reply, from: input.from ?? null }
                  : { visibility: noteVisibility(actor, input.visibility) },
          }),
        );
        if (!event) return load(tx, row, actor.role);
        await repo.touchTicket(tx, row.id, now);
        change = toTicketEvent(event);
        await announce(tx, actor, row, row.status !== 'new', event, input.kind === 'note' ? 'ticket.note' : 'ticket.message', now);
        return load(tx, { ...row, updatedAt: now }, actor.role);
      });
      if (change) publish([{ type: 'ticket.changed', ticket, change }]);
      return ticket;
    },

    /** A tenant calls again about an open ticket: the call is linked to it. */
    async linkCall(actor: Actor, ref: string, callSid: string): Promise<Ticket> {
      assertRole(actor, ...STAFF_ROLES);
      const now = clock.now();
      let change: TicketEvent | null = null;
      const ticket = await db.transaction(async (tx) => {
        const row = await visibleTicket(tx, actor, ref);
        const call = await deps.calls.findCall(tx, callSid);
        if (!call || call.agencyCode !== row.agencyCode) throw validation(`Call ${callSid} is not a call to ${row.agencyCode}`);
        if (await repo.linkTicketCall(tx, row.id, callSid, now)) {
          const event = await repo.insertTicketEvent(tx, eventBy(actor, row.id, now, { type: 'call_linked', text: null, data: { callSid } }));
          await repo.touchTicket(tx, row.id, now);
          change = toTicketEvent(event!);
        }
        return load(tx, row, actor.role);
      });
      if (change) publish([{ type: 'ticket.changed', ticket, change }]);
      return ticket;
    },

    /**
     * For the incidents module: opens a ticket inside the caller's transaction (a caller's report
     * added to an incident, with the call step that chose it). The caller checks scope; `publish`
     * announces it once that transaction has committed.
     */
    async openWithin(tx: Tx, actor: Actor, input: CreateTicketInput): Promise<Readonly<{ id: string; ref: string; publish: () => void }>> {
      const agency = directory.agency(input.agency);
      if (!agency) throw notFound('Agency');
      assertActiveCategory(agency, input.category);
      const now = clock.now();
      const row = await openTicket(tx, actor, agency, input, now, input.route ?? true);
      const ticket = await load(tx, row, 'admin');
      return { id: row.id, ref: row.ref, publish: () => publish([{ type: 'ticket.created', ticket, change: null }]) };
    },

    /**
     * For the incidents module: closes an open ticket inside the caller's transaction, with `note`
     * in its history; a ticket not yet routed goes to the agency's office first (a ticket is only
     * closed from there). Undefined when it was no longer open.
     */
    async closeWithin(
      tx: Tx,
      actor: Actor,
      ticketId: string,
      note: string,
    ): Promise<Readonly<{ ref: string; callerEmail: string | null; publish: () => void }> | undefined> {
      let row = await repo.findTicketById(tx, ticketId);
      if (!row || !isOpenTicketStatus(row.status)) return undefined;
      const now = clock.now();
      const changes: TicketEventRow[] = [];
      const moves: TicketStatus[] = row.status === 'new' ? ['routed', 'closed'] : ['closed'];
      for (const to of moves) {
        const from = row.status;
        const updated = await repo.updateTicketIf(tx, row.id, { status: from }, { status: to, updatedAt: now });
        if (!updated) throw conflict(`Ticket ${row.ref} was changed meanwhile`);
        const event = await repo.insertTicketEvent(
          tx,
          eventBy(actor, row.id, now, { type: to, fromStatus: from, toStatus: to, text: to === 'closed' ? note : null, data: null }),
        );
        changes.push(event!);
        row = updated;
        await announce(tx, actor, row, true, event!, `ticket.${to}`, now);
      }
      const loaded = await load(tx, row, 'admin');
      return {
        ref: row.ref,
        callerEmail: row.callerEmail,
        publish: () => publish(changes.map((change) => ({ type: 'ticket.changed' as const, ticket: loaded, change: toTicketEvent(change) }))),
      };
    },

    /** For the screen pop: a caller's earlier tickets in one agency (the caller checks scope). */
    async ticketsOfCaller(agency: string, phones: readonly string[], tenantCodes: readonly string[], limit = 20): Promise<TicketSummary[]> {
      const rows = await repo.ticketsOfCaller(db, agency, phones, tenantCodes, limit);
      const callSids = await repo.callSidsOfTickets(
        db,
        rows.map((row) => row.id),
      );
      return rows.map((row) => toTicketSummary(row, callSids.get(row.id) ?? []));
    },
  };
}
