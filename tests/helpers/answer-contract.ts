import type { FastifyInstance } from 'fastify';
import { afterEach } from 'vitest';
import { z } from 'zod';
import { declaredAnswer, jsonSchemaOf } from '../../src/http/openapi.ts';

/**
 * Holds every JSON answer of `/api/v1` produced by the test suite to the schema its route declares
 * (src/contracts, through `docSchema({ response })`): a field renamed, added, dropped or of another
 * type fails the test that produced it, so the OpenAPI document and the dashboard's types cannot
 * drift from what the server really sends. Errors are held to the one error envelope.
 *
 * Streamed answers (CSV, exports, attachments) are not read here: they are not JSON documents.
 */
const mismatches: string[] = [];

export function checkAnswersAgainstContract(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/api/v1') || typeof payload !== 'string' || payload === '') return payload;
    if (!/\bjson\b/.test(String(reply.getHeader('content-type') ?? ''))) return payload;
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    const status = reply.statusCode;
    const declared = declaredAnswer(request.routeOptions.schema, status);
    if (!declared) {
      mismatches.push(`${route} answered ${status}, a status its schema does not declare`);
      return payload;
    }
    const schema = jsonSchemaOf(declared);
    if (!schema) {
      mismatches.push(`${route} answered JSON with ${status}, where it declares ${'mediaTypes' in declared ? declared.mediaTypes.join(', ') : 'no JSON'}`);
      return payload;
    }
    const result = schema.safeParse(JSON.parse(payload));
    if (!result.success) mismatches.push(`${route} → ${status}:\n${z.prettifyError(result.error)}`);
    return payload;
  });
}

// Registered on import: every test file that builds the test app gets the check after each test.
afterEach(() => {
  const found = mismatches.splice(0);
  if (found.length > 0) throw new Error(`Answers that break their declared contract (src/contracts):\n${found.join('\n\n')}`);
});
