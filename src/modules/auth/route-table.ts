import type { FastifyInstance } from 'fastify';

export type RouteEntry = Readonly<{ method: string; url: string }>;
/** Grows as routes are registered; complete once the app is ready. */
export type RouteTable = readonly RouteEntry[];

/**
 * Collects every route as it is registered, whichever plugin registers it, so that tests (the
 * isolation matrix) can walk the real route table and new routes join it by themselves.
 */
export function collectRoutes(app: FastifyInstance): RouteTable {
  const table: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) table.push(Object.freeze({ method, url: route.url }));
  });
  return table;
}
