import type { Call } from '../../../src/contracts/calls.ts';
import type { ReplyDelivery, TicketEmails } from '../../../src/contracts/email.ts';
import type { TicketEvent } from '../../../src/contracts/tickets.ts';
import { isReopening } from '../../../src/domain/ticket-state.ts';
import { CATEGORY_LABEL, TICKET_STATUS_LABEL, formatDateTime, formatPhone, formatSeconds } from '../format.ts';
import { CALL_OUTCOME_LABEL, EVENT_LABEL, PRIORITY_LABEL } from './ticket-labels.ts';

type EmailItem = TicketEmails['items'][number];

type Entry = { at: string; key: string; node: preact.JSX.Element };

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The ticket's life in time order: its history lines and its calls, with the e-mails' attachments beside their text. */
export function TicketTimeline({
  events,
  calls,
  emails,
  replies,
}: {
  events: readonly TicketEvent[];
  calls: readonly Call[];
  emails: readonly EmailItem[];
  replies: readonly ReplyDelivery[];
}) {
  const byEmailId = new Map(emails.map((email) => [email.id, email]));
  const byMessageId = new Map(replies.map((reply) => [reply.messageId, reply]));
  const entries: Entry[] = [
    ...calls.map((call) => ({ at: call.startedAt, key: `call-${call.callSid}`, node: <CallEntry call={call} /> })),
    ...events.map((event) => ({
      at: event.at,
      key: `event-${event.id}`,
      node: <EventEntry event={event} email={byEmailId.get(str(event.data?.emailId) ?? '')} delivery={byMessageId.get(str(event.data?.messageId) ?? '')} />,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <ol class="timeline" data-testid="timeline">
      {entries.map((entry) => (
        <li key={entry.key}>{entry.node}</li>
      ))}
    </ol>
  );
}

function CallEntry({ call }: { call: Call }) {
  return (
    <article class="timeline-entry call" data-kind="call">
      <header>
        <strong>Chiamata da {formatPhone(call.from)}</strong>
        <time class="muted small" dateTime={call.startedAt}>
          {formatDateTime(call.startedAt)}
        </time>
      </header>
      <p class="small">
        {CALL_OUTCOME_LABEL[call.outcome] ?? call.outcome}
        {call.queueTimeSeconds !== null ? ` · attesa ${formatSeconds(call.queueTimeSeconds)}` : ''}
        {call.answeredBy ? ` · ha risposto ${call.answeredBy}` : ''}
        {call.talkSeconds !== null ? ` · conversazione ${formatSeconds(call.talkSeconds)}` : ''}
      </p>
    </article>
  );
}

function EventEntry({ event, email, delivery }: { event: TicketEvent; email: EmailItem | undefined; delivery: ReplyDelivery | undefined }) {
  const visibility = event.type === 'note' ? (event.data?.visibility === 'internal' ? 'internal' : 'shared') : null;
  const title =
    event.type === 'email' && str(event.data?.from)
      ? `E-mail da ${str(event.data?.from)}`
      : event.type === 'reply' && str(event.data?.to)
        ? `Risposta all’inquilino (${str(event.data?.to)})`
        : event.fromStatus && event.toStatus && isReopening(event.fromStatus, event.toStatus)
          ? 'Riaperta'
          : (EVENT_LABEL[event.type] ?? event.type);
  return (
    <article class={`timeline-entry ${event.type}${visibility ? ` ${visibility}` : ''}`} data-kind={event.type} data-visibility={visibility ?? undefined}>
      <header>
        <strong>{title}</strong>
        {visibility ? <span class={`badge note-${visibility}`}>{visibility === 'internal' ? 'Interna: solo call center' : 'Condivisa con l’ente'}</span> : null}
        <span class="muted small">
          {event.actor.kind === 'system' ? 'Centralino' : event.actor.name} · <time dateTime={event.at}>{formatDateTime(event.at)}</time>
        </span>
      </header>
      <Details event={event} />
      {delivery ? <ReplyState delivery={delivery} /> : null}
      {event.text ? <p class="timeline-text">{event.text}</p> : null}
      {email && email.attachments.length > 0 ? (
        <ul class="attachments" aria-label="Allegati">
          {email.attachments
            .filter((attachment) => !attachment.inline)
            .map((attachment) => (
              <li key={attachment.n}>
                <a href={attachment.url} download={attachment.filename ?? undefined}>
                  {attachment.filename ?? `allegato ${attachment.n}`}
                </a>{' '}
                <span class="muted small">({formatSize(attachment.size)})</span>
              </li>
            ))}
        </ul>
      ) : null}
    </article>
  );
}

function Details({ event }: { event: TicketEvent }) {
  const data = event.data ?? {};
  if (event.type === 'category_changed')
    return (
      <p class="small">
        da {CATEGORY_LABEL[String(data.from)] ?? String(data.from)} a {CATEGORY_LABEL[String(data.to)] ?? String(data.to)}
      </p>
    );
  if (event.type === 'priority_changed')
    return (
      <p class="small">
        da {PRIORITY_LABEL[String(data.from)] ?? String(data.from)} a {PRIORITY_LABEL[String(data.to)] ?? String(data.to)}
      </p>
    );
  if (event.type === 'portfolio_changed')
    return (
      <p class="small">
        da {str(data.from) ?? 'patrimonio dell’ente'} a {str(data.to) ?? 'patrimonio dell’ente'}
      </p>
    );
  if (event.type === 'delivered' || event.type === 'delivery_failed')
    return (
      <p class="small">
        {data.kind === 'email' ? 'per e-mail' : 'al sistema dell’ente'}
        {str(data.target) ? ` · ${str(data.target)}` : ''}
        {str(data.error) ? ` · ${str(data.error)}` : ''}
      </p>
    );
  if (event.type === 'reply' && str(data.subject)) return <p class="small">Oggetto: {str(data.subject)}</p>;
  if (event.type === 'taken' && str(data.assignedTo)) return <p class="small">da {str(data.assignedTo)}</p>;
  if (event.type === 'transferred_in' && str(data.fromRef))
    return (
      <p class="small">
        da {str(data.fromAgencyName)} ({str(data.fromRef)})
      </p>
    );
  if (event.type === 'cancelled' && str(data.transferredTo)) return <p class="small">nuova segnalazione {str(data.transferredTo)}</p>;
  if (event.fromStatus && event.toStatus && event.fromStatus !== event.toStatus)
    return (
      <p class="small">
        {TICKET_STATUS_LABEL[event.fromStatus] ?? event.fromStatus} → {TICKET_STATUS_LABEL[event.toStatus] ?? event.toStatus}
      </p>
    );
  return null;
}

/** Whether the tenant's mail server took the reply: sent, still trying, or given up (then the tenant must be phoned). */
function ReplyState({ delivery }: { delivery: ReplyDelivery }) {
  if (delivery.status === 'delivered')
    return (
      <p class="small reply-state delivered" data-testid="reply-state">
        Inviata{delivery.deliveredAt ? ` il ${formatDateTime(delivery.deliveredAt)}` : ''}
      </p>
    );
  if (delivery.status === 'dead')
    return (
      <p class="small reply-state failed" data-testid="reply-state">
        Non consegnata dopo {delivery.attempts} tentativi: contatta l’inquilino per telefono.
      </p>
    );
  if (delivery.status === 'held')
    return (
      <p class="small reply-state" data-testid="reply-state">
        Trattenuta: nessun server di posta configurato.
      </p>
    );
  return (
    <p class="small reply-state" data-testid="reply-state">
      In invio{delivery.attempts > 1 ? ` (tentativo ${delivery.attempts})` : ''}
    </p>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}
