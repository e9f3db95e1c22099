import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * The OpenAPI document (`/docs/json`) documents answers, not only inputs: a client generated from it,
 * or a person reading it, learns what every route sends back, success and error alike.
 */
type MediaTypes = Record<string, { schema?: { type?: string; properties?: Record<string, unknown>; anyOf?: unknown[] } }>;
type Operation = { responses?: Record<string, { description?: string; content?: MediaTypes }> };
type OpenApi = { paths: Record<string, Record<string, Operation>> };

let t: TestApp;
let document: OpenApi;
beforeAll(async () => {
  t = await createTestApp();
  const answer = await t.app.inject({ url: '/docs/json' });
  expect(answer.statusCode).toBe(200);
  document = answer.json();
});
afterAll(() => t.close());

const operations = () =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
  );

describe('the OpenAPI document', () => {
  it('lists the API, the health checks and the Twilio webhooks', () => {
    const routes = operations().map((entry) => entry.route);
    expect(routes).toEqual(expect.arrayContaining(['GET /api/v1/tickets', 'POST /api/v1/tickets', 'GET /readyz', 'POST /webhooks/twilio/voice']));
    expect(routes.length).toBeGreaterThan(60);
  });

  it('gives every route a successful answer with its media type and, for JSON, its schema', () => {
    const undocumented = operations()
      .filter(({ operation }) => {
        const successes = Object.entries(operation.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
        if (successes.length === 0) return true;
        return successes.some(([status, answer]) => {
          const content = answer.content ?? {};
          if (status === '204') return false;
          if (Object.keys(content).length === 0) return true;
          const json = content['application/json'];
          return json !== undefined && (json.schema === undefined || (json.schema.properties === undefined && json.schema.anyOf === undefined));
        });
      })
      .map(({ route }) => route);
    expect(undocumented).toEqual([]);
  });

  it('gives every route the error envelope for 4xx and 5xx', () => {
    const without = operations()
      .filter(({ operation }) => ['4XX', '5XX'].some((status) => !operation.responses?.[status]?.content?.['application/json']?.schema?.properties?.error))
      .map(({ route }) => route);
    expect(without).toEqual([]);
  });

  it('describes the ticket as the API sends it, history included', () => {
    const ticket = document.paths['/api/v1/tickets/{ref}'].get.responses?.['200'].content?.['application/json'].schema;
    expect(Object.keys(ticket?.properties ?? {})).toEqual(expect.arrayContaining(['ref', 'agency', 'status', 'dwelling', 'caller', 'linkedTo', 'events']));
  });
});
