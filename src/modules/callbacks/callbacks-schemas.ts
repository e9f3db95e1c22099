import { z } from 'zod';
import { CALLBACK_OUTCOMES } from '../../domain/callback-rules.ts';

export const CallbackListQuery = z.object({
  agency: z.string().min(1).optional(),
  status: z.enum(['open', 'done', 'failed', 'cancelled']).optional(),
  /** true: only open tasks past their deadline; false: only open tasks not yet due. */
  overdue: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
});

export const CallbackParams = z.object({ id: z.uuid() });

export const CallbackOutcomeBody = z.object({
  outcome: z.enum(CALLBACK_OUTCOMES),
  note: z.string().trim().max(2000).optional(),
  ticketRef: z.string().trim().min(1).max(40).optional(),
  /** The softphone leg the attempt was dialled on, when it was dialled from the screen. */
  callSid: z.string().trim().min(1).max(64).optional(),
});
