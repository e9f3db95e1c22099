import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { METRICS_ROUTE } from './metrics.ts';

export type MetricsListener = Readonly<{ port: number; close(): Promise<void> }>;

/**
 * The Prometheus convention: metrics on a port of their own, which the firewall or the cluster's
 * network policy opens to the scraper only, and which is on loopback unless METRICS_HOST says
 * otherwise. It answers GET /metrics anonymously and nothing else; the public port never does.
 */
export async function startMetricsListener(registry: Registry, options: { host: string; port: number }): Promise<MetricsListener> {
  const server = createServer((request, response) => {
    response.setHeader('x-content-type-options', 'nosniff');
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== METRICS_ROUTE) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
