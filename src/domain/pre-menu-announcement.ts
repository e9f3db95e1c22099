import { DateTime } from 'luxon';

/**
 * What a caller hears before the menu, from what the agency already knows about them: a known
 * problem in their building (an incident, with the choice to add their report to it) and the state
 * of their own open requests. Pure: the facts come from one bounded lookup (incidents module), the
 * words from here; nothing about a ticket is read out but its date, category and state.
 */

/** An open incident of the caller's building, as far as the caller hears it. */
export type IncidentNotice = Readonly<{
  id: string;
  /** The category's label ("riscaldamento") and what the voice menu says for it ("il riscaldamento"). */
  categoryLabel: string;
  categoryPhrase: string | null;
  /** The building's street address as the registry has it ("Via Riviera 41"). */
  address: string;
  /** The operator's short Italian text ("caldaia centrale ferma"). */
  text: string;
  expectedResolutionAt: Date | null;
}>;

/** One open ticket of the caller's own number, with the dates its state changed. */
export type TicketStatusFacts = Readonly<{
  createdAt: Date;
  categoryLabel: string;
  categoryPhrase: string | null;
  routedAt: Date | null;
  acknowledgedAt: Date | null;
}>;

/** At most this many tickets are read out: a caller with many waits for an operator, not a list. */
export const MAX_TICKETS_READ = 2;

export const INCIDENT_REPORTED_IT =
  'La sua segnalazione è stata aggiunta a quella del suo stabile. La avviseremo quando il guasto sarà risolto. Grazie, arrivederci.';

const ARTICLE_TO_A: readonly (readonly [string, string])[] = [
  ['il ', 'al '],
  ['lo ', 'allo '],
  ['la ', 'alla '],
  ["l'", "all'"],
  ['i ', 'ai '],
  ['gli ', 'agli '],
  ['le ', 'alle '],
];

/** "un guasto al riscaldamento" from "il riscaldamento"; "un problema di manutenzione" when the phrase has no article. */
function problemOf(label: string, phrase: string | null): string {
  const spoken = (phrase ?? '').trim();
  for (const [article, contracted] of ARTICLE_TO_A) {
    if (spoken.toLowerCase().startsWith(article)) return `un guasto ${contracted}${spoken.slice(article.length)}`;
  }
  return `un problema di ${label}`;
}

/** "il riscaldamento", "guasti e manutenzione": what a request was about, as the menu says it. */
function subjectOf(label: string, phrase: string | null): string {
  return phrase?.trim() || label;
}

function day(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).setLocale('it').toFormat('d LLLL');
}

function dayAndTime(at: Date, now: Date, zone: string): string {
  const when = DateTime.fromJSDate(at, { zone }).setLocale('it');
  const today = DateTime.fromJSDate(now, { zone }).startOf('day');
  const time = when.toFormat('H:mm');
  if (when.hasSame(today, 'day')) return `oggi alle ${time}`;
  if (when.hasSame(today.plus({ days: 1 }), 'day')) return `domani alle ${time}`;
  return `${when.toFormat('cccc d LLLL')} alle ${time}`;
}

/** "ad ALER Pavia-Lodi", "a Comune di Pavia": the preposition Italian puts before a vowel. */
function toAgency(name: string): string {
  return /^[aeiouAEIOU]/.test(name) ? `ad ${name}` : `a ${name}`;
}

/** The offer of an incident, ending with the two choices. */
export function incidentOfferIt(incident: IncidentNotice, now: Date, zone: string): string {
  const text = incident.text.trim().replace(/[.\s]+$/, '');
  const parts = [`È già stato segnalato ${problemOf(incident.categoryLabel, incident.categoryPhrase)} nel suo stabile di ${incident.address}: ${text}.`];
  parts.push(
    incident.expectedResolutionAt
      ? `I tecnici sono stati avvisati, risoluzione prevista ${dayAndTime(incident.expectedResolutionAt, now, zone)}.`
      : 'I tecnici sono stati avvisati.',
  );
  parts.push('Prema 1 per aggiungere la sua segnalazione, 2 per parlare con un operatore.');
  return parts.join(' ');
}

/** One ticket's state: "La sua segnalazione del 12 novembre per il riscaldamento è stata inoltrata ad ALER Pavia-Lodi e presa in carico il 13 novembre." */
export function ticketStatusIt(ticket: TicketStatusFacts, agencyName: string, zone: string): string {
  const opening = `La sua segnalazione del ${day(ticket.createdAt, zone)} per ${subjectOf(ticket.categoryLabel, ticket.categoryPhrase)}`;
  if (ticket.acknowledgedAt) {
    const routed = ticket.routedAt ? `è stata inoltrata ${toAgency(agencyName)}` : `è arrivata ${toAgency(agencyName)}`;
    return `${opening} ${routed} e presa in carico il ${day(ticket.acknowledgedAt, zone)}.`;
  }
  if (ticket.routedAt) return `${opening} è stata inoltrata ${toAgency(agencyName)} il ${day(ticket.routedAt, zone)} ed è in attesa di presa in carico.`;
  return `${opening} è stata registrata e sarà inoltrata ${toAgency(agencyName)}.`;
}

/** The states of the caller's open tickets, the newest first, at most MAX_TICKETS_READ; null when there is none. */
export function ticketStatusesIt(tickets: readonly TicketStatusFacts[], agencyName: string, zone: string): string | null {
  if (tickets.length === 0) return null;
  const newestFirst = [...tickets].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, MAX_TICKETS_READ);
  return newestFirst.map((ticket) => ticketStatusIt(ticket, agencyName, zone)).join(' ');
}

/** What the call records the caller heard before the menu (§5 reports count calls served this way). */
export type PreMenuHeard = 'incident' | 'status' | 'incident+status';

export function heardOf(incident: boolean, status: boolean): PreMenuHeard | null {
  if (incident && status) return 'incident+status';
  if (incident) return 'incident';
  if (status) return 'status';
  return null;
}

/** What a caller hears before the menu; null parts are not said. */
export type PreMenuAnnouncement = Readonly<{
  /** The incident offered (press 1 to add, 2 for an operator), with its id for the choice's step. */
  incident: Readonly<{ id: string; offer: string }> | null;
  /** The state of the caller's own open tickets. */
  status: string | null;
  heard: PreMenuHeard;
}>;
