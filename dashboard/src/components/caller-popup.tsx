import { useEffect, useState } from 'preact/hooks';
import type { Dwelling } from '../../../src/contracts/common.ts';
import type { LiveCall } from '../../../src/contracts/live.ts';
import type { CallerLookup } from '../../../src/contracts/tenants.ts';
import { errorText, get } from '../api.ts';
import { CATEGORY_LABEL, TICKET_STATUS_LABEL, formatDateTime } from '../format.ts';
import { CALLER_LOOKUP_PATH } from '../endpoints.ts';

/** Who is calling: the tenant(s) registered with this number at the called agency, and their previous tickets. */
export function CallerPopup({ call }: { call: LiveCall }) {
  const [lookup, setLookup] = useState<CallerLookup | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setLookup(null);
    setError(null);
    get<CallerLookup>(CALLER_LOOKUP_PATH(call.callSid))
      .then(setLookup)
      .catch((failure) => setError(errorText(failure)));
  }, [call.callSid]);

  if (error) return <p class="notice error">Ricerca chiamante non riuscita: {error}</p>;
  if (!lookup) return <p class="muted">Ricerca del chiamante…</p>;
  return (
    <div class="caller" data-testid="caller-popup">
      {lookup.tenants.length === 0 ? (
        <p class="notice info">Numero non presente nell’anagrafica inquilini dell’ente: chiedi nome e indirizzo.</p>
      ) : (
        lookup.tenants.map((tenant) => (
          <div class="tenant" key={tenant.code} data-testid="tenant">
            <div class="tenant-name">{tenant.name}</div>
            <div class="muted small">Codice inquilino {tenant.code}</div>
            <div>{dwellingText(tenant.dwelling)}</div>
          </div>
        ))
      )}
      <h3>Segnalazioni precedenti</h3>
      {lookup.previousTickets.length === 0 ? (
        <p class="muted small">Nessuna.</p>
      ) : (
        <ul class="previous">
          {lookup.previousTickets.slice(0, 5).map((ticket) => (
            <li key={ticket.ref}>
              <strong>{ticket.ref}</strong> · {CATEGORY_LABEL[ticket.category] ?? ticket.category} · {TICKET_STATUS_LABEL[ticket.status] ?? ticket.status} ·{' '}
              {formatDateTime(ticket.createdAt)}
              <div class="muted small clamp">{ticket.description}</div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function dwellingText(dwelling: Dwelling | null | undefined): string {
  if (!dwelling) return '—';
  const parts = [
    dwelling.address,
    dwelling.municipality,
    dwelling.building ? `edificio ${dwelling.building}` : null,
    dwelling.stair ? `scala ${dwelling.stair}` : null,
    dwelling.floor ? `piano ${dwelling.floor}` : null,
    dwelling.flat ? `interno ${dwelling.flat}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : '—';
}
