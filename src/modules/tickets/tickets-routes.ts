import type { FastifyInstance } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { TicketService } from './ticket-service.ts';
import { ChangeTicketBody, CreateTicketBody, LinkCallBody, TicketListQuery, TicketNoteBody, TicketRefParams, TransferTicketBody } from './tickets-schemas.ts';
import { Ticket, TicketPage } from '../../contracts/tickets.ts';

const tags = ['tickets'];

function dayOrInstant(value: string | undefined, endOfDay: boolean): Date | undefined {
  if (!value) return undefined;
  // A bare date means the whole day (UTC): `to=2026-11-23` includes the 23rd.
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(Date.parse(`${value}T00:00:00Z`) + (endOfDay ? 86_400_000 : 0));
  return new Date(value);
}

export function ticketsRoutes(app: FastifyInstance, tickets: TicketService): void {
  app.get(
    '/api/v1/tickets',
    { schema: docSchema({ tags, summary: 'Tickets of the agencies you may see, newest first', query: TicketListQuery, response: TicketPage }) },
    async (request) => {
      const actor = requireActor(request);
      const query = parseInput(TicketListQuery, request.query, 'query');
      return tickets.listTickets(actor, { ...query, from: dayOrInstant(query.from, false), to: dayOrInstant(query.to, true) });
    },
  );

  app.post(
    '/api/v1/tickets',
    { schema: docSchema({ tags, summary: 'Register a ticket (call-center staff)', body: CreateTicketBody, response: { 201: Ticket } }) },
    async (request, reply) => {
      const actor = requireActor(request);
      const body = parseInput(CreateTicketBody, request.body, 'body');
      return reply.code(201).send(await tickets.createTicket(actor, body));
    },
  );

  app.get(
    '/api/v1/tickets/:ref',
    { schema: docSchema({ tags, summary: 'One ticket with its history', params: TicketRefParams, response: Ticket }) },
    async (request) => {
      const actor = requireActor(request);
      const { ref } = parseInput(TicketRefParams, request.params, 'path');
      return tickets.getTicket(actor, ref);
    },
  );

  app.patch(
    '/api/v1/tickets/:ref',
    {
      schema: docSchema({
        tags,
        summary: 'Move, re-file or annotate a ticket; 409 when the move is illegal or lost a race',
        params: TicketRefParams,
        body: ChangeTicketBody,
        response: Ticket,
      }),
    },
    async (request) => {
      const actor = requireActor(request);
      const { ref } = parseInput(TicketRefParams, request.params, 'path');
      return tickets.changeTicket(actor, ref, parseInput(ChangeTicketBody, request.body, 'body'));
    },
  );

  app.post(
    '/api/v1/tickets/:ref/transfer',
    {
      schema: docSchema({
        tags,
        summary: 'Move a misfiled ticket to another agency the caller serves: a new ticket there, the original cancelled (201: the new ticket)',
        params: TicketRefParams,
        body: TransferTicketBody,
        response: { 201: Ticket },
      }),
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const { ref } = parseInput(TicketRefParams, request.params, 'path');
      const moved = await tickets.transferTicket(actor, ref, parseInput(TransferTicketBody, request.body, 'body'));
      return reply.code(201).send(moved);
    },
  );

  app.post(
    '/api/v1/tickets/:ref/take',
    { schema: docSchema({ tags, summary: 'Take the ticket for yourself; 409 if someone took it first', params: TicketRefParams, response: Ticket }) },
    async (request) => {
      const actor = requireActor(request);
      const { ref } = parseInput(TicketRefParams, request.params, 'path');
      return tickets.takeTicket(actor, ref);
    },
  );

  app.post(
    '/api/v1/tickets/:ref/release',
    { schema: docSchema({ tags, summary: 'Give a taken ticket back', params: TicketRefParams, response: Ticket }) },
    async (request) => {
      const actor = requireActor(request);
      const { ref } = parseInput(TicketRefParams, request.params, 'path');
      return tickets.releaseTicket(actor, ref);
    },
  );

  app.post(
    '/api/v1/tickets/:ref/notes',
    {
      schema: docSchema({
        tags,
        summary: 'Add a note: internal (call center only, the default for staff) or shared with the agency',
        params: TicketRefParams,
        body: TicketNoteBody,
        response: { 201: Ticket },
      }),
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const { ref } = parseInput(TicketRefParams, request.params, 'path');
      const { text, visibility } = parseInput(TicketNoteBody, request.body, 'body');
      return reply.code(201).send(await tickets.addTicketMessage(actor, ref, { kind: 'note', text, visibility }));
    },
  );

  app.post(
    '/api/v1/tickets/:ref/calls',
    { schema: docSchema({ tags, summary: 'Link another call to the ticket', params: TicketRefParams, body: LinkCallBody, response: Ticket }) },
    async (request) => {
      const actor = requireActor(request);
      const { ref } = parseInput(TicketRefParams, request.params, 'path');
      const { callSid } = parseInput(LinkCallBody, request.body, 'body');
      return tickets.linkCall(actor, ref, callSid);
    },
  );
}
