import type { FastifyInstance } from 'fastify';
import { Incident, IncidentBuildings, IncidentList } from '../../contracts/incidents.ts';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { IncidentsService } from './incidents-service.ts';
import { BuildingsQuery, CloseIncidentBody, DeclareIncidentBody, IncidentListQuery, IncidentParams, LinkTicketsBody } from './incidents-schemas.ts';

const tags = ['incidents'];

export function incidentsRoutes(app: FastifyInstance, incidents: IncidentsService): void {
  app.get(
    '/api/v1/incidents',
    { schema: docSchema({ tags, summary: 'Known problems in buildings (guasti di stabile), newest first', query: IncidentListQuery, response: IncidentList }) },
    async (request) => incidents.listIncidents(requireActor(request), parseInput(IncidentListQuery, request.query, 'query')),
  );

  app.get(
    '/api/v1/incidents/buildings',
    { schema: docSchema({ tags, summary: "The buildings of an agency's tenant registry", query: BuildingsQuery, response: IncidentBuildings }) },
    async (request) => incidents.buildings(requireActor(request), parseInput(BuildingsQuery, request.query, 'query').agency),
  );

  app.get(
    '/api/v1/incidents/:id',
    { schema: docSchema({ tags, summary: 'One incident with its linked tickets', params: IncidentParams, response: Incident }) },
    async (request) => incidents.getIncident(requireActor(request), parseInput(IncidentParams, request.params, 'path').id),
  );

  app.post(
    '/api/v1/incidents',
    {
      schema: docSchema({
        tags,
        summary: "Declare a known problem on a building of the agency's registry; its callers hear it before the menu",
        body: DeclareIncidentBody,
        response: { 201: Incident },
      }),
    },
    async (request, reply) => {
      const incident = await incidents.declareIncident(requireActor(request), parseInput(DeclareIncidentBody, request.body, 'body'));
      return reply.code(201).send(incident);
    },
  );

  app.post(
    '/api/v1/incidents/:id/tickets',
    {
      schema: docSchema({
        tags,
        summary: 'Gather open tickets of the agency into the incident',
        params: IncidentParams,
        body: LinkTicketsBody,
        response: Incident,
      }),
    },
    async (request) => {
      const { id } = parseInput(IncidentParams, request.params, 'path');
      return incidents.linkTickets(requireActor(request), id, parseInput(LinkTicketsBody, request.body, 'body').ticketRefs);
    },
  );

  app.post(
    '/api/v1/incidents/:id/close',
    {
      schema: docSchema({
        tags,
        summary: 'Close the incident and every open ticket linked to it; tenants with an e-mail are told',
        params: IncidentParams,
        body: CloseIncidentBody,
        response: Incident,
      }),
    },
    async (request) => {
      const { id } = parseInput(IncidentParams, request.params, 'path');
      return incidents.closeIncident(requireActor(request), id, parseInput(CloseIncidentBody, request.body ?? {}, 'body').note);
    },
  );
}
