import { z } from 'zod';
import { CategoryCode } from '../../contracts/common.ts';

export const EmailIdParams = z.object({ id: z.uuid() });

export const AttachmentParams = z.object({ id: z.uuid(), n: z.coerce.number().int().min(1).max(10_000) });

export const QuarantineListQuery = z.object({
  status: z.enum(['open', 'discarded', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
});

export const AssignQuarantinedBody = z.object({
  agency: z.string().min(1),
  portfolio: z.string().min(1).nullable().optional(),
  category: CategoryCode.optional(),
});

export const TicketEmailsQuery = z.object({ ticket: z.string().min(1).max(40) });

export const TicketRefParams = z.object({ ref: z.string().min(1).max(40) });

export const TicketReplyBody = z.object({ text: z.string().min(1).max(10_000) });

export const AgencyCodeParams = z.object({ agency: z.string().min(1).max(60) });

export const CannedAnswersBody = z.object({
  answers: z.array(z.object({ title: z.string().min(1).max(80), body: z.string().min(1).max(4000) })).max(30),
});
