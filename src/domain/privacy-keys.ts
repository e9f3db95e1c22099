import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { validation } from './errors.ts';
import { normalizePhone } from './phone.ts';

/** What identifies a data subject in a request: any of a phone number, an e-mail address, a tenant code. */
export type SubjectQuery = Readonly<{ phone?: string; email?: string; tenantCode?: string }>;

/** The normalised identifiers of one person; a registry lookup may add the tenant's other numbers and addresses. */
export type SubjectKeys = Readonly<{ phones: readonly string[]; emails: readonly string[]; tenantCodes: readonly string[] }>;

/** What replaces personal free text that must stay non-null (a description, a caller number). */
export const ANONYMISED = '[anonimizzato]';

const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;

/**
 * Normalises a request's identifiers: phone numbers to E.164 with the Italian rules of `phone.ts`
 * (so 347 123 4567, 0039 347… and +39 347… are one person), e-mail addresses to lower case.
 */
export function subjectKeysOf(query: SubjectQuery): SubjectKeys {
  const phones: string[] = [];
  const emails: string[] = [];
  const tenantCodes: string[] = [];
  if (query.phone !== undefined) {
    const e164 = normalizePhone(query.phone);
    if (!e164) throw validation('phone is not a valid phone number');
    phones.push(e164);
  }
  if (query.email !== undefined) {
    const email = query.email.trim().toLowerCase();
    if (!EMAIL.test(email)) throw validation('email is not a valid e-mail address');
    emails.push(email);
  }
  if (query.tenantCode !== undefined) {
    const code = query.tenantCode.trim();
    if (code === '') throw validation('tenantCode is empty');
    tenantCodes.push(code);
  }
  if (phones.length + emails.length + tenantCodes.length === 0) throw validation('Give a phone number, an e-mail address or a tenant code');
  return { phones, emails, tenantCodes };
}

export function mergeKeys(a: SubjectKeys, b: SubjectKeys): SubjectKeys {
  const union = (x: readonly string[], y: readonly string[]) => [...new Set([...x, ...y])].sort();
  return { phones: union(a.phones, b.phones), emails: union(a.emails.map(lower), b.emails.map(lower)), tenantCodes: union(a.tenantCodes, b.tenantCodes) };
}

export function sameKeys(a: SubjectKeys, b: SubjectKeys): boolean {
  const merged = mergeKeys(a, b);
  const size = (keys: SubjectKeys) => new Set(keys.phones).size + new Set(keys.emails.map(lower)).size + new Set(keys.tenantCodes).size;
  return size(merged) === size(a);
}

const lower = (value: string) => value.toLowerCase();

/**
 * The digits that every written form of a number shares: the national significant number
 * (Italian numbers keep their leading 0: +39 0382… → 0382…). `+39 347 123 4567`,
 * `0039 347-1234567` and `347.123.45.67` all contain them, with separators in between.
 */
export function nationalDigits(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? String(parsed.nationalNumber) : e164.replace(/\D/g, '');
}

/** Characters people put between the digits of a phone number. */
const SEPARATORS_POSIX = '[[:space:]./()-]*';
const SEPARATORS_JS = '[\\s./()-]*';

/** A PostgreSQL regular expression (ARE) matching the number in any usual written form. */
export function phonePatternSql(e164: string): string {
  return nationalDigits(e164).split('').join(SEPARATORS_POSIX);
}

/** The same pattern for JavaScript: files in DATA_DIR, tests. */
export function phonePatternJs(e164: string): RegExp {
  return new RegExp(nationalDigits(e164).split('').join(SEPARATORS_JS), 'i');
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One case-insensitive PostgreSQL pattern for every identifier of the subject that can appear
 * in free text: phone numbers in any written form and e-mail addresses. Tenant codes are matched
 * only in their own columns: short codes would hit unrelated text.
 */
export function freeTextPatternSql(keys: SubjectKeys): string | null {
  const parts = [...keys.phones.map(phonePatternSql), ...keys.emails.map(escapeRegex)];
  return parts.length > 0 ? parts.map((part) => `(${part})`).join('|') : null;
}

/** `+39 347 ••• ••67`: enough for a person to recognise the request, not enough to find the number. */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const international = parsed ? parsed.formatInternational() : e164;
  const code = parsed ? `+${parsed.countryCallingCode}` : '';
  const rest = international.slice(code.length);
  const digits = rest.replace(/\D/g, '').length;
  let seen = 0;
  const masked = rest.replace(/\d/g, (digit) => {
    seen += 1;
    return seen <= 3 || seen > digits - 2 ? digit : '•';
  });
  return `${code}${masked}`;
}

/** `m•••@example.it` */
export function maskEmail(email: string): string {
  const [local, domain] = email.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}

/** `PV-•••••1` */
export function maskCode(code: string): string {
  if (code.length <= 4) return '•'.repeat(code.length);
  return `${code.slice(0, 3)}${'•'.repeat(code.length - 4)}${code.slice(-1)}`;
}

/** What a receipt may keep of the subject's identifiers. */
export function maskedSubject(keys: SubjectKeys): Record<string, string[]> {
  return {
    ...(keys.phones.length > 0 ? { phones: keys.phones.map(maskPhone) } : {}),
    ...(keys.emails.length > 0 ? { emails: keys.emails.map(maskEmail) } : {}),
    ...(keys.tenantCodes.length > 0 ? { tenantCodes: keys.tenantCodes.map(maskCode) } : {}),
  };
}
