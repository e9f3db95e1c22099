import { useEffect, useRef, useState } from 'preact/hooks';
import type { Call, CallPage } from '../../../src/contracts/calls.ts';
import type { TicketEmails } from '../../../src/contracts/email.ts';
import type { Ticket } from '../../../src/contracts/tickets.ts';
import { isTicketEvent } from '../../../src/domain/events.ts';
import { isOpenTicketStatus } from '../../../src/domain/ticket-state.ts';
import { ApiError, errorText, get } from '../api.ts';
import { dwellingText } from '../components/caller-popup.tsx';
import { categoryTitle } from '../categories.ts';
import { CHANNEL_LABEL, TICKET_STATUS_LABEL, formatDateTime, formatPhone } from '../format.ts';
import { useLive } from '../hooks.ts';
import type { LiveStore } from '../live-store.ts';
import { navigate } from '../router.ts';
import type { User } from '../session.ts';
import { TicketActions } from './ticket-actions.tsx';
import { PRIORITY_LABEL, LINK_KIND_LABEL } from './ticket-labels.ts';
import { TICKETS_SCREEN_PATH, ticketApiPath, ticketCallsPath, ticketEmailsPath, ticketScreenPath } from './ticket-paths.ts';
import { TicketTimeline } from './ticket-timeline.tsx';

type Loaded = { ticket: Ticket; calls: Call[]; emails: TicketEmails['items']; replies: TicketEmails['replies'] };

/** One ticket: who, what, where, its links, its whole history, and what the viewer may do with it. */
export function TicketDetail({ ticketRef, user, store }: { ticketRef: string; user: User; store: LiveStore }) {
  const live = useLive(store);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let stale = false;
    (async () => {
      try {
        const ticket = await get<Ticket>(ticketApiPath(ticketRef));
        const none: TicketEmails = { items: [], replies: [] };
        const [calls, mail] = await Promise.all([
          ticket.callSids.length > 0 ? get<CallPage>(ticketCallsPath(ticket.callSids)).then((page) => page.items) : Promise.resolve([]),
          ticket.channel === 'email' || ticket.events.some((event) => event.type === 'email')
            ? get<TicketEmails>(ticketEmailsPath(ticket.ref)).catch(() => none)
            : Promise.resolve(none),
        ]);
        if (stale) return;
        setLoaded({ ticket, calls, emails: mail.items, replies: mail.replies });
        setError(null);
      } catch (failure) {
        if (stale) return;
        setError(
          failure instanceof ApiError && failure.status === 404
            ? `La segnalazione ${ticketRef} non esiste o non è visibile con il tuo profilo.`
            : errorText(failure),
        );
      }
    })();
    return () => {
      stale = true;
    };
  }, [ticketRef, tick, live.generation]);

  // Someone else changed it (the clerk closed it, a tenant answered): show it at once.
  useEffect(() => store.onEvent((event) => isTicketEvent(event) && event.data.ticket.ref === ticketRef && setTick((n) => n + 1)), [store, ticketRef]);

  // Opening a ticket puts the reader at its title.
  useEffect(() => {
    if (loaded) heading.current?.focus();
  }, [loaded?.ticket.ref]);

  const back = (
    <a
      href={TICKETS_SCREEN_PATH}
      class="back-link"
      onClick={(event) => {
        event.preventDefault();
        navigate(TICKETS_SCREEN_PATH);
      }}
    >
      ← Torna alla ricerca
    </a>
  );
  if (error)
    return (
      <div class="ticket-detail">
        {back}
        <p class="notice error" role="alert">
          {error}
        </p>
      </div>
    );
  if (!loaded)
    return (
      <div class="ticket-detail">
        {back}
        <p class="muted">Caricamento della segnalazione…</p>
      </div>
    );

  const { ticket, calls, emails, replies } = loaded;
  const agency = live.agencies.get(ticket.agency);
  // Who ended it and how, while it stays ended: a reopened ticket has no ending to show.
  const ending = isOpenTicketStatus(ticket.status)
    ? undefined
    : [...ticket.events].reverse().find((event) => event.type === 'closed' || event.type === 'cancelled');
  const portfolioName = ticket.portfolio ? (agency?.portfolios.find((portfolio) => portfolio.id === ticket.portfolio)?.name ?? ticket.portfolio) : null;

  return (
    <div class="ticket-detail">
      {back}
      <section class="card" aria-labelledby="ticket-title">
        <div class="detail-head">
          <h2 id="ticket-title" tabIndex={-1} ref={heading}>
            Segnalazione {ticket.ref}
          </h2>
          <span class={`status ${ticket.status}`} data-testid="ticket-status">
            {TICKET_STATUS_LABEL[ticket.status] ?? ticket.status}
          </span>
        </div>
        {ticket.subject ? <p class="strong">{ticket.subject}</p> : null}
        <p class="timeline-text">{ticket.description}</p>
        <dl class="facts">
          <Fact term="Ente" value={agency?.name ?? ticket.agency} />
          <Fact term="Portafoglio" value={portfolioName ?? 'Patrimonio dell’ente'} />
          <Fact term="Categoria" value={categoryTitle(agency, ticket.category)} />
          <Fact term="Priorità" value={PRIORITY_LABEL[ticket.priority] ?? ticket.priority} />
          <Fact term="Canale" value={CHANNEL_LABEL[ticket.channel] ?? ticket.channel} />
          <Fact term="Aperta il" value={`${formatDateTime(ticket.createdAt)} da ${ticket.createdBy === 'system' ? 'Centralino' : ticket.createdBy}`} />
          <Fact
            term="Chiamante"
            value={[ticket.caller.name ?? 'non identificato', ticket.caller.phone ? formatPhone(ticket.caller.phone) : null, ticket.caller.email]
              .filter(Boolean)
              .join(' · ')}
          />
          <Fact term="Inquilino" value={ticket.tenantCode ?? '—'} />
          <Fact term="Alloggio" value={dwellingText(ticket.dwelling)} />
          <Fact term="In lavorazione da" value={ticket.assignedTo ? `${ticket.assignedTo} (dal ${formatDateTime(ticket.assignedAt)})` : 'nessuno'} />
          {ending ? (
            <Fact
              term={ending.type === 'closed' ? 'Chiusa' : 'Annullata'}
              value={`${formatDateTime(ending.at)} da ${ending.actor.kind === 'system' ? 'Centralino' : ending.actor.name}${ending.text ? `, con la nota: «${ending.text}»` : ', senza nota'}`}
              testId="ticket-ending"
            />
          ) : null}
        </dl>
        {ticket.linkedTo || (ticket.linkedFrom ?? []).length > 0 ? (
          <div class="links" data-testid="ticket-links">
            <h3>Segnalazioni collegate</h3>
            <ul>
              {ticket.linkedTo ? (
                <li>
                  {LINK_KIND_LABEL[ticket.linkedTo.kind]?.to ?? 'Collegata a'} <TicketLink ref_={ticket.linkedTo.ref} />
                </li>
              ) : null}
              {(ticket.linkedFrom ?? []).map((link) => (
                <li key={link.ref}>
                  {LINK_KIND_LABEL[link.kind]?.from ?? 'Collegata da'} <TicketLink ref_={link.ref} />
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>

      <TicketActions
        ticket={ticket}
        user={user}
        agency={agency}
        otherAgencies={[...live.agencies.values()].filter((other) => other.code !== ticket.agency)}
        onChanged={() => setTick((n) => n + 1)}
      />

      <section class="card" aria-labelledby="history-title">
        <h2 id="history-title">Cronologia</h2>
        <TicketTimeline events={ticket.events} calls={calls} emails={emails} replies={replies} />
      </section>
    </div>
  );
}

function Fact({ term, value, testId }: { term: string; value: string; testId?: string }) {
  return (
    <div data-testid={testId}>
      <dt>{term}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function TicketLink({ ref_ }: { ref_: string }) {
  return (
    <a
      href={ticketScreenPath(ref_)}
      onClick={(event) => {
        event.preventDefault();
        navigate(ticketScreenPath(ref_));
      }}
    >
      {ref_}
    </a>
  );
}
