import { useEffect, useState } from 'preact/hooks';
import type { AuditEntry } from '../../../src/contracts/audit.ts';
import type { Page } from '../../../src/contracts/common.ts';
import { errorText, get, query } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { ADMIN_API } from './admin-paths.ts';

/** What each recorded action is called on screen. */
const ACTION_LABEL: Readonly<Record<string, string>> = {
  'agency.create': 'Ente creato',
  'user.create': 'Utente creato',
  'user.update': 'Utente modificato',
  'user.password_reset': 'Password reimpostata',
  'token.create': 'Token creato',
  'token.revoke': 'Token revocato',
  'delivery_target.create': 'Destinazione di consegna aggiunta',
  'delivery_target.update': 'Destinazione di consegna modificata',
  'delivery_target.test': 'Consegna di prova inviata',
  'incident.declare': 'Guasto di stabile dichiarato',
  'incident.link': 'Segnalazioni collegate a un guasto',
  'incident.close': 'Guasto di stabile chiuso',
};

/** The parts of an agency's configuration, as the agency page names them. */
const PART_LABEL: Readonly<Record<string, string>> = {
  code: 'codice',
  ticketPrefix: 'prefisso segnalazioni',
  timezone: 'fuso orario',
  name: 'nome',
  emergencyNumber: 'numero di emergenza',
  serviceLevelSeconds: 'livello di servizio',
  serviceLevelTargetPct: 'obiettivo di servizio',
  shortAbandonSeconds: 'abbandono breve',
  callbackDueMinutes: 'scadenza richiamate',
  queuedCallbackSeconds: 'soglia richiamata senza perdere il posto',
  wallWaitAlertSeconds: 'tabellone: attesa in rosso',
  wallAbandonAmberPct: 'tabellone: abbandoni in giallo',
  wallAbandonRedPct: 'tabellone: abbandoni in rosso',
  portfolios: 'portafogli',
  numbers: 'numeri',
  emailAddresses: 'indirizzi e-mail',
  schedule: 'orari',
  queues: 'code di attesa',
  contract: 'contratto',
};

export function actionLabel(action: string): string {
  if (ACTION_LABEL[action]) return ACTION_LABEL[action];
  if (action.startsWith('agency.'))
    return `Modificati: ${action
      .slice('agency.'.length)
      .split('+')
      .map((part) => PART_LABEL[part] ?? part)
      .join(', ')}`;
  return action;
}

/** A value of the trail as one readable line (lists and records as compact JSON). */
function shown(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 1).replace(/\s*\n\s*/g, ' ');
}

/**
 * The changes recorded, newest first, with what each part was and became; "Carica altri" pages
 * back. A new `revision` (the page's configuration after a save) reads the newest entries again.
 */
export function AuditList({ agency, title, revision }: { agency?: string; title: string; revision?: unknown }) {
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function load(after: string | null) {
    try {
      const page = await get<Page<AuditEntry>>(`${ADMIN_API.audit}${query({ agency, cursor: after, limit: 20 })}`);
      setItems((current) => (after ? [...(current ?? []), ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(null);
    } catch (failure) {
      setError(errorText(failure));
    }
  }
  useEffect(() => {
    void load(null);
  }, [agency, revision]);

  return (
    <section class="card admin-section" aria-labelledby="audit-title">
      <h3 id="audit-title">{title}</h3>
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {items === null && !error ? <p class="muted">Caricamento…</p> : null}
      {items?.length === 0 ? <p class="muted">Nessuna modifica registrata.</p> : null}
      <ol class="audit-list">
        {(items ?? []).map((entry) => (
          <li key={entry.id}>
            <header>
              <strong>{actionLabel(entry.action)}</strong>{' '}
              <span class="muted small">
                {formatDateTime(entry.at)} · {entry.actor.name}
                {entry.agency && !agency ? ` · ${entry.agency}` : ''}
              </span>
            </header>
            <Changes before={entry.before} after={entry.after} />
          </li>
        ))}
      </ol>
      {cursor ? (
        <button type="button" class="load-more" onClick={() => void load(cursor)}>
          Carica altri
        </button>
      ) : null}
    </section>
  );
}

function Changes({ before, after }: { before: unknown; after: unknown }) {
  const keys = [...new Set([...Object.keys((before as object | null) ?? {}), ...Object.keys((after as object | null) ?? {})])];
  const side = (value: unknown, key: string) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined);
  const changed = keys.filter((key) => JSON.stringify(side(before, key)) !== JSON.stringify(side(after, key)));
  if (changed.length === 0) return null;
  return (
    <dl class="audit-changes small">
      {changed.map((key) => (
        <div key={key}>
          <dt>{PART_LABEL[key] ?? key}</dt>
          <dd>
            <span class="before">
              <span class="sr-only">prima: </span>
              {shown(side(before, key))}
            </span>{' '}
            <span aria-hidden="true">→</span>{' '}
            <span class="after">
              <span class="sr-only">dopo: </span>
              {shown(side(after, key))}
            </span>
          </dd>
        </div>
      ))}
    </dl>
  );
}
