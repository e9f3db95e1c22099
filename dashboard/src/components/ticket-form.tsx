import { useEffect, useState } from 'preact/hooks';
import type { Dwelling } from '../../../src/contracts/common.ts';
import type { LiveAgency, LiveCall } from '../../../src/contracts/live.ts';
import type { CallerLookup } from '../../../src/contracts/tenants.ts';
import type { Ticket } from '../../../src/contracts/tickets.ts';
import { errorText, get, post } from '../api.ts';
import { categoryOptions } from '../categories.ts';
import { CALLER_LOOKUP_PATH, TICKETS_PATH } from '../endpoints.ts';
import { AgencySelect } from './agency-select.tsx';

const DWELLING_FIELDS: readonly [keyof Dwelling, string][] = [
  ['address', 'Indirizzo'],
  ['municipality', 'Comune'],
  ['building', 'Edificio'],
  ['stair', 'Scala'],
  ['floor', 'Piano'],
  ['flat', 'Interno'],
];

/** The ticket registered during the call, linked to its CallSid; prefilled from the call and the tenant registry. */
export function TicketForm({ call, agencies, onCreated }: { call: LiveCall; agencies: LiveAgency[]; onCreated: (ticket: Ticket) => void }) {
  const [agency, setAgency] = useState(call.agency ?? agencies[0]?.code ?? '');
  const [category, setCategory] = useState(call.category ?? 'maintenance');
  const [description, setDescription] = useState('');
  const [callerName, setCallerName] = useState('');
  // What the operator types: any part may be missing; only the filled ones are sent.
  const [dwelling, setDwelling] = useState<Partial<Dwelling>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // The registry usually knows the caller: fill in what the operator would otherwise ask.
    get<CallerLookup>(CALLER_LOOKUP_PATH(call.callSid))
      .then((lookup) => {
        const tenant = lookup.tenants[0];
        if (!tenant) return;
        setCallerName((current) => current || tenant.name);
        setDwelling((current) => (Object.values(current).some(Boolean) ? current : tenant.dwelling));
      })
      .catch(() => {});
  }, [call.callSid]);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const cleanDwelling = Object.fromEntries(Object.entries(dwelling).filter(([, value]) => value));
      const ticket = await post<Ticket>(TICKETS_PATH, {
        agency,
        category,
        description: description.trim(),
        channel: 'voice',
        callSid: call.callSid,
        caller: { phone: call.from ?? undefined, name: callerName.trim() || undefined },
        dwelling: Object.keys(cleanDwelling).length ? cleanDwelling : undefined,
      });
      onCreated(ticket);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="ticket-form" onSubmit={submit} aria-labelledby="ticket-title">
      <h3 id="ticket-title">Nuova segnalazione</h3>
      <div class="row">
        <label>
          Ente
          {/* A call to an agency's number can only be filed for that agency: no other choice is offered. */}
          <AgencySelect
            name="agency"
            agencies={call.agency ? agencies.filter((option) => option.code === call.agency) : agencies}
            value={agency}
            onChange={setAgency}
          />
        </label>
        <label>
          Categoria
          <select name="category" value={category} onChange={(event) => setCategory(event.currentTarget.value)}>
            {categoryOptions(agencies.find((option) => option.code === agency)).map((option) => (
              <option key={option.code} value={option.code}>
                {option.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Nome del chiamante
          <input name="callerName" value={callerName} onInput={(event) => setCallerName(event.currentTarget.value)} />
        </label>
      </div>
      <label>
        Descrizione
        <textarea
          name="description"
          required
          rows={3}
          placeholder="Cosa segnala l’inquilino, dove, da quando"
          value={description}
          onInput={(event) => setDescription(event.currentTarget.value)}
        />
      </label>
      <fieldset class="dwelling">
        <legend>Alloggio</legend>
        {DWELLING_FIELDS.map(([field, label]) => (
          <label key={field} class={field === 'address' ? 'wide' : ''}>
            {label}
            <input
              name={`dwelling.${field}`}
              value={dwelling[field] ?? ''}
              onInput={(event) => setDwelling({ ...dwelling, [field]: event.currentTarget.value })}
            />
          </label>
        ))}
      </fieldset>
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" class="primary" disabled={busy || description.trim() === ''} data-testid="create-ticket">
        Registra segnalazione
      </button>
    </form>
  );
}
