import { useState } from 'preact/hooks';
import { ApiError, errorText, post } from '../api.ts';
import type { SessionStarted } from '../../../src/contracts/auth.ts';
import type { Session } from '../session.ts';

export function LoginScreen({ onLogin }: { onLogin: (session: Session) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await post<SessionStarted>('/api/v1/auth/login', { username: username.trim(), password });
      onLogin(session);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 401) setError('Nome utente o password non corretti.');
      else if (failure instanceof ApiError && failure.status === 429) setError('Troppi tentativi: attendi qualche minuto e riprova.');
      else setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="login">
      <form class="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Centralino</h1>
        <p class="muted">Call center per gli enti dell’edilizia residenziale pubblica</p>
        <label>
          Nome utente
          <input name="username" autoComplete="username" required autoFocus value={username} onInput={(event) => setUsername(event.currentTarget.value)} />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        {error ? (
          <p class="notice error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Accesso…' : 'Accedi'}
        </button>
      </form>
    </div>
  );
}
