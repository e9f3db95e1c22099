/**
 * Which ticket a reply belongs to, from what the mail itself says: a ticket reference in the
 * subject (`[PV-2026-000123]` or bare), then `In-Reply-To`, then `References` newest first.
 * The subject comes first because a tenant who types the reference means it, while clients
 * sometimes keep stale `References` from an older thread.
 */

/** `PV-2026-000123`: agency prefix, year, six-digit sequence. */
const TICKET_REF_PATTERN = /(?<![A-Za-z0-9])([A-Za-z]{2,6})-(\d{4})-(\d{6})(?!\d)/g;

/** Ticket references in a text, upper-cased, in order of appearance, without repeats. */
export function extractTicketRefs(text: string | null | undefined): string[] {
  if (!text) return [];
  const refs: string[] = [];
  for (const match of text.matchAll(TICKET_REF_PATTERN)) {
    const ref = `${match[1].toUpperCase()}-${match[2]}-${match[3]}`;
    if (!refs.includes(ref)) refs.push(ref);
  }
  return refs;
}

export function ticketRefPrefix(ref: string): string {
  return ref.slice(0, ref.indexOf('-'));
}

/**
 * Message-IDs are compared without angle brackets, whitespace or comments, case-sensitively in
 * the local part as RFC 5322 says, but with the domain lower-cased because some MTAs rewrite it.
 */
export function normaliseMessageId(value: string | null | undefined): string | null {
  if (!value) return null;
  const stripped = value
    .replace(/\([^)]*\)/g, '')
    .replace(/\s+/g, '')
    .replace(/^<+|>+$/g, '');
  if (stripped === '' || stripped.length > 995) return null;
  const at = stripped.lastIndexOf('@');
  return at > 0 ? `${stripped.slice(0, at)}@${stripped.slice(at + 1).toLowerCase()}` : stripped;
}

/** Every `<…>` id in a References/In-Reply-To header (or a bare id when there are no brackets). */
export function parseMessageIdList(header: string | readonly string[] | null | undefined): string[] {
  if (!header) return [];
  const text = Array.isArray(header) ? header.join(' ') : String(header);
  const bracketed = [...text.matchAll(/<([^<>]+)>/g)].map((match) => match[1]);
  const candidates = bracketed.length > 0 ? bracketed : text.split(/[\s,]+/);
  const ids: string[] = [];
  for (const candidate of candidates) {
    const id = normaliseMessageId(candidate);
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

export type ThreadCandidate = Readonly<{ kind: 'ref'; ref: string } | { kind: 'message-id'; messageId: string }>;

/**
 * What to look up, best first. Only references with the routed agency's prefix are candidates,
 * so that a tenant writing to one agency can never attach mail to another agency's ticket.
 */
export function threadCandidates(input: {
  subject: string | null;
  inReplyTo: readonly string[];
  references: readonly string[];
  ticketPrefix: string;
}): ThreadCandidate[] {
  const candidates: ThreadCandidate[] = [];
  const prefix = input.ticketPrefix.toUpperCase();
  for (const ref of extractTicketRefs(input.subject)) {
    if (ticketRefPrefix(ref) === prefix) candidates.push({ kind: 'ref', ref });
  }
  const seen = new Set<string>();
  for (const messageId of [...input.inReplyTo, ...[...input.references].reverse()]) {
    if (seen.has(messageId)) continue;
    seen.add(messageId);
    candidates.push({ kind: 'message-id', messageId });
  }
  return candidates;
}

/** The bare address, lower-cased, with a `+tag` sub-address removed: `callcenter+x@a.example` routes like `callcenter@a.example`. */
export function routingAddress(address: string): string {
  const trimmed = address.trim().replace(/^<|>$/g, '').toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) return trimmed;
  const local = trimmed.slice(0, at);
  const plus = local.indexOf('+');
  return `${plus > 0 ? local.slice(0, plus) : local}@${trimmed.slice(at + 1)}`;
}

/**
 * A correspondent's address as we compare it: trimmed, without angle brackets, lower-cased. The
 * `+tag` stays: a missed match only opens a linked ticket an operator sees, while a false one would
 * write into someone else's ticket, and not every provider treats `a+b@` as `a@`'s mailbox.
 */
export function correspondentAddress(address: string | null | undefined): string | null {
  const trimmed = address?.trim().replace(/^<|>$/g, '').toLowerCase() ?? '';
  return trimmed.includes('@') ? trimmed : null;
}

/** An existing ticket of the routed agency that a message points at. */
export type ThreadTarget = Readonly<{ ref: string; status: string; knownSender: boolean }>;

export type ThreadDecision = Readonly<
  { kind: 'append'; ref: string } | { kind: 'linked'; ref: string; link: 'mentions' | 'follow_up'; linkedStatus: string } | { kind: 'new' }
>;

const OVER = new Set(['closed', 'cancelled']);

/**
 * Where a message goes. A reference in the subject threads it only for a known correspondent of
 * that ticket; a message that answers one of ours (its In-Reply-To/References name our mail or the
 * ticket's) threads whoever sent it. A message for a closed or cancelled ticket never changes it:
 * it opens a new ticket linked to it (`follow_up`), and a stranger quoting a reference opens one
 * linked to the ticket quoted (`mentions`).
 *
 * `subjectTargets` are the subject's references that exist in the agency, in order; `answered` is
 * the ticket of the first Message-ID we know, if any.
 */
export function decideThread(input: { subjectTargets: readonly ThreadTarget[]; answered: Omit<ThreadTarget, 'knownSender'> | null }): ThreadDecision {
  const { subjectTargets, answered } = input;
  const chosen = subjectTargets.find((target) => target.knownSender || target.ref === answered?.ref) ?? answered;
  if (chosen) {
    return OVER.has(chosen.status) ? { kind: 'linked', ref: chosen.ref, link: 'follow_up', linkedStatus: chosen.status } : { kind: 'append', ref: chosen.ref };
  }
  const quoted = subjectTargets[0];
  return quoted ? { kind: 'linked', ref: quoted.ref, link: 'mentions', linkedStatus: quoted.status } : { kind: 'new' };
}
