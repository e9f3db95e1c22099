import { z } from 'zod';
import { Dwelling, itemsOf } from './common.ts';
import { TicketSummary } from './tickets.ts';

/** An entry of an agency's tenant registry; the dwelling is always nested (parts null when unknown). */
export const Tenant = z.strictObject({
  agency: z.string(),
  code: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  portfolio: z.string().nullable(),
  phones: z.array(z.string()),
  dwelling: Dwelling,
});
export type Tenant = z.infer<typeof Tenant>;

export const TenantList = itemsOf(Tenant);

/** The screen pop of a call: who may be calling (registry entries of the called agency) and their earlier tickets. */
export const CallerLookup = z.strictObject({
  callSid: z.string(),
  agency: z.string().nullable(),
  portfolio: z.string().nullable(),
  /** The caller's number as the registry knows it, or as Twilio gave it. */
  from: z.string().nullable(),
  category: z.string().nullable(),
  tenants: z.array(Tenant),
  previousTickets: z.array(TicketSummary),
});
export type CallerLookup = z.infer<typeof CallerLookup>;
