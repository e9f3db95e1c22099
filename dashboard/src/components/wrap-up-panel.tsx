import { useEffect, useRef, useState } from 'preact/hooks';
import type { OutcomeCodes } from '../../../src/contracts/calls.ts';
import type { LiveCall } from '../../../src/contracts/live.ts';
import { errorText, get, post } from '../api.ts';
import { CALL_OUTCOME_PATH, OUTCOME_CODES_PATH } from '../endpoints.ts';
import { formatDuration } from '../format.ts';

/**
 * After a call: the outcome code (esito) of the call's agency, chosen with the keyboard alone. Focus
 * moves to the first code when the panel opens (the call just ended), arrows choose, Enter concludes.
 * The countdown is the wrap-up limit: past it the server makes the operator available by itself,
 * and the outcome can still be recorded.
 */
export function WrapUpPanel({
  call,
  remainingSeconds,
  onDone,
}: {
  call: LiveCall;
  /** Seconds left of the wrap-up limit, null when unknown. */
  remainingSeconds: number | null;
  onDone: () => void;
}) {
  const [codes, setCodes] = useState<OutcomeCodes['items'] | null>(null);
  const [choice, setChoice] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!call.agency) return;
    get<OutcomeCodes>(OUTCOME_CODES_PATH(call.agency))
      .then((answer) => setCodes(answer.items))
      .catch((failure) => setError(errorText(failure)));
  }, [call.agency]);

  // The call just ended: the operator's next step is here, without reaching for the mouse; unless
  // they are still writing the ticket (the caller hung up first), whose typing must not be cut.
  useEffect(() => {
    if (!codes || codes.length === 0 || document.activeElement?.closest('form.ticket-form')) return;
    first.current?.focus();
  }, [codes]);

  async function conclude(event: Event) {
    event.preventDefault();
    if (!choice) {
      setError('Scegli l’esito della chiamata.');
      first.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await post(CALL_OUTCOME_PATH(call.callSid), { code: choice });
      onDone();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="wrap-up" onSubmit={(event) => void conclude(event)} data-testid="wrap-up" aria-labelledby="wrap-up-title">
      <div class="wrap-up-head">
        <h3 id="wrap-up-title">Post-chiamata: esito</h3>
        {remainingSeconds !== null ? (
          <span class={`badge ${remainingSeconds > 0 ? 'wrap_up' : 'muted-badge'}`} role="timer" aria-live="off" data-testid="wrap-up-timer">
            {remainingSeconds > 0 ? `Tempo rimasto ${formatDuration(remainingSeconds)}` : 'Tempo scaduto: sei di nuovo disponibile'}
          </span>
        ) : null}
      </div>
      {codes === null && !error ? <p class="muted small">Caricamento esiti…</p> : null}
      {codes ? (
        <fieldset class="outcome-codes">
          <legend>Esito della chiamata</legend>
          {codes.map((entry, index) => (
            <label key={entry.code} class="radio">
              <input
                ref={index === 0 ? first : undefined}
                type="radio"
                name="outcome-code"
                value={entry.code}
                checked={choice === entry.code}
                onChange={() => setChoice(entry.code)}
              />
              {entry.label}
            </label>
          ))}
        </fieldset>
      ) : null}
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" class="primary" disabled={busy} data-testid="wrap-up-done">
        Concludi
      </button>
    </form>
  );
}
