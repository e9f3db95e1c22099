import type { OpeningSchedule } from './schedule.ts';
import { describeOpeningIt, describeWeeklyHoursIt, isOpen, nextOpening } from './schedule.ts';

export type AutoAck = Readonly<{ subject: string; text: string }>;

/**
 * The acknowledgement's subject carries the reference and nothing of the sender's: whoever writes to
 * us, with whatever Reply-To, cannot make us send words of their choosing to someone else.
 */
export function ackSubject(ref: string): string {
  return `[${ref}] Segnalazione ricevuta`;
}

/** At most this many acknowledgements per recipient and agency in any hour; beyond it the ticket is made and nobody is written to. */
export const ACKS_PER_HOUR = 3;
export const ACK_WINDOW_MS = 60 * 60_000;

export type AckRecipient = Readonly<{ to: string | null; replyToIgnored: boolean }>;

/**
 * Who is acknowledged: the sender (`From`). A different `Reply-To` only when the agency's tenant
 * registry has that address, since otherwise anyone could point our mail at a third party. Mail
 * without a `From` is acknowledged only at a registered `Reply-To`: there is nobody else we know
 * asked for it. Addresses come normalised (`correspondentAddress`).
 */
export function chooseAckRecipient(input: { from: string | null; replyTo: string | null; replyToOnRegistry: boolean }): AckRecipient {
  const { from, replyTo } = input;
  if (replyTo && replyTo !== from && input.replyToOnRegistry) return { to: replyTo, replyToIgnored: false };
  return { to: from, replyToIgnored: replyTo !== null && replyTo !== from };
}

/**
 * The acknowledgement a tenant receives: the reference to quote, and when the request will be
 * looked at if the office is closed, computed from the agency's schedule at the instant of receipt.
 */
export function autoAckIt(input: { agencyName: string; ref: string; categoryLabel: string; schedule: OpeningSchedule; receivedAt: Date }): AutoAck {
  const lines = ['Gentile utente,', '', `abbiamo ricevuto la Sua segnalazione e l'abbiamo registrata con il numero ${input.ref} (${input.categoryLabel}).`];
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
  return { subject: ackSubject(input.ref), text: lines.join('\n') };
}
