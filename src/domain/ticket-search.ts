import { normalizePhone } from './phone.ts';

/**
 * What a search box query asks for. A query that is only a phone number, however it is written
 * (`348 555 1234`, `+39 348-5551234`, `0039 348 5551234`, `3485551234`, `02 1234567`), is that
 * number in E.164, the form tickets store; anything else is words, each of which must appear
 * somewhere in the ticket (reference, subject, text, caller, tenant, address, building).
 */
export type TicketSearch = Readonly<{ phone: string | null; terms: readonly string[] }>;

/** At most this many words are matched: each is one more condition on every row scanned. */
export const MAX_SEARCH_TERMS = 8;

const PHONE_CHARACTERS = /^[+\d\s./()-]+$/;

export function parseTicketSearch(query: string | undefined): TicketSearch | undefined {
  const text = query?.trim();
  if (!text) return undefined;
  if (PHONE_CHARACTERS.test(text) && /\d{6}/.test(text.replace(/\D/g, ''))) {
    const phone = normalizePhone(text);
    if (phone) return { phone, terms: [] };
  }
  const terms = [...new Set(text.split(/\s+/).filter(Boolean))].slice(0, MAX_SEARCH_TERMS);
  return { phone: null, terms };
}
