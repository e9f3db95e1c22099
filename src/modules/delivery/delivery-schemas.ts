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

/** A portfolio id as the agencies' configuration writes it. */
const PortfolioId = z.string().trim().min(1).max(63);

export const CreateDeliveryTargetBody = z.object({
  agency: z.string().min(1),
  /** A portfolio of the agency; omitted: every ticket of the agency without a more specific target. */
  portfolio: PortfolioId.nullish(),
  /** An active category of the agency; omitted: every category without a more specific target. */
  category: CategoryCode.nullish(),
  kind: z.enum(['webhook', 'email']),
  label: z.string().trim().min(1).max(200),
  url: z.url({ protocol: /^https?$/ }).optional(),
  secret: z.string().min(16).max(200).optional(),
  emailTo: z.email().optional(),
});

/** What an administrator may change on a target; its agency and kind stay (add another target instead). */
export const UpdateDeliveryTargetBody = z
  .object({
    portfolio: PortfolioId.nullable(),
    category: CategoryCode.nullable(),
    label: z.string().trim().min(1).max(200),
    url: z.url({ protocol: /^https?$/ }),
    /** A new HMAC key for the webhook (the old one stops signing at once). */
    secret: z.string().min(16).max(200),
    emailTo: z.email(),
    active: z.boolean(),
  })
  .partial()
  .strict();
