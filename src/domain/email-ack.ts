import type { Category } from './routing.ts';
import { CATEGORY_LABEL_IT } from './routing.ts';
import type { OpeningSchedule } from './schedule.ts';
import { describeOpeningIt, describeWeeklyHoursIt, isOpen, nextOpening } from './schedule.ts';

export type AutoAck = Readonly<{ subject: string; text: string }>;

/** Mail clients prefix replies with these; we do not stack another one on top. */
const REPLY_PREFIX = /^\s*((re|r|ris|aw|sv|fwd?|i|inoltra)\s*(\[\d+\])?\s*:\s*)+/i;

export function replySubject(ref: string, originalSubject: string | null): string {
  const base = (originalSubject ?? '').replace(REPLY_PREFIX, '').replace(/\s+/g, ' ').trim().slice(0, 180);
  return base ? `[${ref}] Re: ${base}` : `[${ref}] Segnalazione ricevuta`;
}

/**
 * The acknowledgement a tenant receives: the reference to quote, and when the request will be
 * looked at if the office is closed, computed from the agency's schedule at the instant of receipt.
 */
export function autoAckIt(input: {
  agencyName: string;
  ref: string;
  category: Category;
  originalSubject: string | null;
  schedule: OpeningSchedule;
  receivedAt: Date;
}): AutoAck {
  const lines = [
    'Gentile utente,',
    '',
    `abbiamo ricevuto la Sua segnalazione e l'abbiamo registrata con il numero ${input.ref} (${CATEGORY_LABEL_IT[input.category]}).`,
  ];
  if (isOpen(input.schedule, input.receivedAt)) {
    lines.push('Un operatore la prenderà in carico al più presto.');
  } else {
    const opening = nextOpening(input.schedule, input.receivedAt);
    lines.push(
      opening
        ? `Il servizio in questo momento è chiuso: la segnalazione sarà presa in carico a partire da ${describeOpeningIt(input.schedule, input.receivedAt, opening)}.`
        : 'Il servizio in questo momento è chiuso: la segnalazione sarà presa in carico alla riapertura.',
    );
    lines.push(`Il servizio è attivo ${describeWeeklyHoursIt(input.schedule)}.`);
  }
  lines.push(
    '',
    `Per aggiungere informazioni risponda a questo messaggio lasciando il numero ${input.ref} nell'oggetto.`,
    'Per le emergenze (fughe di gas, allagamenti, guasti gravi) non usi la posta elettronica: chiami il numero verde.',
    '',
    'Questo è un messaggio automatico.',
    `${input.agencyName} - Servizio segnalazioni`,
  );
  return { subject: replySubject(input.ref, input.originalSubject), text: lines.join('\n') };
}
