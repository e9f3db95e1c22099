import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Italian numbers as people write them — 02 1234567, 0382 123456, 347 1234567, +39…, 0039… —
 * in E.164, the form Twilio sends as `From`. Italian landlines keep their leading 0 after +39.
 * Returns null for anything that is not a valid number (e.g. "anonymous").
 */
export function normalizePhone(raw: string | null | undefined, defaultCountry: 'IT' = 'IT'): string | null {
  if (!raw) return null;
  const compact = raw.trim().replace(/[\s./()-]/g, '');
  if (compact === '') return null;
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  const parsed = parsePhoneNumberFromString(international, defaultCountry);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}
