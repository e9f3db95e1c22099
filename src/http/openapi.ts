import type { FastifyInstance, FastifySchema } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { z } from 'zod';
import type { BinaryAnswer, JsonOrBinaryAnswer } from '../contracts/common.ts';
import { ErrorAnswer } from '../contracts/common.ts';

/**
 * Route schemas are documentation: zod parses every input in the routes, and every route declares
 * its answers with the contract's schemas (src/contracts), so the OpenAPI document is generated from
 * the same schemas the code is typed with and the test suite checks answers against
 * (tests/helpers/answer-contract.ts). Nothing here validates or reshapes an answer at run time.
 */
const SECURED: readonly Record<string, readonly string[]>[] = [{ session: [] }, { bearer: [] }];

/** What a route answers: a JSON schema, media types for what is not JSON (CSV, .eml, HTML, TwiML), or JSON or else another format. */
export type AnswerSpec = z.ZodType | BinaryAnswer | JsonOrBinaryAnswer;

/** One answer for 200, or answers by status (201, 204, 202…). Errors (4xx, 5xx) are the error envelope, always. */
export type ResponseSpec = AnswerSpec | Readonly<Record<number, AnswerSpec>>;

const ANSWERS = Symbol('centralino.answers');

type DocumentedSchema = FastifySchema & { [ANSWERS]?: ReadonlyMap<number, AnswerSpec> };

const isAnswerSpec = (spec: ResponseSpec): spec is AnswerSpec => spec instanceof z.ZodType || 'mediaTypes' in spec || 'json' in spec;

function answersOf(response: ResponseSpec): Map<number, AnswerSpec> {
  if (isAnswerSpec(response)) return new Map([[200, response]]);
  return new Map(Object.entries(response).map(([status, spec]) => [Number(status), spec]));
}

/** The JSON schema of an answer, if it answers JSON (only JSON answers are checked by the tests). */
export function jsonSchemaOf(spec: AnswerSpec): z.ZodType | undefined {
  if (spec instanceof z.ZodType) return spec;
  return 'json' in spec ? spec.json : undefined;
}

function binaryContent(spec: BinaryAnswer) {
  return Object.fromEntries(spec.mediaTypes.map((mediaType) => [mediaType, { schema: { type: 'string', format: 'binary' } }]));
}

function answerDoc(spec: AnswerSpec, toJson: (schema: z.ZodType) => unknown) {
  if (spec instanceof z.ZodType) return { description: spec.description ?? 'OK', content: { 'application/json': { schema: toJson(spec) } } };
  if ('json' in spec) {
    return {
      description: `${spec.json.description ?? 'JSON'}; or ${spec.or.description}`,
      content: { 'application/json': { schema: toJson(spec.json) }, ...binaryContent(spec.or) },
    };
  }
  return { description: spec.description, content: binaryContent(spec) };
}

export function docSchema(spec: {
  tags: string[];
  summary: string;
  query?: z.ZodType;
  body?: z.ZodType;
  params?: z.ZodType;
  security?: boolean;
  /** Required: the OpenAPI document says what a route answers, and tests hold the route to it. */
  response: ResponseSpec;
}): FastifySchema {
  const input = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  const output = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });
  const answers = answersOf(spec.response);
  const error = { description: 'The error envelope (src/domain/errors.ts)', content: { 'application/json': { schema: output(ErrorAnswer) } } };
  const schema: DocumentedSchema = {
    tags: spec.tags,
    summary: spec.summary,
    ...(spec.query ? { querystring: input(spec.query) } : {}),
    ...(spec.body ? { body: input(spec.body) } : {}),
    ...(spec.params ? { params: input(spec.params) } : {}),
    ...(spec.security === false ? {} : { security: SECURED }),
    response: {
      ...Object.fromEntries([...answers].map(([status, answer]) => [status, answerDoc(answer, output)])),
      '4XX': error,
      '5XX': error,
    },
  };
  Object.defineProperty(schema, ANSWERS, { value: answers, enumerable: false });
  return schema;
}

/**
 * The answer a route declared for a status: a zod schema, a media type (not JSON), or undefined
 * when the route declared none for it. Errors (status >= 400) answer the error envelope.
 */
export function declaredAnswer(routeSchema: FastifySchema | undefined, status: number): AnswerSpec | undefined {
  if (status >= 400) return ErrorAnswer;
  return (routeSchema as DocumentedSchema | undefined)?.[ANSWERS]?.get(status);
}

export async function installOpenApi(app: FastifyInstance): Promise<void> {
  // Validation is zod's job; the JSON schemas attached to routes only describe them.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  // Answers are written as the code built them: Fastify's schema-driven serializer would drop fields
  // the schema does not name and coerce types silently. The test suite checks answers instead.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
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
