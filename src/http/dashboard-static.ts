import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { routeNotFound } from './error-handler.ts';

/** Paths that belong to machines: an unknown one answers the API's JSON 404, never the web app. */
const MACHINE_PREFIXES = ['/api/', '/webhooks/', '/socket.io/', '/docs/'];

/**
 * Serves the built dashboard (dashboard/dist) at `/`. Any other GET that is not an API path gets
 * index.html, so that /operatore or /wallboard open directly and survive a reload. Without a built
 * dashboard (tests, a server started before the first build) nothing is registered.
 */
export async function installDashboard(app: FastifyInstance, root = path.resolve(import.meta.dirname, '../../dashboard/dist')): Promise<boolean> {
  if (!existsSync(path.join(root, 'index.html'))) return false;
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    setHeaders(reply, filePath) {
      // Vite fingerprints everything under assets/: cache for ever. index.html must always be fresh.
      reply.header('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const url = request.url.split('?')[0];
    // The API's JSON 404, through the one error handler.
    if (url === '/favicon.ico' || MACHINE_PREFIXES.some((prefix) => url.startsWith(prefix))) throw routeNotFound(request.method, url);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.header('cache-control', 'no-cache').sendFile('index.html'));
  return true;
}
