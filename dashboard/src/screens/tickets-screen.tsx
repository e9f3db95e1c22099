import { useEffect, useRef, useState } from 'preact/hooks';
import type { LiveAgency } from '../../../src/contracts/live.ts';
import type { TicketPage, TicketSummary } from '../../../src/contracts/tickets.ts';
import { TICKET_CHANNELS, TICKET_STATUSES } from '../../../src/domain/ticket-state.ts';
import { errorText, get, query } from '../api.ts';
import { whoAndWhere } from '../ticket-contact.ts';
import { categoryFilterOptions, categoryTitle } from '../categories.ts';
import { CATEGORY_LABEL, CHANNEL_LABEL, TICKET_STATUS_LABEL, formatDateTime } from '../format.ts';
import { useLive } from '../hooks.ts';
import type { LiveStore } from '../live-store.ts';
import { navigate, usePath } from '../router.ts';
import type { User } from '../session.ts';
import { TicketDetail } from '../tickets/ticket-detail.tsx';
import { refOfScreenPath, ticketScreenPath } from '../tickets/ticket-paths.ts';

type Filters = { q: string; agency: string; portfolio: string; category: string; status: string; channel: string; from: string; to: string };

const EMPTY: Filters = { q: '', agency: '', portfolio: '', category: '', status: '', channel: '', from: '', to: '' };
const PAGE_SIZE = 25;

/** The last search, kept while the user opens a ticket and comes back to the list. */
let lastFilters: Filters = EMPTY;

/** `/segnalazioni` is the search, `/segnalazioni/<ref>` one ticket. */
export function TicketsArea({ user, store }: { user: User; store: LiveStore }) {
  const path = usePath();
  const ref = refOfScreenPath(path);
  return ref ? <TicketDetail key={ref} ticketRef={ref} user={user} store={store} /> : <TicketsScreen user={user} store={store} />;
}

function TicketsScreen({ user, store }: { user: User; store: LiveStore }) {
  const live = useLive(store);
  const agencies = [...live.agencies.values()];
  const [draft, setDraft] = useState<Filters>(lastFilters);
  const [applied, setApplied] = useState<Filters>(lastFilters);
  const [items, setItems] = useState<TicketSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const firstNew = useRef<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);

  const portfolios = portfoliosOf(agencies, draft.agency);

  async function load(filters: Filters, after: string | null) {
    setLoading(true);
    setError(null);
    try {
      const page = await get<TicketPage>(
        `/api/v1/tickets${query({
          q: filters.q.trim(),
          agency: filters.agency,
          portfolio: filters.portfolio,
          category: filters.category,
          status: filters.status,
          channel: filters.channel,
          from: filters.from,
          to: filters.to,
          limit: PAGE_SIZE,
          cursor: after,
        })}`,
      );
      firstNew.current = after ? (page.items[0]?.ref ?? null) : null;
      setItems((current) => (after ? [...current, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (failure) {
      setError(errorText(failure));
      if (!after) setItems([]);
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    lastFilters = applied;
    void load(applied, null);
  }, [applied, live.generation]);

  // After "Carica altri", the keyboard lands on the first ticket that was added.
  useEffect(() => {
    if (!firstNew.current) return;
    listRef.current?.querySelector<HTMLAnchorElement>(`[data-ref="${CSS.escape(firstNew.current)}"] a`)?.focus();
    firstNew.current = null;
  }, [items]);

  const set = (key: keyof Filters) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement | HTMLSelectElement).value;
    setDraft((current) => ({ ...current, [key]: value, ...(key === 'agency' ? { portfolio: '' } : {}) }));
  };
  const filtered = Object.entries(applied).some(([key, value]) => key !== 'q' && value !== '');

  return (
    <div class="tickets-screen">
      <section class="card" aria-labelledby="search-title">
        <h2 id="search-title">Cerca segnalazioni</h2>
        <form
          role="search"
          class="ticket-search"
          onSubmit={(event) => {
            event.preventDefault();
            setApplied({ ...draft });
          }}
        >
          <label class="search-box">
            Riferimento, telefono, nome, indirizzo o testo
            <input
              type="search"
              name="q"
              value={draft.q}
              onInput={set('q')}
              placeholder="es. PV-2026-000123, 348 555 1234, Rossi, Via Riviera 41"
              autoComplete="off"
              data-testid="ticket-search"
            />
          </label>
          <div class="search-filters">
            {agencies.length > 1 ? (
              <label>
                Ente
                <select name="agency" value={draft.agency} onChange={set('agency')}>
                  <option value="">Tutti i tuoi enti</option>
                  {agencies.map((agency) => (
                    <option key={agency.code} value={agency.code}>
                      {agency.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            {portfolios.length > 0 ? (
              <label>
                Portafoglio
                <select name="portfolio" value={draft.portfolio} onChange={set('portfolio')}>
                  <option value="">Tutti</option>
                  {portfolios.map((portfolio) => (
                    <option key={portfolio.id} value={portfolio.id}>
                      {portfolio.name}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            <label>
              Categoria
              <select name="category" value={draft.category} onChange={set('category')}>
                <option value="">Tutte</option>
                {categoryFilterOptions(agencies.filter((agency) => !draft.agency || agency.code === draft.agency)).map((option) => (
                  <option key={option.code} value={option.code}>
                    {option.title}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Stato
              <select name="status" value={draft.status} onChange={set('status')}>
                <option value="">Tutti</option>
                {TICKET_STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {TICKET_STATUS_LABEL[status]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Canale
              <select name="channel" value={draft.channel} onChange={set('channel')}>
                <option value="">Tutti</option>
                {TICKET_CHANNELS.map((channel) => (
                  <option key={channel} value={channel}>
                    {CHANNEL_LABEL[channel]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Dal
              <input type="date" name="from" value={draft.from} onInput={set('from')} />
            </label>
            <label>
              Al
              <input type="date" name="to" value={draft.to} onInput={set('to')} />
            </label>
          </div>
          <div class="search-actions">
            <button type="submit" class="primary">
              Cerca
            </button>
            <button
              type="button"
              onClick={() => {
                setDraft(EMPTY);
                setApplied(EMPTY);
              }}
            >
              Azzera
            </button>
          </div>
        </form>
      </section>

      <section class="card" aria-labelledby="results-title">
        <div class="list-head">
          <h2 id="results-title">Risultati</h2>
          <p class="muted small" aria-live="polite" data-testid="results-count">
            {loading && items.length === 0
              ? 'Ricerca in corso…'
              : items.length === 0
                ? ''
                : `${items.length} segnalazion${items.length === 1 ? 'e' : 'i'} mostrat${items.length === 1 ? 'a' : 'e'}${cursor ? ', altre disponibili' : ''}`}
          </p>
        </div>
        {error ? (
          <p class="notice error" role="alert">
            {error}
          </p>
        ) : null}
        {!loading && !error && items.length === 0 ? (
          <div class="empty-state" data-testid="tickets-empty">
            <p>
              <strong>Nessuna segnalazione trovata.</strong>
            </p>
            <p class="muted">
              {applied.q || filtered
                ? 'Controlla il riferimento o il numero (va bene in qualsiasi forma, ad es. 348 555 1234), prova con il solo cognome o la via, oppure togli qualche filtro con «Azzera».'
                : user.role === 'agency'
                  ? 'Le segnalazioni del tuo ente compariranno qui appena registrate dal call center.'
                  : 'Non ci sono ancora segnalazioni per i tuoi enti.'}
            </p>
          </div>
        ) : null}
        <ul class="tickets result-list" ref={listRef} data-testid="ticket-results">
          {items.map((ticket) => (
            <li key={ticket.ref} class="ticket" data-ref={ticket.ref}>
              <div class="ticket-main">
                <div class="ticket-title">
                  <a
                    href={ticketScreenPath(ticket.ref)}
                    class="ticket-link"
                    onClick={(event) => {
                      event.preventDefault();
                      navigate(ticketScreenPath(ticket.ref));
                    }}
                  >
                    {ticket.ref}
                  </a>
                  <span class={`status ${ticket.status}`}>{TICKET_STATUS_LABEL[ticket.status] ?? ticket.status}</span>
                  <span class="muted small">
                    {agencies.length > 1 ? `${live.agencies.get(ticket.agency)?.name ?? ticket.agency} · ` : ''}
                    {categoryTitle(live.agencies.get(ticket.agency), ticket.category)} · {CHANNEL_LABEL[ticket.channel] ?? ticket.channel} ·{' '}
                    {formatDateTime(ticket.createdAt)}
                  </span>
                </div>
                <p class="description clamp">
                  {ticket.subject ? <strong>{ticket.subject}: </strong> : null}
                  {ticket.description}
                </p>
                <div class="muted small">{whoAndWhere(ticket)}</div>
              </div>
            </li>
          ))}
        </ul>
        {cursor ? (
          <button type="button" class="load-more" disabled={loading} onClick={() => void load(applied, cursor)} data-testid="load-more">
            {loading ? 'Caricamento…' : 'Carica altri'}
          </button>
        ) : null}
      </section>
    </div>
  );
}

function portfoliosOf(agencies: readonly LiveAgency[], agency: string) {
  return agencies.filter((candidate) => agency === '' || candidate.code === agency).flatMap((candidate) => candidate.portfolios);
}
