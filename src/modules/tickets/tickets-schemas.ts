import { z } from 'zod';
import { CategoryCode } from '../../contracts/common.ts';
import { NOTE_VISIBILITIES } from '../../domain/ticket-note.ts';
import { TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES } from '../../domain/ticket-state.ts';

const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) => text(max).nullish();

export const TicketRefParams = z.object({ ref: z.string().trim().min(1).max(40) });

export const TicketListQuery = z.object({
  agency: z.string().min(1).optional(),
  status: z.enum(TICKET_STATUSES).optional(),
  category: CategoryCode.optional(),
  channel: z.enum(TICKET_CHANNELS).optional(),
  portfolio: z.string().trim().min(1).max(64).optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  assignedTo: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
});

export const DwellingBody = z.object({
  address: optionalText(300),
  municipality: optionalText(100),
  building: optionalText(50),
  stair: optionalText(20),
  floor: optionalText(20),
  flat: optionalText(20),
});

export const CreateTicketBody = z.object({
  agency: z.string().min(1),
  portfolio: z.string().min(1).nullish(),
  category: CategoryCode,
  description: text(10_000).min(1),
  channel: z.enum(TICKET_CHANNELS).optional(),
  callSid: z.string().trim().min(1).max(64).optional(),
  caller: z.object({ phone: optionalText(40), name: optionalText(200), email: optionalText(320) }).optional(),
  dwelling: DwellingBody.nullish(),
  priority: z.enum(TICKET_PRIORITIES).optional(),
  subject: optionalText(300),
  tenantCode: optionalText(64),
  route: z.boolean().optional(),
});

export const ChangeTicketBody = z.object({
  status: z.enum(TICKET_STATUSES).optional(),
  category: CategoryCode.optional(),
  priority: z.enum(TICKET_PRIORITIES).optional(),
  note: text(10_000).optional(),
  /** Another portfolio of the ticket's agency; null: the agency's own stock. */
  portfolio: z.string().trim().min(1).max(64).nullable().optional(),
  /** Of a note given without `status`: `internal` (call center only) or `shared` with the agency. */
  visibility: z.enum(NOTE_VISIBILITIES).optional(),
});

/** `visibility` defaults to `internal` for call-center staff and is always `shared` for the agency. */
export const TicketNoteBody = z.object({ text: text(10_000).min(1), visibility: z.enum(NOTE_VISIBILITIES).optional() });

export const LinkCallBody = z.object({ callSid: z.string().trim().min(1).max(64) });

/** A misfiled request moved to the agency it belongs to (staff serving both), with the reason. */
export const TransferTicketBody = z.object({
  agency: z.string().trim().min(1).max(100),
  category: CategoryCode,
  note: text(2000).min(1),
});
