import { z } from 'zod';

export const AgencyCode = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lower-case letters, digits and dashes');

export const TokenCreateBody = z.object({
  agency: AgencyCode,
  name: z.string().trim().min(1).max(100),
});

export const TokenListQuery = z.object({ agency: AgencyCode.optional() });

export const IdParams = z.object({ id: z.uuid() });
