import type { Connection } from '../live-store.ts';

const TEXT: Readonly<Record<Connection, string>> = {
  connecting: 'Connessione…',
  live: 'In tempo reale',
  resyncing: 'Aggiornamento…',
  offline: 'Non connesso: riprovo…',
};

/** Tells at a glance whether what the screen shows is live. */
export function ConnectionBadge({ connection }: { connection: Connection }) {
  return (
    <span class={`badge connection ${connection}`} role="status" aria-live="polite" data-connection={connection}>
      <span class="dot" aria-hidden="true" />
      {TEXT[connection]}
    </span>
  );
}
