import { useState } from 'preact/hooks';
import type { SessionStarted } from '../../../src/contracts/auth.ts';
import { ApiError, errorText, post } from '../api.ts';
import { PASSWORD_MIN_LENGTH as MIN_LENGTH } from '../../../src/domain/password-rules.ts';
import type { Session, User } from '../session.ts';

/**
 * First login with a password an administrator generated (new account, reset): the user chooses
 * their own before any screen opens. The server refuses everything else meanwhile.
 */
export function PasswordScreen({ user, onChanged, onLogout }: { user: User; onChanged: (session: Session) => void; onLogout: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (next.length < MIN_LENGTH) return setError(`La nuova password deve avere almeno ${MIN_LENGTH} caratteri.`);
    if (next !== again) return setError('Le due nuove password non coincidono.');
    if (next === current) return setError('Scegli una password diversa da quella provvisoria.');
    setBusy(true);
    setError(null);
    try {
      onChanged(await post<SessionStarted>('/api/v1/auth/password', { currentPassword: current, newPassword: next }));
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 403 ? 'La password provvisoria non è corretta.' : errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="login">
      <form class="card login-card" onSubmit={submit} aria-labelledby="password-title">
        <h1 id="password-title">Scegli la tua password</h1>
        <p class="muted">
          {user.displayName}, la password che hai ricevuto è provvisoria: sceglierne una tua è il primo passo. Almeno {MIN_LENGTH} caratteri, diversa dal nome
          utente.
        </p>
        <label>
          Password provvisoria
          <input type="password" autoComplete="current-password" required value={current} onInput={(event) => setCurrent(event.currentTarget.value)} />
        </label>
        <label>
          Nuova password
          <input type="password" autoComplete="new-password" required value={next} onInput={(event) => setNext(event.currentTarget.value)} />
        </label>
        <label>
          Ripeti la nuova password
          <input type="password" autoComplete="new-password" required value={again} onInput={(event) => setAgain(event.currentTarget.value)} />
        </label>
        {error ? (
          <p class="notice error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Salvataggio…' : 'Salva e continua'}
        </button>
        <button type="button" class="ghost" onClick={onLogout}>
          Esci
        </button>
      </form>
    </div>
  );
}
