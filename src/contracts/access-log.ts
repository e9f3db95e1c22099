import { z } from 'zod';
import { Instant } from './common.ts';

/** One line of the processor's access log: who read or changed which records of an agency. */
export const AccessLogEntry = z.strictObject({
  at: Instant,
  agency: z.string(),
  actor: z.strictObject({ kind: z.string(), id: z.string(), name: z.string(), role: z.string() }),
  resource: z.string(),
  resourceId: z.string().nullable(),
  action: z.string(),
  fields: z.array(z.string()),
  count: z.number().nullable(),
});
export type AccessLogEntry = z.infer<typeof AccessLogEntry>;

/** The JSON form of the access log: every entry of the range, streamed page by page into one document. */
export const AccessLog = z.strictObject({ items: z.array(AccessLogEntry) });
