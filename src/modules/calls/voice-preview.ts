import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { VoicePreview } from '../../contracts/voice.ts';
import { VoicePreview as VoicePreviewSchema } from '../../contracts/voice.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole } from '../../domain/actor.ts';
import { categoryTitleIt, menuCategories } from '../../domain/categories.ts';
import type { Clock } from '../../domain/clock.ts';
import { AppError } from '../../domain/errors.ts';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import { decideIncomingFor } from './calls-service.ts';
import { twimlLines } from './twiml-lines.ts';
import type { VoiceDecision } from './voice-decisions.ts';

/** The TwiML renderer of the Twilio adapter, handed over by the app (a module never imports webhooks/). */
export type RenderVoice = (decision: VoiceDecision) => string;

const Params = z.object({ code: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/) });
const Query = z.object({
  portfolio: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/)
    .optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});

/**
 * The preview of what a caller hears: the very decision the first webhook makes (from the same
 * in-memory directory, reloaded after each change) rendered by the same renderer, at any instant.
 * Administrators and the supervisors serving the agency; another agency is 404, as everywhere.
 */
export function createVoicePreview(deps: { directory: AgencyDirectory; clock: Clock; render: RenderVoice }) {
  function preview(actor: Actor, code: string, portfolio: string | undefined, at: Date | undefined): VoicePreview {
    assertRole(actor, 'admin', 'supervisor');
    if (actor.role !== 'admin') assertCanSeeAgency(actor, code, 'Agency');
    const agency = deps.directory.agency(code);
    if (!agency) throw new AppError('NOT_FOUND', 'Agency not found');
    if (portfolio !== undefined && !agency.portfolios.some((candidate) => candidate.id === portfolio)) {
      throw new AppError('NOT_FOUND', `Portfolio not found: ${portfolio}`);
    }
    const instant = at ?? deps.clock.now();
    const decision = decideIncomingFor(agency, portfolio ?? null, instant);
    const twiml = deps.render(decision);
    const menu =
      decision.kind === 'menu'
        ? menuCategories(agency.categories).map((category) => ({ digit: category.digit ?? 0, label: categoryTitleIt(category.label) }))
        : [];
    return { agency: code, portfolio: portfolio ?? null, at: instant.toISOString(), open: decision.kind === 'menu', twiml, lines: twimlLines(twiml, menu) };
  }

  return {
    preview,
    routes(app: FastifyInstance) {
      app.get(
        '/api/v1/admin/agencies/:code/voice-preview',
        {
          schema: docSchema({
            tags: ['admin'],
            summary: 'What the first webhook answers a caller of the agency (or of one portfolio) at an instant: the TwiML and what the caller hears, in order',
            params: Params,
            query: Query,
            response: VoicePreviewSchema,
          }),
        },
        async (request) => {
          const { code } = parseInput(Params, request.params, 'path');
          const query = parseInput(Query, request.query, 'query');
          return preview(requireActor(request), code, query.portfolio, query.at ? new Date(query.at) : undefined);
        },
      );
    },
  };
}
