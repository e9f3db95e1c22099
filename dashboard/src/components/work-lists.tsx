import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorText, get } from '../api.ts';
import type { Callback, EmailItem, Page } from '../api-types.ts';
import { CATEGORY_LABEL, formatDateTime, formatPhone } from '../format.ts';
import type { LiveStore } from '../live-store.ts';
import { CALLBACKS_PATH, EMAIL_ITEMS_PATH } from '../endpoints.ts';

type ListState<T> = { items: T[]; error: string | null; unavailable: boolean };

/** A list from the API, reloaded after resyncs and whenever an event of its kind arrives. */
function useWorkList<T>(store: LiveStore, path: string, eventPrefix: string, generation: number): ListState<T> {
  const [state, setState] = useState<ListState<T>>({ items: [], error: null, unavailable: false });
  const [tick, setTick] = useState(0);
  useEffect(() => store.onEvent((event) => event.type.startsWith(eventPrefix) && setTick((n) => n + 1)), [store, eventPrefix]);
  useEffect(() => {
    get<Page<T> | T[]>(path)
      .then((reply) => setState({ items: Array.isArray(reply) ? reply : reply.items, error: null, unavailable: false }))
      .catch((error) => setState({ items: [], error: errorText(error), unavailable: error instanceof ApiError && error.status === 404 }));
  }, [path, generation, tick]);
  return state;
}

/** The operator's other work: callers owed a call back, and e-mails to handle. */
export function WorkLists({ store, generation }: { store: LiveStore; generation: number }) {
  const callbacks = useWorkList<Callback>(store, CALLBACKS_PATH, 'callback.', generation);
  const emails = useWorkList<EmailItem>(store, EMAIL_ITEMS_PATH, 'email.', generation);
  return (
    <div class="work-lists">
      <div>
        <h2>
          Richiamate <span class="count">{callbacks.items.length}</span>
        </h2>
        {callbacks.unavailable ? (
          <p class="muted small">Non disponibile.</p>
        ) : callbacks.error ? (
          <p class="notice error">{callbacks.error}</p>
        ) : callbacks.items.length === 0 ? (
          <p class="muted small">Nessun chiamante da richiamare.</p>
        ) : (
          <ul class="items">
            {callbacks.items.slice(0, 20).map((item) => (
              <li key={item.id}>
                <strong>{formatPhone(item.callerPhone)}</strong> · {CATEGORY_LABEL[item.category ?? ''] ?? 'Coda'}
                <div class="muted small">
                  {item.agency} · entro {formatDateTime(item.dueAt)} · tentativi {item.attempts}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <h2>
          E-mail da lavorare <span class="count">{emails.items.length}</span>
        </h2>
        {emails.unavailable ? (
          <p class="muted small">Non disponibile.</p>
        ) : emails.error ? (
          <p class="notice error">{emails.error}</p>
        ) : emails.items.length === 0 ? (
          <p class="muted small">Nessuna e-mail in attesa.</p>
        ) : (
          <ul class="items">
            {emails.items.slice(0, 20).map((item) => (
              <li key={item.id}>
                <strong class="clamp">{item.subject || '(senza oggetto)'}</strong>
                <div class="muted small">
                  {item.from ?? '—'} · {item.agency ?? 'da smistare'} · {formatDateTime(item.receivedAt)}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
