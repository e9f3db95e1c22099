import { z } from 'zod';

export const CallerParams = z.object({ callSid: z.string().trim().min(1).max(64) });

export const TenantSearchQuery = z.object({
  agency: z.string().min(1).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  phone: z.string().trim().min(3).max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const TenantParams = z.object({ agency: z.string().min(1), code: z.string().trim().min(1).max(64) });
