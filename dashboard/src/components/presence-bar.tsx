import { useState } from 'preact/hooks';
import type { LiveOperator } from '../../../src/contracts/live.ts';
import { errorText, put } from '../api.ts';
import { LOCATION_LABEL, PRESENCE_LABEL } from '../format.ts';
import { PRESENCE_PATH } from '../endpoints.ts';

/** The states an operator sets by hand; on call and wrap-up follow the softphone. */
const SELECTABLE = ['available', 'break', 'offline'] as const;
const LOCATIONS = ['on_site', 'remote'] as const;

let lastLocation: string = 'on_site';

export async function setMyPresence(change: { presence?: string; location?: string }): Promise<void> {
  const body = { presence: change.presence, location: change.location ?? lastLocation };
  await put(PRESENCE_PATH, body);
  lastLocation = body.location;
}

/**
 * Why break and off duty cannot be chosen now, following the server's presence table
 * (src/domain/presence-state.ts): never on a call; from wrap-up only once the outcome is given.
 */
export function presenceLockReason(presence: string, inCall: boolean): string | null {
  if (presence === 'on_call' || inCall) return 'Durante una chiamata non puoi andare in pausa né fuori servizio: prima termina la chiamata e indica l’esito.';
  if (presence === 'wrap_up') return 'Indica prima l’esito della chiamata appena conclusa (o attendi la fine del post-chiamata).';
  return null;
}

export function PresenceBar({ me, inCall = false }: { me: LiveOperator | null; inCall?: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const presence = me?.state ?? 'offline';
  const lockReason = presenceLockReason(presence, inCall);
  const location = me?.location ?? lastLocation;
  if (me?.location) lastLocation = me.location;

  async function change(next: { presence?: string; location?: string }) {
    setError(null);
    try {
      await setMyPresence({
        presence: next.presence ?? (presence === 'offline' && next.location ? 'available' : presence),
        location: next.location ?? location,
      });
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  return (
    <div class="presence">
      <div class="segmented" role="group" aria-label="Stato" aria-describedby={lockReason ? 'presence-lock' : undefined}>
        {SELECTABLE.map((value) => (
          <button
            type="button"
            key={value}
            aria-pressed={presence === value}
            // Available stays open in wrap-up (the server allows it); break and off duty wait for the call to end.
            disabled={lockReason !== null && (value !== 'available' || presence === 'on_call' || inCall)}
            onClick={() => void change({ presence: value })}
            data-presence={value}
          >
            {PRESENCE_LABEL[value]}
          </button>
        ))}
      </div>
      {lockReason ? (
        <p class="muted small" id="presence-lock" data-testid="presence-lock">
          {lockReason}
        </p>
      ) : null}
      <div class="segmented" role="group" aria-label="Postazione">
        {LOCATIONS.map((value) => (
          <button type="button" key={value} aria-pressed={location === value} onClick={() => void change({ location: value })} data-location={value}>
            {LOCATION_LABEL[value]}
          </button>
        ))}
      </div>
      {presence === 'on_call' || presence === 'wrap_up' ? <span class={`badge ${presence}`}>{PRESENCE_LABEL[presence]}</span> : null}
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
