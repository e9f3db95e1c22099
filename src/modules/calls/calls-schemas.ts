import { z } from 'zod';
import { OUTCOME_CODE_PATTERN } from '../../domain/call-outcome-codes.ts';

export const CallSidParams = z.object({ callSid: z.string().trim().min(2).max(80) });

export const CallOutcomeBody = z.object({ code: z.string().regex(OUTCOME_CODE_PATTERN) });

export const AgencyParams = z.object({ agency: z.string().trim().min(1).max(100) });

export const OutcomeCodesBody = z.object({
  codes: z.array(z.object({ code: z.string().regex(OUTCOME_CODE_PATTERN), label: z.string().trim().min(1).max(100) })).max(50),
});

export const CallListQuery = z.object({
  agency: z.string().min(1).optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).optional(),
  /** These calls only (comma-separated CallSids, at most 20): a ticket's calls on its timeline. */
  callSid: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}(,[A-Za-z0-9_-]{1,64}){0,19}$/)
    .optional(),
});
