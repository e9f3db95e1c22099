import { z } from 'zod';

export const HangUpBody = z.object({ callSid: z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'must be a Twilio CallSid') });
export type HangUpBody = z.infer<typeof HangUpBody>;
