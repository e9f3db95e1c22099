import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { z } from 'zod';

/**
 * Route schemas are documentation only: zod parses every input in the routes, so the OpenAPI
 * document is generated from the same schemas and cannot drift from what is enforced.
 */
const SECURED: readonly Record<string, readonly string[]>[] = [{ session: [] }, { bearer: [] }];

export function docSchema(spec: { tags: string[]; summary: string; query?: z.ZodType; body?: z.ZodType; params?: z.ZodType; security?: boolean }) {
  const toJson = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return {
    tags: spec.tags,
    summary: spec.summary,
    ...(spec.query ? { querystring: toJson(spec.query) } : {}),
    ...(spec.body ? { body: toJson(spec.body) } : {}),
    ...(spec.params ? { params: toJson(spec.params) } : {}),
    ...(spec.security === false ? {} : { security: SECURED }),
  };
}

export async function installOpenApi(app: FastifyInstance): Promise<void> {
  // Validation is zod's job; the JSON schemas attached to routes only describe them.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  await app.register(swagger, {
    openapi: {
      info: { title: 'Centralino API', version: '1', description: 'Call-center platform for public-housing agencies' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'centralino_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
