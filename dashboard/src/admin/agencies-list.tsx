import { useState } from 'preact/hooks';
import type { AgencyConfig, AgencyProfile } from '../../../src/contracts/admin.ts';
import { TableScroll } from '../components/table-scroll.tsx';
import { post } from '../api.ts';
import { navigate } from '../router.ts';
import { ADMIN_API, agencyAdminPath } from './admin-paths.ts';
import { SaveStatus } from './save-status.tsx';
import { useResource, useSave } from './use-resource.ts';

/** "Comune di Sesto San Giovanni" → "comune-di-sesto-san-giovanni": a code proposed from the name. */
function codeFrom(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

/** The client agencies: open one to configure it; administrators add a new one. */
export function AgenciesList({ canCreate }: { canCreate: boolean }) {
  const { data, error } = useResource<{ items: AgencyProfile[] }>(ADMIN_API.agencies);
  return (
    <>
      <section class="card" aria-labelledby="agencies-title">
        <h2 id="agencies-title">Enti clienti</h2>
        {error ? (
          <p class="notice error" role="alert">
            {error}
          </p>
        ) : null}
        {data === null && !error ? <p class="muted">Caricamento…</p> : null}
        {data?.items.length === 0 ? <p class="empty-state">Nessun ente visibile: chiedi a un amministratore di assegnarti gli enti che servi.</p> : null}
        {data && data.items.length > 0 ? (
          <TableScroll label="Enti clienti">
            <table>
              <thead>
                <tr>
                  <th scope="col">Ente</th>
                  <th scope="col">Codice</th>
                  <th scope="col">Prefisso</th>
                  <th scope="col" class="num">
                    Livello di servizio
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((agency) => (
                  <tr key={agency.code}>
                    <td>
                      <a
                        href={agencyAdminPath(agency.code)}
                        onClick={(event) => {
                          event.preventDefault();
                          navigate(agencyAdminPath(agency.code));
                        }}
                      >
                        {agency.name}
                      </a>
                    </td>
                    <td>
                      <code>{agency.code}</code>
                    </td>
                    <td>{agency.ticketPrefix}</td>
                    <td class="num">
                      {agency.serviceLevelTargetPct}% entro {agency.serviceLevelSeconds} s
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ) : null}
      </section>
      {canCreate ? <NewAgencyForm /> : null}
    </>
  );
}

function NewAgencyForm() {
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [codeTouched, setCodeTouched] = useState(false);
  const [prefix, setPrefix] = useState('');
  const { state, run, fail } = useSave('Esiste già un ente con questo codice o con questo prefisso: scegline un altro.');
  const shownCode = codeTouched ? code : codeFrom(name);

  async function create(event: Event) {
    event.preventDefault();
    if (!name.trim()) return fail('Scrivi il nome dell’ente.');
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(shownCode)) return fail('Il codice usa lettere minuscole, cifre e trattini (almeno 2 caratteri).');
    if (!/^[A-Z]{2,4}$/.test(prefix)) return fail('Il prefisso delle segnalazioni è di 2–4 lettere maiuscole, per esempio SS.');
    const created = await run(() => post<AgencyConfig>(ADMIN_API.agencies, { name: name.trim(), code: shownCode, ticketPrefix: prefix }), 'Ente creato.');
    if (created) navigate(agencyAdminPath(created.code));
  }

  return (
    <section class="card" aria-labelledby="new-agency-title">
      <h2 id="new-agency-title">Nuovo ente</h2>
      <p class="muted small">
        L’ente nasce con le categorie e le code predefinite e senza numeri, indirizzi né orari: li aggiungi nella sua pagina. Finché non ha orari risulta
        chiuso.
      </p>
      <form class="admin-form" onSubmit={create}>
        <label>
          Nome
          <input value={name} onInput={(event) => setName(event.currentTarget.value)} maxLength={200} placeholder="Comune di … – Servizio …" />
        </label>
        <label>
          Codice (nei nomi delle code e negli indirizzi dell’API)
          <input
            value={shownCode}
            onInput={(event) => {
              setCodeTouched(true);
              setCode(event.currentTarget.value);
            }}
            maxLength={63}
          />
        </label>
        <label>
          Prefisso delle segnalazioni
          <input value={prefix} onInput={(event) => setPrefix(event.currentTarget.value.toUpperCase())} maxLength={4} placeholder="SS" />
        </label>
        <div class="action-row">
          <button type="submit" class="primary" disabled={state.busy}>
            Crea ente
          </button>
        </div>
        <SaveStatus state={state} />
      </form>
    </section>
  );
}
