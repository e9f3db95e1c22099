import { useEffect, useState } from 'preact/hooks';
import type { Callback } from '../../../src/contracts/callbacks.ts';
import type { Page } from '../../../src/contracts/common.ts';
import type { Ticket } from '../../../src/contracts/tickets.ts';
import { ApiError, errorText, get, post } from '../api.ts';
import { categoryTitle } from '../categories.ts';
import { useLive } from '../hooks.ts';
import { TICKET_STATUS_LABEL, formatDateTime, formatPhone } from '../format.ts';
import type { LiveStore } from '../live-store.ts';
import { navigate } from '../router.ts';
import { CALLBACK_PATH, CALLBACKS_PATH, EMAIL_ITEMS_PATH, TICKETS_PATH } from '../endpoints.ts';
import { ticketScreenPath } from '../tickets/ticket-paths.ts';

/** `total`, `overdue`: the server's counts over every page (call-backs), null when the list gives none. */
type ListState<T> = { items: T[]; error: string | null; unavailable: boolean; total: number | null; overdue: number | null };

const OPEN = new Set(['new', 'routed', 'acknowledged']);

/** Why an e-mail ticket names an older one (the mail was not written into it). */
const LINK_LABEL: Record<'mentions' | 'follow_up', string> = {
  mentions: 'Mittente estraneo: cita la segnalazione',
  follow_up: 'Seguito della segnalazione chiusa',
};

/** How a call back went (the callbacks module's outcomes). */
const CALLBACK_OUTCOMES: readonly [string, string][] = [
  ['reached', 'Raggiunto'],
  ['no_answer', 'Non risponde'],
  ['busy', 'Occupato'],
  ['voicemail', 'Segreteria'],
  ['wrong_number', 'Numero errato'],
];

/** A list from the API, reloaded after resyncs and whenever an event of its kind arrives. */
function useWorkList<T>(store: LiveStore, path: string, eventPrefix: string, generation: number): [ListState<T>, () => void] {
  const [state, setState] = useState<ListState<T>>({ items: [], error: null, unavailable: false, total: null, overdue: null });
  const [tick, setTick] = useState(0);
  useEffect(() => store.onEvent((event) => event.type.startsWith(eventPrefix) && setTick((n) => n + 1)), [store, eventPrefix]);
  useEffect(() => {
    get<Page<T> & { total?: number; overdue?: number }>(path)
      .then((reply) => setState({ items: reply.items, error: null, unavailable: false, total: reply.total ?? null, overdue: reply.overdue ?? null }))
      .catch((error) =>
        setState({ items: [], error: errorText(error), unavailable: error instanceof ApiError && error.status === 404, total: null, overdue: null }),
      );
  }, [path, generation, tick]);
  return [state, () => setTick((n) => n + 1)];
}

/** The operator's other work: callers owed a call back, and e-mails to handle. */
export function WorkLists({
  store,
  generation,
  username,
  agencyName,
}: {
  store: LiveStore;
  generation: number;
  username: string;
  agencyName: (code: string) => string;
}) {
  const [callbacks, reloadCallbacks] = useWorkList<Callback>(store, CALLBACKS_PATH, 'callback.', generation);
  const [emailTickets] = useWorkList<Ticket>(store, EMAIL_ITEMS_PATH, 'ticket.', generation);
  const [error, setError] = useState<string | null>(null);
  const live = useLive(store);
  const emails = emailTickets.items.filter((ticket) => ticket.channel === 'email' && OPEN.has(ticket.status));

  async function takeCallback(item: Callback) {
    setError(null);
    try {
      await post(`${CALLBACK_PATH(item.id)}/take`);
      reloadCallbacks();
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  async function recordOutcome(item: Callback, outcome: string) {
    setError(null);
    try {
      await post(`${CALLBACK_PATH(item.id)}/outcome`, { outcome });
      reloadCallbacks();
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  async function take(ticket: Ticket) {
    setError(null);
    try {
      await post(`${TICKETS_PATH}/${encodeURIComponent(ticket.ref)}/take`);
      // Taken means worked on: the mail, its category, the route and the reply are on the ticket's page.
      navigate(ticketScreenPath(ticket.ref));
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  return (
    <div class="work-lists">
      <div>
        <h2>
          Richiamate{' '}
          <span class="count" data-testid="work-callbacks-total">
            {callbacks.total ?? callbacks.items.length}
          </span>
          {callbacks.overdue ? <span class="muted small"> · {callbacks.overdue} scadute</span> : null}
        </h2>
        <p class="small">
          <a
            href="/richiamate"
            onClick={(event) => {
              event.preventDefault();
              navigate('/richiamate');
            }}
          >
            Elenco completo e richiamata dal browser
          </a>
        </p>
        {callbacks.unavailable ? (
          <p class="muted small">Elenco richiamate non disponibile su questo server.</p>
        ) : callbacks.error ? (
          <p class="notice error">{callbacks.error}</p>
        ) : callbacks.items.length === 0 ? (
          <p class="muted small">Nessun chiamante da richiamare.</p>
        ) : (
          <ul class="items" data-testid="callbacks">
            {callbacks.items.slice(0, 20).map((item) => (
              <li key={item.id} data-callback={item.id}>
                <div class="item-head">
                  <strong>{formatPhone(item.callerPhone)}</strong>
                  {!item.assignedTo ? (
                    <button type="button" class="small-button" onClick={() => void takeCallback(item)}>
                      Prendi
                    </button>
                  ) : item.assignedTo !== username ? (
                    <span class="muted small">di {item.assignedTo}</span>
                  ) : null}
                </div>
                <div class="muted small">
                  {agencyName(item.agency)} · {item.category ? categoryTitle(live.agencies.get(item.agency), item.category) : 'Coda'} · entro{' '}
                  {formatDateTime(item.dueAt)} · tentativi {item.attempts}
                </div>
                {item.assignedTo === username ? (
                  <div class="outcomes" role="group" aria-label="Esito della richiamata">
                    {CALLBACK_OUTCOMES.map(([value, label]) => (
                      <button type="button" class="small-button" key={value} onClick={() => void recordOutcome(item, value)}>
                        {label}
                      </button>
                    ))}
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <h2>
          E-mail da lavorare <span class="count">{emails.length}</span>
        </h2>
        {error ? (
          <p class="notice error" role="alert">
            {error}
          </p>
        ) : null}
        {emailTickets.error ? (
          <p class="notice error">{emailTickets.error}</p>
        ) : emails.length === 0 ? (
          <p class="muted small">Nessuna e-mail in attesa.</p>
        ) : (
          <ul class="items" data-testid="emails">
            {emails.slice(0, 20).map((ticket) => (
              <li key={ticket.ref}>
                <div class="item-head">
                  <strong class="clamp">{ticket.subject || ticket.description.slice(0, 80) || '(senza oggetto)'}</strong>
                  {ticket.assignedTo === username ? (
                    <a
                      class="small-button button"
                      href={ticketScreenPath(ticket.ref)}
                      onClick={(event) => {
                        event.preventDefault();
                        navigate(ticketScreenPath(ticket.ref));
                      }}
                    >
                      Apri
                    </a>
                  ) : ticket.assignedTo ? (
                    <span class="muted small">di {ticket.assignedTo}</span>
                  ) : (
                    <button type="button" class="small-button" onClick={() => void take(ticket)}>
                      Prendi
                    </button>
                  )}
                </div>
                <div class="muted small">
                  {ticket.ref} · {agencyName(ticket.agency)} · {TICKET_STATUS_LABEL[ticket.status] ?? ticket.status} · {formatDateTime(ticket.createdAt)}
                </div>
                {ticket.linkedTo ? (
                  <div class="small" data-testid="ticket-link">
                    {LINK_LABEL[ticket.linkedTo.kind]} {ticket.linkedTo.ref}
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
