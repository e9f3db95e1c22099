import { z } from 'zod';
import { CATEGORY_CODE_PATTERN } from '../../domain/categories.ts';

const Ref = z.string().trim().min(1).max(40);

export const IncidentListQuery = z.object({
  agency: z.string().min(1).optional(),
  status: z.enum(['open', 'closed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

export const IncidentParams = z.object({ id: z.uuid() });

export const BuildingsQuery = z.object({ agency: z.string().min(1) });

export const DeclareIncidentBody = z.object({
  agency: z.string().trim().min(1),
  /** The building as the tenant registry names it (municipality + building). */
  municipality: z.string().trim().max(200),
  building: z.string().trim().min(1).max(200),
  category: z.string().regex(CATEGORY_CODE_PATTERN),
  description: z.string().trim().min(1).max(300),
  expectedResolutionAt: z.iso.datetime({ offset: true }).nullable().optional(),
  ticketRefs: z.array(Ref).max(200).optional(),
});

export const LinkTicketsBody = z.object({ ticketRefs: z.array(Ref).min(1).max(200) });

export const CloseIncidentBody = z.object({ note: z.string().trim().max(500).optional() });
