/**
 * Pieces every API area shares. Files in src/contracts hold types and zod schemas only (they import
 * nothing but zod and src/domain): the server declares its answers with them, the OpenAPI document is
 * generated from them, and the dashboard takes its types from them with `import type`.
 */
import { z } from 'zod';
import { CATEGORY_CODE_PATTERN } from '../domain/categories.ts';

/** An instant as the server writes it (`Date.toISOString()`, UTC). */
/** A category code of the record's agency (src/domain/categories.ts): `maintenance`, `heating`, `admin` or its own. */
export const CategoryCode = z.string().regex(CATEGORY_CODE_PATTERN).describe('category code of the agency');

export const Instant = z.string().describe('ISO 8601 instant, UTC');

/** A local calendar day, `YYYY-MM-DD`. */
export const LocalDate = z.string().describe('local calendar day, YYYY-MM-DD');

/** Every error answer: one code of the error table (src/domain/errors.ts), a message, and the request's id. */
export const ErrorAnswer = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
  requestId: z.string().optional(),
});
export type ErrorAnswer = z.infer<typeof ErrorAnswer>;

/** A page of a list: `nextCursor` is passed back as `cursor` for the next page, null on the last. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });
}
export type Page<T> = { items: T[]; nextCursor: string | null };

/** A list that is not paged. */
export function itemsOf<T extends z.ZodType>(item: T) {
  return z.strictObject({ items: z.array(item) });
}

/** The dwelling a request is about; every part present, null when unknown (src/domain/dwelling.ts). */
export const Dwelling = z.strictObject({
  address: z.string().nullable(),
  municipality: z.string().nullable(),
  building: z.string().nullable(),
  stair: z.string().nullable(),
  floor: z.string().nullable(),
  flat: z.string().nullable(),
});
export type Dwelling = z.infer<typeof Dwelling>;

/** Answers that are not JSON (CSV, .eml, attachments, printable pages, TwiML): documented by media type only. */
export type BinaryAnswer = Readonly<{ mediaTypes: readonly string[]; description: string }>;
export function binaryAnswer(mediaTypes: string | readonly string[], description: string): BinaryAnswer {
  return { mediaTypes: typeof mediaTypes === 'string' ? [mediaTypes] : mediaTypes, description };
}

/** A route that answers JSON by default and another format on request (e.g. `format=csv`). */
export type JsonOrBinaryAnswer = Readonly<{ json: z.ZodType; or: BinaryAnswer }>;
export function jsonOr(json: z.ZodType, or: BinaryAnswer): JsonOrBinaryAnswer {
  return { json, or };
}

/** 204: nothing in the body. */
export const NoContent = z.null().describe('no content');
