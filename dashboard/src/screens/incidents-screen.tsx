import { useEffect, useState } from 'preact/hooks';
import type { Incident, IncidentBuildings, IncidentList } from '../../../src/contracts/incidents.ts';
import { errorText, get, post, query } from '../api.ts';
import { categoryOptions, categoryTitle } from '../categories.ts';
import { TableScroll } from '../components/table-scroll.tsx';
import { CHANNEL_LABEL, formatDateTime, formatInteger, TICKET_STATUS_LABEL } from '../format.ts';
import { useLive } from '../hooks.ts';
import type { LiveStore } from '../live-store.ts';

export const INCIDENTS_PATH = '/guasti';

const VIA_LABEL: Readonly<Record<string, string>> = {
  declared: 'Alla dichiarazione',
  linked: 'Collegata da un operatore',
  call: 'Dal telefono (tasto 1)',
  email: 'Per e-mail',
};

type Building = IncidentBuildings['items'][number];

/**
 * «Guasti di stabile»: a known problem in one building, declared here by operators and
 * supervisors. The building's callers hear it before the menu and may add their report by
 * pressing 1; closing it closes every linked ticket and tells the tenants who gave an e-mail.
 */
export function IncidentsScreen({ store }: { store: LiveStore }) {
  const live = useLive(store);
  const agencies = [...live.agencies.values()];
  const [items, setItems] = useState<Incident[] | null>(null);
  const [showClosed, setShowClosed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => store.onEvent((event) => (event.type.startsWith('incident.') || event.type.startsWith('ticket.')) && setTick((n) => n + 1)), [store]);
  useEffect(() => {
    get<IncidentList>(`/api/v1/incidents${query({ status: showClosed ? undefined : 'open' })}`)
      .then((answer) => {
        setItems(answer.items);
        setError(null);
      })
      .catch((failure) => setError(errorText(failure)));
  }, [showClosed, tick, live.generation]);

  const refresh = () => setTick((n) => n + 1);

  return (
    <div class="page incidents-page">
      <h1>Guasti di stabile</h1>
      <DeclareForm
        agencies={agencies}
        onDeclared={(incident) => {
          setNotice(`Guasto dichiarato per ${incident.address}: i chiamanti dello stabile lo sentiranno prima del menu.`);
          refresh();
        }}
      />
      <section class="card" aria-labelledby="incidents-title">
        <div class="panel-head wrap">
          <h2 id="incidents-title">
            {showClosed ? 'Tutti i guasti' : 'Guasti aperti'}{' '}
            <span class="count" data-testid="incidents-count">
              {items ? formatInteger(items.length) : '…'}
            </span>
          </h2>
          <label class="inline">
            <input type="checkbox" checked={showClosed} onChange={(event) => setShowClosed(event.currentTarget.checked)} /> Mostra anche i chiusi
          </label>
        </div>
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
        {items && items.length === 0 ? <p class="muted">Nessun guasto di stabile {showClosed ? '' : 'aperto'}.</p> : null}
        {items?.map((incident) => (
          <IncidentCard
            key={incident.id}
            incident={incident}
            agencyName={live.agencies.get(incident.agency)?.name ?? incident.agency}
            categoryLabel={categoryTitle(live.agencies.get(incident.agency), incident.category)}
            onChanged={(message) => {
              setNotice(message);
              refresh();
            }}
          />
        ))}
      </section>
    </div>
  );
}

function DeclareForm({
  agencies,
  onDeclared,
}: {
  agencies: readonly { code: string; name: string; categories: { code: string; label: string; retired: boolean }[] }[];
  onDeclared: (incident: Incident) => void;
}) {
  const [agency, setAgency] = useState(agencies[0]?.code ?? '');
  const [buildings, setBuildings] = useState<Building[]>([]);
  const [building, setBuilding] = useState('');
  const [category, setCategory] = useState('');
  const [description, setDescription] = useState('');
  const [expected, setExpected] = useState('');
  const [refs, setRefs] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!agency && agencies[0]) setAgency(agencies[0].code);
  }, [agencies.length]);
  useEffect(() => {
    if (!agency) return;
    setBuilding('');
    get<IncidentBuildings>(`/api/v1/incidents/buildings${query({ agency })}`)
      .then((answer) => setBuildings(answer.items))
      .catch((failure) => setError(errorText(failure)));
  }, [agency]);

  const options = categoryOptions(agencies.find((entry) => entry.code === agency));

  async function submit(event: Event) {
    event.preventDefault();
    const chosen = buildings.find((entry) => `${entry.municipality}|${entry.building}` === building);
    if (!chosen || !category || !description.trim()) {
      setError('Scegli lo stabile e la categoria e scrivi una breve descrizione.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const incident = await post<Incident>('/api/v1/incidents', {
        agency,
        municipality: chosen.municipality,
        building: chosen.building,
        category,
        description: description.trim(),
        expectedResolutionAt: expected ? new Date(expected).toISOString() : null,
        ticketRefs: refs
          .split(/[\s,;]+/)
          .map((ref) => ref.trim())
          .filter(Boolean),
      });
      setDescription('');
      setExpected('');
      setRefs('');
      onDeclared(incident);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="declare-title">
      <h2 id="declare-title">Dichiara un guasto</h2>
      <form class="incident-form" onSubmit={(event) => void submit(event)}>
        <label>
          Ente
          <select name="agency" value={agency} onChange={(event) => setAgency(event.currentTarget.value)}>
            {agencies.map((entry) => (
              <option key={entry.code} value={entry.code}>
                {entry.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Stabile
          <select name="building" value={building} onChange={(event) => setBuilding(event.currentTarget.value)} required>
            <option value="">Scegli…</option>
            {buildings.map((entry) => (
              <option key={`${entry.municipality}|${entry.building}`} value={`${entry.municipality}|${entry.building}`}>
                {entry.address}
                {entry.municipality ? `, ${entry.municipality}` : ''} ({entry.building}, {entry.tenants} inquilini)
              </option>
            ))}
          </select>
        </label>
        <label>
          Categoria
          <select name="category" value={category} onChange={(event) => setCategory(event.currentTarget.value)} required>
            <option value="">Scegli…</option>
            {options.map((option) => (
              <option key={option.code} value={option.code}>
                {option.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Descrizione breve (la sentono i chiamanti)
          <input name="description" type="text" maxLength={300} value={description} onInput={(event) => setDescription(event.currentTarget.value)} required />
        </label>
        <label>
          Risoluzione prevista
          <input name="expected" type="datetime-local" value={expected} onInput={(event) => setExpected(event.currentTarget.value)} />
        </label>
        <label>
          Segnalazioni da collegare (numeri, facoltativo)
          <input name="refs" type="text" value={refs} placeholder="PV-2026-000123" onInput={(event) => setRefs(event.currentTarget.value)} />
        </label>
        {error ? (
          <p class="notice error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          Dichiara il guasto
        </button>
      </form>
    </section>
  );
}

function IncidentCard({
  incident,
  agencyName,
  categoryLabel,
  onChanged,
}: {
  incident: Incident;
  agencyName: string;
  categoryLabel: string;
  onChanged: (message: string) => void;
}) {
  const [linking, setLinking] = useState('');
  const [closingNote, setClosingNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const titleId = `incident-${incident.id}`;

  async function link(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      await post(`/api/v1/incidents/${incident.id}/tickets`, { ticketRefs: linking.split(/[\s,;]+/).filter(Boolean) });
      setLinking('');
      onChanged('Segnalazioni collegate al guasto.');
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  async function close() {
    setError(null);
    try {
      await post(`/api/v1/incidents/${incident.id}/close`, closingNote.trim() ? { note: closingNote.trim() } : {});
      onChanged(`Guasto di ${incident.address} chiuso: le segnalazioni collegate sono chiuse e gli inquilini con e-mail avvisati.`);
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  return (
    <article class="incident" aria-labelledby={titleId} data-testid="incident" data-status={incident.status}>
      <h3 id={titleId}>
        {incident.address}
        {incident.municipality ? `, ${incident.municipality}` : ''} — {categoryLabel}
        {incident.status === 'closed' ? ' (chiuso)' : ''}
      </h3>
      <p>{incident.description}</p>
      <dl class="incident-facts">
        <div>
          <dt>Ente</dt>
          <dd>{agencyName}</dd>
        </div>
        <div>
          <dt>Dichiarato</dt>
          <dd>
            {formatDateTime(incident.createdAt)} da {incident.createdBy}
          </dd>
        </div>
        <div>
          <dt>Risoluzione prevista</dt>
          <dd>{incident.expectedResolutionAt ? formatDateTime(incident.expectedResolutionAt) : '—'}</dd>
        </div>
        <div>
          <dt>Chiamate che l’hanno ascoltato (risolte senza operatore)</dt>
          <dd data-testid="incident-calls">
            {formatInteger(incident.callsHeard)} ({formatInteger(incident.callsReported)})
          </dd>
        </div>
      </dl>
      <TableScroll label={`Segnalazioni collegate al guasto di ${incident.address}`}>
        <table class="incident-tickets" data-testid="incident-tickets">
          <caption>Segnalazioni collegate: {formatInteger(incident.tickets.length)}</caption>
          <thead>
            <tr>
              <th scope="col">Numero</th>
              <th scope="col">Stato</th>
              <th scope="col">Canale</th>
              <th scope="col">Collegata</th>
            </tr>
          </thead>
          <tbody>
            {incident.tickets.map((ticket) => (
              <tr key={ticket.ref} data-ref={ticket.ref} data-status={ticket.status}>
                <th scope="row">{ticket.ref}</th>
                <td>{TICKET_STATUS_LABEL[ticket.status] ?? ticket.status}</td>
                <td>{CHANNEL_LABEL[ticket.channel] ?? ticket.channel}</td>
                <td>
                  {VIA_LABEL[ticket.via] ?? ticket.via}, {formatDateTime(ticket.linkedAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {incident.status === 'open' ? (
        <div class="incident-actions">
          <form class="inline-form" onSubmit={(event) => void link(event)}>
            <label>
              Collega segnalazioni
              <input type="text" value={linking} placeholder="PV-2026-000123" onInput={(event) => setLinking(event.currentTarget.value)} />
            </label>
            <button type="submit" disabled={!linking.trim()}>
              Collega
            </button>
          </form>
          <div class="inline-form">
            <label>
              Nota di chiusura (inviata agli inquilini)
              <input type="text" maxLength={500} value={closingNote} onInput={(event) => setClosingNote(event.currentTarget.value)} />
            </label>
            <button type="button" class="primary" onClick={() => void close()}>
              Chiudi il guasto
            </button>
          </div>
        </div>
      ) : (
        <p class="muted small">
          Chiuso il {formatDateTime(incident.closedAt)} da {incident.closedBy}
          {incident.closingNote ? `: ${incident.closingNote}` : ''}
        </p>
      )}
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
    </article>
  );
}
