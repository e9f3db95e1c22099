import { createHash } from 'node:crypto';
import { convert as htmlToText } from 'html-to-text';
import type { AddressObject, Attachment, ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import type { DatiCert } from '../../domain/email-pec.ts';
import { parseDatiCert, PEC_ENVELOPE_TYPES, stripPecSubjectPrefix } from '../../domain/email-pec.ts';
import { normaliseMessageId, parseMessageIdList } from '../../domain/email-threading.ts';
import type { ParseLimits } from './email-complexity.ts';
import { assertMimeShape, DEFAULT_PARSE_LIMITS, htmlDepthExceeds, ParseLimitError } from './email-complexity.ts';

/**
 * MIME parsing with mailparser (nodemailer's parser): it streams through charsets with
 * iconv-lite (ISO-8859-1, Windows-1252, Shift_JIS, …), survives broken boundaries and odd
 * transfer encodings, and hands back attachments as Buffers. See README "E-mail channel".
 */

export type MailAddress = Readonly<{ address: string; name: string | null }>;

export type ParsedAttachment = Readonly<{
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  contentId: string | null;
  inline: boolean;
  content: Buffer;
}>;

export type PecInfo =
  | Readonly<{ kind: 'envelope'; transport: string | null; daticert: DatiCert | null; envelopeMessageId: string | null; unwrapped: boolean }>
  | Readonly<{ kind: 'receipt'; receipt: string; daticert: DatiCert | null; refersTo: string | null }>;

export type ParsedEmail = Readonly<{
  /** Header values as received (unfolded, not decoded), lower-case names, every occurrence. */
  headers: ReadonlyMap<string, readonly string[]>;
  /** True when anything in the bytes looks like a mail header. Random bytes do not. */
  looksLikeMail: boolean;
  contentType: string | null;
  messageId: string | null;
  inReplyTo: readonly string[];
  references: readonly string[];
  from: MailAddress | null;
  replyTo: MailAddress | null;
  to: readonly string[];
  cc: readonly string[];
  /** Delivered-To, X-Original-To, Envelope-To: what the receiving MTA recorded. */
  deliveredTo: readonly string[];
  subject: string | null;
  date: Date | null;
  /** Plain text; HTML-only mail converted to text. Never HTML. */
  text: string;
  attachments: readonly ParsedAttachment[];
  pec: PecInfo | null;
}>;

const MAX_TEXT_CHARS = 200_000;
const MAIL_HEADER_NAMES = ['from', 'to', 'cc', 'subject', 'date', 'message-id', 'received', 'mime-version', 'content-type', 'delivered-to'];

/**
 * Parses a raw message. Throws a ParseLimitError for mail past `limits` (see email-complexity.ts),
 * or whatever mailparser throws when it gives up; callers quarantine then. CPU-bound: the app runs
 * it in a worker thread (parse-pool.ts), never on the thread that answers calls.
 */
export async function parseEmail(raw: Buffer, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Promise<ParsedEmail> {
  const parseOne = (bytes: Buffer) => parseWithin(bytes, limits);
  let outer = await parseOne(raw);
  if (outer.email.text === '' && outer.email.attachments.length === 0 && /^multipart\//i.test(outer.email.contentType ?? '')) {
    // The declared boundary never occurs: mail written by hand or mangled by a relay. Parse again
    // with the boundary the body really uses, or at least keep the body as text.
    const repaired = repairBoundary(raw);
    if (repaired) outer = await parseOne(repaired);
    if (outer.email.text === '' && outer.email.attachments.length === 0) outer = { ...outer, email: { ...outer.email, text: bodyAsText(raw) } };
  }
  const headers = outer.headers;
  const receipt = first(headers, 'x-ricevuta');
  if (receipt) {
    const daticert = readDatiCert(outer.mail);
    const refersTo = normaliseMessageId(first(headers, 'x-riferimento-message-id')) ?? normaliseMessageId(daticert?.msgid ?? null);
    return { ...outer.email, pec: { kind: 'receipt', receipt: receipt.toLowerCase(), daticert, refersTo } };
  }
  const transport = first(headers, 'x-trasporto')?.toLowerCase() ?? null;
  const postacert = outer.mail.attachments.find(
    (attachment) => attachment.contentType === 'message/rfc822' && (attachment.filename ?? '').toLowerCase() === 'postacert.eml',
  );
  const isPecEnvelope = (transport !== null && PEC_ENVELOPE_TYPES.has(transport)) || (postacert !== undefined && hasDatiCert(outer.mail));
  if (!isPecEnvelope) return outer.email;

  const daticert = readDatiCert(outer.mail);
  const envelopeMessageId = normaliseMessageId(outer.mail.messageId ?? null);
  if (!postacert) {
    return {
      ...outer.email,
      subject: stripPecSubjectPrefix(outer.email.subject),
      pec: { kind: 'envelope', transport, daticert, envelopeMessageId, unwrapped: false },
    };
  }
  const inner = await parseOne(postacert.content);
  // The original's recipients first: it says which of our addresses the tenant wrote to. The
  // envelope's own headers (Delivered-To of the PEC box) follow as a fallback.
  return {
    ...inner.email,
    headers: mergeHeaders(inner.headers, headers),
    deliveredTo: unique([...inner.email.deliveredTo, ...outer.email.deliveredTo, ...outer.email.to]),
    from: inner.email.from ?? outer.email.from,
    replyTo: inner.email.replyTo ?? outer.email.replyTo ?? outer.email.from,
    messageId: inner.email.messageId ?? envelopeMessageId,
    subject: stripPecSubjectPrefix(inner.email.subject ?? outer.email.subject),
    date: inner.email.date ?? outer.email.date,
    text: inner.email.text || outer.email.text,
    pec: { kind: 'envelope', transport, daticert, envelopeMessageId, unwrapped: true },
  };
}

async function parseWithin(raw: Buffer, limits: ParseLimits): Promise<{ mail: ParsedMail; headers: Map<string, string[]>; email: ParsedEmail }> {
  assertMimeShape(raw, limits);
  // ignoreEmbedded keeps message/rfc822 parts as attachments: the PEC's postacert.eml must be
  // parsed on its own, and a forwarded message stays a downloadable .eml instead of being merged.
  // maxChildNodes is mailsplit's own count of parts, in case it splits where our scan did not.
  const mail = await simpleParser(raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    skipTextLinks: true,
    ignoreEmbedded: true,
    maxChildNodes: limits.maxParts,
  } as Parameters<typeof simpleParser>[1] & { ignoreEmbedded: boolean; maxChildNodes: number }).catch((error: unknown) => {
    if (error instanceof Error && /child nodes exceeded/i.test(error.message))
      throw new ParseLimitError('too_many_parts', `more than ${limits.maxParts} MIME parts`);
    throw error;
  });
  const headers = collectHeaders(mail);
  const from = addresses(mail.from)[0] ?? null;
  const replyTo = addresses(mail.replyTo)[0] ?? null;
  const date = mail.date instanceof Date && !Number.isNaN(mail.date.getTime()) ? mail.date : null;
  const email: ParsedEmail = {
    headers,
    looksLikeMail: MAIL_HEADER_NAMES.some((name) => headers.has(name)),
    contentType: first(headers, 'content-type'),
    messageId: normaliseMessageId(mail.messageId ?? null),
    inReplyTo: parseMessageIdList(all(headers, 'in-reply-to')),
    references: parseMessageIdList(all(headers, 'references')),
    from,
    replyTo,
    to: addresses(mail.to).map((entry) => entry.address),
    cc: addresses(mail.cc).map((entry) => entry.address),
    deliveredTo: unique(['delivered-to', 'x-original-to', 'envelope-to', 'x-envelope-to'].flatMap((name) => all(headers, name).flatMap(bareAddresses))),
    subject: mail.subject?.trim() || null,
    date,
    text: bodyText(mail, limits),
    attachments: mail.attachments.map(toAttachment),
    pec: null,
  };
  return { mail, headers, email };
}

function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf >= 0 ? lf + 2 : raw.length;
}

/** The boundary the body actually uses (the most frequent `--token` line), put into the top-level header. */
export function repairBoundary(raw: Buffer): Buffer | null {
  const end = headerEnd(raw);
  const head = raw.subarray(0, end).toString('latin1');
  const body = raw.subarray(end, end + 1024 * 1024).toString('latin1');
  const counts = new Map<string, number>();
  for (const match of body.matchAll(/^--([^\s]{6,70}?)(?:--)?[ \t]*\r?$/gm)) counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  const [boundary] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  if (!boundary || !/boundary\s*=/i.test(head)) return null;
  const fixedHead = head.replace(/boundary\s*=\s*("[^"]*"|[^;\s]+)/i, `boundary="${boundary.replace(/"/g, '')}"`);
  return Buffer.concat([Buffer.from(fixedHead, 'latin1'), raw.subarray(end)]);
}

function bodyAsText(raw: Buffer): string {
  const body = raw.subarray(headerEnd(raw), headerEnd(raw) + MAX_TEXT_CHARS);
  const utf8 = body.toString('utf8');
  return (utf8.includes('\ufffd') ? body.toString('latin1') : utf8)
    .replace(/\r\n?/g, '\n')
    .replace(/\u0000/g, '')
    .trim();
}

function bodyText(mail: ParsedMail, limits: ParseLimits): string {
  let text = typeof mail.text === 'string' ? mail.text : '';
  if (text.trim() === '' && typeof mail.html === 'string' && mail.html.trim() !== '') {
    // Past maxHtmlChars the HTML is left out: the text is capped anyway, and the parser's cost
    // grows faster than the HTML (see email-complexity.ts).
    const html = mail.html.slice(0, limits.maxHtmlChars);
    if (htmlDepthExceeds(html, limits.maxHtmlDepth)) throw new ParseLimitError('too_complex', `HTML nested deeper than ${limits.maxHtmlDepth} levels`);
    text = htmlToText(html, {
      wordwrap: false,
      limits: { maxInputLength: limits.maxHtmlChars, maxDepth: limits.maxHtmlDepth, maxChildNodes: limits.maxHtmlChildNodes, ellipsis: '…' },
      selectors: [
        { selector: 'img', format: 'skip' },
        { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
        { selector: 'style', format: 'skip' },
        { selector: 'script', format: 'skip' },
      ],
    });
  }
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\u0000/g, '')
    .trim()
    .slice(0, MAX_TEXT_CHARS);
}

function toAttachment(attachment: Attachment, index: number): ParsedAttachment {
  const content = attachment.content;
  const contentType = (attachment.contentType || 'application/octet-stream').toLowerCase();
  return {
    filename: safeFilename(attachment.filename, contentType, index + 1),
    contentType,
    size: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
    contentId: attachment.cid ?? null,
    inline: attachment.contentDisposition === 'inline' || attachment.related === true,
    content,
  };
}

/** A name that is safe in a Content-Disposition header and on any file system. */
export function safeFilename(name: string | undefined, contentType: string, position: number): string {
  const cleaned = (name ?? '')
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f"\\/:*?<>|]+/g, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 200);
  if (cleaned) return cleaned;
  const subtype = contentType.split('/')[1]?.replace(/[^a-z0-9.+-]/g, '') || 'bin';
  const extension = { jpeg: 'jpg', plain: 'txt', rfc822: 'eml', 'octet-stream': 'bin' }[subtype] ?? subtype;
  return `allegato-${position}.${extension}`;
}

function readDatiCert(mail: ParsedMail): DatiCert | null {
  const part = mail.attachments.find((attachment) => (attachment.filename ?? '').toLowerCase() === 'daticert.xml');
  if (!part) return null;
  try {
    return parseDatiCert(part.content.toString('utf8'));
  } catch {
    return null;
  }
}

function hasDatiCert(mail: ParsedMail): boolean {
  return mail.attachments.some((attachment) => (attachment.filename ?? '').toLowerCase() === 'daticert.xml');
}

function collectHeaders(mail: ParsedMail): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const { key, line } of mail.headerLines ?? []) {
    const colon = line.indexOf(':');
    const value = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
    const name = key.toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  return headers;
}

function mergeHeaders(primary: Map<string, string[]>, secondary: Map<string, string[]>): Map<string, string[]> {
  const merged = new Map(secondary);
  for (const [name, values] of primary) merged.set(name, values);
  return merged;
}

export function first(headers: ReadonlyMap<string, readonly string[]>, name: string): string | null {
  return headers.get(name)?.[0] ?? null;
}

function all(headers: ReadonlyMap<string, readonly string[]>, name: string): string[] {
  return [...(headers.get(name) ?? [])];
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!value) return [];
  const objects = Array.isArray(value) ? value : [value];
  const result: MailAddress[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const entry of entries) {
      if (entry.group) visit(entry.group);
      else if (entry.address && entry.address.includes('@')) result.push({ address: entry.address.trim().toLowerCase(), name: entry.name?.trim() || null });
    }
  };
  for (const object of objects) visit(object.value ?? []);
  return result;
}

/** Addresses inside a raw header value such as `<a@b.example>` or `a@b.example, c@d.example`. */
export function bareAddresses(value: string): string[] {
  return [...value.matchAll(/[^\s<>,;"']+@[^\s<>,;"']+/g)].map((match) => match[0].toLowerCase());
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
