import { useState } from 'preact/hooks';
import type { CreatedUser, PasswordReset, UserAccount } from '../../../src/contracts/admin.ts';
import { AgencySelect } from '../components/agency-select.tsx';
import { TableScroll } from '../components/table-scroll.tsx';
import { patch, post } from '../api.ts';
import { ROLE_LABEL, formatDateTime } from '../format.ts';
import { ADMIN_API } from './admin-paths.ts';
import { SaveStatus } from './save-status.tsx';
import { agencyOptions, useAgencyNames, useResource, useSave } from './use-resource.ts';

type Agencies = Readonly<Record<string, string>>;

/**
 * Accounts: who they are, the agencies they serve, whether they may log in. Administrators create,
 * assign, disable and reset passwords; a generated password is shown once, to be handed over.
 */
export function UsersPanel({ canEdit }: { canEdit: boolean }) {
  const users = useResource<{ items: UserAccount[] }>(ADMIN_API.users);
  const agencies = useAgencyNames();
  const [editing, setEditing] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);
  const replace = (user: UserAccount) => users.setData((current) => current && { items: current.items.map((other) => (other.id === user.id ? user : other)) });

  return (
    <>
      <section class="card" aria-labelledby="users-title">
        <h2 id="users-title">Utenti</h2>
        {secret ? (
          <div class="notice success" role="alert">
            Password di <strong>{secret.username}</strong>: <code class="secret">{secret.password}</code>. Comunicala di persona: non verrà mostrata di nuovo, e
            le sessioni aperte dell’utente sono state chiuse.
          </div>
        ) : null}
        {users.error ? (
          <p class="notice error" role="alert">
            {users.error}
          </p>
        ) : null}
        {users.data === null && !users.error ? <p class="muted">Caricamento…</p> : null}
        {users.data ? (
          <TableScroll label="Utenti">
            <table class="users">
              <thead>
                <tr>
                  <th scope="col">Nome</th>
                  <th scope="col">Ruolo</th>
                  <th scope="col">Enti</th>
                  <th scope="col">Stato</th>
                  {canEdit ? (
                    <th scope="col">
                      <span class="sr-only">Azioni</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {users.data.items.map((user) => (
                  <UserRow
                    key={user.id}
                    user={user}
                    agencies={agencies}
                    canEdit={canEdit}
                    editing={editing === user.id}
                    onEdit={() => setEditing(editing === user.id ? null : user.id)}
                    onSaved={(saved) => {
                      replace(saved);
                      setEditing(null);
                    }}
                    onPassword={(password) => setSecret({ username: user.username, password })}
                  />
                ))}
              </tbody>
            </table>
          </TableScroll>
        ) : null}
      </section>
      {canEdit ? (
        <NewUserForm
          agencies={agencies}
          onCreated={(created) => {
            users.setData((current) => current && { items: [...current.items, created.user] });
            if (created.password) setSecret({ username: created.user.username, password: created.password });
          }}
        />
      ) : null}
    </>
  );
}

function UserRow(props: {
  user: UserAccount;
  agencies: Agencies;
  canEdit: boolean;
  editing: boolean;
  onEdit: () => void;
  onSaved: (user: UserAccount) => void;
  onPassword: (password: string) => void;
}) {
  const { user, agencies } = props;
  const { state, run } = useSave();
  const served = user.role === 'agency' ? [user.agency ?? ''] : user.agencies;
  // Two steps, on the page: a reset ends the user's sessions, which a slip of the finger should not.
  const [confirming, setConfirming] = useState(false);
  async function resetPassword() {
    setConfirming(false);
    const reset = await run(() => post<PasswordReset>(`${ADMIN_API.user(user.id)}/password`, {}), 'Password reimpostata.');
    if (reset?.password) props.onPassword(reset.password);
  }
  async function toggleDisabled() {
    const saved = await run(() => patch<UserAccount>(ADMIN_API.user(user.id), { disabled: !user.disabled }));
    if (saved) props.onSaved(saved);
  }
  return (
    <>
      <tr class={user.disabled ? 'disabled' : undefined}>
        <td>
          {user.displayName}
          <br />
          <span class="muted small">{user.username}</span>
        </td>
        <td>{ROLE_LABEL[user.role] ?? user.role}</td>
        <td>{served.map((code) => agencies[code] ?? code).join(', ') || '—'}</td>
        <td>
          {user.disabled ? 'Disattivato' : user.mustChangePassword ? 'Password provvisoria' : 'Attivo'}
          <br />
          <span class="muted small">ultimo accesso: {user.lastLoginAt ? formatDateTime(user.lastLoginAt) : 'mai'}</span>
        </td>
        {props.canEdit ? (
          <td class="row-actions">
            {user.role === 'agency' ? null : (
              <button type="button" class="small-button" aria-expanded={props.editing} onClick={props.onEdit}>
                Enti<span class="sr-only"> di {user.displayName}</span>
              </button>
            )}
            <button type="button" class="small-button" onClick={() => void toggleDisabled()}>
              {user.disabled ? 'Riattiva' : 'Disattiva'}
              <span class="sr-only"> {user.displayName}</span>
            </button>
            {confirming ? (
              <>
                <button type="button" class="small-button danger" onClick={() => void resetPassword()}>
                  Conferma: nuova password<span class="sr-only"> per {user.displayName}</span>
                </button>
                <button type="button" class="small-button" onClick={() => setConfirming(false)}>
                  Annulla
                </button>
              </>
            ) : (
              <button type="button" class="small-button" onClick={() => setConfirming(true)}>
                Reimposta password<span class="sr-only"> di {user.displayName}</span>
              </button>
            )}
            <SaveStatus state={state} />
          </td>
        ) : null}
      </tr>
      {props.editing ? (
        <tr>
          <td colSpan={5}>
            <AssignmentForm user={user} agencies={agencies} onSaved={props.onSaved} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function AgencyChoices({ agencies, chosen, onChange, legend }: { agencies: Agencies; chosen: string[]; onChange: (next: string[]) => void; legend: string }) {
  return (
    <fieldset class="choices">
      <legend>{legend}</legend>
      {Object.entries(agencies).map(([code, name]) => (
        <label key={code} class="inline">
          <input
            type="checkbox"
            checked={chosen.includes(code)}
            onChange={(event) => onChange(event.currentTarget.checked ? [...chosen, code] : chosen.filter((other) => other !== code))}
          />{' '}
          {name}
        </label>
      ))}
    </fieldset>
  );
}

function AssignmentForm({ user, agencies, onSaved }: { user: UserAccount; agencies: Agencies; onSaved: (user: UserAccount) => void }) {
  const [chosen, setChosen] = useState<string[]>(user.agencies);
  const { state, run } = useSave();
  async function save(event: Event) {
    event.preventDefault();
    const saved = await run(() => patch<UserAccount>(ADMIN_API.user(user.id), { agencies: chosen }));
    if (saved) onSaved(saved);
  }
  return (
    <form onSubmit={save} class="admin-form">
      <AgencyChoices agencies={agencies} chosen={chosen} onChange={setChosen} legend={`Enti serviti da ${user.displayName}`} />
      <div class="action-row">
        <button type="submit" class="primary" disabled={state.busy}>
          Salva enti
        </button>
      </div>
      <SaveStatus state={state} />
    </form>
  );
}

function NewUserForm({ agencies, onCreated }: { agencies: Agencies; onCreated: (created: CreatedUser) => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<UserAccount['role']>('agency');
  const [agency, setAgency] = useState('');
  const [served, setServed] = useState<string[]>([]);
  const { state, run, fail } = useSave('Questo nome utente è già in uso: scegline un altro.');

  async function create(event: Event) {
    event.preventDefault();
    if (!/^[a-z0-9][a-z0-9._-]{1,62}$/.test(username.trim().toLowerCase()))
      return fail('Il nome utente usa lettere, cifre, punti, trattini o trattini bassi (almeno 2 caratteri).');
    if (!displayName.trim()) return fail('Scrivi il nome e cognome come deve comparire sugli schermi.');
    if (role === 'agency' && !agency) return fail('Scegli l’ente del referente.');
    const created = await run(
      () =>
        post<CreatedUser>(ADMIN_API.users, {
          username: username.trim().toLowerCase(),
          displayName: displayName.trim(),
          role,
          ...(role === 'agency' ? { agency } : { agencies: served }),
        }),
      'Utente creato.',
    );
    if (created) {
      onCreated(created);
      setUsername('');
      setDisplayName('');
    }
  }

  return (
    <section class="card" aria-labelledby="new-user-title">
      <h2 id="new-user-title">Nuovo utente</h2>
      <form class="admin-form" onSubmit={create}>
        <label>
          Nome utente
          <input value={username} onInput={(event) => setUsername(event.currentTarget.value)} autoComplete="off" maxLength={63} />
        </label>
        <label>
          Nome e cognome
          <input value={displayName} onInput={(event) => setDisplayName(event.currentTarget.value)} maxLength={200} />
        </label>
        <label>
          Ruolo
          <select value={role} onChange={(event) => setRole(event.currentTarget.value as UserAccount['role'])}>
            {Object.entries(ROLE_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {role === 'agency' ? (
          <label>
            Ente del referente
            <AgencySelect agencies={agencyOptions(agencies)} value={agency} onChange={setAgency} placeholder="Scegli…" />
          </label>
        ) : (
          <AgencyChoices agencies={agencies} chosen={served} onChange={setServed} legend="Enti serviti" />
        )}
        <p class="small muted">La password viene generata e mostrata una sola volta.</p>
        <div class="action-row">
          <button type="submit" class="primary" disabled={state.busy}>
            Crea utente
          </button>
        </div>
        <SaveStatus state={state} />
      </form>
    </section>
  );
}
