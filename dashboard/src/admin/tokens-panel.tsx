import { useState } from 'preact/hooks';
import type { ApiToken } from '../../../src/contracts/admin.ts';
import { AgencySelect } from '../components/agency-select.tsx';
import { TableScroll } from '../components/table-scroll.tsx';
import { api, post } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { ADMIN_API } from './admin-paths.ts';
import { SaveStatus } from './save-status.tsx';
import { agencyOptions, useAgencyNames, useResource, useSave } from './use-resource.ts';

type CreatedToken = ApiToken & { token: string };

/**
 * The tokens agencies' systems call the API with: one agency each, the secret shown once at
 * creation, revocable at once. Only an administrator serving the agency mints one.
 */
export function TokensPanel({ canEdit }: { canEdit: boolean }) {
  const tokens = useResource<{ items: ApiToken[] }>(ADMIN_API.tokens);
  const agencies = useAgencyNames();
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [agency, setAgency] = useState('');
  const [name, setName] = useState('');
  const { state, run, fail } = useSave();

  async function create(event: Event) {
    event.preventDefault();
    if (!agency) return fail('Scegli l’ente del token.');
    if (!name.trim()) return fail('Dai un nome al token (per esempio il gestionale che lo userà).');
    const token = await run(() => post<CreatedToken>(ADMIN_API.tokens, { agency, name: name.trim() }), 'Token creato.');
    if (token) {
      setCreated(token);
      setName('');
      void tokens.reload();
    }
  }
  async function revoke(token: ApiToken) {
    const revoked = await run(() => api<ApiToken>('DELETE', ADMIN_API.token(token.id)), 'Token revocato.');
    if (revoked) tokens.setData((current) => current && { items: current.items.map((other) => (other.id === revoked.id ? revoked : other)) });
  }

  return (
    <>
      <section class="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Token API degli enti</h2>
        {created ? (
          <div class="notice success" role="alert">
            Token «{created.name}» per {agencies[created.agency] ?? created.agency}: <code class="secret">{created.token}</code>. Copialo ora nel sistema
            dell’ente: non verrà mostrato di nuovo.
          </div>
        ) : null}
        {tokens.error ? (
          <p class="notice error" role="alert">
            {tokens.error}
          </p>
        ) : null}
        {tokens.data?.items.length === 0 ? <p class="muted">Nessun token: gli enti che si collegano con i propri sistemi ne hanno bisogno di uno.</p> : null}
        {tokens.data && tokens.data.items.length > 0 ? (
          <TableScroll label="Token API">
            <table>
              <thead>
                <tr>
                  <th scope="col">Nome</th>
                  <th scope="col">Ente</th>
                  <th scope="col">Inizia con</th>
                  <th scope="col">Ultimo uso</th>
                  <th scope="col">Stato</th>
                </tr>
              </thead>
              <tbody>
                {tokens.data.items.map((token) => (
                  <tr key={token.id}>
                    <td>{token.name}</td>
                    <td>{agencies[token.agency] ?? token.agency}</td>
                    <td>
                      <code>{token.prefix}…</code>
                    </td>
                    <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'mai'}</td>
                    <td>
                      {token.revokedAt ? (
                        `Revocato il ${formatDateTime(token.revokedAt)}`
                      ) : canEdit ? (
                        <button type="button" class="small-button danger" onClick={() => void revoke(token)}>
                          Revoca<span class="sr-only"> {token.name}</span>
                        </button>
                      ) : (
                        'Attivo'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ) : null}
      </section>
      {canEdit ? (
        <section class="card" aria-labelledby="new-token-title">
          <h2 id="new-token-title">Nuovo token</h2>
          <form class="admin-form" onSubmit={create}>
            <label>
              Ente
              <AgencySelect agencies={agencyOptions(agencies)} value={agency} onChange={setAgency} placeholder="Scegli…" />
            </label>
            <label>
              Nome
              <input value={name} onInput={(event) => setName(event.currentTarget.value)} maxLength={100} placeholder="Gestionale manutenzioni" />
            </label>
            <div class="action-row">
              <button type="submit" class="primary" disabled={state.busy}>
                Crea token
              </button>
            </div>
          </form>
        </section>
      ) : null}
      <SaveStatus state={state} />
    </>
  );
}
