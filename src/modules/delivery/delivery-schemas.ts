import { z } from 'zod';
import { CategoryCode } from '../../contracts/common.ts';

export const DeliveryListQuery = z.object({
  agency: z.string().min(1).optional(),
  status: z.enum(['pending', 'delivering', 'delivered', 'dead', 'held']).optional(),
  kind: z.enum(['webhook', 'email']).optional(),
  ticket: z.string().trim().min(1).max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
});

export const DeliveryIdParams = z.object({ id: z.uuid() });

export const DeliveryTargetQuery = z.object({ agency: z.string().min(1).optional() });

export const CreateDeliveryTargetBody = z.object({
  agency: z.string().min(1),
  /** A queue of the agency; omitted: every queue without a target of its own. */
  category: CategoryCode.nullish(),
  kind: z.enum(['webhook', 'email']),
  label: z.string().trim().min(1).max(200),
  url: z.url({ protocol: /^https?$/ }).optional(),
  secret: z.string().min(16).max(200).optional(),
  emailTo: z.email().optional(),
});
