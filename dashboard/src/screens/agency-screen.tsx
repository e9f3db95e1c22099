import { useEffect, useState } from 'preact/hooks';
import type { TicketPage, TicketSummary } from '../../../src/contracts/tickets.ts';
import { isTicketEvent } from '../../../src/domain/events.ts';
import { errorText, get, patch, query } from '../api.ts';
import { AgencySelect } from '../components/agency-select.tsx';
import { categoryTitle } from '../categories.ts';
import { whoAndWhere } from '../ticket-contact.ts';
import { ticketScreenPath } from '../tickets/ticket-paths.ts';
import { CHANNEL_LABEL, TICKET_STATUS_LABEL, formatDateTime, formatInteger, formatPct, formatSeconds } from '../format.ts';
import { useLive } from '../hooks.ts';
import type { LiveStore } from '../live-store.ts';
import { navigate } from '../router.ts';
import { TICKETS_PATH } from '../endpoints.ts';
import type { User } from '../session.ts';

const FILTERS: readonly [string, string][] = [
  ['open', 'Da lavorare'],
  ['routed', 'Nuove per l’ente'],
  ['acknowledged', 'Prese in carico'],
  ['closed', 'Chiuse'],
  ['', 'Tutte'],
];
const OPEN = new Set(['new', 'routed', 'acknowledged']);

/** "Giuseppe Rinaldi · +39 347 123 4567 · Via Riviera 41, Pavia", leaving out what is unknown. */

function matches(ticket: TicketSummary, filter: string): boolean {
  if (filter === '') return true;
  if (filter === 'open') return OPEN.has(ticket.status);
  return ticket.status === filter;
}

/** The agency's tickets, live: new ones appear at the top without a reload; acknowledge and close in place. */
export function AgencyScreen({ user, store }: { user: User; store: LiveStore }) {
  const live = useLive(store);
  const agencies = [...live.agencies.values()];
  const [agency, setAgency] = useState(user.agency ?? user.agencies[0] ?? '');
  const [filter, setFilter] = useState('open');
  const [tickets, setTickets] = useState<TicketSummary[]>([]);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [closing, setClosing] = useState<{ ref: string; note: string } | null>(null);

  useEffect(() => {
    setLoading(true);
    const status = filter === 'open' ? undefined : filter;
    get<TicketPage>(`${TICKETS_PATH}${query({ agency, status, limit: 100 })}`)
      .then((page) => {
        setTickets(page.items.filter((ticket) => matches(ticket, filter)));
        setError(null);
      })
      .catch((failure) => setError(errorText(failure)))
      .finally(() => setLoading(false));
  }, [agency, filter, live.generation]);

  useEffect(
    () =>
      store.onEvent((event) => {
        if (!isTicketEvent(event) || event.agency !== agency) return;
        const ticket = event.data.ticket;
        setTickets((current) => {
          const rest = current.filter((item) => item.ref !== ticket.ref);
          return matches(ticket, filter) ? [ticket, ...rest].sort((a, b) => b.createdAt.localeCompare(a.createdAt)) : rest;
        });
        if (event.type === 'ticket.created') setFresh((current) => new Set([...current, ticket.ref]));
      }),
    [store, agency, filter],
  );

  async function move(ticket: TicketSummary, status: 'acknowledged' | 'closed', note?: string) {
    setError(null);
    try {
      const updated = await patch<TicketSummary>(`${TICKETS_PATH}/${encodeURIComponent(ticket.ref)}`, { status, ...(note ? { note } : {}) });
      setTickets((current) => current.map((item) => (item.ref === updated.ref ? updated : item)).filter((item) => matches(item, filter)));
      setClosing(null);
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  const current = live.agencies.get(agency);
  const waiting = [...live.calls.values()].filter(
    (call) => call.agency === agency && (call.outcome === 'queued' || call.outcome === 'callback_waiting'),
  ).length;

  return (
    <div class="agency-screen">
      <section class="card agency-summary" aria-label="Oggi">
        <div class="summary-head">
          {user.role === 'agency' ? (
            <h2>{current?.name ?? agency}</h2>
          ) : (
            <label class="inline">
              Ente
              <AgencySelect agencies={agencies} value={agency} onChange={setAgency} />
            </label>
          )}
          {user.role !== 'operator' ? (
            <button type="button" class="ghost" onClick={() => navigate('/report')}>
              Report e statistiche →
            </button>
          ) : null}
        </div>
        {current ? (
          <dl class="summary">
            <div>
              <dt>In attesa ora</dt>
              <dd>{formatInteger(waiting)}</dd>
            </div>
            <div>
              <dt>Chiamate oggi (in orario)</dt>
              <dd>{formatInteger(current.today.offered)}</dd>
            </div>
            <div>
              <dt>Risposte</dt>
              <dd>{formatInteger(current.today.answered)}</dd>
            </div>
            <div>
              <dt>Abbandonate</dt>
              <dd>{formatInteger(current.today.abandoned)}</dd>
            </div>
            <div>
              <dt>Livello di servizio</dt>
              <dd>{formatPct(current.today.serviceLevelPct)}</dd>
            </div>
            <div>
              <dt>Tempo medio di risposta</dt>
              <dd>{formatSeconds(current.today.asaSeconds)}</dd>
            </div>
          </dl>
        ) : null}
      </section>

      <section class="card" aria-labelledby="tickets-title">
        <div class="list-head">
          <h2 id="tickets-title">Segnalazioni</h2>
          <div class="segmented" role="group" aria-label="Filtro">
            {FILTERS.map(([value, label]) => (
              <button type="button" key={value} aria-pressed={filter === value} onClick={() => setFilter(value)}>
                {label}
              </button>
            ))}
          </div>
        </div>
        {error ? (
          <p class="notice error" role="alert">
            {error}
          </p>
        ) : null}
        {loading && tickets.length === 0 ? <p class="muted">Caricamento…</p> : null}
        {!loading && tickets.length === 0 ? <p class="muted">Nessuna segnalazione in questo elenco.</p> : null}
        <ul class="tickets" aria-live="polite">
          {tickets.map((ticket) => (
            <li key={ticket.ref} class={`ticket ${fresh.has(ticket.ref) ? 'fresh' : ''}`} data-ref={ticket.ref}>
              <div class="ticket-main">
                <div class="ticket-title">
                  <a
                    href={ticketScreenPath(ticket.ref)}
                    onClick={(event) => {
                      event.preventDefault();
                      navigate(ticketScreenPath(ticket.ref));
                    }}
                  >
                    <strong>{ticket.ref}</strong>
                  </a>
                  <span class={`status ${ticket.status}`}>{TICKET_STATUS_LABEL[ticket.status] ?? ticket.status}</span>
                  <span class="muted small">
                    {categoryTitle(live.agencies.get(ticket.agency), ticket.category)} · {CHANNEL_LABEL[ticket.channel] ?? ticket.channel} ·{' '}
                    {formatDateTime(ticket.createdAt)}
                  </span>
                </div>
                <p class="description">
                  {ticket.subject ? <strong>{ticket.subject}: </strong> : null}
                  {ticket.description}
                </p>
                <div class="muted small">{whoAndWhere(ticket)}</div>
              </div>
              {closing?.ref === ticket.ref ? (
                <form
                  class="close-form"
                  onSubmit={(event) => {
                    event.preventDefault();
                    void move(ticket, 'closed', closing.note.trim() || undefined);
                  }}
                >
                  <label>
                    Nota di chiusura (facoltativa)
                    <input
                      autoFocus
                      value={closing.note}
                      onInput={(event) => setClosing({ ref: ticket.ref, note: event.currentTarget.value })}
                      onKeyDown={(event) => event.key === 'Escape' && setClosing(null)}
                    />
                  </label>
                  <div class="ticket-actions">
                    <button type="submit" class="primary" data-action="confirm-close">
                      Conferma chiusura
                    </button>
                    <button type="button" onClick={() => setClosing(null)}>
                      Annulla
                    </button>
                  </div>
                </form>
              ) : (
                <div class="ticket-actions">
                  {/* A new ticket is still being checked by the call center: only a routed one can be taken on. */}
                  {ticket.status === 'new' ? <span class="muted">In verifica al call center</span> : null}
                  {ticket.status === 'routed' ? (
                    <button type="button" onClick={() => void move(ticket, 'acknowledged')} data-action="acknowledge">
                      Prendi in carico
                    </button>
                  ) : null}
                  {ticket.status === 'routed' || ticket.status === 'acknowledged' ? (
                    <button type="button" onClick={() => setClosing({ ref: ticket.ref, note: '' })} data-action="close">
                      Chiudi
                    </button>
                  ) : null}
                </div>
              )}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
