/**
 * Caller numbers are personal data of the agencies' tenants: logs keep enough to correlate
 * (country prefix and last two digits) and nothing more.
 */
export function maskPhone(value: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith('client:')) return trimmed;
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 5) return '***';
  const prefix = trimmed.startsWith('+') ? `+${digits.slice(0, 2)}` : digits.slice(0, 2);
  return `${prefix}${'*'.repeat(Math.max(3, digits.length - 4))}${digits.slice(-2)}`;
}

const PHONE_IN_TEXT = /(\+|%2B|\b00)?\d[\d ]{6,}\d/g;

/** Masks anything that looks like a phone number inside free text such as a URL. */
export function maskPhonesInText(text: string): string {
  return text.replace(PHONE_IN_TEXT, (match) => maskPhone(decodeURIComponent(match)));
}

/** Paths pino redacts with maskPhone wherever they occur in a log line. */
export const PHONE_LOG_PATHS = ['from', 'to', 'caller', 'phone', 'From', 'To', 'Caller', '*.from', '*.From', '*.caller', '*.phone', '*.Caller'];
