import { useEffect, useRef, useState } from 'preact/hooks';
import type { Callback, CallbackDial, CallbackPage } from '../../../src/contracts/callbacks.ts';
import type { SoftphoneStatus } from '../../../src/contracts/live.ts';
import { errorText, get, post, query } from '../api.ts';
import { CALLBACK_PATH, CALLBACKS_LIST_PATH } from '../endpoints.ts';
import { categoryTitle } from '../categories.ts';
import { formatDateTime, formatInteger, formatPhone } from '../format.ts';
import { useLive, useServerNow } from '../hooks.ts';
import type { LiveStore } from '../live-store.ts';
import type { User } from '../session.ts';
import type { BrowserCall } from '../twilio-softphone.ts';
import { callBackWithTwilio } from '../twilio-softphone.ts';
import { TableScroll } from '../components/table-scroll.tsx';

const PAGE_SIZE = 20;

type Filter = 'all' | 'overdue' | 'due';
const FILTERS: readonly [Filter, string][] = [
  ['all', 'Tutte le aperte'],
  ['overdue', 'Scadute'],
  ['due', 'In tempo'],
];

/** How the call back went: the outcomes an operator picks after dialling (callbacks module). */
const OUTCOMES: readonly [string, string][] = [
  ['resolved', 'Risolto'],
  ['answered', 'Ha risposto, da completare'],
  ['no_answer', 'Non risponde'],
  ['wrong_number', 'Numero errato'],
];

type Dialling = { item: Callback; mode: 'twilio' | 'simulator'; ended: boolean };

/**
 * Callers owed a call back: the true totals of the filter (not the page's length), soonest due first
 * so overdue ones lead, and "Richiama": the server checks the task and answers the softphone's
 * params, the browser softphone dials (simulated when Twilio is not configured), and the outcome is
 * recorded.
 */
export function CallbacksScreen({ user, store }: { user: User; store: LiveStore }) {
  const live = useLive(store);
  const now = useServerNow(live.clockOffsetMs);
  const [filter, setFilter] = useState<Filter>('all');
  const [agency, setAgency] = useState('');
  const [page, setPage] = useState<{ items: Callback[]; nextCursor: string | null; total: number; overdue: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialling, setDialling] = useState<Dialling | null>(null);
  const [note, setNote] = useState('');
  const [tick, setTick] = useState(0);
  const browserCall = useRef<BrowserCall | null>(null);
  const outcomeGroup = useRef<HTMLFieldSetElement>(null);
  const agencies = [...live.agencies.values()];

  const params = (cursor?: string) =>
    query({ status: 'open', overdue: filter === 'all' ? undefined : String(filter === 'overdue'), agency: agency || undefined, limit: PAGE_SIZE, cursor });

  useEffect(() => store.onEvent((event) => event.type.startsWith('callback.') && setTick((n) => n + 1)), [store]);
  useEffect(() => {
    get<CallbackPage>(`${CALLBACKS_LIST_PATH}${params()}`)
      .then((answer) => {
        setPage(answer);
        setError(null);
      })
      .catch((failure) => setError(errorText(failure)));
  }, [filter, agency, tick, live.generation]);

  async function more() {
    if (!page?.nextCursor) return;
    try {
      const answer = await get<CallbackPage>(`${CALLBACKS_LIST_PATH}${params(page.nextCursor)}`);
      setPage({ ...answer, items: [...page.items, ...answer.items] });
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  async function callBack(item: Callback) {
    setError(null);
    setNotice(null);
    try {
      if (!item.assignedTo) await post(`${CALLBACK_PATH(item.id)}/take`);
      const [{ connect }, softphone] = await Promise.all([post<CallbackDial>(`${CALLBACK_PATH(item.id)}/dial`), get<SoftphoneStatus>('/api/v1/softphone')]);
      setNote('');
      if (softphone.mode === 'twilio') {
        setDialling({ item, mode: 'twilio', ended: false });
        browserCall.current = await callBackWithTwilio(connect, {
          onEnded: (reason) => {
            browserCall.current = null;
            setDialling((current) => (current ? { ...current, ended: true } : current));
            if (reason) setError(reason);
          },
        });
      } else {
        // Simulator: no audio; the operator plays the call and records how it went.
        setDialling({ item, mode: 'simulator', ended: false });
      }
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  useEffect(() => {
    if (dialling) outcomeGroup.current?.querySelector('button')?.focus();
  }, [dialling?.item.id]);

  async function record(outcome: string, label: string) {
    if (!dialling) return;
    browserCall.current?.hangUp();
    try {
      await post(`${CALLBACK_PATH(dialling.item.id)}/outcome`, { outcome, note: note.trim() || undefined });
      setNotice(`Richiamata di ${formatPhone(dialling.item.callerPhone)}: ${label}.`);
      setDialling(null);
      setTick((n) => n + 1);
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  return (
    <div class="page callbacks-page">
      <h1>Richiamate</h1>
      <section class="card" aria-labelledby="callbacks-title">
        <div class="panel-head wrap">
          <h2 id="callbacks-title">
            Da richiamare{' '}
            <span class="count" data-testid="callbacks-total">
              {page ? formatInteger(page.total) : '…'}
            </span>{' '}
            <span class="muted small">aperte, di cui</span>{' '}
            <span class="count overdue-count" data-testid="callbacks-overdue">
              {page ? formatInteger(page.overdue) : '…'}
            </span>{' '}
            <span class="muted small">scadute</span>
          </h2>
        </div>
        <div class="filters">
          <div class="segmented" role="group" aria-label="Filtro scadenza">
            {FILTERS.map(([value, label]) => (
              <button type="button" key={value} aria-pressed={filter === value} onClick={() => setFilter(value)}>
                {label}
              </button>
            ))}
          </div>
          {agencies.length > 1 ? (
            <label class="inline">
              Ente
              <select value={agency} onChange={(event) => setAgency((event.target as HTMLSelectElement).value)}>
                <option value="">Tutti</option>
                {agencies.map((entry) => (
                  <option key={entry.code} value={entry.code}>
                    {entry.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>

        {dialling ? (
          <section class="dialling" aria-labelledby="dialling-title" data-testid="dialling">
            <h3 id="dialling-title">
              {dialling.ended ? 'Chiamata terminata' : 'In chiamata'} con {formatPhone(dialling.item.callerPhone)}
            </h3>
            <p class="muted small">
              {dialling.mode === 'simulator'
                ? 'Modalità simulatore (Twilio non configurato): la chiamata è simulata, senza audio.'
                : 'Softphone Twilio: la chiamata parte da questo browser con il numero dell’ente.'}
            </p>
            <label>
              Nota (facoltativa)
              <input type="text" value={note} maxLength={2000} onInput={(event) => setNote((event.target as HTMLInputElement).value)} />
            </label>
            <fieldset class="outcomes" ref={outcomeGroup}>
              <legend>Com’è andata?</legend>
              {OUTCOMES.map(([value, label]) => (
                <button type="button" key={value} onClick={() => void record(value, label)} data-outcome={value}>
                  {label}
                </button>
              ))}
            </fieldset>
          </section>
        ) : null}
        {notice ? (
          <p class="notice success" role="status">
            {notice}
          </p>
        ) : null}
        {error ? (
          <p class="notice error" role="alert">
            {error}
          </p>
        ) : null}

        {page && page.items.length === 0 ? <p class="muted">Nessun chiamante da richiamare.</p> : null}
        {page && page.items.length > 0 ? (
          <TableScroll label="Elenco richiamate">
            <table class="callbacks" data-testid="callbacks-table">
              <thead>
                <tr>
                  <th scope="col">Chiamante</th>
                  <th scope="col">Scadenza</th>
                  <th scope="col">Ente e coda</th>
                  <th scope="col" class="num">
                    Chiamate perse
                  </th>
                  <th scope="col" class="num">
                    Tentativi
                  </th>
                  <th scope="col">Assegnata a</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((item) => (
                  <tr key={item.id} class={item.overdue ? 'overdue' : undefined} data-callback={item.id}>
                    <td class="nowrap caller-cell">
                      <strong>{formatPhone(item.callerPhone)}</strong>
                      <button
                        type="button"
                        class="primary small-button"
                        disabled={dialling !== null || (item.assignedTo !== null && item.assignedTo !== user.username && user.role === 'operator')}
                        onClick={() => void callBack(item)}
                        aria-label={`Richiama ${formatPhone(item.callerPhone)}`}
                      >
                        Richiama
                      </button>
                    </td>
                    <td>
                      {item.overdue ? (
                        <strong class="overdue-text nowrap">Scaduta da {formatLateness(now - Date.parse(item.dueAt))}</strong>
                      ) : (
                        <span>Entro {formatDateTime(item.dueAt)}</span>
                      )}
                      {item.overdue ? <div class="muted small">era entro {formatDateTime(item.dueAt)}</div> : null}
                    </td>
                    <td>
                      {live.agencies.get(item.agency)?.name ?? item.agency} ·{' '}
                      {item.category ? categoryTitle(live.agencies.get(item.agency), item.category) : 'Coda'}
                    </td>
                    <td class="num">{item.abandonedCalls}</td>
                    <td class="num">{item.attempts}</td>
                    <td>{item.assignedTo ? (item.assignedTo === user.username ? 'a te' : item.assignedTo) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ) : null}
        {page?.nextCursor ? (
          <button type="button" onClick={() => void more()} data-testid="callbacks-more">
            Mostra altre ({formatInteger(page.total - page.items.length)} rimanenti)
          </button>
        ) : null}
      </section>
    </div>
  );
}

/** How late a call back is, in the words a supervisor would say: "25 min", "2 h 10 min", "3 g". */
function formatLateness(milliseconds: number): string {
  const minutes = Math.max(1, Math.floor(milliseconds / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} g`;
}
