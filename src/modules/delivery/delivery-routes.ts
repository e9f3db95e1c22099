import type { FastifyInstance } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { DeliveryService } from './delivery-service.ts';
import type { DeliveryTargetsService } from './delivery-targets-service.ts';
import { CreateDeliveryTargetBody, DeliveryIdParams, DeliveryListQuery, DeliveryTargetQuery, UpdateDeliveryTargetBody } from './delivery-schemas.ts';
import {
  CreatedDeliveryTarget,
  Delivery,
  DeliveryDetail,
  DeliveryPage,
  DeliveryTarget,
  DeliveryTargetList,
  DeliveryTestResult,
} from '../../contracts/delivery.ts';

const tags = ['deliveries'];

export function deliveryRoutes(app: FastifyInstance, deliveries: DeliveryService, targets: DeliveryTargetsService): void {
  app.get(
    '/api/v1/deliveries',
    {
      schema: docSchema({
        tags,
        summary: 'The delivery outbox: webhooks and e-mails to the agencies (status=dead for dead letters, kind=email&status=held for unsent mail)',
        query: DeliveryListQuery,
        response: DeliveryPage,
      }),
    },
    async (request) => deliveries.listDeliveries(requireActor(request), parseInput(DeliveryListQuery, request.query, 'query')),
  );

  app.get(
    '/api/v1/deliveries/:id',
    { schema: docSchema({ tags, summary: 'One delivery with its payload and every attempt', params: DeliveryIdParams, response: DeliveryDetail }) },
    async (request) => {
      const { id } = parseInput(DeliveryIdParams, request.params, 'path');
      return deliveries.getDelivery(requireActor(request), id);
    },
  );

  app.post(
    '/api/v1/deliveries/:id/redeliver',
    { schema: docSchema({ tags, summary: 'Send a dead letter again (supervisors)', params: DeliveryIdParams, response: Delivery }) },
    async (request) => {
      const { id } = parseInput(DeliveryIdParams, request.params, 'path');
      return deliveries.redeliver(requireActor(request), id);
    },
  );

  app.get(
    '/api/v1/delivery-targets',
    {
      schema: docSchema({
        tags,
        summary: 'Where each agency’s tickets are delivered, by portfolio and category (supervisors read, admins change)',
        query: DeliveryTargetQuery,
        response: DeliveryTargetList,
      }),
    },
    async (request) => targets.listTargets(requireActor(request), parseInput(DeliveryTargetQuery, request.query, 'query')),
  );

  app.post(
    '/api/v1/delivery-targets',
    {
      schema: docSchema({
        tags,
        summary: 'Add a webhook or e-mail target for a portfolio and/or category of an agency (admins)',
        body: CreateDeliveryTargetBody,
        response: { 201: CreatedDeliveryTarget },
      }),
    },
    async (request, reply) => {
      const target = await targets.createTarget(requireActor(request), parseInput(CreateDeliveryTargetBody, request.body, 'body'));
      return reply.code(201).send(target);
    },
  );

  app.patch(
    '/api/v1/delivery-targets/:id',
    {
      schema: docSchema({
        tags,
        summary: 'Change a target’s portfolio, category, label, destination, secret or whether it is active (admins)',
        params: DeliveryIdParams,
        body: UpdateDeliveryTargetBody,
        response: DeliveryTarget,
      }),
    },
    async (request) => {
      const { id } = parseInput(DeliveryIdParams, request.params, 'path');
      return targets.updateTarget(requireActor(request), id, parseInput(UpdateDeliveryTargetBody, request.body, 'body'));
    },
  );

  app.delete(
    '/api/v1/delivery-targets/:id',
    {
      schema: docSchema({
        tags,
        summary: 'Stop delivering to a target (admins; the same as PATCH {active: false})',
        params: DeliveryIdParams,
        response: DeliveryTarget,
      }),
    },
    async (request) => {
      const { id } = parseInput(DeliveryIdParams, request.params, 'path');
      return targets.disableTarget(requireActor(request), id);
    },
  );

  app.post(
    '/api/v1/delivery-targets/:id/test',
    {
      schema: docSchema({
        tags,
        summary: 'Send a test delivery to the target now (no ticket, no retry) and answer what its endpoint or SMTP server said (admins, supervisors)',
        params: DeliveryIdParams,
        response: DeliveryTestResult,
      }),
    },
    async (request) => {
      const { id } = parseInput(DeliveryIdParams, request.params, 'path');
      return targets.testTarget(requireActor(request), id);
    },
  );
}
