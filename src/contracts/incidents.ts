import { z } from 'zod';
import { CategoryCode, Instant, itemsOf } from './common.ts';

/** A ticket gathered under an incident, as far as the incident screen shows it (no personal data). */
export const IncidentTicket = z.strictObject({
  ref: z.string(),
  status: z.string(),
  channel: z.string(),
  /** How it was linked: `declared`, `linked` (by staff), `call` (the caller pressed 1), `email`. */
  via: z.string(),
  linkedAt: Instant,
});
export type IncidentTicket = z.infer<typeof IncidentTicket>;

/** A known problem in one building of an agency (incidents module). */
export const Incident = z.strictObject({
  id: z.string(),
  agency: z.string(),
  municipality: z.string(),
  building: z.string(),
  address: z.string(),
  category: CategoryCode,
  description: z.string(),
  expectedResolutionAt: Instant.nullable(),
  status: z.enum(['open', 'closed']),
  createdBy: z.string(),
  createdAt: Instant,
  closedBy: z.string().nullable(),
  closedAt: Instant.nullable(),
  closingNote: z.string().nullable(),
  tickets: z.array(IncidentTicket),
  /** Calls whose callers heard it before the menu, and of those how many added their report without an operator. */
  callsHeard: z.number().int(),
  callsReported: z.number().int(),
});
export type Incident = z.infer<typeof Incident>;

export const IncidentList = itemsOf(Incident);
export type IncidentList = z.infer<typeof IncidentList>;

/** The buildings of an agency's registry an incident may be declared on. */
export const IncidentBuildings = itemsOf(z.strictObject({ municipality: z.string(), building: z.string(), address: z.string(), tenants: z.number().int() }));
export type IncidentBuildings = z.infer<typeof IncidentBuildings>;
