import type { FastifyInstance } from 'fastify';

/**
 * A request refused before its body was read (wrong credentials, a declared size over the limit,
 * an unknown route) closes its connection once the answer is sent. Otherwise Node would read and
 * discard the rest of the body to keep the connection alive: an unsigned 100 MiB post would still
 * cost 100 MiB of traffic and the time to receive it.
 */
export function closeConnectionsOfUnreadBodies(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode >= 400 && request.raw.complete === false) reply.header('connection', 'close');
  });
}
