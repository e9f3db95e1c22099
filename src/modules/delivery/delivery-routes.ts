import type { FastifyInstance } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { DeliveryService } from './delivery-service.ts';
import { CreateDeliveryTargetBody, DeliveryIdParams, DeliveryListQuery, DeliveryTargetQuery } from './delivery-schemas.ts';
import { CreatedDeliveryTarget, Delivery, DeliveryDetail, DeliveryPage, DeliveryTarget, DeliveryTargetList } from '../../contracts/delivery.ts';

const tags = ['deliveries'];

export function deliveryRoutes(app: FastifyInstance, deliveries: DeliveryService): void {
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
    { schema: docSchema({ tags, summary: 'Where each agency queue is delivered', query: DeliveryTargetQuery, response: DeliveryTargetList }) },
    async (request) => deliveries.listTargets(requireActor(request), parseInput(DeliveryTargetQuery, request.query, 'query')),
  );

  app.post(
    '/api/v1/delivery-targets',
    {
      schema: docSchema({ tags, summary: 'Add a webhook or e-mail target (admins)', body: CreateDeliveryTargetBody, response: { 201: CreatedDeliveryTarget } }),
    },
    async (request, reply) => {
      const target = await deliveries.createTarget(requireActor(request), parseInput(CreateDeliveryTargetBody, request.body, 'body'));
      return reply.code(201).send(target);
    },
  );

  app.delete(
    '/api/v1/delivery-targets/:id',
    { schema: docSchema({ tags, summary: 'Stop delivering to a target (admins)', params: DeliveryIdParams, response: DeliveryTarget }) },
    async (request) => {
      const { id } = parseInput(DeliveryIdParams, request.params, 'path');
      return deliveries.disableTarget(requireActor(request), id);
    },
  );
}
