import { z } from 'zod';

export const AccessLogQuery = z.object({
  agency: z.string().min(1).optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
